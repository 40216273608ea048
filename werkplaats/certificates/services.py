"""Issuing and revoking praktijkverklaringen, and the milestones they reach."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.notifications.services import notify
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Membership, Role
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import IntendedOutcome, Learner, Level, Status, Trajectory, WorkProcessAssessment

from .models import Certificate, CertificateSequence, Milestone, MilestoneScope, Revocation

logger = logging.getLogger(__name__)

NUMBER_FORMAT = "PV-{year}-{sequence:06d}"


# --- Who may do what --------------------------------------------------------------------------


def is_issuing_school_staff(user: Any, trajectory: Trajectory) -> bool:
    """School staff of the trajectory's school: they organise the assessment and sign the
    certificate. A platform administrator is no school and signs nothing."""
    access = get_access(user)
    return trajectory.school_id is not None and trajectory.school_id in access.organisation_ids(Role.SCHOOL_STAFF)


def can_revoke(user: Any, certificate: Certificate) -> bool:
    """School staff of the issuing school, and coordinators of the certificate's region."""
    access = get_access(user)
    return certificate.school_id in access.organisation_ids(Role.SCHOOL_STAFF) or (
        certificate.region_id is not None and certificate.region_id in access.region_ids(Role.COORDINATOR)
    )


def can_see_counts(user: Any) -> bool:
    access = get_access(user)
    return access.is_platform_admin or bool(access.region_ids(Role.COORDINATOR))


# --- What goes on a certificate ---------------------------------------------------------------


def confirmed_mastered(trajectory: Trajectory) -> list[WorkProcessAssessment]:
    """The work processes the certificate lists: assessed as mastered by the workplace and
    confirmed by the school, in the order of the qualification file."""
    return list(
        trajectory.assessments.filter(level=Level.MASTERED, confirmed_at__isnull=False)
        .select_related("work_process__core_task")
        .order_by("work_process__core_task__part", "work_process__core_task__position", "work_process__position")
    )


def unconfirmed_mastered(trajectory: Trajectory) -> int:
    return trajectory.assessments.filter(level=Level.MASTERED, confirmed_at__isnull=True).count()


def learner_language(learner: Learner) -> str:
    """The language of what the learner takes away (certificate, record): their own, when they
    have a login and chose one we speak; Dutch otherwise."""
    language = getattr(learner.user, "language", "") if learner.user_id else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def valid_certificate(trajectory: Trajectory) -> Certificate | None:
    return trajectory.certificates.filter(revocation__isnull=True).first()


def issue_problems(trajectory: Trajectory) -> list[str]:
    """What stands in the way of issuing a certificate for ``trajectory``; empty when nothing.
    A trajectory in assessment is completed by the certificate; a completed one whose
    certificate was revoked may get a corrected one."""
    reissue = trajectory.status == Status.COMPLETED
    return problems_of(
        trajectory,
        confirmed_mastered=trajectory.assessments.filter(level=Level.MASTERED, confirmed_at__isnull=False).count(),
        has_valid_certificate=reissue and valid_certificate(trajectory) is not None,
        had_certificate=reissue and trajectory.certificates.exists(),
    )


def problems_of(
    trajectory: Trajectory,
    *,
    confirmed_mastered: int,
    has_valid_certificate: bool = False,
    had_certificate: bool = False,
) -> list[str]:
    """``issue_problems`` from what was counted already: for lists that annotate the number of
    confirmed mastered work processes (and, for completed trajectories, their certificates)."""
    problems: list[str] = []
    if trajectory.intended_outcome != IntendedOutcome.PRACTICE_CERTIFICATE:
        problems.append(
            _("The intended outcome of this trajectory is not a praktijkverklaring. Change the trajectory first.")
        )
    if trajectory.status == Status.COMPLETED:
        if has_valid_certificate:
            problems.append(_("This trajectory already has a valid praktijkverklaring."))
        elif not had_certificate:
            problems.append(_("This trajectory was completed without a praktijkverklaring."))
    elif trajectory.status != Status.ASSESSMENT:
        problems.append(
            _("A praktijkverklaring is issued in the assessment phase; the trajectory is now: %(state)s.")
            % {"state": trajectory.get_status_display()}
        )
    if trajectory.qualification_id is None:
        problems.append(_("Choose the qualification of the trajectory."))
    if trajectory.school_id is None:
        problems.append(_("Name the school of the trajectory."))
    if trajectory.employer_id is None:
        problems.append(_("Name the employer of the trajectory."))
    elif not (trajectory.employer and trajectory.employer.kvk_number):
        problems.append(_("Fill in the employer's KvK number: it is printed on the certificate."))
    if not confirmed_mastered:
        problems.append(
            _(
                "No work process is assessed as mastered by the workplace and confirmed by the school: a "
                "praktijkverklaring lists at least one."
            )
        )
    return problems


def _grouped_work_processes(assessments: list[WorkProcessAssessment]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for assessment in assessments:
        process = assessment.work_process
        core_task = process.core_task
        if not groups or groups[-1]["code"] != core_task.code:
            groups.append({"code": core_task.code, "title": core_task.title, "work_processes": []})
        groups[-1]["work_processes"].append({"code": process.code, "title": process.title})
    return groups


def _next_number(year: int) -> tuple[int, str]:
    """The next number of ``year``, locked until the caller's transaction ends."""
    # Insert the year's row if it is not there; a concurrent insert waits for ours and then
    # does nothing, so both go on to lock the same row.
    CertificateSequence.objects.bulk_create([CertificateSequence(year=year, last=0)], ignore_conflicts=True)
    sequence = CertificateSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last, NUMBER_FORMAT.format(year=year, sequence=sequence.last)


def _region_id(trajectory: Trajectory) -> int | None:
    for organisation in (trajectory.learner.organisation, trajectory.employer, trajectory.school):
        if organisation is not None and organisation.region_id is not None:
            return organisation.region_id
    return None


def _place(trajectory: Trajectory) -> str:
    school = trajectory.school
    if school is None:
        return ""
    if school.city:
        return school.city
    return school.municipality.name if school.municipality_id and school.municipality else ""


def _name(user: Any) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.email)[:200]


@transaction.atomic
def issue(trajectory: Trajectory, *, by: Any, on: datetime.date | None = None, language: str = "nl") -> Certificate:
    """Issue the praktijkverklaring of ``trajectory`` and complete the trajectory, in one
    transaction: either both happen or neither. The number is the next of the year of issue."""
    locked = (
        Trajectory.objects.select_for_update(of=("self",))
        .select_related(
            "learner__organisation",
            "qualification__file",
            "school__municipality",
            "employer",
            "workplace_trainer",
        )
        .get(pk=trajectory.pk)
    )
    if not is_issuing_school_staff(by, locked):
        raise PermissionDenied
    on = on or timezone.localdate()
    # What is missing in the trajectory concerns the whole form; the date and the language each
    # their own field (named as on the certificate), so the message appears where it is fixed.
    errors: dict[str, list[str]] = {}
    problems = issue_problems(locked)
    if problems:
        errors[NON_FIELD_ERRORS] = problems
    if on > timezone.localdate():
        errors["issued_on"] = [_("The date of issue cannot be in the future.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose the language of the certificate from the list.")]
    if errors:
        raise ValidationError(errors, code="guard")
    assessments = confirmed_mastered(locked)
    qualification = locked.qualification
    school, employer, learner = locked.school, locked.employer, locked.learner
    assert qualification is not None and school is not None and employer is not None
    sequence, number = _next_number(on.year)
    certificate = Certificate(
        number=number,
        year=on.year,
        sequence=sequence,
        trajectory=locked,
        learner=learner,
        qualification=qualification,
        school=school,
        employer=employer,
        region_id=_region_id(locked),
        issued_on=on,
        issued_by=by,
        language=language,
        learner_first_name=learner.first_name,
        learner_last_name=learner.last_name,
        learner_date_of_birth=learner.date_of_birth,
        qualification_name=qualification.name,
        crebo=qualification.crebo,
        level=qualification.level,
        dossier_crebo=qualification.file.dossier_crebo,
        dossier_version=qualification.file.version_label or str(qualification.file.version_number),
        work_processes=_grouped_work_processes(assessments),
        employer_name=employer.name,
        employer_kvk=employer.kvk_number,
        trainer_name=_name(locked.workplace_trainer),
        school_name=school.name,
        signatory_name=_name(by),
        place=_place(locked),
    )
    certificate.full_clean(exclude=["trajectory", "learner", "qualification", "school", "employer", "issued_by"])
    certificate.save()
    if locked.status == Status.ASSESSMENT:
        trajectory_services.transition(
            locked,
            Status.COMPLETED,
            by=by,
            reason=_("Praktijkverklaring %(number)s issued.") % {"number": number},
            via_certificate=True,
        )
    _record_milestones(certificate)
    from .tasks import render_certificate_pdf

    # The PDF is drawn after the commit, by the worker: the lock on the year's numbers is held
    # only as long as the insert takes.
    transaction.on_commit(lambda: render_certificate_pdf.enqueue(certificate.pk))
    return certificate


@transaction.atomic
def revoke(certificate: Certificate, *, by: Any, reason: str, on: datetime.date | None = None) -> Revocation:
    """Withdraw ``certificate``. Nothing on the certificate changes; the verification page
    says from now on that it was revoked, and when."""
    certificate = Certificate.objects.select_for_update().select_related("trajectory__learner").get(pk=certificate.pk)
    if not can_revoke(by, certificate):
        raise PermissionDenied
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the praktijkverklaring is revoked.")
    if on > timezone.localdate():
        errors["revoked_on"] = _("The date cannot be in the future.")
    elif on < certificate.issued_on:
        errors["revoked_on"] = _("A praktijkverklaring cannot be revoked before it was issued.")
    if Revocation.objects.filter(certificate=certificate).exists():
        raise ValidationError(_("This praktijkverklaring has already been revoked."))
    if errors:
        raise ValidationError(errors)
    revocation = Revocation.objects.create(certificate=certificate, reason=reason.strip(), revoked_on=on, revoked_by=by)
    trajectory = certificate.trajectory
    people = [trajectory.consultant_id, trajectory.school_coach_id, trajectory.workplace_trainer_id]
    if trajectory.learner.user_id:
        people.append(trajectory.learner.user_id)
    from werkplaats.accounts.models import User

    recipients = User.objects.filter(pk__in=[p for p in people if p and p != getattr(by, "pk", None)], is_active=True)
    number = certificate.number

    def message() -> str:
        return _("Praktijkverklaring %(number)s has been revoked.") % {"number": number}

    notify(recipients, message=message, url=certificate.get_absolute_url(), key=f"certificate-revoked:{certificate.pk}")
    return revocation


# --- Milestones -------------------------------------------------------------------------------


def is_milestone(count: int) -> bool:
    """10, 25, 50, 100, 250, 500, 1000, 2500, …: one, two and a half and five times a power of ten."""
    if count < 10:
        return False
    power = 10
    while power <= count:
        if count in (power, power * 5 // 2, power * 5):
            return True
        power *= 10
    return False


def _record_milestones(certificate: Certificate) -> list[Milestone]:
    """Record the milestones ``certificate`` makes its region and its school reach, and tell the
    region's coordinators (and, for a school, its staff). Issuing is serialised by the year's
    number lock, so each count is seen by exactly one certificate."""
    reached: list[Milestone] = []
    scopes: list[tuple[str, dict[str, Any]]] = [(MilestoneScope.SCHOOL, {"school_id": certificate.school_id})]
    if certificate.region_id is not None:
        scopes.insert(0, (MilestoneScope.REGION, {"region_id": certificate.region_id}))
    for scope, where in scopes:
        count = Certificate.objects.valid().filter(**where).count()
        if not is_milestone(count):
            continue
        try:
            with transaction.atomic():
                milestone = Milestone.objects.create(scope=scope, count=count, certificate=certificate, **where)
        except IntegrityError:
            continue  # reached before (a revoked certificate brought the count back down)
        reached.append(milestone)
        _announce(milestone)
    return reached


def _announce(milestone: Milestone) -> None:
    school = milestone.school
    region_id = milestone.region_id if school is None else school.region_id
    who = Q(role_set__role=Role.COORDINATOR, organisation__region_id=region_id) if region_id else Q(pk__in=[])
    if milestone.scope == MilestoneScope.SCHOOL:
        who |= Q(role_set__role=Role.SCHOOL_STAFF, organisation_id=milestone.school_id)
    from werkplaats.accounts.models import User

    users = User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(who, ended_at__isnull=True).values("user_id")
    )
    subject = str(milestone.subject)
    count = milestone.count

    def message() -> str:
        return _("A success: %(subject)s has issued its %(count)sth praktijkverklaring.") % {
            "subject": subject,
            "count": count,
        }

    notify(users, message=message, url=reverse("certificates:counts"), key=f"milestone:{milestone.pk}")
