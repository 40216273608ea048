"""Suggestions for one learner, requests to employers, and the capacity of the region's
employers. Every read here is a fixed number of queries, whatever the number of employers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cast, Coalesce, Cos, Power, Radians, Sin, Sqrt
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

# A trajectory in these states occupies a place at its employer.
PLACED_STATES = (Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT)

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


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """The number of rows of ``queryset`` (already filtered on an OuterRef), as a subquery."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _accepted_not_yet_placed(place_ref: str = "pk") -> Coalesce:
    """Accepted requests whose learner is not placed yet: once the consultant confirms the
    placement, the trajectory itself counts, so the request no longer does."""
    return _count(
        PlacementRequest.objects.filter(place=OuterRef(place_ref), status=RequestStatus.ACCEPTED).exclude(
            trajectory__status__in=PLACED_STATES
        ),
        "place",
    )


def _placed_at(employer_ref: str, crebo: str | None = None) -> Coalesce:
    trajectories = Trajectory.objects.filter(employer=OuterRef(employer_ref), status__in=PLACED_STATES)
    if crebo is not None:
        trajectories = trajectories.filter(qualification__crebo=crebo)
    return _count(trajectories, "employer")


def _haversine_km(latitude: Combinable, longitude: Combinable, origin: tuple[float, float]) -> Combinable:
    """Great-circle distance in km from ``origin`` (latitude, longitude in degrees), in SQL."""
    lat0, lon0 = (Radians(Value(v, output_field=FloatField())) for v in origin)
    lat, lon = Radians(latitude), Radians(longitude)
    a = Power(Sin((lat - lat0) / 2), 2) + Cos(lat0) * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(a))


def _coordinate(name: str) -> Coalesce:
    return Coalesce(
        Cast(f"employer__{name}", FloatField()),
        Cast(f"employer__municipality__{name}", FloatField()),
    )


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


def suggest_places(trajectory: Trajectory, *, today: datetime.date | None = None) -> Suggestions:
    """Learning places for ``trajectory``, best first, and why other candidates are left out.

    Candidates are the places offered for the trajectory's qualification (same crebo). A place
    is suggested when its employer is recognised for that qualification on the planned start
    date, the place is offered on that date, and it has a free place left. Four queries, however
    many employers there are."""
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

    recognitions = Recognition.objects.filter(employer=OuterRef("employer"), crebo=crebo, withdrawn_at__isnull=True)
    valid = recognitions.filter(valid_on_condition(start))
    employer_trajectories = Trajectory.objects.filter(employer=OuterRef("employer"))
    places = (
        LearningPlace.objects.filter(crebo=crebo, employer__is_active=True)
        .select_related("employer")
        .annotate(
            recognised=Exists(valid),
            recognised_until=Subquery(valid.order_by(F("end_date").desc(nulls_first=True)).values("end_date")[:1]),
            ended_before=Exists(recognitions.filter(end_date__lt=start)),
            starts_after=Exists(recognitions.filter(start_date__gt=start)),
            accepted=_accepted_not_yet_placed(),
            placed=_placed_at("employer", crebo),
            completed=_count(employer_trajectories.filter(status=Status.COMPLETED), "employer"),
            stopped=_count(employer_trajectories.filter(status=Status.STOPPED), "employer"),
            km=_haversine_km(_coordinate("latitude"), _coordinate("longitude"), origin)
            if origin
            else Value(None, output_field=FloatField()),
        )
    )
    asked = {
        r.place_id: r
        for r in PlacementRequest.objects.open().filter(trajectory=trajectory, place__crebo=crebo).order_by("-id")
    }
    region_id = trajectory.learner.organisation.region_id
    counts = {"ended": 0, "not_yet": 0, "not_recognised": 0, "period": 0, "full": 0}
    suitable: list[Suggestion] = []
    place: Any
    for place in places:
        request = asked.get(place.pk)
        if not place.recognised:
            key = "ended" if place.ended_before else "not_yet" if place.starts_after else "not_recognised"
            counts[key] += 1
            continue
        if place.period_start > start or (place.period_end is not None and place.period_end < start):
            counts["period"] += 1
            continue
        taken = place.accepted + place.placed
        free = place.capacity - taken
        # A place this learner was already accepted for stays on the list: it is theirs.
        if free <= 0 and not (request is not None and request.status == RequestStatus.ACCEPTED):
            counts["full"] += 1
            continue
        score, reasons = _score(place, trajectory, preference, region_id)
        reasons.insert(
            0,
            ngettext(
                "%(free)d of %(capacity)d place free",
                "%(free)d of %(capacity)d places free",
                place.capacity,
            )
            % {"free": max(free, 0), "capacity": place.capacity},
        )
        suitable.append(Suggestion(place=place, score=score, reasons=reasons, free=free, km=place.km, request=request))

    suitable.sort(key=lambda s: (-s.score, s.km if s.km is not None else float("inf"), s.place.employer.name))
    result.suggestions = suitable[:SHOWN]
    result.more = max(0, len(suitable) - SHOWN)
    # Recognised on the start date, but offering no place for this qualification.
    offered = LearningPlace.objects.filter(employer=OuterRef("employer"), crebo=crebo)
    counts["no_place"] = (
        Recognition.objects.filter(valid_on_condition(start), crebo=crebo, withdrawn_at__isnull=True)
        .filter(~Exists(offered), employer__is_active=True)
        .values("employer")
        .distinct()
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


def free_places(place: LearningPlace) -> int:
    annotated: Any = LearningPlace.objects.annotate(
        accepted=_accepted_not_yet_placed(), placed=_placed_at("employer", place.crebo)
    ).get(pk=place.pk)
    return place.capacity - annotated.accepted - annotated.placed


def places_with_use(employer: Organisation) -> QuerySet[LearningPlace]:
    """The employer's offer, each with its accepted requests and placed learners (one query)."""
    return (
        LearningPlace.objects.filter(employer=employer)
        .annotate(
            accepted=_accepted_not_yet_placed(),
            placed=_count(
                Trajectory.objects.filter(
                    employer=OuterRef("employer"), status__in=PLACED_STATES, qualification__crebo=OuterRef("crebo")
                ),
                "employer",
            ),
        )
        .order_by("crebo")
    )


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
