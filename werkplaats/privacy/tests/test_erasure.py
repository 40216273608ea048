"""Erasure: personal data cleared or pseudonymised, the dashboard's figures unchanged, the
certificate still valid without a name, and the whole logged without the erased values."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from werkplaats.accounts.models import User
from werkplaats.audit.models import AuditLogEntry
from werkplaats.certificates.models import Certificate
from werkplaats.insights import figures
from werkplaats.insights.figures import Period, Scope
from werkplaats.privacy import services
from werkplaats.privacy.models import Erasure, ErasureReason
from werkplaats.trajectories.models import (
    EvidenceFile,
    Learner,
    LearningPlanVersion,
    LogEntry,
    ProgressReview,
    Trajectory,
    TrajectoryEvent,
)

from .world import build

pytestmark = pytest.mark.django_db


def _figures(world_region: object) -> figures.Figures:
    today = timezone.localdate()
    return figures.compute(
        Scope(region=world_region, exact=True),  # type: ignore[arg-type]
        Period(start=today - datetime.timedelta(days=365), end=today),
    )


def test_erasure_clears_the_person_and_keeps_the_figures(
    private_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    world = build()
    region = world.learner.organisation.region
    before = _figures(region)
    events_before = list(TrajectoryEvent.objects.filter(trajectory=world.trajectory).values_list("at", "to_status"))
    files = [p for p in private_dir.rglob("*") if p.is_file() and p.suffix == ".pdf" and "evidence" in str(p)]
    assert files
    entries_before = AuditLogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_learner(world.learner, by=world.coordinator)

    learner = Learner.objects.get(pk=world.learner.pk)
    assert learner.full_name == f"Deelnemer #{learner.pk}"
    assert (learner.email, learner.phone, learner.support_needs, learner.user_id) == ("", "", "", None)
    assert learner.date_of_birth == services.ERASED_DATE_OF_BIRTH
    plan = LearningPlanVersion.objects.get(trajectory=world.trajectory)
    assert (plan.learner_goals, plan.support, plan.signed_copy.name) == ("", "", "")
    review = ProgressReview.objects.get(trajectory=world.trajectory)
    assert (review.attendees, review.progress, review.agreements) == ("", "", "")
    assert LogEntry.objects.get(trajectory=world.trajectory).text == ""
    assert not TrajectoryEvent.objects.filter(trajectory=world.trajectory).exclude(reason="").exists()
    assert EvidenceFile.objects.get(assessment__trajectory=world.trajectory).file.name == ""
    assert not any(p.exists() for p in files)
    account = User.objects.get(pk=world.learner_user.pk)
    assert not account.is_active and account.name == "" and "noor" not in account.email
    assert not account.has_usable_password()

    # Dates and states stay: the same events, the same figures.
    assert list(TrajectoryEvent.objects.filter(trajectory=world.trajectory).values_list("at", "to_status")) == (
        events_before
    )
    assert Trajectory.objects.get(pk=world.trajectory.pk).status == world.trajectory.status
    assert _figures(region) == before

    # Logged (the learner's update, the removed preferences) without the erased values.
    new_entries = list(AuditLogEntry.objects.order_by("id")[entries_before:])
    assert not [e for e in new_entries if "Noor" in str(e.changes) + e.object_repr or "Jansen" in e.object_repr]
    update = next(e for e in new_entries if e.object_id == str(learner.pk) and e.action == "update")
    assert set(update.changes) >= {"first_name", "date_of_birth", "support_needs"}

    # The verification page's hook: the certificate is valid, its holder erased.
    certificate = Certificate.objects.get(pk=world.certificate.pk)
    assert services.certificate_holder_erased(certificate)
    assert certificate.revoked is None

    with pytest.raises(ValidationError):
        services.erase_learner(learner, by=world.coordinator)


def test_an_open_trajectory_is_not_erased(english: None) -> None:
    from werkplaats.trajectories.tests import work_world

    work = work_world.build()
    with pytest.raises(ValidationError, match="open trajectory"):
        services.erase_learner(work.trajectory.learner, by=None)
    assert Learner.objects.get(pk=work.trajectory.learner_id).first_name == "Noor"
    assert not Erasure.objects.exists()


def test_the_daily_run_erases_learners_past_retention(settings: object) -> None:
    from werkplaats.organisations.tests.factories import OrganisationFactory
    from werkplaats.trajectories.models import Status, TargetGroup
    from werkplaats.trajectories.tests.factories import TrajectoryFactory

    organisation = OrganisationFactory.create()
    long_ago = timezone.now() - datetime.timedelta(days=services.retention_days() + 5)

    def learner(name: str, *, status: str, changed: datetime.datetime) -> Learner:
        found = Learner.objects.create(
            organisation=organisation,
            first_name=name,
            last_name="Test",
            date_of_birth=datetime.date(1990, 1, 1),
            target_group=TargetGroup.WW,
        )
        trajectory = TrajectoryFactory.create(learner=found)
        Trajectory.objects.filter(pk=trajectory.pk).update(status=status, status_changed_at=changed)
        return found

    done = learner("Oud", status=Status.STOPPED, changed=long_ago)
    recent = learner("Recent", status=Status.STOPPED, changed=timezone.now())
    running = learner("Lopend", status=Status.IN_PROGRESS, changed=long_ago)

    call_command("erase_learners_past_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(Erasure.objects.values_list("learner_id", "reason")) == {(done.pk, ErasureReason.RETENTION)}
    assert Learner.objects.get(pk=recent.pk).first_name == "Recent"
    assert Learner.objects.get(pk=running.pk).first_name == "Lopend"
    assert AuditLogEntry.objects.filter(object_id=str(done.pk), actor_label="system: retention").exists()


def test_a_coordinator_erases_from_the_subject_access_page_after_confirming(english: None) -> None:
    from werkplaats.organisations.models import Role
    from werkplaats.organisations.tests.factories import member_of
    from werkplaats.trajectories.models import Status
    from werkplaats.trajectories.tests import work_world

    work = work_world.build(status=Status.STOPPED)
    assert work.municipality.region is not None
    coordinator = member_of(work.municipality, Role.COORDINATOR, email="regie@haren.example.nl")
    learner = work.trajectory.learner
    client = Client()
    client.force_login(coordinator)
    url = f"/privacy/learners/{learner.pk}/erase/"

    assert client.post(url).status_code == 302
    assert not Erasure.objects.exists()
    client.force_login(work.consultant)
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    client.force_login(coordinator)
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Erasure.objects.get().learner_id == learner.pk
    page = client.get(f"/privacy/learners/{learner.pk}/")
    assert f"Deelnemer #{learner.pk}" in page.content.decode()


def test_a_platform_administrator_erases_through_the_management_site(platform_admin: User) -> None:
    from werkplaats.trajectories.models import Status
    from werkplaats.trajectories.tests import work_world

    work = work_world.build(status=Status.STOPPED)
    learner = work.trajectory.learner
    client = Client()
    client.force_login(platform_admin)
    changelist = "/admin/privacy/learnerrecord/"
    assert client.get(changelist).status_code == 200

    response = client.post(changelist, {"action": "erase_learners", "_selected_action": [learner.pk]})

    assert response.status_code == 302
    erasure = Erasure.objects.get()
    assert (erasure.learner_id, erasure.erased_by_id) == (learner.pk, platform_admin.pk)
    client.force_login(work.consultant)
    assert client.get(changelist).status_code in (302, 403)


def test_after_erasure_the_verification_page_and_api_show_only_that_the_certificate_exists(
    private_dir: Path, django_capture_on_commit_callbacks: Any, settings: Any, english: None
) -> None:
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0
    world = build()
    certificate = Certificate.objects.get(pk=world.certificate.pk)
    page = f"/verify/{certificate.code}/"
    api = f"/api/v1/certificates/verify/{certificate.code}"
    client = Client()
    assert certificate.public_name in client.get(page).content.decode()
    assert client.get(api).json()["issued_to"] == certificate.public_name

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_learner(world.learner, by=world.coordinator)

    shown = client.get(page).content.decode()
    with translation.override("nl"):
        assert gettext("Valid") in shown
        assert gettext("The holder's personal data has been erased, so no further details are shown.") in shown
    assert certificate.public_name not in shown
    assert certificate.qualification_name not in shown
    answer = client.get(api).json()
    assert (answer["status"], answer["issued_to"]) == ("valid", "")
