from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import PASSWORD, UserFactory

SET_LANGUAGE = reverse("core:set-language")


def test_the_interface_is_dutch_by_default(client: Client, db: None) -> None:
    response = client.get(reverse("account_login"))

    assert response["Content-Language"] == "nl"


def test_after_login_the_users_own_language_is_used(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl", language="en")
    client.post(reverse("account_login"), {"login": "anna@example.nl", "password": PASSWORD})

    response = client.get(reverse("core:home"), headers={"accept-language": "nl"})

    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()


def test_the_users_language_wins_over_the_language_cookie(client: Client, db: None) -> None:
    client.force_login(UserFactory.create(language="en"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    assert client.get(reverse("core:home"))["Content-Language"] == "en"


def test_switching_language_saves_it_on_the_account(client: Client, db: None) -> None:
    user = UserFactory.create(language="nl")
    client.force_login(user)

    client.post(SET_LANGUAGE, {"language": "en", "next": "/"})

    assert User.objects.get(pk=user.pk).language == "en"
    assert client.get(reverse("core:home"))["Content-Language"] == "en"


def test_switching_language_sets_the_cookie_for_anonymous_visitors(client: Client, db: None) -> None:
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(reverse("account_login"))["Content-Language"] == "en"


def test_an_unknown_language_is_ignored(client: Client, db: None) -> None:
    user = UserFactory.create(language="nl")
    client.force_login(user)

    response = client.post(SET_LANGUAGE, {"language": "xx"})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=user.pk).language == "nl"


def test_switching_language_refuses_to_redirect_to_another_site(client: Client, db: None) -> None:
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_the_language_switch_only_accepts_post(client: Client, db: None) -> None:
    assert client.get(SET_LANGUAGE, {"language": "en"}).status_code == 405


def test_choosing_a_language_on_the_account_page_sets_the_same_cookie_as_the_switch(
    client: Client, db: None, settings: Any
) -> None:
    settings.LANGUAGE_COOKIE_SECURE = True
    user = UserFactory.create(language="nl", name="Anna")
    client.force_login(user)

    response = client.post(reverse("accounts:account"), {"name": "Anna", "language": "en"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert User.objects.get(pk=user.pk).language == "en"
    assert client.get(reverse("accounts:account")).content.decode().count("Your details are saved.") == 1
