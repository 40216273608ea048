from __future__ import annotations

from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User


def test_the_signup_page_says_signup_is_closed(client: Client, db: None) -> None:
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]


def test_nobody_can_sign_up_without_an_invitation(client: Client, db: None) -> None:
    password = "lasnaad-en-soldeerbout-42"

    client.post(reverse("account_signup"), {"email": "fenna@example.nl", "password1": password, "password2": password})

    assert not User.objects.filter(email="fenna@example.nl").exists()
