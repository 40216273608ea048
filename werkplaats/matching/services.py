"""Suggestions for one learner, requests to employers, and the capacity of the region's
employers. Every read here is a fixed number of queries, whatever the number of employers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cast, Coalesce, Cos, Greatest, Power, Radians, Sin, Sqrt
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from werkplaats.notifications.services import notify
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, OrganisationKind, Role
from werkplaats.recognitions.models import Recognition, valid_on_condition
from werkplaats.trajectories.models import Status, TargetGroup, Trajectory
from werkplaats.trajectories.services import can_manage

from .counts import PLACED_STATES, _count  # PLACED_STATES: a trajectory in these states occupies a place
from .models import (
    ALLOWED_REQUEST_TRANSITIONS,
    EMPLOYER_ROLES,
    LearnerPreference,
    LearningPlace,
    PlacementRequest,
    RequestStatus,
)

EARTH_RADIUS_KM = 6371.0
DEFAULT_DISTANCE_KM = 50  # beyond this a place earns no points for distance, unless the learner set a limit
SHOWN = 25  # suggestions on the page


# The parts of the score (adding up to 100).
POINTS_DISTANCE = 40
POINTS_SAME_REGION = 20
POINTS_HOURS = 15
POINTS_TARGET_GROUP = 15
POINTS_TRAINER = 10
POINTS_OUTCOMES = 20


# --- Who may do what --------------------------------------------------------------------------


def can_suggest(user: Any, trajectory: Trajectory) -> bool:
    """Those who steer the trajectory look for a place for it."""
    return can_manage(user, trajectory)


def is_employer_staff(user: Any, employer: Organisation | int) -> bool:
    access = get_access(user)
    return access.is_platform_admin or access.has_role(employer, *EMPLOYER_ROLES)


def can_manage_places(user: Any, employer: Organisation) -> bool:
    """The employer's own staff, and the coordinators of its region, keep its offer."""
    access = get_access(user)
    if access.is_platform_admin or access.has_role(employer, *EMPLOYER_ROLES):
        return True
    return employer.region_id is not None and employer.region_id in access.region_ids(Role.COORDINATOR)


def can_see_capacity(user: Any) -> bool:
    access = get_access(user)
    return access.is_platform_admin or access.has_any_role(Role.COORDINATOR)


# --- Counting in the database -----------------------------------------------------------------


def _accepted_not_yet_placed(place_ref: str = "pk") -> Coalesce:
    """Accepted requests whose learner is not placed yet: once the consultant confirms the
    placement, the trajectory itself counts, so the request no longer does."""
    return _count(
        PlacementRequest.objects.filter(place=OuterRef(place_ref), status=RequestStatus.ACCEPTED).exclude(
            trajectory__status__in=PLACED_STATES
        ),
        "place",
    )


def _placed_at(employer_ref: str) -> Coalesce:
    """Learners placed at the employer, for any qualification."""
    return _count(Trajectory.objects.filter(employer=OuterRef(employer_ref), status__in=PLACED_STATES), "employer")


def _haversine_km(latitude: Combinable, longitude: Combinable, origin: tuple[float, float]) -> Combinable:
    """Great-circle distance in km from ``origin`` (latitude, longitude in degrees), in SQL."""
    lat0, lon0 = (Radians(Value(v, output_field=FloatField())) for v in origin)
    lat, lon = Radians(latitude), Radians(longitude)
    a = Power(Sin((lat - lat0) / 2), 2) + Cos(lat0) * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(a))


# --- Suggestions for one learner --------------------------------------------------------------


@dataclass
class Suggestion:
    place: LearningPlace
    score: int
    reasons: list[str]
    free: int
    km: float | None
    request: PlacementRequest | None = None


@dataclass
class ExcludedGroup:
    key: str
    count: int
    text: str


@dataclass
class Suggestions:
    trajectory: Trajectory
    start: datetime.date
    suggestions: list[Suggestion] = field(default_factory=list)
    excluded: list[ExcludedGroup] = field(default_factory=list)
    more: int = 0  # suitable places beyond the ones shown
    problem: str = ""  # why there are no suggestions at all (wrong state, no qualification)


def origin_of(trajectory: Trajectory, preference: LearnerPreference | None) -> tuple[float, float] | None:
    """Where distances are measured from: where the learner lives, or else their organisation."""
    candidates: list[Any] = []
    if preference is not None and preference.municipality is not None:
        candidates.append(preference.municipality)
    organisation = trajectory.learner.organisation
    candidates += [organisation, organisation.municipality]
    for candidate in candidates:
        if candidate is not None and candidate.latitude is not None and candidate.longitude is not None:
            return float(candidate.latitude), float(candidate.longitude)
    return None


def preference_of(trajectory: Trajectory) -> LearnerPreference | None:
    return LearnerPreference.objects.select_related("municipality").filter(learner_id=trajectory.learner_id).first()


def _until(recognised_until: datetime.date | None) -> str:
    if recognised_until is None:
        return _("recognised without an end date")
    return _("recognised until %(date)s") % {"date": date_format(recognised_until, "j F Y")}


def _score(
    place: Any, trajectory: Trajectory, preference: LearnerPreference | None, region_id: int | None
) -> tuple[int, list[str]]:
    points = 0.0
    reasons: list[str] = []
    # Distance, or the same region where a place has no coordinates.
    km = place.km
    if km is not None:
        limit = (preference.max_distance_km if preference else None) or DEFAULT_DISTANCE_KM
        points += POINTS_DISTANCE * max(0.0, 1 - km / limit)
        reasons.append(_("%(km)d km") % {"km": round(km)})
        if preference and preference.max_distance_km and km > preference.max_distance_km:
            reasons.append(_("further than the %(km)d km the learner travels") % {"km": preference.max_distance_km})
    elif region_id is not None and place.employer.region_id == region_id:
        points += POINTS_SAME_REGION
        reasons.append(_("in the same region"))
    else:
        reasons.append(_("distance not known"))
    # Hours.
    wanted = preference.hours_per_week if preference else None
    if place.hours_per_week:
        if wanted:
            difference = abs(place.hours_per_week - wanted)
            points += POINTS_HOURS if difference <= 4 else POINTS_HOURS / 2 if difference <= 8 else 0
            reasons.append(
                _("%(hours)d hours a week (wanted: %(wanted)d)") % {"hours": place.hours_per_week, "wanted": wanted}
            )
        else:
            reasons.append(_("%(hours)d hours a week") % {"hours": place.hours_per_week})
    # What the company offers.
    group = trajectory.learner.target_group
    if group and group in (place.target_groups or []):
        points += POINTS_TARGET_GROUP
        reasons.append(_("supports learners from the target group %(group)s") % {"group": TargetGroup(group).label})
    if place.trainer_available:
        points += POINTS_TRAINER
        reasons.append(_("a workplace trainer is available"))
    else:
        reasons.append(_("no workplace trainer available at the moment"))
    # Past outcomes at this employer.
    ended = place.completed + place.stopped
    if ended:
        points += POINTS_OUTCOMES * place.completed / ended
        reasons.append(
            ngettext(
                "%(completed)d of %(ended)d trajectory completed",
                "%(completed)d of %(ended)d trajectories completed",
                ended,
            )
            % {"completed": place.completed, "ended": ended}
        )
    else:
        points += POINTS_OUTCOMES / 2
        reasons.append(_("no completed or stopped trajectories here yet"))
    reasons.append(_until(place.recognised_until))
    return round(points), reasons


# What an employer's recognitions for the qualification say on the start date, worst to best: the
# best of them decides whether its place is a candidate, and otherwise why not.
NOT_RECOGNISED, RECOGNISED_LATER, RECOGNITION_ENDED, RECOGNISED = 0, 1, 2, 3


class _RoundHalfEven(Func):
    """Python's ``round()`` of a non-negative float in SQL: halves go to the even neighbour, so that
    the database ranks by exactly the score that ``_score`` shows."""

    output_field = IntegerField()

    # Every use of the value repeats its SQL (and parameters).
    VALUE = "%(value)s"
    CASE = (
        "CAST(CASE WHEN %(value)s - FLOOR(%(value)s) < 0.5 THEN FLOOR(%(value)s) "
        "WHEN %(value)s - FLOOR(%(value)s) > 0.5 THEN FLOOR(%(value)s) + 1 "
        "WHEN FLOOR(FLOOR(%(value)s) / 2) * 2 = FLOOR(%(value)s) THEN FLOOR(%(value)s) "
        "ELSE FLOOR(%(value)s) + 1 END AS INTEGER)"
    )

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        pieces = self.CASE.split(self.VALUE)
        return f"({sql})".join(pieces), [*params] * (len(pieces) - 1)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        # round() of a double precision rounds halves to even there (rint).
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(ROUND(CAST({sql} AS double precision)) AS integer)", list(params)


def _as_float(expression: Any) -> Cast:
    return Cast(expression, FloatField())


def _score_in_sql(
    trajectory: Trajectory,
    preference: LearnerPreference | None,
    region_id: int | None,
    origin: tuple[float, float] | None,
) -> _RoundHalfEven:
    """``_score`` as one SQL expression over a place annotated with ``km``, ``completed`` and
    ``stopped``: the same parts, added in the same order in double precision and rounded the same
    way, so that the database ranks by the scores shown. The tests hold the two to the same value."""
    zero = _as_float(Value(0))
    same_region = (
        Case(When(counts__region_id=region_id, then=_as_float(Value(POINTS_SAME_REGION))), default=zero)
        if region_id is not None
        else zero
    )
    parts: list[Any] = []
    if origin is not None:
        limit = (preference.max_distance_km if preference else None) or DEFAULT_DISTANCE_KM
        near = POINTS_DISTANCE * Greatest(zero, _as_float(Value(1)) - F("km") / Value(limit))
        parts.append(Case(When(km__isnull=False, then=near), default=same_region))
    else:
        parts.append(same_region)
    wanted = preference.hours_per_week if preference else None
    if wanted:
        parts.append(
            Case(
                When(
                    hours_per_week__gt=0,
                    hours_per_week__gte=wanted - 4,
                    hours_per_week__lte=wanted + 4,
                    then=_as_float(Value(POINTS_HOURS)),
                ),
                When(
                    hours_per_week__gt=0,
                    hours_per_week__gte=wanted - 8,
                    hours_per_week__lte=wanted + 8,
                    then=_as_float(Value(POINTS_HOURS / 2)),
                ),
                default=zero,
            )
        )
    group = trajectory.learner.target_group
    if group:
        # The list holds the group's value as a JSON string: the same text on every database.
        parts.append(
            Case(
                When(target_groups__icontains=f'"{group}"', then=_as_float(Value(POINTS_TARGET_GROUP))),
                default=zero,
            )
        )
    parts.append(Case(When(trainer_available=True, then=_as_float(Value(POINTS_TRAINER))), default=zero))
    parts.append(
        Case(
            When(
                Q(completed__gt=0) | Q(stopped__gt=0),
                then=_as_float(POINTS_OUTCOMES * F("completed")) / _as_float(F("completed") + F("stopped")),
            ),
            default=_as_float(Value(POINTS_OUTCOMES / 2)),
        )
    )
    points = parts[0]
    for part in parts[1:]:
        points = points + part
    return _RoundHalfEven(ExpressionWrapper(points, output_field=FloatField()))


# Why a candidate place is left out, in the order the checks are made.
EXCLUSIONS = ("not_recognised", "not_yet", "ended", "period", "full")

# What the ranking query returns of each candidate.
CANDIDATE_COLUMNS = (
    "pk",
    "reason",
    "score",
    "km",
    "free",
    "recognised_until",
    "accepted",
    "placed",
    "completed",
    "stopped",
)


@dataclass
class _Candidate:
    pk: int
    reason: int
    score: int
    km: float | None
    free: int
    recognised_until: datetime.date | None
    accepted: int
    placed: int
    completed: int
    stopped: int
    left_out: tuple[int, ...]  # how many candidates each reason leaves out, in the order of EXCLUSIONS
    total: int


def _ranked(candidates: QuerySet[Any]) -> list[_Candidate]:
    """The first ``SHOWN`` of ``candidates`` (suitable first, then by score, distance, employer
    name), each with the number of candidates per reason and in all. The counts are windows over
    the candidates' ``reason``, computed once per row in a materialised inner query: written as
    windows on the queryset (or over a plain subquery, which PostgreSQL merges into the outer
    query), the database would compute the reason again for every count."""
    inner, params = candidates.query.sql_with_params()
    left_out = ", ".join(
        f"SUM(CASE WHEN c.reason = {n} THEN 1 ELSE 0 END) OVER ()" for n in range(1, len(EXCLUSIONS) + 1)
    )
    columns = ", ".join(f"c.{'place_pk' if name == 'pk' else name}" for name in CANDIDATE_COLUMNS)
    # Only constants and the query Django compiled (its values stay parameters) go into the text.
    sql = (
        f"WITH c AS MATERIALIZED ({inner}) SELECT {columns}, {left_out}, COUNT(*) OVER () FROM c "  # noqa: S608
        "ORDER BY CASE WHEN c.reason = 0 THEN 0 ELSE 1 END, c.score DESC, "
        "CASE WHEN c.km IS NULL THEN 1 ELSE 0 END, c.km, c.employer_name, c.place_pk LIMIT %s"
    )
    width = len(CANDIDATE_COLUMNS)  # then the counts per reason, then the total
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, SHOWN])
        rows = cursor.fetchall()
    until: DateField[Any, Any] = DateField()
    return [
        _Candidate(
            pk=row[0],
            reason=row[1],
            score=row[2],
            km=row[3],
            free=row[4],
            recognised_until=until.to_python(row[5]),  # SQLite returns the date as text
            accepted=row[6],
            placed=row[7],
            completed=row[8],
            stopped=row[9],
            left_out=tuple(row[width:-1]),
            total=row[-1],
        )
        for row in rows
    ]


def suggest_places(trajectory: Trajectory, *, today: datetime.date | None = None) -> Suggestions:
    """Learning places for ``trajectory``, best first, and why other candidates are left out.

    Candidates are the places offered for the trajectory's qualification (same crebo). A place
    is suggested when its employer is recognised for that qualification on the planned start
    date, the place is offered on that date, and it has a free place left (or the learner was
    accepted there). One query finds, scores and ranks the candidates and counts them by reason;
    only the first ``SHOWN`` rows come back, and reasons are written for those only. It reads the
    stored row of each place (``PlaceCounts``, kept right by ``counts.py``: its counts, its
    employer's facts and recognitions) rather than counting trajectories and requests and looking
    up employers and recognitions. Five queries, however many employers there are."""
    start = trajectory.planned_start or today or timezone.localdate()
    result = Suggestions(trajectory=trajectory, start=start)
    if trajectory.status != Status.SEARCHING:
        result.problem = _("Suggestions are made for trajectories that are looking for a workplace.")
        return result
    if trajectory.qualification is None:
        result.problem = _("Choose the qualification first: places are suggested for a qualification.")
        return result
    crebo = trajectory.qualification.crebo
    preference = preference_of(trajectory)
    origin = origin_of(trajectory, preference)
    region_id = trajectory.learner.organisation.region_id
    asked = {
        r.place_id: r
        for r in PlacementRequest.objects.open().filter(trajectory=trajectory, place__crebo=crebo).order_by("-id")
    }
    # A place this learner was already accepted for stays on the list even when full: it is theirs.
    theirs = [place for place, r in asked.items() if r.status == RequestStatus.ACCEPTED]

    # Each candidate joined to its stored row (``PlaceCounts``): its counts, its employer's facts and
    # the employer's recognitions for the qualification. Nearly every employer has one recognition
    # for a qualification, stored on the row; for the few with more, a subquery reads them all.
    recognitions = (
        Recognition.objects.filter(employer=OuterRef("employer"), crebo=crebo, withdrawn_at__isnull=True)
        .order_by()
        .values("employer")
    )
    valid = Q(start_date__lte=start) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    # The best of the employer's recognitions: valid beats ended beats later.
    best = recognitions.annotate(
        best=Max(
            Case(
                When(valid, then=Value(RECOGNISED)),
                When(end_date__lt=start, then=Value(RECOGNITION_ENDED)),
                When(start_date__gt=start, then=Value(RECOGNISED_LATER)),
            )
        )
    ).values("best")
    until = (
        recognitions.annotate(
            open_ended=Count("pk", filter=valid & Q(end_date__isnull=True)),
            last_end=Max("end_date", filter=valid),
        )
        .annotate(until=Case(When(open_ended__gt=0, then=Value(None)), default=F("last_end")))
        .values("until")
    )
    one = Q(counts__recognitions=1)
    one_valid = (
        one
        & Q(counts__recognition_start__lte=start)
        & (Q(counts__recognition_end__isnull=True) | Q(counts__recognition_end__gte=start))
    )
    km = (
        _haversine_km(_as_float(F("counts__latitude")), _as_float(F("counts__longitude")), origin)
        if origin
        else Value(None, output_field=FloatField())
    )
    reasons = {
        "not_recognised": Q(recognised=NOT_RECOGNISED),
        "not_yet": Q(recognised=RECOGNISED_LATER),
        "ended": Q(recognised=RECOGNITION_ENDED),
        "period": Q(recognised=RECOGNISED) & (Q(period_start__gt=start) | Q(period_end__lt=start)),
        "full": Q(recognised=RECOGNISED, period_start__lte=start)
        & (Q(period_end__isnull=True) | Q(period_end__gte=start))
        & Q(free__lte=0)
        & ~Q(pk__in=theirs),
    }
    candidates = (
        # Every place has its row; its crebo lets the database read only the rows of the qualification.
        LearningPlace.objects.filter(crebo=crebo, counts__crebo=crebo, counts__active=True)
        .annotate(
            recognised=Case(
                When(counts__recognitions=0, then=Value(NOT_RECOGNISED)),
                When(one_valid, then=Value(RECOGNISED)),
                When(one & Q(counts__recognition_end__lt=start), then=Value(RECOGNITION_ENDED)),
                When(one, then=Value(RECOGNISED_LATER)),  # one recognition, neither valid nor ended: later
                default=Coalesce(Subquery(best), Value(NOT_RECOGNISED)),
                output_field=IntegerField(),
            ),
            recognised_until=Case(
                When(one_valid, then=F("counts__recognition_end")),
                When(counts__recognitions__gt=1, then=Subquery(until)),
                default=Value(None),
                output_field=DateField(),
            ),
            # Accepted requests count until the consultant confirms the placement; then the
            # trajectory itself counts (see counts.py).
            accepted=F("counts__accepted"),
            placed=F("counts__placed"),
            completed=F("counts__completed"),
            stopped=F("counts__stopped"),
            km=km,
        )
        .annotate(free=F("capacity") - F("accepted") - F("placed"))
        .annotate(
            # Why the place is left out (the position of the reason in EXCLUSIONS, from 1), or 0.
            reason=Case(
                *(When(condition, then=Value(n)) for n, condition in enumerate(reasons.values(), start=1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            score=_score_in_sql(trajectory, preference, region_id, origin),
            employer_name=F("counts__employer_name"),
            place_pk=F("pk"),  # a column name of its own in the outer query
        )
        .values("place_pk", *CANDIDATE_COLUMNS[1:], "employer_name")
        .order_by()
    )
    rows = _ranked(candidates)
    counts = dict.fromkeys(EXCLUSIONS, 0)
    if rows:
        counts = dict(zip(EXCLUSIONS, rows[0].left_out, strict=True))
        result.more = max(0, rows[0].total - sum(counts.values()) - SHOWN)
    # The places shown, with their employers, in a second query.
    shown = LearningPlace.objects.select_related("employer").in_bulk([row.pk for row in rows])
    for row in rows:
        if row.reason:
            break
        place: Any = shown[row.pk]
        for name in CANDIDATE_COLUMNS[1:]:
            setattr(place, name, getattr(row, name))
        score, texts = _score(place, trajectory, preference, region_id)
        texts.insert(
            0,
            ngettext(
                "%(free)d of %(capacity)d place free",
                "%(free)d of %(capacity)d places free",
                place.capacity,
            )
            % {"free": max(place.free, 0), "capacity": place.capacity},
        )
        result.suggestions.append(
            Suggestion(
                place=place, score=score, reasons=texts, free=place.free, km=place.km, request=asked.get(place.pk)
            )
        )
    # Recognised on the start date, but offering no place for this qualification.
    # An employer's recognitions for a qualification never overlap: at most one is valid on the
    # start date, so the recognitions counted are the employers. The inactive employers are few
    # (and indexed): leaving them out reads them rather than every active one.
    offered = LearningPlace.objects.filter(employer=OuterRef("employer"), crebo=crebo)
    counts["no_place"] = (
        Recognition.objects.filter(valid_on_condition(start), crebo=crebo, withdrawn_at__isnull=True)
        .filter(~Exists(offered))
        .exclude(employer__in=Organisation.objects.filter(is_active=False).values("pk"))
        .count()
    )
    result.excluded = [group for group in _excluded_groups(counts) if group.count]
    return result


def _excluded_groups(counts: dict[str, int]) -> Iterable[ExcludedGroup]:
    texts = {
        "full": ngettext("%(n)d company recognised, but full", "%(n)d companies recognised, but full", counts["full"]),
        "ended": ngettext(
            "%(n)d recognition ended before the start date",
            "%(n)d recognitions ended before the start date",
            counts["ended"],
        ),
        "not_yet": ngettext(
            "%(n)d company recognised only after the start date",
            "%(n)d companies recognised only after the start date",
            counts["not_yet"],
        ),
        "not_recognised": ngettext(
            "%(n)d company offers a place but is not recognised for this qualification",
            "%(n)d companies offer a place but are not recognised for this qualification",
            counts["not_recognised"],
        ),
        "period": ngettext(
            "%(n)d company offers its places only outside the start date",
            "%(n)d companies offer their places only outside the start date",
            counts["period"],
        ),
        "no_place": ngettext(
            "%(n)d company recognised, but it offers no places",
            "%(n)d companies recognised, but they offer no places",
            counts["no_place"],
        ),
    }
    for key, text in texts.items():
        yield ExcludedGroup(key=key, count=counts[key], text=text % {"n": counts[key]})


# --- Requests to employers --------------------------------------------------------------------


def employer_staff(employer: Organisation) -> list[Any]:
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=employer,
            memberships__ended_at__isnull=True,
            memberships__role_set__role__in=EMPLOYER_ROLES,
        ).distinct()
    )


def with_use(places: QuerySet[LearningPlace]) -> QuerySet[LearningPlace]:
    """Places annotated with ``accepted`` (requests accepted, learner not placed yet), ``placed`` (learners
    placed at the employer for the place's qualification) and ``free`` (the places left), in the same query."""
    return places.annotate(
        accepted=_accepted_not_yet_placed(),
        placed=_count(
            Trajectory.objects.filter(
                employer=OuterRef("employer"), status__in=PLACED_STATES, qualification__crebo=OuterRef("crebo")
            ),
            "employer",
        ),
    ).annotate(free=F("capacity") - F("accepted") - F("placed"))


def free_places(place: LearningPlace) -> int:
    annotated: Any = with_use(LearningPlace.objects.filter(pk=place.pk)).get()
    return int(annotated.free)


def places_with_use(employer: Organisation) -> QuerySet[LearningPlace]:
    """The employer's offer, each with its accepted requests and placed learners (one query)."""
    return with_use(LearningPlace.objects.filter(employer=employer)).order_by("crebo")


@transaction.atomic
def propose_place(trajectory: Trajectory, place: LearningPlace, *, by: Any, message: str = "") -> PlacementRequest:
    """Ask the employer to take the learner on ``place``; its staff are told in the app."""
    if not can_suggest(by, trajectory):
        raise PermissionDenied
    trajectory = (
        Trajectory.objects.select_for_update(of=("self",)).select_related("qualification").get(pk=trajectory.pk)
    )
    place = LearningPlace.objects.select_for_update(of=("self",)).select_related("employer").get(pk=place.pk)
    if trajectory.status != Status.SEARCHING:
        raise ValidationError(_("Places are proposed for trajectories that are looking for a workplace."))
    if trajectory.qualification is None or trajectory.qualification.crebo != place.crebo:
        raise ValidationError(_("This place is for another qualification."))
    start = trajectory.planned_start or timezone.localdate()
    if not Recognition.objects.filter(
        valid_on_condition(start), employer=place.employer, crebo=place.crebo, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError(_("The employer is not recognised for this qualification on the planned start date."))
    if free_places(place) <= 0:
        raise ValidationError(_("This employer has no free place left for this qualification."))
    try:
        with transaction.atomic():
            request = PlacementRequest.objects.create(
                trajectory=trajectory,
                employer=place.employer,
                place=place,
                proposed_by=by,
                message=message.strip(),
            )
    except IntegrityError:
        raise ValidationError(_("This place was already proposed for this learner.")) from None
    qualification = trajectory.qualification.name
    employer_name = place.employer.name

    def message_for_employer() -> str:
        return _("%(employer)s is asked to take on a learner for %(qualification)s.") % {
            "employer": employer_name,
            "qualification": qualification,
        }

    transaction.on_commit(
        lambda: notify(
            employer_staff(place.employer),
            message=message_for_employer,
            url=reverse("matching:decide", kwargs={"pk": request.pk}),
            key=f"matching:request:{request.pk}:proposed",
        )
    )
    return request


def _locked(request: PlacementRequest, to: str) -> PlacementRequest:
    locked = (
        PlacementRequest.objects.select_for_update(of=("self",))
        .select_related("trajectory__qualification", "trajectory__learner", "employer", "place")
        .get(pk=request.pk)
    )
    if to not in ALLOWED_REQUEST_TRANSITIONS[locked.status]:
        raise ValidationError(
            _("This request is %(state)s already; it cannot change any more.") % {"state": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def answer_request(request: PlacementRequest, *, accept: bool, by: Any, reason: str = "") -> PlacementRequest:
    """The employer accepts or declines. Accepting reserves the place; the consultant then
    confirms the placement through the trajectory."""
    if not is_employer_staff(by, request.employer_id):
        raise PermissionDenied
    to = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request = _locked(request, to)
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why, so that the consultant can look further.")})
    if accept:
        LearningPlace.objects.select_for_update().get(pk=request.place_id)  # one answer at a time per place
        if free_places(request.place) <= 0:
            raise ValidationError(_("All places are taken: there is no free place left to accept this request."))
    request.status = to
    request.reason = reason.strip()
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    trajectory = request.trajectory
    recipients = {u.pk: u for u in (trajectory.consultant, request.proposed_by) if u is not None}
    employer_name = request.employer.name
    first_name = trajectory.learner.first_name
    accepted = accept

    def message_for_consultant() -> str:
        if accepted:
            return _("%(employer)s accepted %(name)s. Confirm the placement on the trajectory.") % {
                "employer": employer_name,
                "name": first_name,
            }
        return _("%(employer)s declined %(name)s.") % {"employer": employer_name, "name": first_name}

    pk = request.pk
    transaction.on_commit(
        lambda: notify(
            recipients.values(),
            message=message_for_consultant,
            url=reverse("matching:request", kwargs={"pk": pk}),
            key=f"matching:request:{pk}:{to}",
        )
    )
    return request


@transaction.atomic
def withdraw_request(request: PlacementRequest, *, by: Any, reason: str = "") -> PlacementRequest:
    if not can_suggest(by, request.trajectory):
        raise PermissionDenied
    request = _locked(request, RequestStatus.WITHDRAWN)
    request.status = RequestStatus.WITHDRAWN
    request.reason = reason.strip()
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_at"])
    # The employer's staff stop waiting for (or keeping a place for) this learner.
    first_name = request.trajectory.learner.first_name
    qualification = request.trajectory.qualification.name if request.trajectory.qualification else ""
    employer = request.employer
    pk = request.pk

    def message_for_employer() -> str:
        return _("The request for %(name)s (%(qualification)s) was withdrawn.") % {
            "name": first_name,
            "qualification": qualification,
        }

    transaction.on_commit(
        lambda: notify(
            employer_staff(employer),
            message=message_for_employer,
            url=reverse("matching:request", kwargs={"pk": pk}),
            key=f"matching:request:{pk}:withdrawn",
        )
    )
    return request


# --- Capacity across schools and municipalities ---------------------------------------------

CAPACITY_SORTS = {
    "name": ("name",),
    "offered": ("-offered", "name"),
    "requested": ("-requested", "name"),
    "accepted": ("-accepted", "name"),
    "filled": ("-filled", "name"),
    "free": ("-free", "name"),
}


def capacity_regions(user: Any) -> set[int] | None:
    """The regions whose employers the user sees in the capacity view; None: all of them."""
    access = get_access(user)
    return None if access.is_platform_admin else access.region_ids(Role.COORDINATOR)


def capacity(user: Any, *, sort: str = "name") -> QuerySet[Organisation]:
    """Per employer in the user's regions: places offered, open requests, accepted requests
    not yet placed, and placed trajectories, counted across every school and municipality.
    One query."""
    employers = Organisation.objects.filter(kind=OrganisationKind.EMPLOYER, is_active=True)
    regions = capacity_regions(user)
    if regions is not None:
        employers = employers.filter(region_id__in=regions)
    offered = (
        LearningPlace.objects.filter(employer=OuterRef("pk"))
        .order_by()
        .values("employer")
        .annotate(n=Sum("capacity"))
        .values("n")
    )
    accepted = PlacementRequest.objects.filter(employer=OuterRef("pk"), status=RequestStatus.ACCEPTED).exclude(
        trajectory__status__in=PLACED_STATES
    )
    rows = (
        employers.select_related("region")
        .annotate(
            offered=Coalesce(Subquery(offered, output_field=IntegerField()), Value(0)),
            requested=_count(
                PlacementRequest.objects.filter(employer=OuterRef("pk"), status=RequestStatus.PROPOSED), "employer"
            ),
            accepted=_count(accepted, "employer"),
            filled=_placed_at("pk"),
        )
        .annotate(free=F("offered") - F("accepted") - F("filled"))
        .filter(Q(offered__gt=0) | Q(requested__gt=0) | Q(accepted__gt=0) | Q(filled__gt=0))
    )
    return rows.order_by(*CAPACITY_SORTS.get(sort, CAPACITY_SORTS["name"]))
