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


def test_a_learner_is_not_told_they_work_for_the_municipality() -> None:
    client = Client()
    client.force_login(User.objects.get(email="learner@demo.nl"))

    page = client.get(reverse("core:home")).content.decode()

    assert "Deelnemer via" in page
    assert "U neemt deel via Gemeente Groningen." in page
    assert "Werkzaam voor" not in page


def test_one_role_is_called_a_role() -> None:
    client = Client()
    client.force_login(User.objects.get(email="consultant@demo.nl"))

    page = client.get(reverse("core:home")).content.decode()

    assert "Uw rol: consulent." in page
