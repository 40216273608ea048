from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.organisations.models import Invitation, Membership, Organisation, Role
from werkplaats.organisations.services import revoke_invitation

CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
LINK_RE = re.compile(r"https?://[^/\s]+(?P<path>/invitations/[^/\s]+/)")
NEW_PASSWORD = "lasnaad-en-soldeerbout-42"


@pytest.fixture
def admin_client(client: Client, org_admin: User) -> Client:
    client.force_login(org_admin)
    return client


@pytest.fixture
def invite(
    admin_client: Client, organisation: Organisation, django_capture_on_commit_callbacks: CaptureOnCommit
) -> Callable[..., str]:
    """Invite someone through the form, as organisation A's administrator; return the link's path."""

    def _invite(email: str, *roles: str, language: str = "nl", name: str = "") -> str:
        data = {"email": email, "name": name, "roles": list(roles) or [Role.CONSULTANT], "language": language}
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("organisations:invite", args=[organisation.slug]), data)
        assert response.status_code == 302, response.content.decode()
        body = str(mail.outbox[-1].body)
        match = LINK_RE.search(body)
        assert match, body
        return match["path"]

    return _invite


def _accept_as_new_user(link: str, name: str = "Fenna Dijkstra") -> tuple[Client, Any]:
    visitor = Client()
    response = visitor.post(link, {"name": name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    return visitor, response


def _logged_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


# --- Sending -------------------------------------------------------------------------------


def test_inviting_sends_one_email_to_the_invitee(invite: Callable[..., str], mailoutbox: list[Any]) -> None:
    invite("fenna@example.nl")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["fenna@example.nl"]


def test_the_invitation_email_is_in_dutch_when_dutch_was_chosen(
    invite: Callable[..., str], mailoutbox: list[Any]
) -> None:
    invite("fenna@example.nl", language="nl")

    assert mailoutbox[0].subject == "Uitnodiging voor Gemeente Haren in Werkplaats"


def test_the_invitation_email_is_in_english_when_english_was_chosen(
    invite: Callable[..., str], mailoutbox: list[Any]
) -> None:
    invite("fenna@example.nl", language="en")

    assert mailoutbox[0].subject == "Invitation to join Gemeente Haren in Werkplaats"


def test_the_email_names_the_roles_in_the_invitees_language(invite: Callable[..., str], mailoutbox: list[Any]) -> None:
    invite("fenna@example.nl", Role.WORKPLACE_TRAINER, language="en")

    assert "workplace trainer" in mailoutbox[0].body


def test_only_a_hash_of_the_token_is_stored(invite: Callable[..., str]) -> None:
    link = invite("fenna@example.nl")
    token = link.rstrip("/").rsplit("/", 1)[1]

    invitation = Invitation.objects.get(email="fenna@example.nl")
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_inviting_someone_who_is_already_a_member_shows_an_error(
    admin_client: Client, organisation: Organisation, consultant: User, mailoutbox: list[Any]
) -> None:
    response = admin_client.post(
        reverse("organisations:invite", args=[organisation.slug]),
        {"email": consultant.email.upper(), "roles": [Role.LEARNER], "language": "nl"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not mailoutbox


def test_a_new_invitation_replaces_an_open_one_for_the_same_address(invite: Callable[..., str]) -> None:
    first = invite("fenna@example.nl")
    invite("Fenna@Example.nl")

    assert Client().get(first).status_code == 404
    assert Invitation.objects.pending().filter(email="fenna@example.nl").count() == 1


# --- Accepting as a new user ---------------------------------------------------------------


def test_the_link_shows_a_form_to_choose_a_password(invite: Callable[..., str]) -> None:
    response = Client().get(invite("fenna@example.nl"))

    assert response.status_code == 200
    assert "password1" in response.context["form"].fields


def test_a_new_user_sets_a_password_and_becomes_a_member_with_the_roles(
    invite: Callable[..., str], organisation: Organisation
) -> None:
    link = invite("fenna@example.nl", Role.CONSULTANT, Role.LEARNER)

    _accept_as_new_user(link)

    user = User.objects.get(email="fenna@example.nl")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.active().get(user=user, organisation=organisation)
    assert set(membership.roles) == {Role.CONSULTANT, Role.LEARNER}


def test_a_new_user_is_logged_in_after_accepting(invite: Callable[..., str]) -> None:
    visitor, response = _accept_as_new_user(invite("fenna@example.nl"))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert _logged_in_user_id(visitor) == User.objects.get(email="fenna@example.nl").pk


def test_a_new_user_gets_the_language_of_the_invitation(invite: Callable[..., str]) -> None:
    _accept_as_new_user(invite("fenna@example.nl", language="en"))

    assert User.objects.get(email="fenna@example.nl").language == "en"


def test_a_weak_password_is_refused(invite: Callable[..., str]) -> None:
    link = invite("fenna@example.nl")

    response = Client().post(link, {"name": "Fenna", "password1": "12345678", "password2": "12345678"})

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="fenna@example.nl").exists()


def test_the_link_cannot_be_used_twice(invite: Callable[..., str]) -> None:
    link = invite("fenna@example.nl")
    _accept_as_new_user(link)

    assert Client().get(link).status_code == 404
    _, response = _accept_as_new_user(link, name="Someone Else")
    assert response.status_code == 404


def test_an_expired_link_gives_404(invite: Callable[..., str]) -> None:
    link = invite("fenna@example.nl")
    Invitation.objects.filter(email="fenna@example.nl").update(expires_at=timezone.now() - timedelta(seconds=1))

    assert Client().get(link).status_code == 404
    _, response = _accept_as_new_user(link)
    assert response.status_code == 404
    assert not User.objects.filter(email="fenna@example.nl").exists()


def test_a_revoked_link_gives_404(invite: Callable[..., str], org_admin: User) -> None:
    link = invite("fenna@example.nl")
    revoke_invitation(Invitation.objects.get(email="fenna@example.nl"), by=org_admin)

    assert Client().get(link).status_code == 404


def test_the_admin_withdraws_an_invitation_from_the_organisation_page(
    invite: Callable[..., str], admin_client: Client, organisation: Organisation
) -> None:
    link = invite("fenna@example.nl")
    invitation = Invitation.objects.get(email="fenna@example.nl")

    response = admin_client.post(reverse("organisations:invitation-revoke", args=[organisation.slug, invitation.pk]))

    assert response.status_code == 302
    assert Client().get(link).status_code == 404


def test_an_unknown_token_gives_404(db: None) -> None:
    response = Client().get(reverse("organisations:accept-invitation", args=["not-a-real-token"]))

    assert response.status_code == 404


# --- Accepting with an existing account ----------------------------------------------------


@pytest.fixture
def existing() -> User:
    return UserFactory.create(email="fenna@example.nl")


def test_an_existing_user_is_asked_to_log_in(invite: Callable[..., str], existing: User) -> None:
    response = Client().get(invite(existing.email))

    assert response.status_code == 200
    assert "form" not in response.context
    assert reverse("account_login") in response.content.decode()


def test_an_anonymous_post_cannot_accept_for_an_existing_user(
    invite: Callable[..., str], existing: User, organisation: Organisation
) -> None:
    link = invite(existing.email)

    Client().post(link, {"name": "Mallory", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert not Membership.objects.filter(user=existing, organisation=organisation).exists()
    assert not User.objects.get(pk=existing.pk).check_password(NEW_PASSWORD)


def test_an_existing_user_logged_in_as_that_address_accepts(
    invite: Callable[..., str], existing: User, organisation: Organisation
) -> None:
    link = invite(existing.email, Role.MEMBER)
    visitor = Client()
    visitor.force_login(existing)

    response = visitor.post(link)

    assert response.status_code == 302
    assert Membership.objects.active().get(user=existing, organisation=organisation).roles == [Role.MEMBER]
    assert Client().get(link).status_code == 404


def test_another_logged_in_user_cannot_accept(
    invite: Callable[..., str], existing: User, consultant: User, organisation: Organisation
) -> None:
    link = invite(existing.email, Role.ADMIN)
    wrong = Client()
    wrong.force_login(consultant)

    response = wrong.post(link)

    assert response.status_code == 200
    assert response.context["wrong_user"] is True
    assert not Membership.objects.filter(user=existing, organisation=organisation).exists()
    assert Membership.objects.active().get(user=consultant, organisation=organisation).roles == [Role.CONSULTANT]


def test_an_invitation_that_expires_while_the_page_is_open_gets_the_invalid_page_not_an_error(
    invite: Callable[..., str], existing: User, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    from werkplaats.organisations import services

    link = invite(existing.email, Role.MEMBER)
    visitor = Client()
    visitor.force_login(existing)

    def expired_meanwhile(*args: Any, **kwargs: Any) -> None:
        # The moment between the page's check and the acceptance cannot be timed in a test.
        raise ValidationError("This invitation has already been used, was withdrawn or has expired.")

    monkeypatch.setattr(services, "accept_invitation", expired_meanwhile)
    response = visitor.post(link)

    assert response.status_code == 404
    assert "niet geldig" in response.content.decode()
    assert not Membership.objects.filter(user=existing, organisation=organisation).exists()
