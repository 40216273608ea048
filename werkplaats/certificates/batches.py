"""Issuing the praktijkverklaringen of several trajectories in one action (a batch).

School staff choose, from the trajectories of one school that are ready, which to issue; the
task worker then issues them one by one with ``services.issue``, each in its own transaction,
so that a trajectory that is refused (changed since it was chosen) does not stop the others."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from werkplaats.audit.context import Actor, acting_as
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Role
from werkplaats.trajectories.models import IntendedOutcome, Level, Status, Trajectory

from . import services
from .models import BatchStatus, IssueBatch

MAX_BATCH_SIZE = 200


# --- Who may do what --------------------------------------------------------------------------


def issuing_schools(user: Any) -> list[Organisation]:
    """The schools where ``user`` is school staff, by name (from the memberships already loaded)."""
    access = get_access(user)
    school_ids = access.organisation_ids(Role.SCHOOL_STAFF)
    return [m.organisation for m in access.memberships if m.organisation_id in school_ids]


def visible_batches(user: Any) -> QuerySet[IssueBatch]:
    """The batches ``user`` started, and those of the schools where they are school staff."""
    access = get_access(user)
    if not access.is_authenticated:
        return IssueBatch.objects.none()
    return IssueBatch.objects.filter(
        Q(started_by_id=access.user_id) | Q(school_id__in=access.organisation_ids(Role.SCHOOL_STAFF))
    )


# --- Which trajectories can be chosen ---------------------------------------------------------


@dataclass
class Candidate:
    """A trajectory of the school in the assessment phase, and what stands in the way of
    issuing its praktijkverklaring (nothing: it is ready)."""

    trajectory: Trajectory
    confirmed_mastered: int
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems


def candidates(user: Any, school: Organisation) -> list[Candidate]:
    """The trajectories at ``school`` that ``user`` sees, in the assessment phase and meant to
    end with a praktijkverklaring, by the learner's name. One query, whatever their number."""
    trajectories = (
        Trajectory.objects.visible_to(user)
        .filter(school=school, status=Status.ASSESSMENT, intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE)
        .select_related("learner", "qualification", "employer")
        .annotate(
            confirmed_mastered=Count(
                "assessments",
                filter=Q(assessments__level=Level.MASTERED, assessments__confirmed_at__isnull=False),
            )
        )
        .order_by("learner__last_name", "learner__first_name", "pk")
    )
    return [
        Candidate(
            trajectory=t,
            confirmed_mastered=t.confirmed_mastered,  # type: ignore[attr-defined]
            problems=services.problems_of(t, confirmed_mastered=t.confirmed_mastered),  # type: ignore[attr-defined]
        )
        for t in trajectories
    ]


# --- Starting and running a batch -------------------------------------------------------------


@transaction.atomic
def start_batch(school: Organisation, *, by: Any, on: datetime.date, trajectory_ids: list[int]) -> IssueBatch:
    """Record the batch and hand it to the task worker once the record is committed. The caller
    has checked that every trajectory was ready when chosen; each is checked again when issued."""
    if school.pk not in get_access(by).organisation_ids(Role.SCHOOL_STAFF):
        raise PermissionDenied
    ids = list(dict.fromkeys(trajectory_ids))
    if not ids:
        raise ValidationError(_("Select at least one trajectory."))
    if len(ids) > MAX_BATCH_SIZE:
        raise ValidationError(
            ngettext(
                "A batch holds at most %(max)d trajectory; select fewer and issue the others in another batch.",
                "A batch holds at most %(max)d trajectories; select fewer and issue the others in another batch.",
                MAX_BATCH_SIZE,
            )
            % {"max": MAX_BATCH_SIZE}
        )
    if on > timezone.localdate():
        raise ValidationError(_("The date of issue cannot be in the future."))
    batch = IssueBatch.objects.create(school=school, started_by=by, issued_on=on, trajectory_ids=ids)
    from .tasks import run_issue_batch

    transaction.on_commit(lambda: run_issue_batch.enqueue(batch.pk))
    return batch


def _issue_one(batch: IssueBatch, trajectory_id: int) -> dict[str, Any]:
    """Issue one certificate of ``batch``; say what became of it. Runs inside the caller's
    transaction: ``services.issue`` has its own savepoint, so a refusal undoes only itself."""
    result: dict[str, Any] = {"trajectory": trajectory_id, "learner": "", "number": "", "problems": []}
    try:
        trajectory = Trajectory.objects.select_related("learner__user").get(pk=trajectory_id)
        result["learner"] = trajectory.learner.full_name
        if trajectory.school_id != batch.school_id:
            result["problems"] = [
                _("This trajectory is no longer at %(school)s.") % {"school": batch.school.name},
            ]
            return result
        certificate = services.issue(
            trajectory, by=batch.started_by, on=batch.issued_on, language=services.learner_language(trajectory.learner)
        )
    except Trajectory.DoesNotExist:
        result["problems"] = [_("This trajectory no longer exists.")]
    except PermissionDenied:
        result["problems"] = [
            _("%(name)s may no longer issue praktijkverklaringen for %(school)s.")
            % {"name": batch.started_by.get_full_name() or batch.started_by.email, "school": batch.school.name}
        ]
    except ValidationError as exc:
        result["problems"] = [str(message) for message in exc.messages]
    else:
        result["number"] = certificate.number
    return result


def execute_batch(batch_id: int) -> IssueBatch:
    """Issue the certificates of a batch, in the order chosen, and record after each one how far
    it got, for the page that follows it. Running it again is harmless: a finished batch is left
    as it is, and a trajectory that already has a result is skipped."""
    batch = IssueBatch.objects.select_related("started_by", "school").get(pk=batch_id)
    if batch.is_finished:
        return batch
    starter = batch.started_by
    actor = Actor(user=starter, organisation_id=batch.school_id, label=starter.email)
    with acting_as(actor), translation.override(starter.language or settings.LANGUAGE_CODE):
        IssueBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(status=BatchStatus.RUNNING)
        try:
            for trajectory_id in batch.trajectory_ids:
                with transaction.atomic():
                    # The lock makes a second worker on the same batch wait here, and then see the
                    # result of this trajectory and skip it, instead of trying to issue it again.
                    locked = IssueBatch.objects.select_for_update().get(pk=batch.pk)
                    if any(result["trajectory"] == trajectory_id for result in locked.results):
                        continue
                    results = [*locked.results, _issue_one(batch, trajectory_id)]
                    # The result is committed together with the certificate: either both or neither.
                    IssueBatch.objects.filter(pk=batch.pk).update(results=results)
        except Exception:
            # An error nobody foresaw (the database went away, a bug): the page stops waiting and
            # says so; what was issued stays issued, the rest can go in a new batch.
            IssueBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, finished_at=timezone.now())
            raise
        IssueBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch
