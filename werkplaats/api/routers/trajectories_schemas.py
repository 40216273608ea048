"""What the trajectory resources read and write. Support needs and other special-category data
are never part of an answer: a learner's support needs stay out of every schema, and a stop
reason of health is given as ``null``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema

from werkplaats.trajectories.models import (
    FollowUp,
    IntendedOutcome,
    LanguageLevel,
    Learner,
    LearningPlanVersion,
    Level,
    Party,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
)

from ..schemas import UpdatedSince

# Organisations are named by their slug and people by their e-mail address, as elsewhere in the API.
SLUG = Field(None, max_length=80, description="The organisation's slug (see /organisations).")


class RegionRef(Schema):
    code: str = Field(..., description="CBS code of the labour-market region, e.g. AM01.")
    name: str


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class PersonRef(Schema):
    name: str
    email: str


class QualificationRef(Schema):
    id: int
    crebo: str
    name: str
    level: int


class LearnerRef(Schema):
    id: int
    first_name: str
    last_name: str


class WorkProcessRef(Schema):
    code: str
    title: str


# --- Learners ---------------------------------------------------------------------------------


class LearnerOut(Schema):
    id: int
    organisation: OrganisationRef = Field(..., description="The organisation that holds the learner's record.")
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    email: str
    phone: str
    target_group: TargetGroup
    language_level: LanguageLevel
    referring_organisation: OrganisationRef | None
    can_log_in: bool = Field(..., description="Whether the learner has a login.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_can_log_in(obj: Learner) -> bool:
        return obj.user_id is not None


class LearnerFilters(UpdatedSince):
    last_name: str | None = Field(None, max_length=150, description="Exactly this last name (case-insensitive).")
    date_of_birth: datetime.date | None = None


class LearnerIn(Schema):
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=150)
    date_of_birth: datetime.date = Field(..., description="Not in the future.")
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    target_group: TargetGroup
    language_level: LanguageLevel = LanguageLevel.UNKNOWN
    referring_organisation: str | None = Field(
        None, max_length=80, description="Slug of the organisation that referred the learner, if not your own."
    )
    someone_else: bool = Field(
        False,
        description=(
            "A learner with the same name and date of birth is already registered: true registers a new one "
            "anyway (it is someone else)."
        ),
    )


# --- Trajectories -----------------------------------------------------------------------------


class TrajectoryOut(Schema):
    id: int
    learner: LearnerRef
    route: Route
    intended_outcome: IntendedOutcome
    qualification: QualificationRef | None
    school: OrganisationRef | None
    employer: OrganisationRef | None
    workplace_trainer: PersonRef | None
    school_coach: PersonRef | None
    consultant: PersonRef | None
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    status: Status
    status_changed_at: datetime.datetime
    review_interval_weeks: int
    stop_reason: StopReason | None = Field(
        None,
        description="Why a stopped trajectory stopped; null otherwise, and when the reason is the learner's health.",
    )
    outcome_at_completion: FollowUp | None
    outcome_after_six_months: FollowUp | None
    aftercare_checked_on: datetime.date | None
    region: RegionRef | None = Field(None, description="The region that counts the trajectory.")
    version: int = Field(..., description="Send it back as expected_version to refuse a change on a stale copy.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_stop_reason(obj: Trajectory) -> str | None:
        # Health is special-category data: the API does not pass it on.
        return obj.stop_reason if obj.stop_reason and obj.stop_reason != StopReason.HEALTH else None

    @staticmethod
    def resolve_outcome_at_completion(obj: Trajectory) -> str | None:
        return obj.outcome_at_completion or None

    @staticmethod
    def resolve_outcome_after_six_months(obj: Trajectory) -> str | None:
        return obj.outcome_after_six_months or None


class NextStateOut(Schema):
    to: Status
    missing: list[str] = Field(
        ...,
        description=(
            "What is still missing before the change can be made (empty: nothing). Pausing and stopping "
            "also need a reason in the request."
        ),
    )


class TrajectoryDetailOut(TrajectoryOut):
    next_states: list[NextStateOut] = Field(..., description="The states this token may move the trajectory to now.")


class TrajectoryFilters(UpdatedSince):
    status: Status | None = None
    region: str | None = Field(None, max_length=4, description="CBS code of the region that counts the trajectory.")
    school: str | None = SLUG
    employer: str | None = SLUG
    learner: int | None = Field(None, ge=1, le=2**53, description="The learner's id.")


class TrajectoryIn(Schema):
    route: Route
    intended_outcome: IntendedOutcome
    crebo: str = Field(
        "",
        max_length=5,
        description=(
            "The 5-digit crebo of the qualification; the current version is used. Optional for hbo/wo "
            "work placement and professional development."
        ),
    )
    school: str | None = SLUG
    employer: str | None = SLUG
    workplace_trainer: str | None = Field(None, max_length=254, description="E-mail address of the workplace trainer.")
    school_coach: str | None = Field(None, max_length=254, description="E-mail address of the school coach.")
    consultant: str | None = Field(None, max_length=254, description="E-mail address of the consultant.")
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    review_interval_weeks: int = Field(6, ge=1, le=52, description="Progress review every this many weeks.")


class TransitionIn(Schema):
    to: Status
    reason: str = Field(
        "", max_length=2000, description="Required for pausing and stopping; a note for the other changes."
    )
    stop_reason: StopReason | None = Field(None, description="Required for stopping.")
    outcome: FollowUp | None = Field(None, description="When completing: what the trajectory led to.")
    expected_version: int | None = Field(
        None, ge=1, le=2**31, description="The version you saw: a change made since then makes this a conflict (409)."
    )


# --- Learning plan, assessments, reviews --------------------------------------------------------


class ApprovalOut(Schema):
    party: Party
    approved_by: PersonRef
    on_behalf_of_learner: bool
    at: datetime.datetime


class LearningPlanVersionOut(Schema):
    number: int
    learner_goals: str
    workplace_goals: str
    school_goals: str
    work_processes: list[WorkProcessRef]
    activities: str
    support: str
    hours_per_week: Decimal | None = Field(..., description='A decimal number, as a string (e.g. "16.5").')
    assessment_method: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    early_termination: str
    has_signed_copy: bool = Field(..., description="Agreed by a copy signed outside the platform.")
    approvals: list[ApprovalOut]
    created_by: PersonRef | None
    created_at: datetime.datetime
    agreed_at: datetime.datetime | None

    @staticmethod
    def resolve_has_signed_copy(obj: LearningPlanVersion) -> bool:
        return bool(obj.signed_copy)


class AssessmentOut(Schema):
    id: int
    work_process: WorkProcessRef
    level: Level
    assessed_on: datetime.date
    assessed_by: PersonRef
    evidence_note: str
    confirmed_by: PersonRef | None
    confirmed_at: datetime.datetime | None


class AssessmentIn(Schema):
    work_process: str = Field(
        ..., max_length=20, description="Code of a work process of the qualification, e.g. B1-K1-W2."
    )
    level: Level
    assessed_on: datetime.date = Field(..., description="Not in the future.")
    evidence_note: str = Field("", max_length=5000)


class ReviewOut(Schema):
    id: int
    held_on: datetime.date
    attendees: str
    progress: str
    agreements: str
    next_review_on: datetime.date | None
    created_by: PersonRef | None
    created_at: datetime.datetime


class ReviewIn(Schema):
    held_on: datetime.date = Field(..., description="Not in the future: a review is recorded once it is held.")
    attendees: str = Field(..., max_length=1000)
    progress: str = Field("", max_length=5000)
    agreements: str = Field("", max_length=5000)
    next_review_on: datetime.date | None = Field(None, description="Default: one review interval after this one.")
