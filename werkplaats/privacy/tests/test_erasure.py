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


# --- The certificate after erasure ------------------------------------------------------------


def test_erasure_puts_the_pseudonym_on_the_certificate_and_drops_its_pdf(
    private_dir: Path, django_capture_on_commit_callbacks: Any, english: None
) -> None:
    from werkplaats.certificates import pdf

    world = build()
    certificate = Certificate.objects.get(pk=world.certificate.pk)
    pdf.stored_pdf(certificate)
    storage = Certificate._meta.get_field("pdf").storage
    stored = Certificate.objects.get(pk=certificate.pk).pdf.name
    assert storage.exists(stored)
    counted_before = Certificate.objects.valid().filter(region=certificate.region).count()

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_learner(world.learner, by=world.coordinator)

    erased = Certificate.objects.get(pk=certificate.pk)
    learner_id = world.learner.pk
    assert (erased.learner_first_name, erased.learner_last_name, erased.learner_date_of_birth) == (
        services.PSEUDONYM_FIRST_NAME,
        f"#{learner_id}",
        services.ERASED_DATE_OF_BIRTH,
    )
    assert (erased.pdf.name, erased.pdf_sha256) == ("", "")
    assert not storage.exists(stored)
    # What it states otherwise, and the counts, stay.
    assert (erased.number, erased.code, erased.qualification_name, erased.issued_on) == (
        certificate.number,
        certificate.code,
        certificate.qualification_name,
        certificate.issued_on,
    )
    assert Certificate.objects.valid().filter(region=certificate.region).count() == counted_before

    # Its page says so and offers no PDF; the PDF's address explains why there is none.
    client = Client()
    client.force_login(world.school_staff)
    detail = client.get(erased.get_absolute_url())
    assert detail.status_code == 200
    assert detail.context["holder_erased"] is True
    assert f"/certificates/{erased.number}/pdf/" not in detail.content.decode()
    assert "Deelnemer" in detail.content.decode()
    gone = client.get(f"/certificates/{erased.number}/pdf/")
    assert gone.status_code == 410
    with translation.override("nl"):
        assert gettext("This PDF is no longer available") in gone.content.decode()
    assert not Certificate.objects.get(pk=certificate.pk).pdf

    # The trajectory's record (ZIP) leaves the PDF out, and draws none.
    import io
    import zipfile

    from werkplaats.certificates.record import build_record, certificate_member
    from werkplaats.trajectories.models import Trajectory as TrajectoryModel

    trajectory = TrajectoryModel.objects.for_page().get(pk=certificate.trajectory_id)
    names = zipfile.ZipFile(io.BytesIO(build_record(trajectory, made_at=timezone.now()))).namelist()
    assert certificate_member(erased) not in names
    assert names
    assert not Certificate.objects.get(pk=certificate.pk).pdf


def test_the_database_allows_an_issued_certificate_only_the_pseudonym(private_dir: Path) -> None:
    """Migration 0006: the holder's fields may become the pseudonym and nothing else; every
    other column stays as issued."""
    from django.db import DatabaseError, connection, transaction

    world = build()
    certificate = world.certificate
    table = Certificate._meta.db_table
    refused = [
        ("learner_last_name", "Anders"),
        ("learner_first_name", services.PSEUDONYM_FIRST_NAME),  # half a pseudonym
        ("qualification_name", "Iets anders"),
    ]
    for column, value in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, certificate.pk])  # noqa: S608

    Certificate.objects.pseudonymise_holder(
        world.learner.pk,
        first_name=services.PSEUDONYM_FIRST_NAME,
        last_name=f"#{world.learner.pk}",
        date_of_birth=services.ERASED_DATE_OF_BIRTH,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Certificate.objects.pseudonymise_holder(
            world.learner.pk, first_name="Noor", last_name="Jansen", date_of_birth=datetime.date(1990, 1, 1)
        )
    assert Certificate.objects.get(pk=certificate.pk).learner_last_name == f"#{world.learner.pk}"


def test_the_migration_knows_the_pseudonym_erasure_writes() -> None:
    import importlib

    migration = importlib.import_module("werkplaats.certificates.migrations.0006_erasure_pseudonymises_the_holder")

    assert migration.PSEUDONYM_FIRST_NAME == services.PSEUDONYM_FIRST_NAME
    assert services.ERASED_DATE_OF_BIRTH.isoformat() == migration.ERASED_DATE_OF_BIRTH


# --- The audit log keeps no learner's values ---------------------------------------------------


def test_the_audit_log_keeps_no_values_that_name_a_learner(english: None) -> None:
    world = build()
    learner = Learner.objects.get(pk=world.learner.pk)
    before = AuditLogEntry.objects.count()

    learner.last_name = "Jansen-de Vries"
    learner.phone = "0612345678"
    learner.save()
    review = ProgressReview.objects.get(trajectory=world.trajectory)
    review.progress = "Gaat goed met Noor"
    review.save()

    entries = list(AuditLogEntry.objects.order_by("id")[before:])
    assert len(entries) == 2
    text = " ".join(f"{e.object_repr} {e.changes}" for e in entries)
    for personal in ("Jansen", "Noor", "0612345678"):
        assert personal not in text
    # Still said: which record, which fields.
    assert entries[0].object_repr == f"#{learner.pk}"
    assert set(entries[0].changes) == {"last_name", "phone"}
    assert set(entries[1].changes) == {"progress"}
    assert entries[1].object_repr.startswith(f"#{world.trajectory.pk} ")


def test_every_learner_text_field_of_the_register_is_kept_out_of_the_audit_log() -> None:
    from werkplaats.audit.registry import is_audited, sensitive_fields
    from werkplaats.privacy.audit import learner_values

    values = learner_values()
    assert {"first_name", "last_name", "date_of_birth", "email", "phone"} <= values[Learner]
    assert {"text", "goal"} <= values[LogEntry]
    audited = {model: names for model, names in values.items() if is_audited(model)}
    assert {Learner, LogEntry, ProgressReview, LearningPlanVersion, Certificate} <= set(audited)
    logged = sorted(f"{m.__name__}.{n}" for m, names in audited.items() for n in names - sensitive_fields(m))
    assert logged == []
