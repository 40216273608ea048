"""Issuing a praktijkverklaring: who may, what stands in the way, and what the certificate
states once it is issued."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import IntendedOutcome, Level, Status, Trajectory, WorkProcessAssessment

from .. import services
from ..models import Certificate, CertificateSequence
from .world import CertificateWorld, another_ready_trajectory, build

pytestmark = pytest.mark.usefixtures("english")


def refused_with(trajectory: Trajectory, by: User, **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        services.issue(trajectory, by=by, **kwargs)
    return caught.value.messages


def assert_nothing_issued(trajectory: Trajectory) -> None:
    trajectory.refresh_from_db()
    assert trajectory.status == Status.ASSESSMENT
    assert not Certificate.objects.exists()
    assert not trajectory.events.filter(to_status=Status.COMPLETED).exists()


# --- Guards -----------------------------------------------------------------------------------


def test_without_a_confirmed_mastered_work_process_nothing_is_issued(world: CertificateWorld) -> None:
    WorkProcessAssessment.objects.filter(trajectory=world.trajectory).update(confirmed_at=None, confirmed_by=None)

    problems = refused_with(world.trajectory, world.school_staff)

    assert problems == [
        "No work process is assessed as mastered by the workplace and confirmed by the school: a "
        "praktijkverklaring lists at least one."
    ]
    assert_nothing_issued(world.trajectory)
    assert CertificateSequence.objects.filter(last__gt=0).count() == 0


def test_a_refusal_does_not_use_up_a_number(world: CertificateWorld) -> None:
    WorkProcessAssessment.objects.filter(trajectory=world.trajectory).update(confirmed_at=None, confirmed_by=None)
    refused_with(world.trajectory, world.school_staff)
    ready = another_ready_trajectory(world, "Sam")

    certificate = services.issue(ready, by=world.school_staff)

    assert certificate.sequence == 1
    assert certificate.number == f"PV-{timezone.localdate().year}-000001"


def test_a_work_process_mastered_but_not_confirmed_is_not_on_the_certificate(world: CertificateWorld) -> None:
    unconfirmed = WorkProcessAssessment.objects.get(trajectory=world.trajectory, confirmed_at__isnull=True)
    assert unconfirmed.level == Level.MASTERED

    certificate = services.issue(world.trajectory, by=world.school_staff)

    assert certificate.work_process_codes == ["B1-K1-W1", "B1-K1-W2"]
    assert unconfirmed.work_process.code not in certificate.work_process_codes


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.PLACED, Status.STOPPED, Status.PAUSED])
def test_outside_the_assessment_phase_nothing_is_issued(world: CertificateWorld, status: str) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=status)

    problems = refused_with(world.trajectory, world.school_staff)

    label = Status(status).label
    assert problems == [f"A praktijkverklaring is issued in the assessment phase; the trajectory is now: {label}."]
    assert not Certificate.objects.exists()


def test_a_trajectory_completed_without_a_certificate_gets_none(world: CertificateWorld) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.COMPLETED)

    assert refused_with(world.trajectory, world.school_staff) == [
        "This trajectory was completed without a praktijkverklaring."
    ]


@pytest.mark.parametrize("outcome", [IntendedOutcome.DIPLOMA, IntendedOutcome.CERTIFICATE, IntendedOutcome.OWN_GOALS])
def test_a_trajectory_aiming_at_something_else_gets_no_praktijkverklaring(
    world: CertificateWorld, outcome: str
) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(intended_outcome=outcome)

    problems = refused_with(world.trajectory, world.school_staff)

    assert problems == [
        "The intended outcome of this trajectory is not a praktijkverklaring. Change the trajectory first."
    ]
    assert_nothing_issued(world.trajectory)


def without_kvk_number(employer: Organisation) -> None:
    # Only an organisation of another kind can lack a KvK number (a database constraint holds
    # employers to one): say, a sheltered-work company that employs the learner.
    Organisation.objects.filter(pk=employer.pk).update(kind=OrganisationKind.SW_COMPANY, kvk_number="")


def test_an_employer_without_kvk_number_is_refused(world: CertificateWorld) -> None:
    without_kvk_number(world.work.employer)

    assert refused_with(world.trajectory, world.school_staff) == [
        "Fill in the employer's KvK number: it is printed on the certificate."
    ]
    assert_nothing_issued(world.trajectory)


def test_a_date_of_issue_in_the_future_is_refused(world: CertificateWorld) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert refused_with(world.trajectory, world.school_staff, on=tomorrow) == [
        "The date of issue cannot be in the future."
    ]
    assert_nothing_issued(world.trajectory)


def test_an_unknown_language_is_refused(world: CertificateWorld) -> None:
    assert refused_with(world.trajectory, world.school_staff, language="de") == [
        "Choose the language of the certificate from the list."
    ]
    assert_nothing_issued(world.trajectory)


def test_all_problems_are_told_at_once(world: CertificateWorld) -> None:
    without_kvk_number(world.work.employer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    problems = refused_with(world.trajectory, world.school_staff, on=tomorrow, language="fr")

    assert len(problems) == 3


# --- Who may issue ----------------------------------------------------------------------------


def test_school_staff_of_the_trajectorys_school_may_issue(world: CertificateWorld) -> None:
    assert services.is_issuing_school_staff(world.school_staff, world.trajectory)

    certificate = services.issue(world.trajectory, by=world.school_staff)

    assert certificate.issued_by == world.school_staff


@pytest.mark.parametrize("who", ["consultant", "trainer", "learner_user", "coordinator", "bystander", "outsider"])
def test_others_may_not_issue(world: CertificateWorld, who: str) -> None:
    user = world.coordinator if who == "coordinator" else getattr(world.work, who)

    with pytest.raises(PermissionDenied):
        services.issue(world.trajectory, by=user)
    assert_nothing_issued(world.trajectory)


def test_a_platform_administrator_signs_nothing(world: CertificateWorld, platform_admin: User) -> None:
    with pytest.raises(PermissionDenied):
        services.issue(world.trajectory, by=platform_admin)
    assert_nothing_issued(world.trajectory)


def test_the_outsider_is_school_staff_elsewhere_and_still_may_not(world: CertificateWorld) -> None:
    assert not services.is_issuing_school_staff(world.work.outsider, world.trajectory)
    with pytest.raises(PermissionDenied):
        services.issue(world.trajectory, by=world.work.outsider)


# --- Success ----------------------------------------------------------------------------------


def test_issuing_completes_the_trajectory_with_an_event_by_the_issuer(world: CertificateWorld) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)

    trajectory = world.work.refresh()
    assert trajectory.status == Status.COMPLETED
    event = trajectory.events.get(to_status=Status.COMPLETED)
    assert (event.from_status, event.actor) == (Status.ASSESSMENT, world.school_staff)
    assert certificate.number in event.reason


def test_the_certificate_keeps_its_own_copy_of_what_it_states(world: CertificateWorld) -> None:
    on = timezone.localdate() - datetime.timedelta(days=2)

    certificate = services.issue(world.trajectory, by=world.school_staff, on=on, language="en")

    certificate.refresh_from_db()
    qualification = world.work.qualification
    assert certificate.issued_on == on
    assert certificate.language == "en"
    assert (certificate.learner_first_name, certificate.learner_last_name) == ("Noor", "Jansen")
    assert certificate.learner_date_of_birth == datetime.date(1990, 5, 1)
    assert (certificate.qualification_name, certificate.crebo, certificate.level) == (
        "Pedagogisch medewerker",
        "25486",
        3,
    )
    assert (certificate.dossier_crebo, certificate.dossier_version) == ("25180", "1")
    assert certificate.qualification == qualification
    assert (certificate.employer_name, certificate.employer_kvk) == ("ESKA", world.work.employer.kvk_number)
    assert len(certificate.employer_kvk) == 8
    assert certificate.trainer_name == "Tineke Opleider"
    assert certificate.school_name == "Noorderpoort"
    assert certificate.signatory_name == "Sander de Vries"
    assert certificate.place == "Leeuwarden"
    assert (certificate.learner, certificate.school, certificate.employer) == (
        world.trajectory.learner,
        world.school,
        world.work.employer,
    )


def test_later_changes_to_the_records_do_not_change_the_certificate(world: CertificateWorld) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)
    world.trajectory.learner.last_name = "Bakker"
    world.trajectory.learner.save()
    Organisation.objects.filter(pk=world.work.employer.pk).update(name="ESKA Nieuw")

    certificate.refresh_from_db()
    assert (certificate.learner_last_name, certificate.employer_name) == ("Jansen", "ESKA")


def test_work_processes_are_grouped_by_core_task_in_the_order_of_the_file(db: None) -> None:
    world = build(confirmed=0, unconfirmed=0)
    trajectory = world.trajectory
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Status.IN_PROGRESS)
    processes = list(world.work.work_processes().order_by("-core_task__part", "-position"))
    assert [p.code for p in processes] == ["P1-K1-W1", "B1-K1-W2", "B1-K1-W1"]
    on = timezone.localdate() - datetime.timedelta(days=1)
    for process in processes:  # assessed and confirmed back to front
        assessment = trajectory_services.assess_work_process(
            trajectory, process, by=world.work.trainer, level=Level.MASTERED, on=on
        )
        trajectory_services.confirm_assessment(assessment, by=world.school_staff)
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Status.ASSESSMENT)

    certificate = services.issue(trajectory, by=world.school_staff)

    assert certificate.work_processes == [
        {
            "code": "B1-K1",
            "title": "Begeleidt kinderen",
            "work_processes": [
                {"code": "B1-K1-W1", "title": "Observeert"},
                {"code": "B1-K1-W2", "title": "Speelt"},
            ],
        },
        {
            "code": "P1-K1",
            "title": "Werkt aan kwaliteit",
            "work_processes": [{"code": "P1-K1-W1", "title": "Evalueert"}],
        },
    ]


def test_the_region_is_that_of_the_learners_organisation(world: CertificateWorld) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)

    assert certificate.region == world.work.municipality.region
    assert certificate.region != world.school.region
    assert certificate.region is not None and certificate.region.name == "Groningen"


def test_the_plain_transition_still_refuses_to_complete_a_praktijkverklaring_trajectory(
    world: CertificateWorld,
) -> None:
    with pytest.raises(ValidationError) as caught:
        trajectory_services.transition(world.trajectory, Status.COMPLETED, by=world.work.consultant)

    assert caught.value.messages == ["A praktijkverklaring trajectory is completed by issuing the certificate."]
    assert world.work.refresh().status == Status.ASSESSMENT


@pytest.mark.parametrize("who", ["consultant", "school_staff"])
def test_completing_is_not_offered_as_a_transition(world: CertificateWorld, who: str) -> None:
    user = getattr(world.work, who)

    offered = trajectory_services.available_transitions(user, world.trajectory)

    assert Status.COMPLETED not in offered
    assert offered  # the other ways out of the assessment phase are still there


def test_completing_is_still_offered_for_a_trajectory_aiming_at_a_diploma(world: CertificateWorld) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(intended_outcome=IntendedOutcome.DIPLOMA)

    offered = trajectory_services.available_transitions(world.work.consultant, world.work.refresh())

    assert Status.COMPLETED in offered


def test_a_valid_certificate_leaves_no_room_for_a_second(world: CertificateWorld) -> None:
    services.issue(world.trajectory, by=world.school_staff)

    assert refused_with(world.trajectory, world.school_staff) == [
        "This trajectory already has a valid praktijkverklaring."
    ]
    assert Certificate.objects.count() == 1


def test_after_a_revocation_a_corrected_certificate_gets_a_new_number(world: CertificateWorld) -> None:
    first = services.issue(world.trajectory, by=world.school_staff)
    services.revoke(first, by=world.school_staff, reason="Verkeerde geboortedatum")

    corrected = services.issue(world.trajectory, by=world.school_staff)

    assert corrected.number != first.number
    assert corrected.sequence == first.sequence + 1
    assert world.work.refresh().status == Status.COMPLETED
    assert world.trajectory.events.filter(to_status=Status.COMPLETED).count() == 1
    assert services.valid_certificate(world.trajectory) == corrected
