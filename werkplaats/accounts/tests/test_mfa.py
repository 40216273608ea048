from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import PASSWORD, UserFactory
from werkplaats.organisations.models import Membership, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of

SETUP = reverse("mfa_activate_totp")
HOME = reverse("core:home")


@pytest.fixture
def enforced(settings: Any) -> Any:
    settings.WERKPLAATS_MFA_ENFORCED = True
    settings.WERKPLAATS_MFA_REQUIRED_ROLES = ["admin", "coordinator"]
    return settings


def _person(*roles: str, **fields: Any) -> User:
    return member_of(OrganisationFactory.create(), *roles, language="en", **fields)


def _log_in(client: Client, user: User) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _current_code(secret: str) -> str:
    """The code of the current period; near a period's end, the next one's, so that the code is
    still current when the server checks it (allauth accepts no neighbouring period)."""
    period = app_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < 3:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _log_in_with_code(client: Client, user: User) -> None:
    """Give the user an authenticator app, log in with password and code, and confirm the password."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_a_coordinator_or_administrator_without_an_authenticator_is_sent_to_set_one_up(
    client: Client, db: None, enforced: Any, role: str
) -> None:
    client.force_login(_person(role))

    for url in (HOME, reverse("accounts:account"), reverse("organisations:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP


@pytest.mark.parametrize("fields", [{"is_staff": True}, {"is_superuser": True}])
def test_platform_staff_must_set_up_an_authenticator_too(
    client: Client, db: None, enforced: Any, fields: dict[str, bool]
) -> None:
    client.force_login(UserFactory.create(**fields))

    assert client.get(HOME)["Location"] == SETUP
    assert client.get(reverse("admin:index"))["Location"] == SETUP


def test_posting_a_form_is_refused_as_well(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.COORDINATOR)
    client.force_login(user)

    response = client.post(reverse("accounts:account"), {"name": "Changed", "language": "en"})

    assert response["Location"] == SETUP
    user.refresh_from_db()
    assert user.name != "Changed"


def test_an_htmx_request_is_redirected_by_htmx(client: Client, db: None, enforced: Any) -> None:
    client.force_login(_person(Role.COORDINATOR))

    response = client.get(HOME, headers={"hx-request": "true"})

    assert response["HX-Redirect"] == SETUP


@pytest.mark.parametrize(
    "role", [Role.CONSULTANT, Role.SCHOOL_STAFF, Role.WORKPLACE_TRAINER, Role.LEARNER, Role.MEMBER]
)
def test_other_roles_may_choose_to_use_an_authenticator(client: Client, db: None, enforced: Any, role: str) -> None:
    client.force_login(_person(role))

    assert client.get(HOME).status_code == 200


def test_the_roles_that_need_an_authenticator_are_a_setting(client: Client, db: None, enforced: Any) -> None:
    enforced.WERKPLAATS_MFA_REQUIRED_ROLES = ["consultant"]
    consultant, coordinator = Client(), Client()
    consultant.force_login(_person(Role.CONSULTANT))
    coordinator.force_login(_person(Role.COORDINATOR))

    assert consultant.get(HOME)["Location"] == SETUP
    assert coordinator.get(HOME).status_code == 200


def test_nothing_is_enforced_when_switched_off(client: Client, db: None, settings: Any) -> None:
    settings.WERKPLAATS_MFA_ENFORCED = False
    client.force_login(_person(Role.COORDINATOR))

    assert client.get(HOME).status_code == 200


def test_an_ended_membership_no_longer_calls_for_an_authenticator(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.COORDINATOR)
    Membership.objects.filter(user=user).update(ended_at=timezone.now())
    client.force_login(user)

    assert client.get(HOME).status_code == 200


def _confirm_password(client: Client) -> None:
    """Setting up an authenticator asks for the password again, even just after login."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_the_password_is_asked_again_before_setting_up_and_both_pages_explain_why(
    client: Client, db: None, enforced: Any
) -> None:
    user = _person(Role.COORDINATOR)
    _log_in(client, user)

    response = client.get(SETUP, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_reauthenticate"))
    assert "must be protected with two-factor authentication" in response.content.decode()
    _confirm_password(client)
    response = client.get(SETUP)

    assert response.status_code == 200
    html = response.content.decode()
    assert "must be protected with two-factor authentication" in html
    assert "scan the QR code" in html


def test_the_set_up_page_does_not_insist_for_people_who_choose_it(client: Client, db: None, enforced: Any) -> None:
    _log_in(client, _person(Role.CONSULTANT))
    _confirm_password(client)

    response = client.get(SETUP)

    assert response.status_code == 200
    assert "must be protected with two-factor authentication" not in response.content.decode()


def test_logging_out_the_health_check_and_static_files_stay_open(client: Client, db: None, enforced: Any) -> None:
    client.force_login(_person(Role.COORDINATOR))

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/favicon.svg").get("Location") != SETUP
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_is_not_affected(client: Client, db: None, enforced: Any) -> None:
    client.force_login(_person(Role.COORDINATOR))

    response = client.get("/api/v1/organisations")

    assert response.status_code == 401
    assert response.get("Location") != SETUP


def test_setting_up_an_authenticator_opens_every_page(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.COORDINATOR)
    _log_in(client, user)
    _confirm_password(client)
    client.get(SETUP)
    secret = client.session["mfa.totp.secret"]

    response = client.post(SETUP, {"code": _current_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_sets_up_nothing(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.COORDINATOR)
    _log_in(client, user)
    _confirm_password(client)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000x"})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get(HOME)["Location"] == SETUP


def test_with_an_authenticator_login_asks_for_a_code(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.COORDINATOR)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    between = client.session.session_key
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != between
    assert client.get(HOME).status_code == 200


def test_who_must_use_an_authenticator_cannot_switch_it_off(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.COORDINATOR)
    _log_in_with_code(client, user)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_who_chose_an_authenticator_can_switch_it_off(client: Client, db: None, enforced: Any) -> None:
    user = _person(Role.CONSULTANT)
    _log_in_with_code(client, user)

    client.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
