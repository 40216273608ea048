"""Every change to learners and trajectories. One function per change; each checks who may
make it, keeps the rule, and leaves nothing half-written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, OrganisationKind, Role
from werkplaats.qualifications.models import WorkProcess
from werkplaats.recognitions.services import is_recognised

from . import files, leadtime
from .models import (
    ALLOWED_TRANSITIONS,
    EventKind,
    EvidenceFile,
    FollowUp,
    FundingSource,
    IntendedOutcome,
    Learner,
    LearningPlanVersion,
    Level,
    LogEntry,
    Party,
    PlanApproval,
    PracticeHours,
    ProgressReview,
    Status,
    StopReason,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)


class Conflict(ValidationError):
    """Someone else changed the record in the meantime; the user should look again."""


# --- Who may do what --------------------------------------------------------------------------


def can_create_trajectory(user: Any, learner: Learner) -> bool:
    """Consultants of the learner's organisation and coordinators of its region start the
    learner's trajectories."""
    access = get_access(user)
    organisation = learner.organisation
    return (
        access.is_platform_admin
        or organisation.pk in access.organisation_ids(Role.CONSULTANT)
        or (organisation.region_id is not None and organisation.region_id in access.region_ids(Role.COORDINATOR))
    )


def can_manage(user: Any, trajectory: Trajectory) -> bool:
    """Those who may start the learner's trajectories, and the trajectory's own consultant,
    steer the trajectory."""
    if trajectory.consultant_id is not None and trajectory.consultant_id == get_access(user).user_id:
        return True
    return can_create_trajectory(user, trajectory.learner)


def is_school_staff(user: Any, trajectory: Trajectory) -> bool:
    access = get_access(user)
    return access.is_platform_admin or (
        trajectory.school_id is not None and trajectory.school_id in access.organisation_ids(Role.SCHOOL_STAFF)
    )


def is_workplace_trainer(user: Any, trajectory: Trajectory) -> bool:
    access = get_access(user)
    if access.is_platform_admin:
        return True
    if trajectory.workplace_trainer_id is not None and trajectory.workplace_trainer_id == access.user_id:
        return True
    return trajectory.employer_id is not None and trajectory.employer_id in access.organisation_ids(
        Role.WORKPLACE_TRAINER
    )


def is_the_learner(user: Any, trajectory: Trajectory) -> bool:
    return user is not None and user.is_authenticated and trajectory.learner.user_id == user.pk


def is_party(user: Any, trajectory: Trajectory) -> bool:
    """The learner, the workplace, the school and those who steer the trajectory: they write the
    learning plan and the log together."""
    return (
        can_manage(user, trajectory)
        or is_school_staff(user, trajectory)
        or is_workplace_trainer(user, trajectory)
        or is_the_learner(user, trajectory)
    )


def can_record_review(user: Any, trajectory: Trajectory) -> bool:
    return can_manage(user, trajectory) or is_school_staff(user, trajectory) or is_workplace_trainer(user, trajectory)


def can_log_hours(user: Any, trajectory: Trajectory) -> bool:
    return is_the_learner(user, trajectory) or is_workplace_trainer(user, trajectory)


def can_upload_signed_copy(user: Any, trajectory: Trajectory) -> bool:
    return can_manage(user, trajectory) or is_school_staff(user, trajectory)


def can_see_sensitive(user: Any, learner: Learner) -> bool:
    """Support needs are for the people working on this learner's trajectory: the learner's
    consultants and the coach, trainer and consultant named on one of their trajectories."""
    access = get_access(user)
    if not access.is_authenticated:
        return False
    if learner.organisation_id in access.organisation_ids(Role.CONSULTANT):
        return True
    if learner.user_id == access.user_id:
        return True
    return learner.trajectories.filter(
        Q(workplace_trainer_id=access.user_id) | Q(school_coach_id=access.user_id) | Q(consultant_id=access.user_id)
    ).exists()


# --- Learners ---------------------------------------------------------------------------------


def find_duplicates(
    organisation: Organisation, *, first_name: str, last_name: str, date_of_birth: Any
) -> list[Learner]:
    return list(
        Learner.objects.filter(
            organisation=organisation,
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )
    )


@transaction.atomic
def register_learner(organisation: Organisation, *, by: Any, allow_duplicate: bool = False, **fields: Any) -> Learner:
    """Register a learner with the minimum of personal data. A learner with the same name and
    date of birth in the organisation is refused unless the user confirms it is someone else."""
    access = get_access(by)
    if not (access.is_platform_admin or organisation.pk in access.organisation_ids(Role.CONSULTANT, Role.COORDINATOR)):
        raise PermissionDenied
    duplicates = find_duplicates(
        organisation,
        first_name=fields.get("first_name", ""),
        last_name=fields.get("last_name", ""),
        date_of_birth=fields.get("date_of_birth"),
    )
    if duplicates and not allow_duplicate:
        raise ValidationError(
            _(
                "%(name)s, born %(date)s, is already registered by %(organisation)s. Open the existing record, or "
                "confirm that this is someone else."
            )
            % {
                "name": duplicates[0].full_name,
                "date": duplicates[0].date_of_birth.strftime("%d-%m-%Y"),
                "organisation": organisation,
            },
            code="duplicate",
        )
    learner = Learner(organisation=organisation, created_by=by, **fields)
    learner.full_clean()
    learner.save()
    return learner


# --- Trajectories -----------------------------------------------------------------------------


@transaction.atomic
def create_trajectory(learner: Learner, *, by: Any, **fields: Any) -> Trajectory:
    if not can_create_trajectory(by, learner):
        raise PermissionDenied
    trajectory = Trajectory(learner=learner, created_by=by, **fields)
    trajectory.status_changed_at = trajectory.created_at  # referred since registration, also when backdated
    _check_parties(trajectory)
    trajectory.full_clean()
    trajectory.save()
    TrajectoryEvent.objects.create(
        trajectory=trajectory,
        kind=EventKind.CREATED,
        from_status="",
        to_status=Status.REFERRED,
        actor=by,
        at=trajectory.created_at,
    )
    return trajectory


EDITABLE_FIELDS = (
    "route",
    "intended_outcome",
    "qualification",
    "school",
    "employer",
    "workplace_trainer",
    "school_coach",
    "consultant",
    "planned_start",
    "planned_end",
    "review_interval_weeks",
)
# Once placed, the employer changes only through change_employer (which keeps the history).
PLACED_STATES = (Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT)


@transaction.atomic
def update_trajectory(trajectory: Trajectory, *, by: Any, expected_version: int | None, **fields: Any) -> Trajectory:
    """Change the editable facts of a trajectory; never its state (see ``transition``)."""
    locked = _locked(trajectory, expected_version)
    if not can_manage(by, locked):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if locked.status in PLACED_STATES and "employer" in fields and fields["employer"] != locked.employer:
        raise ValidationError({"employer": _("The learner is placed: use 'change employer', which keeps the history.")})
    if not locked.is_open:
        raise ValidationError(_("A completed or stopped trajectory cannot be changed."))
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_parties(locked)
    locked.full_clean()
    locked.version = F("version") + 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    locked.refresh_from_db()
    return locked


def _check_parties(trajectory: Trajectory) -> None:
    errors: dict[str, str] = {}
    if trajectory.school_id and trajectory.school and not trajectory.school.is_school:
        errors["school"] = _("Choose a school.")
    if trajectory.employer_id and trajectory.employer and trajectory.employer.kind != OrganisationKind.EMPLOYER:
        errors["employer"] = _("Choose an employer.")
    if (
        trajectory.needs_recognition
        and trajectory.intended_outcome == IntendedOutcome.PRACTICE_CERTIFICATE
        and trajectory.qualification_id is None
    ):
        errors["qualification"] = _("A praktijkverklaring is earned for a qualification: choose one.")
    if errors:
        raise ValidationError(errors)


def _locked(trajectory: Trajectory, expected_version: int | None) -> Trajectory:
    """The row, locked until the transaction ends. ``expected_version`` is what the user saw: if
    someone changed the trajectory since, the change is refused with a conflict."""
    # Lock only the trajectory row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins to employer and school.
    locked = (
        Trajectory.objects.select_for_update(of=("self",))
        .select_related("learner__organisation", "employer", "school")
        .get(pk=trajectory.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this trajectory a moment ago (it is now: %(state)s). Look again and retry.")
            % {"state": locked.get_status_display()},
            code="conflict",
        )
    return locked


def current_plan(trajectory: Trajectory) -> LearningPlanVersion | None:
    return trajectory.plan_versions.order_by("-number").first()


def paused_from(trajectory: Trajectory) -> str | None:
    """The state a paused trajectory returns to."""
    event = trajectory.events.filter(to_status=Status.PAUSED).order_by("-at", "-id").first()
    return event.from_status if event is not None else None


def guard_problems(
    trajectory: Trajectory, to: str, *, stop_reason: str = "", reason: str = "", via_certificate: bool = False
) -> list[str]:
    """What is missing before ``trajectory`` may go to ``to``; empty when nothing is.
    ``via_certificate``: the change is the certificate being issued (certificates.services)."""
    problems: list[str] = []
    if trajectory.status == Status.PAUSED and to != Status.STOPPED:
        if to != paused_from(trajectory):
            problems.append(_("A paused trajectory resumes in the state it was paused in."))
    elif to not in ALLOWED_TRANSITIONS.get(trajectory.status, frozenset()):
        problems.append(
            _("A trajectory cannot go from %(from)s to %(to)s.")
            % {"from": Status(trajectory.status).label, "to": Status(to).label}
        )
        return problems
    if to == Status.PLACED and trajectory.status != Status.PAUSED:
        problems.extend(_placement_problems(trajectory))
    if (
        to == Status.ASSESSMENT
        and trajectory.status != Status.PAUSED
        # A route outside mbo without a qualification has no work processes to assess.
        and (trajectory.needs_recognition or trajectory.qualification_id is not None)
        and not trajectory.assessments.exclude(level=Level.NOT_STARTED).exists()
    ):
        problems.append(_("Assess at least one work process before the assessment phase."))
    if to == Status.STOPPED:
        if stop_reason not in StopReason.values:
            problems.append(_("Choose the reason for stopping from the list."))
        if not reason.strip():
            problems.append(_("Explain in a few words why the trajectory stops."))
    if to == Status.PAUSED and not reason.strip():
        problems.append(_("Say why the trajectory is paused."))
    if (
        to == Status.COMPLETED
        and trajectory.intended_outcome == IntendedOutcome.PRACTICE_CERTIFICATE
        and not via_certificate
    ):
        problems.append(_("A praktijkverklaring trajectory is completed by issuing the certificate."))
    return problems


def _placement_problems(trajectory: Trajectory) -> list[str]:
    problems: list[str] = []
    if trajectory.employer_id is None:
        problems.append(_("Choose the employer where the learner will learn."))
    if trajectory.workplace_trainer_id is None:
        problems.append(_("Name the workplace trainer."))
    if trajectory.planned_start is None:
        problems.append(_("Fill in the planned start date."))
    plan = current_plan(trajectory)
    if plan is None or not plan.is_agreed:
        problems.append(_("The learning plan has to be agreed by the learner, the workplace and the school."))
    employer = trajectory.employer
    if trajectory.needs_recognition and employer is not None and trajectory.planned_start:
        if trajectory.qualification_id is None:
            problems.append(_("Choose the qualification."))
        elif not is_recognised(employer, trajectory.qualification, on=trajectory.planned_start):
            problems.append(
                _("%(employer)s is not a recognised learning company for %(qualification)s on %(date)s.")
                % {
                    "employer": trajectory.employer,
                    "qualification": trajectory.qualification,
                    "date": trajectory.planned_start.strftime("%d-%m-%Y"),
                }
            )
    return problems


def _may_transition(user: Any, trajectory: Trajectory, to: str) -> bool:
    if can_manage(user, trajectory):
        return True
    # The school organises the assessment and may move a trajectory into and out of it (back to
    # learning at work), but does not start or resume the placement itself.
    into = to == Status.ASSESSMENT
    out_of = trajectory.status == Status.ASSESSMENT and to == Status.IN_PROGRESS
    return (into or out_of) and is_school_staff(user, trajectory)


@transaction.atomic
def transition(
    trajectory: Trajectory,
    to: str,
    *,
    by: Any,
    reason: str = "",
    stop_reason: str = "",
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
    outcome: str = "",
    via_certificate: bool = False,
) -> Trajectory:
    """Move ``trajectory`` to state ``to``: lock, check the guards, change, record the event.

    Two people pressing a button at the same time are serialised by the row lock; with
    ``expected_version`` the second one gets a Conflict instead of a surprise.
    ``via_certificate`` is for ``certificates.services.issue`` alone: a praktijkverklaring
    trajectory is completed by its certificate, which that function has checked and issues in
    the same transaction."""
    locked = _locked(trajectory, expected_version)
    if not (via_certificate or _may_transition(by, locked, to)):
        raise PermissionDenied
    problems = guard_problems(locked, to, stop_reason=stop_reason, reason=reason, via_certificate=via_certificate)
    if problems:
        raise ValidationError(problems, code="guard")
    now = at or timezone.now()
    previous = locked.status
    locked.status = to
    locked.status_changed_at = now
    locked.version = F("version") + 1
    fields = ["status", "status_changed_at", "version", "updated_at"]
    if to == Status.STOPPED:
        locked.stop_reason = stop_reason
        fields.append("stop_reason")
    if to == Status.COMPLETED and outcome:
        if outcome not in FollowUp.values:
            raise ValidationError({"outcome": _("Choose an outcome from the list.")})
        locked.outcome_at_completion = outcome
        fields.append("outcome_at_completion")
    locked.save(update_fields=fields)
    locked.refresh_from_db(fields=["version"])
    TrajectoryEvent.objects.create(
        trajectory=locked,
        from_status=previous,
        to_status=to,
        actor=by,
        reason=reason.strip(),
        data={"stop_reason": stop_reason} if stop_reason else {},
        at=now,
    )
    return locked


@transaction.atomic
def change_employer(
    trajectory: Trajectory,
    *,
    employer: Organisation,
    workplace_trainer: Any,
    by: Any,
    reason: str,
    on: datetime.date,
    expected_version: int | None = None,
) -> Trajectory:
    """Move a placed or learning trajectory to another employer; history keeps the old one."""
    locked = _locked(trajectory, expected_version)
    if not can_manage(by, locked):
        raise PermissionDenied
    problems = []
    if locked.status not in (Status.PLACED, Status.IN_PROGRESS):
        problems.append(_("Only a placed or learning trajectory can change employer; otherwise edit the trajectory."))
    if employer.kind != OrganisationKind.EMPLOYER:
        problems.append(_("Choose an employer."))
    if workplace_trainer is None:
        problems.append(_("Name the workplace trainer at the new employer."))
    if not reason.strip():
        problems.append(_("Say why the learner changes employer."))
    if (
        locked.needs_recognition
        and locked.qualification_id
        and not is_recognised(employer, locked.qualification, on=on)
    ):
        problems.append(
            _("%(employer)s is not a recognised learning company for %(qualification)s on %(date)s.")
            % {"employer": employer, "qualification": locked.qualification, "date": on.strftime("%d-%m-%Y")}
        )
    if problems:
        raise ValidationError(problems, code="guard")
    old_employer_id, old_trainer_id = locked.employer_id, locked.workplace_trainer_id
    locked.employer = employer
    locked.workplace_trainer = workplace_trainer
    locked.version = F("version") + 1
    locked.save(update_fields=["employer", "workplace_trainer", "version", "updated_at"])
    locked.refresh_from_db(fields=["version"])
    TrajectoryEvent.objects.create(
        trajectory=locked,
        kind=EventKind.EMPLOYER_CHANGE,
        from_status=locked.status,
        to_status=locked.status,
        actor=by,
        reason=reason.strip(),
        data={
            "from_employer": old_employer_id,
            "to_employer": employer.pk,
            "from_trainer": old_trainer_id,
            "to_trainer": workplace_trainer.pk,
            "on": on.isoformat(),
        },
    )
    return locked


@dataclass(frozen=True)
class Timing:
    lead_time: leadtime.LeadTime
    norm: str
    days_in_state: int


def _steps(rows: Iterable[Any]) -> list[leadtime.Step]:
    # A change of employer is not a change of state.
    return [leadtime.Step(at=e.at, to_status=e.to_status) for e in rows if e.kind != EventKind.EMPLOYER_CHANGE]


def timing(
    trajectory: Trajectory, *, now: datetime.datetime | None = None, events: Iterable[Any] | None = None
) -> Timing:
    """Lead time, time per state and the 3-to-6-month norm, from the events alone."""
    now = now or timezone.now()
    steps = _steps(events if events is not None else trajectory.events.all())
    result = leadtime.compute(steps, now)
    return Timing(
        lead_time=result,
        norm=leadtime.norm_status(result),
        days_in_state=max((now - trajectory.status_changed_at).days, 0),
    )


def figures_valid_until(trajectory: Trajectory, events: Iterable[Any], now: datetime.datetime) -> datetime.datetime:
    """Until when what the trajectory page computes from the clock at ``now`` holds: its timing
    (days in the state, lead time, time per state, the norm) and, at the next midnight, what
    depends on the date (reviews due or overdue, weeks with hours)."""
    moments = [_next_midnight(now)]
    lead = leadtime.next_change(_steps(events), now)
    if lead is not None:
        moments.append(lead)
    changed_at = trajectory.status_changed_at
    moments.append(changed_at if changed_at > now else leadtime.next_whole_day(now - changed_at, now))
    return min(moments)


def _next_midnight(now: datetime.datetime) -> datetime.datetime:
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))


# --- The learning plan ------------------------------------------------------------------------

PLAN_FIELDS = (
    "learner_goals",
    "workplace_goals",
    "school_goals",
    "activities",
    "support",
    "hours_per_week",
    "assessment_method",
    "start_date",
    "end_date",
    "early_termination",
)


@transaction.atomic
def propose_plan(
    trajectory: Trajectory,
    *,
    by: Any,
    based_on: int | None,
    work_processes: Iterable[WorkProcess] = (),
    **fields: Any,
) -> LearningPlanVersion:
    """Save a new version of the learning plan. ``based_on`` is the version number the author
    edited (None for the first): if someone saved another version meanwhile, this one is
    refused rather than silently overwriting their change."""
    locked = _locked(trajectory, None)
    if not is_party(by, locked):
        raise PermissionDenied
    latest = locked.plan_versions.aggregate(n=Max("number"))["n"]
    if latest != based_on:
        raise Conflict(
            _(
                "Someone saved version %(number)s of the learning plan while you were editing. "
                "Look at it and make your change again."
            )
            % {"number": latest},
            code="conflict",
        )
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown plan fields: {sorted(unknown)}")
    chosen = list(work_processes)
    if chosen and locked.qualification is not None:
        allowed = set(locked.qualification.work_processes().values_list("pk", flat=True))
        if any(wp.pk not in allowed for wp in chosen):
            raise ValidationError({"work_processes": _("Choose work processes of the trajectory's qualification.")})
    version = LearningPlanVersion(trajectory=locked, number=(latest or 0) + 1, created_by=by, **fields)
    version.full_clean(exclude=["signed_copy"])
    version.save()
    version.work_processes.set(chosen)
    return version


def party_of(user: Any, trajectory: Trajectory) -> tuple[str, bool] | None:
    """Which party the user approves for, and whether on behalf of the learner."""
    if is_the_learner(user, trajectory):
        return Party.LEARNER, False
    if is_workplace_trainer(user, trajectory) and not get_access(user).is_platform_admin:
        return Party.WORKPLACE, False
    if is_school_staff(user, trajectory) and not get_access(user).is_platform_admin:
        return Party.SCHOOL, False
    if can_manage(user, trajectory):
        return Party.LEARNER, True
    return None


def can_approve_plan(user: Any, trajectory: Trajectory, version: LearningPlanVersion) -> bool:
    """Whether the user's party still has to approve ``version``, the newest one (what
    ``approve_plan`` accepts). Reads the approvals through ``version.approvals.all()``, so a
    prefetch saves the query."""
    found = party_of(user, trajectory)
    return (
        found is not None
        and not version.is_agreed
        and all(approval.party != found[0] for approval in version.approvals.all())
    )


@transaction.atomic
def approve_plan(version: LearningPlanVersion, *, by: Any, party: str | None = None) -> LearningPlanVersion:
    """Approve ``version`` for the user's party. The third approval makes it agreed. Only the
    newest version can be approved."""
    locked = _locked(version.trajectory, None)
    version = LearningPlanVersion.objects.select_for_update().get(pk=version.pk)
    found = party_of(by, locked)
    if found is None:
        raise PermissionDenied
    chosen, on_behalf = found
    if party is not None and party != chosen:
        raise PermissionDenied
    if current_plan(locked) != version:
        raise Conflict(_("A newer version of the learning plan exists; approve that one."), code="conflict")
    if version.is_agreed:
        return version
    if version.approvals.filter(party=chosen).exists():
        raise ValidationError(_("Your party has already approved this version."))
    PlanApproval.objects.create(version=version, party=chosen, approved_by=by, on_behalf_of_learner=on_behalf)
    if version.approvals.count() == len(Party):
        version.agreed_at = timezone.now()
        version.save(update_fields=["agreed_at"])
    return version


@transaction.atomic
def record_signed_copy(version: LearningPlanVersion, *, by: Any, file: Any) -> LearningPlanVersion:
    """A copy signed by all three parties outside the platform agrees the version too."""
    locked = _locked(version.trajectory, None)
    if not can_upload_signed_copy(by, locked):
        raise PermissionDenied
    if current_plan(locked) != version:
        raise Conflict(_("A newer version of the learning plan exists."), code="conflict")
    files.check_upload(file)
    version.signed_copy = file
    version.agreed_at = version.agreed_at or timezone.now()
    version.save(update_fields=["signed_copy", "agreed_at"])
    return version


def plan_diff(older: LearningPlanVersion | None, newer: LearningPlanVersion) -> list[tuple[str, str, str]]:
    """(field label, old, new) for every field that changed between two versions."""
    rows = []
    for name in PLAN_FIELDS:
        label = getattr(LearningPlanVersion._meta.get_field(name), "verbose_name", name)
        old = getattr(older, name) if older is not None else None
        new = getattr(newer, name)
        if (old or "") != (new or ""):
            rows.append((str(label), "" if old is None else str(old), "" if new is None else str(new)))
    old_wps = set(older.work_processes.values_list("code", flat=True)) if older is not None else set()
    new_wps = set(newer.work_processes.values_list("code", flat=True))
    if old_wps != new_wps:
        rows.append((str(_("work processes")), ", ".join(sorted(old_wps)), ", ".join(sorted(new_wps))))
    return rows


# --- Reviews, hours, assessments, log ---------------------------------------------------------


@transaction.atomic
def record_review(trajectory: Trajectory, *, by: Any, **fields: Any) -> ProgressReview:
    if not can_record_review(by, trajectory):
        raise PermissionDenied
    review = ProgressReview(trajectory=trajectory, created_by=by, **fields)
    if review.next_review_on is None and review.held_on:
        review.next_review_on = review.held_on + datetime.timedelta(weeks=trajectory.review_interval_weeks)
    review.full_clean()
    if review.next_review_on and review.next_review_on <= review.held_on:
        raise ValidationError({"next_review_on": _("The next review comes after this one.")})
    review.save()
    return review


def next_review_due(trajectory: Trajectory, *, today: datetime.date | None = None) -> datetime.date | None:
    """When the next progress review is due: as agreed at the last review, or one interval after
    the placement when there was none yet. None before placement and after the end."""
    if trajectory.status not in PLACED_STATES:
        return None
    last = trajectory.reviews.order_by("-held_on").first()
    return next_review_due_after(
        trajectory,
        last_held_on=last.held_on if last is not None else None,
        last_next_on=last.next_review_on if last is not None else None,
    )


def next_review_due_after(
    trajectory: Trajectory, *, last_held_on: datetime.date | None, last_next_on: datetime.date | None
) -> datetime.date | None:
    """``next_review_due`` from the last review's dates, for lists that annotate them (no query)."""
    if trajectory.status not in PLACED_STATES:
        return None
    if last_held_on is not None:
        return last_next_on or last_held_on + datetime.timedelta(weeks=trajectory.review_interval_weeks)
    start = trajectory.planned_start or timezone.localdate(trajectory.status_changed_at)
    return start + datetime.timedelta(weeks=trajectory.review_interval_weeks)


@transaction.atomic
def log_hours(
    trajectory: Trajectory, *, by: Any, week_start: datetime.date, hours: Decimal, note: str = ""
) -> PracticeHours:
    trajectory = _locked(trajectory, None)
    if not can_log_hours(by, trajectory):
        raise PermissionDenied
    if trajectory.status not in PLACED_STATES:
        raise ValidationError(_("Hours are logged once the learner is placed."))
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": _("Choose the Monday of the week.")})
    if week_start > timezone.localdate():
        raise ValidationError({"week_start": _("Hours cannot be logged for a week in the future.")})
    if not Decimal(0) <= Decimal(hours) <= Decimal(80):
        raise ValidationError({"hours": _("Enter between 0 and 80 hours.")})
    entry, _created = PracticeHours.objects.select_for_update().get_or_create(
        trajectory=trajectory, week_start=week_start, defaults={"hours": hours, "note": note, "logged_by": by}
    )
    if not _created:
        if entry.approved_at is not None:
            raise ValidationError(_("The hours of this week are approved already and cannot change."))
        entry.hours, entry.note, entry.logged_by = hours, note, by
        entry.save(update_fields=["hours", "note", "logged_by"])
    return entry


@transaction.atomic
def approve_hours(entry: PracticeHours, *, by: Any) -> PracticeHours:
    if not is_workplace_trainer(by, entry.trajectory):
        raise PermissionDenied
    entry = PracticeHours.objects.select_for_update().get(pk=entry.pk)
    if entry.approved_at is None:
        entry.approved_by, entry.approved_at = by, timezone.now()
        entry.save(update_fields=["approved_by", "approved_at"])
    return entry


@transaction.atomic
def assess_work_process(
    trajectory: Trajectory,
    work_process: WorkProcess,
    *,
    by: Any,
    level: str,
    on: datetime.date,
    evidence_note: str = "",
) -> WorkProcessAssessment:
    trajectory = _locked(trajectory, None)  # the state as it is now, not as the caller last saw it
    if not is_workplace_trainer(by, trajectory):
        raise PermissionDenied
    if trajectory.status not in PLACED_STATES:
        raise ValidationError(_("Work processes are assessed while the learner is placed."))
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a level from the list.")})
    qualification = trajectory.qualification
    if qualification is not None and not qualification.work_processes().filter(pk=work_process.pk).exists():
        raise ValidationError(_("This work process is not part of the trajectory's qualification."))
    if on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    assessment, created = WorkProcessAssessment.objects.select_for_update().get_or_create(
        trajectory=trajectory,
        work_process=work_process,
        defaults={"level": level, "assessed_on": on, "assessed_by": by, "evidence_note": evidence_note},
    )
    if not created:
        assessment.level, assessment.assessed_on, assessment.assessed_by = level, on, by
        assessment.evidence_note = evidence_note
        # A changed assessment needs the school's confirmation again.
        assessment.confirmed_by, assessment.confirmed_at = None, None
        assessment.save()
    return assessment


@transaction.atomic
def confirm_assessment(assessment: WorkProcessAssessment, *, by: Any) -> WorkProcessAssessment:
    if not is_school_staff(by, assessment.trajectory):
        raise PermissionDenied
    assessment = WorkProcessAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.level != Level.MASTERED:
        raise ValidationError(_("Only a work process assessed as mastered can be confirmed."))
    if assessment.confirmed_at is None:
        assessment.confirmed_by, assessment.confirmed_at = by, timezone.now()
        assessment.save(update_fields=["confirmed_by", "confirmed_at"])
    return assessment


@transaction.atomic
def add_log_entry(
    trajectory: Trajectory, *, by: Any, text: str, work_process: WorkProcess | None = None, goal: str = ""
) -> LogEntry:
    if not is_party(by, trajectory):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write something first.")})
    return LogEntry.objects.create(
        trajectory=trajectory, author=by, text=text.strip(), work_process=work_process, goal=goal
    )


# --- Pages: what a user can do next, funding, outcome, caseloads ------------------------------


def available_transitions(user: Any, trajectory: Trajectory) -> list[str]:
    """The states ``user`` may move ``trajectory`` to now, in process order (guards aside): a
    paused trajectory resumes only in the state it was paused in, or stops."""
    if trajectory.status == Status.PAUSED:
        back = paused_from(trajectory)
        targets = {Status.STOPPED} | ({back} if back else set())
    else:
        targets = set(ALLOWED_TRANSITIONS.get(trajectory.status, frozenset()))
    if trajectory.intended_outcome == IntendedOutcome.PRACTICE_CERTIFICATE:
        targets.discard(Status.COMPLETED)  # completed by issuing the certificate, on its own page
    return [s.value for s in Status if s.value in targets and _may_transition(user, trajectory, s.value)]


FUNDING_FIELDS = ("kind", "amount", "period_start", "period_end", "note")


@transaction.atomic
def set_funding_sources(trajectory: Trajectory, *, by: Any, rows: Iterable[dict[str, Any]]) -> list[FundingSource]:
    """Replace the trajectory's funding sources with ``rows`` (kind, amount, period, note)."""
    locked = _locked(trajectory, None)
    if not can_manage(by, locked):
        raise PermissionDenied
    sources = []
    for number, row in enumerate(rows, start=1):
        source = FundingSource(trajectory=locked, **{k: row.get(k) for k in FUNDING_FIELDS if k in row})
        source.note = source.note or ""
        try:
            source.full_clean(exclude=["trajectory"])
            if source.period_start and source.period_end and source.period_end < source.period_start:
                raise ValidationError({"period_end": _("The period ends after it starts.")})
        except ValidationError as exc:
            raise ValidationError(
                _("Funding row %(number)s: %(problems)s") % {"number": number, "problems": " ".join(exc.messages)}
            ) from exc
        sources.append(source)
    locked.funding_sources.all().delete()
    return FundingSource.objects.bulk_create(sources)


@transaction.atomic
def record_outcome(
    trajectory: Trajectory,
    *,
    by: Any,
    expected_version: int | None,
    at_completion: str = "",
    after_six_months: str = "",
    checked_on: datetime.date | None = None,
) -> Trajectory:
    """Record what a completed trajectory led to, and what it was at the aftercare check about
    six months later."""
    locked = _locked(trajectory, expected_version)
    if not can_manage(by, locked):
        raise PermissionDenied
    if locked.status != Status.COMPLETED:
        raise ValidationError(_("The outcome is recorded once the trajectory is completed."))
    errors: dict[str, str] = {}
    for name, value in (("outcome_at_completion", at_completion), ("outcome_after_six_months", after_six_months)):
        if value and value not in FollowUp.values:
            errors[name] = _("Choose an outcome from the list.")
    if after_six_months and checked_on is None:
        errors["aftercare_checked_on"] = _("Fill in the day of the aftercare contact.")
    if checked_on is not None and checked_on > timezone.localdate():
        errors["aftercare_checked_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    fields = ["version", "updated_at"]
    if at_completion:
        locked.outcome_at_completion = at_completion
        fields.append("outcome_at_completion")
    if after_six_months:
        locked.outcome_after_six_months = after_six_months
        locked.aftercare_checked_on = checked_on
        fields += ["outcome_after_six_months", "aftercare_checked_on"]
    locked.version = F("version") + 1
    locked.save(update_fields=fields)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def add_evidence_file(assessment: WorkProcessAssessment, *, by: Any, upload: Any) -> EvidenceFile:
    """Attach a PDF or image to an assessment. The type comes from the file's first bytes; the
    file is kept in private storage and only served through an access-checked view."""
    trajectory = assessment.trajectory
    if not (is_workplace_trainer(by, trajectory) or is_school_staff(by, trajectory) or is_the_learner(by, trajectory)):
        raise PermissionDenied
    content_type = files.check_upload(upload)
    name = str(upload.name or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:200]
    evidence = EvidenceFile(
        assessment=assessment, original_name=name, content_type=content_type, size=upload.size, uploaded_by=by
    )
    # The stored name is ours, not the uploader's: no path tricks, no misleading extension.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
    evidence.file.save(f"{trajectory.pk}-{assessment.pk}.{extension}", upload, save=False)
    evidence.save()
    return evidence


# --- The learner's own login ------------------------------------------------------------------


def can_invite_learner(user: Any, learner: Learner) -> bool:
    """Consultants and coordinators of the organisation that holds the learner's record invite
    the learner into it."""
    access = get_access(user)
    return access.is_platform_admin or learner.organisation_id in access.organisation_ids(
        Role.CONSULTANT, Role.COORDINATOR
    )


@transaction.atomic
def invite_learner(learner: Learner, *, by: Any, language: str = "nl") -> Any:
    """Invite the learner to log in; accepting links the new login to this learner record, after
    which the learner sees their own trajectory and nothing else."""
    from werkplaats.organisations.services import invite_member

    if not can_invite_learner(by, learner):
        raise PermissionDenied
    if learner.user_id is not None:
        raise ValidationError(_("%(name)s can already log in.") % {"name": learner.full_name})
    if not learner.email:
        raise ValidationError(_("Fill in the learner's e-mail address first: the invitation is sent there."))
    return invite_member(
        learner.organisation,
        email=learner.email,
        roles=[Role.LEARNER],
        name=learner.full_name,
        language=language,
        by=by,
        context={"learner": learner.pk},
    )


def link_learner_login(invitation: Any, user: Any) -> Learner | None:
    """Called when an invitation is accepted: link the learner record it was made for."""
    learner_id = (invitation.context or {}).get("learner")
    if not learner_id:
        return None
    learner = (
        Learner.objects.select_for_update()
        .filter(pk=learner_id, organisation_id=invitation.organisation_id, user__isnull=True)
        .first()
    )
    if learner is None:
        return None
    learner.user = user
    learner.save(update_fields=["user", "updated_at"])
    return learner
