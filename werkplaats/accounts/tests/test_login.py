from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import PASSWORD, UserFactory

LOGIN_URL = reverse("account_login")


def _login(client: Client, email: str, password: str = PASSWORD, **headers: str) -> int | None:
    """Post the login form; return the id of the user now logged in, if any."""
    client.post(LOGIN_URL, {"login": email, "password": password}, headers=headers)
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_a_user_logs_in_with_email_and_password(client: Client, db: None) -> None:
    user = UserFactory.create(email="anna@example.nl")

    assert _login(client, "anna@example.nl") == user.pk


def test_the_email_address_is_not_case_sensitive_at_login(client: Client, db: None) -> None:
    user = UserFactory.create(email="anna@example.nl")

    assert _login(client, "Anna@Example.NL") == user.pk


def test_an_address_given_in_capitals_is_stored_in_lower_case(db: None) -> None:
    assert UserFactory.create(email="Anna@Example.NL").email == "anna@example.nl"


def test_a_wrong_password_does_not_log_in(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl")

    assert _login(client, "anna@example.nl", "not-the-password") is None


def test_a_deactivated_user_cannot_log_in(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl", is_active=False)

    assert _login(client, "anna@example.nl") is None


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl")
    for _ in range(5):
        _login(client, "anna@example.nl", "not-the-password")

    response = client.post(
        LOGIN_URL, {"login": "anna@example.nl", "password": PASSWORD}, headers={"accept-language": "en"}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_rate_limit_counts_per_address(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl")
    bram = UserFactory.create(email="bram@example.nl")
    for _ in range(5):
        _login(client, "anna@example.nl", "not-the-password")

    assert _login(client, "bram@example.nl") == bram.pk


def test_the_login_page_is_served_to_anonymous_visitors(client: Client, db: None) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert "login" in response.context["form"].fields


def test_after_login_the_user_goes_to_the_home_page(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl")

    response = client.post(LOGIN_URL, {"login": "anna@example.nl", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_login_refuses_to_redirect_to_another_site(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl")

    response = client.post(
        LOGIN_URL, {"login": "anna@example.nl", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_a_user_object_is_found_by_its_address_in_any_case(db: None) -> None:
    user = UserFactory.create(email="anna@example.nl")

    assert User.objects.get_by_natural_key("ANNA@example.nl") == user
