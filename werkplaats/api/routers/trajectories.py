"""Learners and their trajectories: read, register, start, and move through their states with
the interface's forms, services, guards and messages. The work along a trajectory (learning
plan, assessments, progress reviews) is in ``trajectories_work``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status as Answer

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record, record_view
from werkplaats.organisations.models import Role
from werkplaats.trajectories import services
from werkplaats.trajectories.forms import LearnerForm, TrajectoryForm
from werkplaats.trajectories.models import Learner, Status, Trajectory

from ..auth import acting_organisation, acting_user, require_role, require_write
from ..pagination import PageParams, page_of, paginate
from ..problems import ApiProblem
from ..schemas import Id
from . import trajectories_work
from .trajectories_common import (
    form_value,
    organisation_key,
    person_key,
    refusal,
    validated,
    visible_trajectory,
)
from .trajectories_schemas import (
    LearnerFilters,
    LearnerIn,
    LearnerOut,
    NextStateOut,
    TrajectoryDetailOut,
    TrajectoryFilters,
    TrajectoryIn,
    TrajectoryOut,
    TransitionIn,
)

router = Router()
router.add_router("", trajectories_work.router)

LEARNERS = ["learners"]
TRAJECTORIES = ["trajectories"]


def _record_list_read(kind: str, learner_ids: list[int]) -> None:
    """Who read which learners' data through a list: one entry per page, naming the learners."""
    if learner_ids:
        record(Action.VIEW, object_repr=f"API: {kind} ({len(learner_ids)})", changes={"learner_ids": learner_ids})


# --- Learners ---------------------------------------------------------------------------------


def _learners(request: HttpRequest) -> QuerySet[Learner]:
    return Learner.objects.visible_to(acting_user(request)).select_related("organisation", "referring_organisation")


@router.get(
    "/learners",
    response=page_of(LearnerOut),
    operation_id="listLearners",
    summary="List learners",
    description="The learners the token's organisation holds or works with, oldest registration first.",
    tags=LEARNERS,
)
def list_learners(request: HttpRequest, page: Query[PageParams], filters: Query[LearnerFilters]) -> dict[str, Any]:
    learners = _learners(request)
    if filters.last_name:
        learners = learners.filter(last_name__iexact=filters.last_name.strip())
    if filters.date_of_birth:
        learners = learners.filter(date_of_birth=filters.date_of_birth)
    if filters.updated_since:
        learners = learners.filter(updated_at__gte=filters.updated_since)
    result = paginate(request, learners.order_by("pk"), page)
    _record_list_read("learners", [learner.pk for learner in result["items"]])
    return result


@router.get("/learners/{pk}", response=LearnerOut, operation_id="getLearner", summary="One learner", tags=LEARNERS)
def get_learner(request: HttpRequest, pk: Id) -> Learner:
    learner = get_object_or_404(_learners(request), pk=pk)
    record_view(request, learner, subject_organisation_id=learner.organisation_id)
    return learner


@router.post(
    "/learners",
    response={201: LearnerOut},
    operation_id="registerLearner",
    summary="Register a learner in the token's organisation (consultants and coordinators)",
    description=(
        "The same checks as the registration form. A learner with the same name and date of birth in the "
        "organisation is a 409, unless someone_else is true."
    ),
    tags=LEARNERS,
    openapi_extra={"x-extra-errors": ["409"]},
)
def register_learner(request: HttpRequest, payload: LearnerIn) -> Answer[Learner]:
    require_write(request)
    organisation = acting_organisation(request)
    require_role(request, organisation, Role.CONSULTANT, Role.COORDINATOR)
    fields = ("first_name", "last_name", "date_of_birth", "email", "phone", "target_group", "language_level")
    form = LearnerForm(
        {
            **{name: form_value(getattr(payload, name)) for name in fields},
            "referring_organisation": organisation_key(payload.referring_organisation),
        }
    )
    validated(form)
    try:
        learner = services.register_learner(
            organisation, by=acting_user(request), allow_duplicate=payload.someone_else, **form.learner_fields()
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "duplicate":
            raise refusal(exc) from exc
        raise
    return Answer(201, _learners(request).get(pk=learner.pk))


# --- Trajectories -----------------------------------------------------------------------------


def _trajectories(request: HttpRequest) -> QuerySet[Trajectory]:
    return Trajectory.objects.visible_to(acting_user(request)).select_related(
        "learner",
        "qualification",
        "school",
        "employer",
        "workplace_trainer",
        "school_coach",
        "consultant",
        "region",
    )


def _with_next_states(request: HttpRequest, trajectory: Trajectory) -> Trajectory:
    """The trajectory with the states the token may move it to, and what each still misses (as
    the trajectory page lists them)."""
    user = acting_user(request)
    trajectory.next_states = [  # type: ignore[attr-defined]
        NextStateOut(
            to=Status(to),
            missing=[] if to in (Status.PAUSED, Status.STOPPED) else services.guard_problems(trajectory, to),
        )
        for to in services.available_transitions(user, trajectory)
    ]
    return trajectory


@router.get(
    "/trajectories",
    response=page_of(TrajectoryOut),
    operation_id="listTrajectories",
    summary="List trajectories",
    description=(
        "The trajectories the token's organisation may see, oldest first. Filter with updated_since to synchronise."
    ),
    tags=TRAJECTORIES,
)
def list_trajectories(
    request: HttpRequest, page: Query[PageParams], filters: Query[TrajectoryFilters]
) -> dict[str, Any]:
    trajectories = _trajectories(request)
    if filters.status:
        trajectories = trajectories.filter(status=filters.status)
    if filters.region:
        trajectories = trajectories.filter(region__code=filters.region)
    if filters.school:
        trajectories = trajectories.filter(school__slug=filters.school)
    if filters.employer:
        trajectories = trajectories.filter(employer__slug=filters.employer)
    if filters.learner:
        trajectories = trajectories.filter(learner_id=filters.learner)
    if filters.updated_since:
        trajectories = trajectories.filter(updated_at__gte=filters.updated_since)
    result = paginate(request, trajectories.order_by("pk"), page)
    _record_list_read("trajectories", sorted({t.learner_id for t in result["items"]}))
    return result


@router.get(
    "/trajectories/{pk}",
    response=TrajectoryDetailOut,
    operation_id="getTrajectory",
    summary="One trajectory, with the states it may go to next",
    tags=TRAJECTORIES,
)
def get_trajectory(request: HttpRequest, pk: Id) -> Trajectory:
    trajectory = get_object_or_404(_trajectories(request).select_related("learner__organisation"), pk=pk)
    record_view(request, trajectory, subject_organisation_id=trajectory.learner.organisation_id)
    return _with_next_states(request, trajectory)


@router.post(
    "/learners/{pk}/trajectories",
    response={201: TrajectoryOut},
    operation_id="createTrajectory",
    summary="Start a trajectory for a learner (consultants of the learner's organisation, coordinators of its region)",
    description="The same checks as the trajectory form; it starts as referred (aangemeld).",
    tags=TRAJECTORIES,
)
def create_trajectory(request: HttpRequest, pk: Id, payload: TrajectoryIn) -> Answer[Trajectory]:
    require_write(request)
    user = acting_user(request)
    learner = get_object_or_404(
        Learner.objects.visible_to(user).select_related("organisation__region", "referring_organisation"), pk=pk
    )
    if not services.can_create_trajectory(user, learner):
        raise PermissionDenied
    form = TrajectoryForm(
        {
            "route": form_value(payload.route),
            "intended_outcome": form_value(payload.intended_outcome),
            "crebo": payload.crebo,
            "school": organisation_key(payload.school),
            "employer": organisation_key(payload.employer),
            "workplace_trainer": person_key(payload.workplace_trainer),
            "school_coach": person_key(payload.school_coach),
            "consultant": person_key(payload.consultant),
            "planned_start": form_value(payload.planned_start),
            "planned_end": form_value(payload.planned_end),
            "review_interval_weeks": form_value(payload.review_interval_weeks),
        },
        learner=learner,
    )
    validated(form)
    trajectory = services.create_trajectory(learner, by=user, **form.trajectory_fields())
    return Answer(201, _trajectories(request).get(pk=trajectory.pk))


@router.post(
    "/trajectories/{pk}/transitions",
    response={200: TrajectoryDetailOut},
    operation_id="transitionTrajectory",
    summary="Move a trajectory to another state",
    description=(
        "With the guards and messages of the trajectory page. A refusal is a 409 whose errors say what is "
        "missing; with expected_version, a change made since is a 409 as well."
    ),
    tags=TRAJECTORIES,
    openapi_extra={"x-extra-errors": ["409"]},
)
def transition_trajectory(request: HttpRequest, pk: Id, payload: TransitionIn) -> Trajectory:
    require_write(request)
    user = acting_user(request)
    trajectory = visible_trajectory(request, pk)
    to = payload.to.value
    if to not in services.available_transitions(user, trajectory):
        # As the trajectory page: those who steer it hear why; anyone else may not.
        if services.can_manage(user, trajectory) or services.is_school_staff(user, trajectory):
            raise ApiProblem(
                409,
                _("A trajectory cannot go from %(from)s to %(to)s.")
                % {"from": trajectory.get_status_display(), "to": Status(to).label},
            )
        raise PermissionDenied
    try:
        services.transition(
            trajectory,
            to,
            by=user,
            reason=payload.reason,
            stop_reason=payload.stop_reason.value if payload.stop_reason and to == Status.STOPPED else "",
            outcome=payload.outcome.value if payload.outcome and to == Status.COMPLETED else "",
            expected_version=payload.expected_version,
        )
    except ValidationError as exc:
        raise refusal(exc) from exc
    return _with_next_states(request, _trajectories(request).get(pk=pk))
