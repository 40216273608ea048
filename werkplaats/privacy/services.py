"""Who may read or erase a learner's data, who has looked at it, and erasure itself."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import CharField, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.audit.recorder import record
from werkplaats.audit.registry import SENSITIVE_MARK
from werkplaats.certificates.models import Certificate, Revocation
from werkplaats.matching.models import LearnerPreference, PlacementRequest, RoundLearner
from werkplaats.notifications.models import Notification
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Membership, Role
from werkplaats.trajectories.files import private_storage
from werkplaats.trajectories.models import (
    OPEN_STATES,
    EvidenceFile,
    FundingSource,
    Learner,
    LearningPlanVersion,
    LogEntry,
    PlanApproval,
    PracticeHours,
    ProgressReview,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)

from .models import Erasure, ErasureReason

PSEUDONYM_FIRST_NAME = "Deelnemer"
# The date of birth cannot be empty in the learner's table: an erased learner gets this one.
ERASED_DATE_OF_BIRTH = datetime.date(1900, 1, 1)
DEFAULT_RETENTION_DAYS = 2 * 365


# --- Access -----------------------------------------------------------------------------------


def is_region_coordinator(user: Any, learner: Learner) -> bool:
    """A coordinator of the learner's organisation, or of the region that organisation is in."""
    access = get_access(user)
    if access.is_platform_admin:
        return True
    if access.has_role(learner.organisation_id, Role.COORDINATOR):
        return True
    region_id = learner.organisation.region_id
    return region_id is not None and region_id in access.region_ids(Role.COORDINATOR)


def can_request_access(user: Any, learner: Learner) -> bool:
    """The learner themself, or a coordinator of the learner's organisation or region."""
    access = get_access(user)
    return (learner.user_id is not None and learner.user_id == access.user_id) or is_region_coordinator(user, learner)


def can_erase(user: Any, learner: Learner) -> bool:
    return is_region_coordinator(user, learner)


def is_erased(learner_id: int) -> bool:
    return Erasure.objects.filter(learner_id=learner_id).exists()


def certificate_holder_erased(certificate: Certificate) -> bool:
    """For the public verification page: true when the certificate's learner was erased, so the
    page shows only that a valid certificate exists, without initials or surname."""
    return is_erased(certificate.learner_id)


# --- Transparency -----------------------------------------------------------------------------

# The audited records about a learner, each with the path from the record to the learner's id.
LEARNER_RECORDS: tuple[tuple[type[models.Model], str], ...] = (
    (Learner, "pk"),
    (Trajectory, "learner"),
    (FundingSource, "trajectory__learner"),
    (LearningPlanVersion, "trajectory__learner"),
    (PlanApproval, "version__trajectory__learner"),
    (ProgressReview, "trajectory__learner"),
    (PracticeHours, "trajectory__learner"),
    (WorkProcessAssessment, "trajectory__learner"),
    (EvidenceFile, "assessment__trajectory__learner"),
    (LogEntry, "trajectory__learner"),
    (Certificate, "learner"),
    (Revocation, "certificate__learner"),
    (LearnerPreference, "learner"),
    (PlacementRequest, "trajectory__learner"),
)


def audit_entries_about(learner: Learner) -> models.QuerySet[AuditLogEntry]:
    """Every audit entry whose record is the learner or one of their records: one query, whatever
    the number of records (each kind of record is a subquery)."""
    condition = Q()
    for model, path in LEARNER_RECORDS:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        keys = (
            model._base_manager.filter(**{path: learner.pk})
            .order_by()
            .annotate(key=Cast("pk", output_field=CharField()))
            .values("key")
        )
        condition |= Q(content_type=content_type, object_id__in=keys)
    return (
        AuditLogEntry.objects.filter(condition)
        .exclude(action__in=(Action.LOGIN, Action.LOGIN_FAILED, Action.LOGOUT))
        .select_related("actor", "organisation", "content_type")
        .order_by("-at", "-id")
    )


def record_export(learner: Learner, *, file_format: str) -> None:
    record(
        Action.EXPORT,
        learner,
        subject_organisation_id=learner.organisation_id,
        object_repr=f"{learner.audit_repr()} ({file_format})",
    )


# --- Erasure ----------------------------------------------------------------------------------


def _clear(model: type[models.Model], path: str, learner_id: int, **values: Any) -> None:
    model._base_manager.filter(**{path: learner_id}).update(**values)


@transaction.atomic
def erase_learner(learner: Learner, *, by: Any, reason: str = ErasureReason.REQUEST) -> Erasure:
    """Pseudonymise the learner and clear the personal data of their records, keeping every date,
    state and event, so the dashboard's counts and lead times stay the same.

    The writes bypass ``save()`` on purpose: the audit log records a change with its old value,
    which would copy the erased data into the log. One entry records the erasure instead, with the
    fields marked as changed and no values.
    """
    locked = Learner.objects.select_for_update(of=("self",)).select_related("user").get(pk=learner.pk)
    if Erasure.objects.filter(learner=locked).exists():
        raise ValidationError(_("This learner's personal data has already been erased."))
    if locked.trajectories.filter(status__in=OPEN_STATES).exists():
        raise ValidationError(_("This learner has an open trajectory: stop or complete it first."))

    files = [
        *LearningPlanVersion.objects.filter(trajectory__learner=locked)
        .exclude(signed_copy="")
        .values_list("signed_copy", flat=True),
        *EvidenceFile.objects.filter(assessment__trajectory__learner=locked)
        .exclude(file="")
        .values_list("file", flat=True),
    ]
    certificate_files = list(Certificate.objects.filter(learner=locked).exclude(pdf="").values_list("pdf", flat=True))
    learner_id = locked.pk
    Learner.objects.filter(pk=learner_id).update(
        first_name=PSEUDONYM_FIRST_NAME,
        last_name=f"#{learner_id}",
        date_of_birth=ERASED_DATE_OF_BIRTH,
        email="",
        phone="",
        support_needs="",
        user=None,
    )
    _clear(TrajectoryEvent, "trajectory__learner", learner_id, reason="")
    _clear(
        LearningPlanVersion,
        "trajectory__learner",
        learner_id,
        learner_goals="",
        workplace_goals="",
        school_goals="",
        activities="",
        support="",
        assessment_method="",
        early_termination="",
        signed_copy="",
    )
    _clear(ProgressReview, "trajectory__learner", learner_id, attendees="", progress="", agreements="")
    _clear(PracticeHours, "trajectory__learner", learner_id, note="")
    _clear(FundingSource, "trajectory__learner", learner_id, note="")
    _clear(WorkProcessAssessment, "trajectory__learner", learner_id, evidence_note="")
    _clear(EvidenceFile, "assessment__trajectory__learner", learner_id, file="", original_name="")
    _clear(LogEntry, "trajectory__learner", learner_id, text="", goal="")
    _clear(PlacementRequest, "trajectory__learner", learner_id, message="", reason="")
    _clear(RoundLearner, "trajectory__learner", learner_id, notes={})
    LearnerPreference.objects.filter(learner_id=learner_id).delete()
    # Certificates stay, and are still counted and verified as valid; they name the pseudonym.
    Certificate.objects.pseudonymise_holder(
        learner_id,
        first_name=PSEUDONYM_FIRST_NAME,
        last_name=f"#{learner_id}",
        date_of_birth=ERASED_DATE_OF_BIRTH,
    )

    if locked.user is not None:
        _erase_account(locked.user)

    erased_by = by if by is not None and by.is_authenticated else None
    erasure = Erasure.objects.create(learner_id=learner_id, reason=reason, erased_by=erased_by)
    record(
        Action.UPDATE,
        locked,
        changes={name: [SENSITIVE_MARK, SENSITIVE_MARK] for name in ERASED_FIELDS},
        subject_organisation_id=locked.organisation_id,
        object_repr=f"#{learner_id}",
    )
    transaction.on_commit(_deleter(files))
    transaction.on_commit(_deleter(certificate_files, storage=Certificate._meta.get_field("pdf").storage))
    return erasure


ERASED_FIELDS = ("first_name", "last_name", "date_of_birth", "email", "phone", "support_needs", "user_id")


def _erase_account(user: User) -> None:
    """The learner's login: deactivated, without e-mail address or name, its memberships ended and
    its notifications (which may name the learner) removed."""
    User.objects.filter(pk=user.pk).update(
        email=f"erased-{user.pk}@erased.invalid",
        name="",
        is_active=False,
        password=make_password(None),
    )
    Membership.objects.filter(user_id=user.pk, ended_at__isnull=True).update(ended_at=timezone.now())
    Notification.objects.filter(recipient_id=user.pk).delete()
    try:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user_id=user.pk).delete()
    except ImportError:  # pragma: no cover - allauth is always installed here
        pass


def _deleter(names: list[str], *, storage: Any = None) -> Callable[[], None]:
    def delete_files() -> None:
        where = storage if storage is not None else private_storage()
        for name in names:
            where.delete(name)

    return delete_files


def retention_days() -> int:
    return int(getattr(settings, "WERKPLAATS_LEARNER_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def learners_due_for_erasure(*, now: datetime.datetime | None = None) -> models.QuerySet[Learner]:
    """Learners not yet erased, without an open trajectory, whose last trajectory ended (or who
    were registered, without any trajectory) longer ago than the retention period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    return (
        Learner.objects.filter(erasure__isnull=True)
        .exclude(trajectories__status__in=OPEN_STATES)
        .annotate(last_change=Max("trajectories__status_changed_at"))
        .filter(Q(last_change__lt=cutoff) | Q(last_change__isnull=True, created_at__lt=cutoff))
        .order_by("pk")
    )


def erase_expired_learners(*, now: datetime.datetime | None = None) -> int:
    """Erase every learner whose retention period ended; one transaction per learner, so one
    failure does not hold back the others."""
    erased = 0
    for learner_id in list(learners_due_for_erasure(now=now).values_list("pk", flat=True)):
        learner = Learner.objects.get(pk=learner_id)
        try:
            erase_learner(learner, by=None, reason=ErasureReason.RETENTION)
        except ValidationError:  # a trajectory was reopened meanwhile
            continue
        erased += 1
    return erased
