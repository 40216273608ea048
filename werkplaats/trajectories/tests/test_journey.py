"""One praktijkleren trajectory from referral to assessment through the services, with the demo
region's people: the path every other trajectory test varies on."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import services
from werkplaats.trajectories.models import IntendedOutcome, Level, Route, Status, TargetGroup

pytestmark = pytest.mark.usefixtures("demo", "english")


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_a_praktijkleren_trajectory_goes_from_referral_to_assessment() -> None:
    consultant, school, trainer = _user("consultant@demo.nl"), _user("school@demo.nl"), _user("trainer@demo.nl")
    municipality = Organisation.objects.get(slug="gemeente-groningen")
    learner = services.register_learner(
        municipality,
        by=consultant,
        first_name="Noor",
        last_name="Jansen",
        date_of_birth=datetime.date(1990, 5, 1),
        target_group=TargetGroup.PARTICIPATIEWET,
    )
    trajectory = services.create_trajectory(
        learner,
        by=consultant,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
        qualification=Qualification.objects.current().get(crebo="25499"),
        school=Organisation.objects.get(slug="noorderpoort"),
        employer=Organisation.objects.get(slug="eska"),
        consultant=consultant,
        planned_start=timezone.localdate(),
    )
    trajectory = services.transition(trajectory, Status.INTAKE, by=consultant)
    trajectory = services.transition(trajectory, Status.SEARCHING, by=consultant)

    with pytest.raises(ValidationError) as refused:
        services.transition(trajectory, Status.PLACED, by=consultant)
    assert "Name the workplace trainer." in refused.value.messages

    trajectory = services.update_trajectory(
        trajectory, by=consultant, expected_version=trajectory.version, workplace_trainer=trainer
    )
    assert trajectory.qualification is not None
    work_process = trajectory.qualification.work_processes().get(code="B1-K1-W1")
    plan = services.propose_plan(
        trajectory,
        by=consultant,
        based_on=None,
        learner_goals="Werken in de facilitaire dienst",
        work_processes=[work_process],
    )
    services.approve_plan(plan, by=consultant)  # on behalf of the learner
    services.approve_plan(plan, by=school)
    services.approve_plan(plan, by=trainer)
    plan.refresh_from_db()
    assert plan.is_agreed

    services.transition(trajectory, Status.PLACED, by=consultant)
    services.transition(trajectory, Status.IN_PROGRESS, by=consultant)
    services.assess_work_process(trajectory, work_process, by=trainer, level=Level.MASTERED, on=timezone.localdate())
    services.transition(trajectory, Status.ASSESSMENT, by=school)

    trajectory.refresh_from_db()
    assert trajectory.status == Status.ASSESSMENT
    assert [e.to_status for e in trajectory.events.all()] == [
        "aangemeld",
        "intake",
        "zoeken",
        "geplaatst",
        "in_uitvoering",
        "beoordeling",
    ]
