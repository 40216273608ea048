"""The main menu links to the caseload for the roles that follow trajectories, and only for them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("consultant@demo.nl", True),
        ("coordinator@demo.nl", True),
        ("school@demo.nl", True),
        ("trainer@demo.nl", True),
        ("member@demo.nl", False),
        ("learner@demo.nl", False),
    ],
)
def test_the_menu_shows_the_caseload_to_those_who_follow_trajectories(email: str, shown: bool) -> None:
    client = Client()
    client.force_login(User.objects.get(email=email))

    page = client.get(reverse("core:home")).content.decode()

    assert (f'href="{reverse("trajectories:caseload")}"' in page.split("</nav>")[0]) is shown
