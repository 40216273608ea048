"""The work along a trajectory: learning-plan versions (read), work-process assessments and
progress reviews (read, record, and the school's confirmation of a mastered work process), with
the interface's forms, services and messages. Every object is fetched through its trajectory,
and the trajectory through ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status as Answer

from werkplaats.qualifications.models import WorkProcess
from werkplaats.trajectories import services
from werkplaats.trajectories.forms_work import AssessmentForm, ReviewForm
from werkplaats.trajectories.models import (
    LearningPlanVersion,
    PlanApproval,
    ProgressReview,
    Trajectory,
    WorkProcessAssessment,
)

from ..auth import acting_user, require_write
from ..pagination import PageParams, page_of, paginate
from ..schemas import Id
from .trajectories_common import form_value, refusal, validated, visible_trajectory
from .trajectories_schemas import AssessmentIn, AssessmentOut, LearningPlanVersionOut, ReviewIn, ReviewOut

router = Router()

TAGS = ["trajectories"]


# --- Learning-plan versions -------------------------------------------------------------------


def _plan_versions(trajectory: Trajectory) -> QuerySet[LearningPlanVersion]:
    return trajectory.plan_versions.select_related("created_by").prefetch_related(
        Prefetch(
            "work_processes",
            queryset=WorkProcess.objects.order_by("core_task__part", "core_task__position", "position", "code"),
        ),
        Prefetch("approvals", queryset=PlanApproval.objects.select_related("approved_by").order_by("at", "pk")),
    )


@router.get(
    "/trajectories/{pk}/learning-plan-versions",
    response=page_of(LearningPlanVersionOut),
    operation_id="listLearningPlanVersions",
    summary="The versions of a trajectory's learning plan, newest first",
    tags=TAGS,
)
def list_learning_plan_versions(request: HttpRequest, pk: Id, page: Query[PageParams]) -> dict[str, Any]:
    trajectory = visible_trajectory(request, pk)
    return paginate(request, _plan_versions(trajectory).order_by("-number"), page)


@router.get(
    "/trajectories/{pk}/learning-plan-versions/{number}",
    response=LearningPlanVersionOut,
    operation_id="getLearningPlanVersion",
    summary="One version of a trajectory's learning plan",
    tags=TAGS,
)
def get_learning_plan_version(request: HttpRequest, pk: Id, number: Id) -> LearningPlanVersion:
    trajectory = visible_trajectory(request, pk)
    return get_object_or_404(_plan_versions(trajectory), number=number)


# --- Work-process assessments -----------------------------------------------------------------


def _assessments(trajectory: Trajectory) -> QuerySet[WorkProcessAssessment]:
    return trajectory.assessments.select_related("work_process__core_task", "assessed_by", "confirmed_by")


@router.get(
    "/trajectories/{pk}/work-process-assessments",
    response=page_of(AssessmentOut),
    operation_id="listWorkProcessAssessments",
    summary="Where the learner stands on each assessed work process, in catalogue order",
    tags=TAGS,
)
def list_work_process_assessments(request: HttpRequest, pk: Id, page: Query[PageParams]) -> dict[str, Any]:
    trajectory = visible_trajectory(request, pk)
    return paginate(request, _assessments(trajectory), page)


@router.post(
    "/trajectories/{pk}/work-process-assessments",
    response={200: AssessmentOut, 201: AssessmentOut},
    operation_id="assessWorkProcess",
    summary="Record the level of a work process (workplace trainers of the trajectory)",
    description=(
        "201 for a work process assessed for the first time, 200 when its assessment changes (which then "
        "needs the school's confirmation again). While the learner is placed; otherwise a 409."
    ),
    tags=TAGS,
    openapi_extra={"x-extra-errors": ["409"]},
)
def assess_work_process(request: HttpRequest, pk: Id, payload: AssessmentIn) -> Answer[WorkProcessAssessment]:
    require_write(request)
    user = acting_user(request)
    trajectory = visible_trajectory(request, pk)
    if not services.is_workplace_trainer(user, trajectory):
        raise PermissionDenied
    qualification = trajectory.qualification
    process = (
        qualification.work_processes().filter(code=payload.work_process.strip()).first()
        if qualification is not None
        else None
    )
    if process is None:
        raise ValidationError({"work_process": _("This work process is not part of the trajectory's qualification.")})
    form = AssessmentForm(
        {
            "level": form_value(payload.level),
            "assessed_on": form_value(payload.assessed_on),
            "evidence_note": payload.evidence_note,
        }
    )
    data = validated(form)
    existed = trajectory.assessments.filter(work_process=process).exists()
    try:
        assessment = services.assess_work_process(
            trajectory,
            process,
            by=user,
            level=data["level"],
            on=data["assessed_on"],
            evidence_note=data["evidence_note"],
        )
    except ValidationError as exc:
        raise refusal(exc) from exc
    return Answer(200 if existed else 201, _assessments(trajectory).get(pk=assessment.pk))


@router.post(
    "/trajectories/{pk}/work-process-assessments/{assessment}/confirmation",
    response={200: AssessmentOut},
    operation_id="confirmWorkProcessAssessment",
    summary="Confirm a mastered work process for the school (school staff of the trajectory's school)",
    tags=TAGS,
    openapi_extra={"x-extra-errors": ["409"]},
)
def confirm_work_process_assessment(request: HttpRequest, pk: Id, assessment: Id) -> WorkProcessAssessment:
    require_write(request)
    trajectory = visible_trajectory(request, pk)
    row = get_object_or_404(_assessments(trajectory), pk=assessment)
    row.trajectory = trajectory
    try:
        services.confirm_assessment(row, by=acting_user(request))
    except ValidationError as exc:
        raise refusal(exc) from exc
    return _assessments(trajectory).get(pk=row.pk)


# --- Progress reviews -------------------------------------------------------------------------


def _reviews(trajectory: Trajectory) -> QuerySet[ProgressReview]:
    return trajectory.reviews.select_related("created_by")


@router.get(
    "/trajectories/{pk}/progress-reviews",
    response=page_of(ReviewOut),
    operation_id="listProgressReviews",
    summary="A trajectory's progress reviews, newest first",
    tags=TAGS,
)
def list_progress_reviews(request: HttpRequest, pk: Id, page: Query[PageParams]) -> dict[str, Any]:
    trajectory = visible_trajectory(request, pk)
    return paginate(request, _reviews(trajectory).order_by("-held_on", "-pk"), page)


@router.post(
    "/trajectories/{pk}/progress-reviews",
    response={201: ReviewOut},
    operation_id="recordProgressReview",
    summary="Record a progress review that was held (the trajectory's consultant, school and workplace)",
    tags=TAGS,
)
def record_progress_review(request: HttpRequest, pk: Id, payload: ReviewIn) -> Answer[ProgressReview]:
    require_write(request)
    user = acting_user(request)
    trajectory = visible_trajectory(request, pk)
    if not services.can_record_review(user, trajectory):
        raise PermissionDenied
    form = ReviewForm({name: form_value(value) for name, value in payload.model_dump().items()})
    review = services.record_review(trajectory, by=user, **validated(form))
    return Answer(201, _reviews(trajectory).get(pk=review.pk))
