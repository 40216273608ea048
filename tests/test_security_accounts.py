"""Login lockout, password policy, session fixation, CSRF and logout: the account security the
platform promises (issue 11), checked through the real forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import PASSWORD, UserFactory
from werkplaats.organisations.models import Invitation, Membership, Organisation, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of

LOGIN = reverse("account_login")
CHANGE_PASSWORD = reverse("account_change_password")
LINK_RE = re.compile(r"https?://[^/\s]+(?P<path>/invitations/[^/\s]+/)")
GOOD_PASSWORD = "lasnaad-en-soldeerbout-42"
# One password per validator of AUTH_PASSWORD_VALIDATORS, for a person called Fenna Dijkstra.
WEAK_PASSWORDS = {
    "password_too_short": "kort-7a",
    "password_too_common": "qwertyuiop",
    "password_entirely_numeric": "8203948571",
    "password_too_similar": "fennadijkstra",
}


def _fail_login(client: Client, email: str) -> None:
    client.post(LOGIN, {"login": email, "password": "not-the-password"})


def _logs_in(client: Client, email: str, password: str = PASSWORD) -> bool:
    response = client.post(LOGIN, {"login": email, "password": password}, headers={"accept-language": "en"})
    assert response.status_code in (200, 302)
    return "_auth_user_id" in client.session


# --- Lockout ---------------------------------------------------------------------------------


def test_repeated_failures_from_one_address_lock_out_every_account_from_there(client: Client, db: None) -> None:
    victims = [UserFactory.create() for _ in range(11)]
    for user in victims[:10]:
        _fail_login(client, user.email)

    response = client.post(LOGIN, {"login": victims[10].email, "password": PASSWORD}, headers={"accept-language": "en"})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_lockout_leaves_other_addresses_alone(db: None) -> None:
    anna = UserFactory.create()
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        _fail_login(attacker, UserFactory.create().email)

    assert _logs_in(Client(REMOTE_ADDR="198.51.100.7"), anna.email)


def test_an_account_is_locked_from_every_address_after_five_failures(db: None) -> None:
    anna = UserFactory.create()
    for n in range(5):
        _fail_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), anna.email)

    assert not _logs_in(Client(REMOTE_ADDR="198.51.100.7"), anna.email)


def test_the_lockout_is_per_account_whatever_the_capitals(client: Client, db: None) -> None:
    anna = UserFactory.create(email="anna@example.nl")
    for n in range(5):
        _fail_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "ANNA@example.nl" if n % 2 else "anna@example.nl")

    assert not _logs_in(client, anna.email)


def test_a_locked_out_login_is_refused_with_a_page_not_an_error(client: Client, db: None) -> None:
    for _ in range(12):
        response = client.post(LOGIN, {"login": "nobody@example.nl", "password": "x" * 10_000})
        assert response.status_code == 200


def test_behind_a_trusted_proxy_the_lockout_counts_per_forwarded_address(db: None, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    anna = UserFactory.create()
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(10):
        _fail_login(attacker, UserFactory.create().email)

    assert not _logs_in(attacker, anna.email)
    assert _logs_in(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"), anna.email)


# --- Password policy -------------------------------------------------------------------------


@pytest.fixture
def invitation_link(db: None, django_capture_on_commit_callbacks: Any) -> str:
    organisation: Organisation = OrganisationFactory.create()
    admin = Client()
    admin.force_login(member_of(organisation, Role.ADMIN))
    data = {
        "email": "fenna.dijkstra@example.nl",
        "name": "Fenna Dijkstra",
        "roles": [Role.CONSULTANT],
        "language": "en",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("organisations:invite", args=[organisation.slug]), data)
    assert response.status_code == 302
    match = LINK_RE.search(str(mail.outbox[-1].body))
    assert match
    return match["path"]


@pytest.mark.parametrize(("code", "password"), WEAK_PASSWORDS.items())
def test_accepting_an_invitation_refuses_a_weak_password(invitation_link: str, code: str, password: str) -> None:
    response = Client().post(invitation_link, {"name": "Fenna Dijkstra", "password1": password, "password2": password})

    assert response.status_code == 200
    assert code in [e.code for e in response.context["form"].errors.as_data()["password1"]]
    assert not User.objects.filter(email="fenna.dijkstra@example.nl").exists()
    assert not Membership.objects.filter(user__email="fenna.dijkstra@example.nl").exists()


def test_accepting_an_invitation_with_a_strong_password_works(invitation_link: str) -> None:
    response = Client().post(
        invitation_link, {"name": "Fenna Dijkstra", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )

    assert response.status_code == 302
    assert User.objects.get(email="fenna.dijkstra@example.nl").check_password(GOOD_PASSWORD)


@pytest.mark.parametrize(("code", "password"), WEAK_PASSWORDS.items())
def test_changing_the_password_refuses_a_weak_one(client: Client, db: None, code: str, password: str) -> None:
    user = UserFactory.create(email="fenna.dijkstra@example.nl", name="Fenna Dijkstra")
    client.force_login(user)

    response = client.post(CHANGE_PASSWORD, {"oldpassword": PASSWORD, "password1": password, "password2": password})

    assert response.status_code == 200
    assert code in [e.code for e in response.context["form"].errors.as_data()["password1"]]
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_changing_the_password_to_a_strong_one_works(client: Client, db: None) -> None:
    user = UserFactory.create(email="fenna.dijkstra@example.nl", name="Fenna Dijkstra")
    client.force_login(user)

    response = client.post(
        CHANGE_PASSWORD, {"oldpassword": PASSWORD, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(GOOD_PASSWORD)


def test_changing_the_password_needs_the_current_one(client: Client, db: None) -> None:
    user = UserFactory.create()
    client.force_login(user)

    client.post(
        CHANGE_PASSWORD, {"oldpassword": "guessed-wrong-1", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )

    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_password_reset_refuses_a_weak_new_password(client: Client, db: None) -> None:
    user = UserFactory.create(email="fenna.dijkstra@example.nl", name="Fenna Dijkstra")
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", str(mail.outbox[-1].body))
    assert link
    form_url = client.get(link[1])["Location"]

    response = client.post(form_url, {"password1": "qwertyuiop", "password2": "qwertyuiop"})

    assert response.status_code == 200
    assert "password_too_common" in [e.code for e in response.context["form"].errors.as_data()["password1"]]
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


# --- Session fixation and logout -------------------------------------------------------------


def _planted_session(client: Client) -> str:
    """A session the visitor had before logging in (or an attacker planted in their browser)."""
    session = client.session
    session["planted"] = True
    session.save()
    return str(session.session_key)


def test_logging_in_gives_a_new_session_key(client: Client, db: None) -> None:
    user = UserFactory.create()
    before = _planted_session(client)

    assert _logs_in(client, user.email)

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_planted_session_key_does_not_become_logged_in(db: None) -> None:
    user = UserFactory.create()
    victim = Client()
    planted = _planted_session(victim)
    assert _logs_in(victim, user.email)

    attacker = Client()
    attacker.cookies["sessionid"] = planted
    response = attacker.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_accepting_an_invitation_logs_in_with_a_new_session_key(invitation_link: str) -> None:
    visitor = Client()
    before = _planted_session(visitor)

    visitor.post(invitation_link, {"name": "Fenna Dijkstra", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert "_auth_user_id" in visitor.session
    assert visitor.session.session_key != before


def test_logging_out_ends_the_session_on_the_server(client: Client, db: None) -> None:
    user = UserFactory.create()
    assert _logs_in(client, user.email)
    session_key = client.session.session_key
    stolen = Client()
    stolen.cookies["sessionid"] = str(session_key)
    assert stolen.get(reverse("accounts:account")).status_code == 200

    client.post(reverse("account_logout"))

    assert not Session.objects.filter(session_key=session_key).exists()
    assert stolen.get(reverse("accounts:account"))["Location"].startswith(LOGIN)


def test_logging_out_needs_a_post(client: Client, db: None) -> None:
    """A link or image on another site (GET) must not log people out."""
    user = UserFactory.create()
    assert _logs_in(client, user.email)

    client.get(reverse("account_logout"))

    assert "_auth_user_id" in client.session


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(db: None) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory.create(name="Anna", language="nl"))
    return client


def test_the_login_form_refuses_a_post_without_a_csrf_token(db: None) -> None:
    user = UserFactory.create()
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_login_form_works_with_its_csrf_token(db: None) -> None:
    user = UserFactory.create()
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value

    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_account_form_refuses_a_post_without_a_csrf_token(csrf_client: Client) -> None:
    response = csrf_client.post(reverse("accounts:account"), {"name": "Mallory", "language": "en"})

    assert response.status_code == 403
    assert not User.objects.filter(name="Mallory").exists()


def test_changing_the_password_refuses_a_post_without_a_csrf_token(csrf_client: Client) -> None:
    response = csrf_client.post(
        CHANGE_PASSWORD, {"oldpassword": PASSWORD, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )

    assert response.status_code == 403
    assert not User.objects.get(name="Anna").check_password(GOOD_PASSWORD)


def test_logging_out_refuses_a_post_without_a_csrf_token(csrf_client: Client) -> None:
    response = csrf_client.post(reverse("account_logout"))

    assert response.status_code == 403
    assert "_auth_user_id" in csrf_client.session


def test_inviting_someone_refuses_a_post_without_a_csrf_token(db: None) -> None:
    organisation = OrganisationFactory.create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_of(organisation, Role.ADMIN))
    data = {"email": "mallory@example.nl", "roles": [Role.ADMIN], "language": "nl"}

    response = client.post(reverse("organisations:invite", args=[organisation.slug]), data)

    assert response.status_code == 403
    assert not Invitation.objects.filter(email="mallory@example.nl").exists()
