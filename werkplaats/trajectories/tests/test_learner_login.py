"""A learner invited to log in gets a login linked to their record, and then sees their own
trajectory and nothing else."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Invitation, Organisation, Role
from werkplaats.organisations.services import invite_member
from werkplaats.trajectories import services
from werkplaats.trajectories.models import IntendedOutcome, Learner, Route, TargetGroup, Trajectory

pytestmark = pytest.mark.usefixtures("demo", "english")


@pytest.fixture
def learner() -> Learner:
    consultant = User.objects.get(email="consultant@demo.nl")
    learner = services.register_learner(
        Organisation.objects.get(slug="gemeente-groningen"),
        by=consultant,
        first_name="Femke",
        last_name="Visser",
        date_of_birth=datetime.date(2001, 2, 3),
        email="femke@example.nl",
        target_group=TargetGroup.EARLY_SCHOOL_LEAVER,
    )
    services.create_trajectory(
        learner, by=consultant, route=Route.BBL, intended_outcome=IntendedOutcome.DIPLOMA, consultant=consultant
    )
    return learner


NEW_LOGIN = {"name": "Femke Visser", "password1": "een-goed-wachtwoord-9", "password2": "een-goed-wachtwoord-9"}


def _accept_link(mailoutbox: list[Any]) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", mailoutbox[-1].body).group(1)  # type: ignore[union-attr]


def test_the_consultant_invites_the_learner_and_accepting_links_the_new_login(
    learner: Learner, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(User.objects.get(email="consultant@demo.nl"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("trajectories:learner-invite", args=[learner.pk]))
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="femke@example.nl")
    assert invitation.roles == [Role.LEARNER]
    assert invitation.context == {"learner": learner.pk}

    newcomer = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = newcomer.post(
            _accept_link(mailoutbox),
            {"name": "Femke Visser", "password1": "een-goed-wachtwoord-9", "password2": "een-goed-wachtwoord-9"},
        )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.user is not None and learner.user.email == "femke@example.nl"
    assert list(Trajectory.objects.visible_to(learner.user)) == list(learner.trajectories.all())
    assert newcomer.get(reverse("trajectories:detail", args=[learner.trajectories.get().pk])).status_code == 200


def test_a_learner_without_an_e_mail_address_cannot_be_invited(learner: Learner) -> None:
    learner.email = ""
    learner.save()
    with pytest.raises(ValidationError, match="e-mail address first"):
        services.invite_learner(learner, by=User.objects.get(email="consultant@demo.nl"))


def test_a_learner_who_can_log_in_is_not_invited_again(learner: Learner) -> None:
    learner.user = User.objects.get(email="learner@demo.nl")
    learner.save()
    with pytest.raises(ValidationError, match="can already log in"):
        services.invite_learner(learner, by=User.objects.get(email="consultant@demo.nl"))


def test_a_workplace_trainer_cannot_invite_a_learner(learner: Learner) -> None:
    with pytest.raises(PermissionDenied):
        services.invite_learner(learner, by=User.objects.get(email="trainer@demo.nl"))


def test_a_consultant_may_invite_learners_but_not_colleagues() -> None:
    consultant = User.objects.get(email="consultant@demo.nl")
    municipality = Organisation.objects.get(slug="gemeente-groningen")
    with pytest.raises(PermissionDenied):
        invite_member(municipality, email="collega@example.nl", roles=[Role.CONSULTANT], by=consultant)
    assert invite_member(municipality, email="iemand@example.nl", roles=[Role.LEARNER], by=consultant).pk


def test_accepting_an_invitation_for_a_learner_of_another_organisation_links_nothing(
    learner: Learner, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    consultant2 = User.objects.get(email="consultant2@demo.nl")
    with django_capture_on_commit_callbacks(execute=True):
        invite_member(
            Organisation.objects.get(slug="gemeente-emmen"),
            email="femke@example.nl",
            roles=[Role.LEARNER],
            by=consultant2,
            context={"learner": learner.pk},
        )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            _accept_link(mailoutbox),
            {"name": "Femke", "password1": "een-goed-wachtwoord-9", "password2": "een-goed-wachtwoord-9"},
        )
    learner.refresh_from_db()
    assert learner.user is None


def test_the_learner_is_led_back_home_not_to_a_caseload_they_do_not_have(learner: Learner) -> None:
    learner.user = User.objects.get(email="learner@demo.nl")
    learner.save()
    page = reverse("trajectories:detail", args=[learner.trajectories.get().pk])
    caseload = f'href="{reverse("trajectories:caseload")}"'

    as_learner = Client()
    as_learner.force_login(learner.user)
    html = as_learner.get(page).content.decode()
    assert caseload not in html
    breadcrumbs = html.split('<nav class="utrecht-breadcrumb-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("core:home")}"' in breadcrumbs

    as_consultant = Client()
    as_consultant.force_login(User.objects.get(email="consultant@demo.nl"))
    assert caseload in as_consultant.get(page).content.decode()
