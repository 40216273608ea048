"""Batch matching rounds: collect the learners and places of a region, keep both sides' rankings, compute the
learner-optimal stable matching (and, to compare, the assignment with the highest total score), and publish.

A pair is acceptable when the learner ranked the place, the place is for the learner's qualification, the
employer is recognised for it on the round's start date, the place is offered on that date and has room, and
the employer did not decline the learner. Employers rank their candidates or leave it to the score: candidates
they did not rank follow the ranked ones, best score first. Computing reads a fixed number of queries whatever
the size of the round.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from werkplaats.notifications.services import notify
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.recognitions.models import Recognition, valid_on_condition
from werkplaats.trajectories.models import Status, Trajectory
from werkplaats.trajectories.services import can_manage

from .models import (
    EMPLOYER_ROLES,
    ChoiceNote,
    EmployerChoice,
    LearnerChoice,
    LearnerPreference,
    LearningPlace,
    MatchingRound,
    Outcome,
    PlacementRequest,
    PlaceNote,
    RequestStatus,
    RoundLearner,
    RoundPlace,
    RoundStatus,
)
from .optimal import blocking_pairs, max_score, total_score
from .services import _count, _score, employer_staff, with_use
from .stable import resident_optimal

EARTH_RADIUS_KM = 6371.0

# --- Who may do what --------------------------------------------------------------------------


def coordinator_regions(user: Any) -> QuerySet[Region]:
    """The regions in which the user runs rounds."""
    access = get_access(user)
    if access.is_platform_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=access.region_ids(Role.COORDINATOR))


def runs(user: Any, matching_round: MatchingRound) -> bool:
    """The region's coordinators (and platform admins) run the round."""
    access = get_access(user)
    return access.is_platform_admin or matching_round.region_id in access.region_ids(Role.COORDINATOR)


def can_rank_learner(user: Any, learner: RoundLearner) -> bool:
    """The learner, those who steer the trajectory, and the round's coordinators."""
    trajectory = learner.trajectory
    learner_user_id = trajectory.learner.user_id
    if learner_user_id is not None and learner_user_id == get_access(user).user_id:
        return True
    return can_manage(user, trajectory) or runs(user, learner.round)


def can_answer_for(user: Any, place: RoundPlace) -> bool:
    """The employer's staff, and the round's coordinators (who may enter an answer given by phone)."""
    access = get_access(user)
    return access.has_role(place.place.employer_id, *EMPLOYER_ROLES) or runs(user, place.round)


def _require_open(matching_round: MatchingRound) -> None:
    if matching_round.status != RoundStatus.OPEN:
        raise ValidationError(_("This round is published: its lists and rankings cannot change any more."))


def _changed(matching_round: MatchingRound, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    MatchingRound.objects.filter(pk=matching_round.pk).update(changed_at=now)
    matching_round.changed_at = now


# --- Collecting the lists ---------------------------------------------------------------------


def _searching_in(region: Region) -> QuerySet[Trajectory]:
    """Trajectories looking for a place in the region, not in another open round and not already accepted."""
    return (
        Trajectory.objects.filter(status=Status.SEARCHING, qualification__isnull=False)
        .filter(Q(learner__organisation__region=region) | Q(school__region=region))
        .exclude(Exists(RoundLearner.objects.filter(trajectory=OuterRef("pk"), round__status=RoundStatus.OPEN)))
        .exclude(Exists(PlacementRequest.objects.filter(trajectory=OuterRef("pk"), status=RequestStatus.ACCEPTED)))
    )


@transaction.atomic
def collect(matching_round: MatchingRound, *, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Add the region's searching trajectories and the places offered for their qualifications; returns how many
    learners and places were added. What is in the round already stays (the coordinator removes by hand)."""
    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    _require_open(matching_round)
    present = RoundLearner.objects.filter(round=matching_round).values("trajectory")
    new_learners = [
        RoundLearner(round=matching_round, trajectory_id=pk)
        for pk in _searching_in(matching_round.region).exclude(pk__in=present).values_list("pk", flat=True)
    ]
    RoundLearner.objects.bulk_create(new_learners)
    crebos = set(
        RoundLearner.objects.filter(round=matching_round).values_list("trajectory__qualification__crebo", flat=True)
    )
    offered = LearningPlace.objects.filter(
        employer__region=matching_round.region, employer__is_active=True, crebo__in=crebos
    ).exclude(pk__in=RoundPlace.objects.filter(round=matching_round).values("place"))
    with_free: list[Any] = list(with_use(offered))
    new_places = [
        RoundPlace(round=matching_round, place_id=place.pk, capacity=max(0, min(place.free, place.capacity)))
        for place in with_free
    ]
    RoundPlace.objects.bulk_create(new_places)
    if new_learners or new_places:
        _changed(matching_round, now)
    return len(new_learners), len(new_places)


@transaction.atomic
def create_round(
    *,
    region: Region,
    name: str,
    start_date: datetime.date,
    preferences_until: datetime.date | None,
    by: Any,
) -> MatchingRound:
    if not coordinator_regions(by).filter(pk=region.pk).exists():
        raise PermissionDenied
    matching_round = MatchingRound.objects.create(
        region=region, name=name.strip(), start_date=start_date, preferences_until=preferences_until, created_by=by
    )
    collect(matching_round)
    return matching_round


@transaction.atomic
def remove_learner(learner: RoundLearner, *, by: Any) -> None:
    if not runs(by, learner.round):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=learner.round_id)
    _require_open(matching_round)
    learner.delete()
    _changed(matching_round)


@transaction.atomic
def remove_place(place: RoundPlace, *, by: Any) -> None:
    if not runs(by, place.round):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=place.round_id)
    _require_open(matching_round)
    RoundLearner.objects.filter(Q(proposed=place) | Q(optimal=place)).update(proposed=None, optimal=None)
    place.delete()
    _changed(matching_round)


@transaction.atomic
def set_capacity(place: RoundPlace, capacity: int, *, by: Any) -> None:
    if not runs(by, place.round):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=place.round_id)
    _require_open(matching_round)
    if capacity < 0 or capacity > place.place.capacity:
        raise ValidationError(
            {
                "capacity": _("Give a number from 0 to %(max)d, the places the employer offers.")
                % {"max": place.place.capacity}
            }
        )
    place.capacity = capacity
    place.save(update_fields=["capacity"])
    _changed(matching_round)


# --- Rankings -------------------------------------------------------------------------------


def places_for(learner: RoundLearner) -> QuerySet[RoundPlace]:
    """The round's places for the learner's qualification: the ones the learner can rank."""
    qualification = learner.trajectory.qualification
    crebo = qualification.crebo if qualification is not None else None
    return (
        RoundPlace.objects.filter(round_id=learner.round_id, place__crebo=crebo)
        .select_related("place__employer__municipality")
        .order_by("place__employer__name", "pk")
    )


def _check_ranks(ranks: Mapping[int, int | None], allowed: Iterable[int]) -> dict[int, int]:
    allowed = set(allowed)
    given = {key: rank for key, rank in ranks.items() if rank is not None}
    unknown = set(given) - allowed
    if unknown:
        raise ValidationError(_("Rank only the places and candidates on this page."))
    if any(rank < 1 for rank in given.values()):
        raise ValidationError(_("A rank is 1 or more."))
    if len(set(given.values())) != len(given):
        raise ValidationError(_("Give every rank once: two have the same number."))
    return given


@transaction.atomic
def save_learner_ranking(learner: RoundLearner, ranks: Mapping[int, int | None], *, by: Any) -> int:
    """Store the learner's ranking (round place id -> rank; None leaves a place out). Ranks are renumbered 1, 2,
    3 in the given order, so gaps do not matter. Returns the number of places ranked."""
    if not can_rank_learner(by, learner):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=learner.round_id)
    _require_open(matching_round)
    given = _check_ranks(ranks, places_for(learner).values_list("pk", flat=True))
    LearnerChoice.objects.filter(learner=learner).delete()
    ordered = sorted(given, key=lambda place_id: given[place_id])
    LearnerChoice.objects.bulk_create(
        LearnerChoice(learner=learner, place_id=place_id, rank=number) for number, place_id in enumerate(ordered, 1)
    )
    learner.ranked_at = timezone.now()
    learner.ranked_by = by
    learner.save(update_fields=["ranked_at", "ranked_by"])
    _changed(matching_round)
    return len(ordered)


def candidates_for(place: RoundPlace) -> QuerySet[RoundLearner]:
    """The learners who ranked this place."""
    return (
        RoundLearner.objects.filter(choices__place=place)
        .select_related("trajectory__learner__organisation__municipality", "trajectory__qualification")
        .order_by("pk")
    )


@transaction.atomic
def save_employer_answers(
    place: RoundPlace, answers: Mapping[int, tuple[int | None, bool]], *, by: Any
) -> tuple[int, int]:
    """Store the employer's answers: round learner id -> (rank or None, declined). Returns (ranked, declined)."""
    if not can_answer_for(by, place):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=place.round_id)
    _require_open(matching_round)
    allowed = list(candidates_for(place).values_list("pk", flat=True))
    if any(declined and rank is not None for rank, declined in answers.values()):
        raise ValidationError(_("A candidate you do not accept gets no rank."))
    given = _check_ranks({pk: rank for pk, (rank, _declined) in answers.items()}, allowed)
    declined = {pk for pk, (_rank, refused) in answers.items() if refused}
    if declined - set(allowed):
        raise ValidationError(_("Rank only the places and candidates on this page."))
    EmployerChoice.objects.filter(place=place).delete()
    ordered = sorted(given, key=lambda pk: given[pk])
    EmployerChoice.objects.bulk_create(
        [EmployerChoice(place=place, learner_id=pk, rank=number) for number, pk in enumerate(ordered, 1)]
        + [EmployerChoice(place=place, learner_id=pk, declined=True) for pk in sorted(declined)]
    )
    place.ranked_at = timezone.now()
    place.ranked_by = by
    place.save(update_fields=["ranked_at", "ranked_by"])
    _changed(matching_round)
    return len(ordered), len(declined)


# --- Computing --------------------------------------------------------------------------------


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def _coordinates(*candidates: Any) -> tuple[float, float] | None:
    for candidate in candidates:
        if candidate is not None and candidate.latitude is not None and candidate.longitude is not None:
            return float(candidate.latitude), float(candidate.longitude)
    return None


@dataclass
class _Place:
    row: RoundPlace
    crebo: str
    usable: int
    note: str  # a PlaceNote when the place cannot take anyone, else ""
    facts: Any  # what `_score` reads


@dataclass
class _Learner:
    row: RoundLearner
    crebo: str | None
    outcome: str  # an Outcome when the learner cannot take part, else ""
    choices: list[int] = field(default_factory=list)  # round place ids, best first
    notes: dict[int, str] = field(default_factory=dict)  # why a ranked place is not acceptable
    acceptable: list[int] = field(default_factory=list)


@dataclass
class Proposal:
    """The stable matching (learner id -> place id or None), the highest-score one, and the figures."""

    stable: dict[int, int | None]
    optimal: dict[int, int | None]
    scores: dict[tuple[int, int], int]
    stable_score: int
    optimal_score: int
    optimal_blocking: int
    stable_blocking: int


def _place_facts(place_ids: Any, start: datetime.date) -> dict[int, Any]:
    """Learning places with what the score reads and the hard constraints need, by id (one query)."""
    recognitions = Recognition.objects.filter(
        employer=OuterRef("employer"), crebo=OuterRef("crebo"), withdrawn_at__isnull=True
    )
    valid = recognitions.filter(valid_on_condition(start))
    employer_trajectories = Trajectory.objects.filter(employer=OuterRef("employer"))
    return {
        place.pk: place
        for place in with_use(LearningPlace.objects.filter(pk__in=place_ids))
        .select_related("employer__municipality")
        .annotate(
            recognised=Exists(valid),
            recognised_until=Subquery(valid.order_by(F("end_date").desc(nulls_first=True)).values("end_date")[:1]),
            completed=_count(employer_trajectories.filter(status=Status.COMPLETED), "employer"),
            stopped=_count(employer_trajectories.filter(status=Status.STOPPED), "employer"),
        )
    }


def _load_places(matching_round: MatchingRound) -> dict[int, _Place]:
    start = matching_round.start_date
    facts = _place_facts(RoundPlace.objects.filter(round=matching_round).values("place"), start)
    places: dict[int, _Place] = {}
    for row in RoundPlace.objects.filter(round=matching_round).order_by("pk"):
        place: Any = facts[row.place_id]
        usable = max(0, min(row.capacity, place.free))
        note: str
        if not place.recognised:
            note = PlaceNote.NOT_RECOGNISED
        elif place.period_start > start or (place.period_end is not None and place.period_end < start):
            note = PlaceNote.PERIOD
        elif usable == 0:
            note = PlaceNote.NO_ROOM
        else:
            note = ""
        places[row.pk] = _Place(row=row, crebo=place.crebo, usable=0 if note else usable, note=note, facts=place)
    return places


def _load_learners(matching_round: MatchingRound) -> dict[int, _Learner]:
    # A learner whose request an employer accepted after the lists were collected has found a place.
    accepted = PlacementRequest.objects.filter(trajectory=OuterRef("trajectory"), status=RequestStatus.ACCEPTED)
    rows = (
        RoundLearner.objects.filter(round=matching_round)
        .select_related("trajectory__qualification", "trajectory__learner__organisation__municipality")
        .annotate(has_accepted=Exists(accepted))
    )
    learners: dict[int, _Learner] = {}
    for row in rows.order_by("pk"):
        trajectory = row.trajectory
        crebo = trajectory.qualification.crebo if trajectory.qualification is not None else None
        outcome: str
        if trajectory.status != Status.SEARCHING or row.has_accepted:
            outcome = Outcome.NOT_SEARCHING
        elif crebo is None:
            outcome = Outcome.NO_QUALIFICATION
        else:
            outcome = ""
        learners[row.pk] = _Learner(row=row, crebo=crebo, outcome=outcome)
    for learner_id, place_id in (
        LearnerChoice.objects.filter(learner__round=matching_round)
        .order_by("learner", "rank")
        .values_list("learner", "place")
    ):
        learners[learner_id].choices.append(place_id)
    return learners


def _preferences(trajectories: Iterable[Trajectory]) -> dict[int, LearnerPreference]:
    return {
        p.learner_id: p
        for p in LearnerPreference.objects.filter(learner__in=[t.learner_id for t in trajectories]).select_related(
            "municipality"
        )
    }


def _pair_score(trajectory: Trajectory, preference: LearnerPreference | None, facts: Any) -> tuple[int, list[str]]:
    """The suggestion score of the learner at the place, with its reasons (the same as for one learner)."""
    organisation = trajectory.learner.organisation
    origin = _coordinates(preference.municipality if preference else None, organisation, organisation.municipality)
    target = _coordinates(facts.employer, facts.employer.municipality)
    view = SimpleNamespace(
        km=haversine_km(origin, target) if origin and target else None,
        employer=facts.employer,
        hours_per_week=facts.hours_per_week,
        target_groups=facts.target_groups,
        trainer_available=facts.trainer_available,
        completed=facts.completed,
        stopped=facts.stopped,
        recognised_until=facts.recognised_until,
    )
    return _score(view, trajectory, preference, organisation.region_id)


def _scores(
    learners: dict[int, _Learner], places: dict[int, _Place], pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    preferences = _preferences(learner.row.trajectory for learner in learners.values())
    scores: dict[tuple[int, int], int] = {}
    for learner_id, place_id in pairs:
        trajectory = learners[learner_id].row.trajectory
        facts = places[place_id].facts
        scores[(learner_id, place_id)] = _pair_score(trajectory, preferences.get(trajectory.learner_id), facts)[0]
    return scores


def place_problem(facts: Any, start: datetime.date) -> str:
    """Why a place cannot take anyone in a round starting on ``start`` ("" when it can)."""
    if not facts.recognised:
        return str(PlaceNote.NOT_RECOGNISED.label)
    if facts.period_start > start or (facts.period_end is not None and facts.period_end < start):
        return str(PlaceNote.PERIOD.label)
    return ""


def candidate_scores(place: RoundPlace, candidates: list[RoundLearner]) -> tuple[dict[int, tuple[int, list[str]]], str]:
    """Each candidate's score at the place with its reasons, for the employer's page, and why the place cannot
    take anyone in this round ("" when it can). A fixed number of queries: the candidates come with
    trajectory__learner__organisation__municipality."""
    start = place.round.start_date
    facts = _place_facts([place.place_id], start).get(place.place_id)
    if facts is None:  # pragma: no cover - the place exists while its round does
        return {}, ""
    problem = place_problem(facts, start)
    preferences = _preferences([c.trajectory for c in candidates])
    scores = {}
    for c in candidates:
        score, reasons = _pair_score(c.trajectory, preferences.get(c.trajectory.learner_id), facts)
        if not facts.recognised:
            reasons = reasons[:-1]  # the last reason is the recognition's end date, valid on the start date
        scores[c.pk] = (score, reasons)
    return scores, problem


def _solve(matching_round: MatchingRound) -> tuple[dict[int, _Learner], dict[int, _Place], Proposal]:
    places = _load_places(matching_round)
    learners = _load_learners(matching_round)
    declined: set[tuple[int, int]] = set()
    employer_rank: dict[tuple[int, int], int] = {}
    for place_id, learner_id, rank, refused in EmployerChoice.objects.filter(place__round=matching_round).values_list(
        "place", "learner", "rank", "declined"
    ):
        if refused:
            declined.add((learner_id, place_id))
        elif rank is not None:
            employer_rank[(learner_id, place_id)] = rank

    for learner_id, learner in learners.items():
        for place_id in learner.choices:
            place = places[place_id]
            if learner.outcome:
                continue
            if place.crebo != learner.crebo:
                learner.notes[place_id] = ChoiceNote.OTHER_QUALIFICATION
            elif place.note:
                learner.notes[place_id] = place.note  # the same codes as ChoiceNote
            elif (learner_id, place_id) in declined:
                learner.notes[place_id] = ChoiceNote.DECLINED
            else:
                learner.acceptable.append(place_id)

    pairs = [(learner_id, place_id) for learner_id, ln in learners.items() for place_id in ln.acceptable]
    scores = _scores(learners, places, pairs)
    candidates: dict[int, list[int]] = defaultdict(list)
    for learner_id, place_id in pairs:
        candidates[place_id].append(learner_id)
    resident_prefs = {learner_id: learner.acceptable for learner_id, learner in learners.items()}
    hospital_prefs = {
        place_id: sorted(
            candidates[place_id],
            key=lambda lid, pid=place_id: (  # type: ignore[misc]
                employer_rank.get((lid, pid), math.inf),
                -scores[(lid, pid)],
                lid,
            ),
        )
        for place_id in places
    }
    capacities = {place_id: place.usable for place_id, place in places.items()}
    stable = resident_optimal(resident_prefs, hospital_prefs, capacities)
    optimal = max_score(resident_prefs, hospital_prefs, capacities, scores).matching
    proposal = Proposal(
        stable=stable,
        optimal=optimal,
        scores=scores,
        stable_score=total_score(stable, resident_prefs, hospital_prefs, capacities, scores),
        optimal_score=total_score(optimal, resident_prefs, hospital_prefs, capacities, scores),
        optimal_blocking=blocking_pairs(optimal, resident_prefs, hospital_prefs, capacities),
        stable_blocking=blocking_pairs(stable, resident_prefs, hospital_prefs, capacities),
    )
    return learners, places, proposal


def _learner_result(learner: _Learner, place_id: int | None, crebos: set[str]) -> tuple[str, list[list[Any]]]:
    notes: list[list[Any]] = []
    seen_match = False
    for choice in learner.choices:
        if learner.outcome:
            break
        if choice == place_id:
            notes.append([choice, ChoiceNote.MATCHED.value])
            seen_match = True
        elif choice in learner.notes:
            notes.append([choice, str(learner.notes[choice])])
        else:
            notes.append([choice, (ChoiceNote.NOT_NEEDED if seen_match else ChoiceNote.FILLED).value])
    if learner.outcome:
        outcome = learner.outcome
    elif place_id is not None:
        outcome = Outcome.MATCHED
    elif not learner.choices:
        outcome = Outcome.NO_CHOICES if learner.crebo in crebos else Outcome.NO_PLACES
    elif not learner.acceptable:
        outcome = Outcome.NONE_ACCEPTABLE
    else:
        outcome = Outcome.OUTRANKED
    return str(outcome), notes


def _place_note(
    place_id: int,
    place: _Place,
    filled: int,
    listed: list[tuple[int, _Learner]],
    stable: Mapping[int, int | None],
) -> str:
    """Why the place keeps empty seats; ``listed`` are the learners who ranked it (and take part)."""
    if place.note:
        return place.note
    if filled >= place.usable:
        return PlaceNote.FULL
    if not listed:
        return PlaceNote.NO_CANDIDATES
    if all(ln.notes.get(place_id) == ChoiceNote.DECLINED for _lid, ln in listed):
        return PlaceNote.DECLINED_ALL
    # With a seat free, an acceptable candidate placed elsewhere holds a place they ranked higher (else the pair
    # would block the matching).
    if any(place_id in ln.acceptable and stable.get(lid) != place_id for lid, ln in listed):
        return PlaceNote.CANDIDATES_ELSEWHERE
    return PlaceNote.FEWER_CANDIDATES


@dataclass
class Computed:
    matched: int
    unmatched: int
    empty_places: int


def _store(
    matching_round: MatchingRound,
    learners: dict[int, _Learner],
    places: dict[int, _Place],
    proposal: Proposal,
    now: datetime.datetime,
) -> Computed:
    filled: dict[int, int] = defaultdict(int)
    for place_id in proposal.stable.values():
        if place_id is not None:
            filled[place_id] += 1
    crebos = {place.crebo for place in places.values()}
    learner_rows = []
    for learner_id, learner in learners.items():
        place_id = proposal.stable.get(learner_id)
        row = learner.row
        row.outcome, row.notes = _learner_result(learner, place_id, crebos)
        row.proposed_id = place_id
        row.optimal_id = proposal.optimal.get(learner_id)
        row.score = proposal.scores.get((learner_id, place_id)) if place_id is not None else None
        learner_rows.append(row)
    RoundLearner.objects.bulk_update(learner_rows, ["outcome", "notes", "proposed", "optimal", "score"])
    listed: dict[int, list[tuple[int, _Learner]]] = defaultdict(list)
    for learner_id, learner in learners.items():
        if not learner.outcome:
            for place_id in learner.choices:
                listed[place_id].append((learner_id, learner))
    place_rows = []
    for place_id, place in places.items():
        place_row = place.row
        place_row.usable = place.usable
        place_row.filled = filled[place_id]
        place_row.note = _place_note(place_id, place, place_row.filled, listed[place_id], proposal.stable)
        place_rows.append(place_row)
    RoundPlace.objects.bulk_update(place_rows, ["usable", "filled", "note"])
    matched = sum(1 for place_id in proposal.stable.values() if place_id is not None)
    optimal_matched = sum(1 for place_id in proposal.optimal.values() if place_id is not None)
    differs = sum(1 for learner_id in learners if proposal.stable.get(learner_id) != proposal.optimal.get(learner_id))
    empty = sum(max(0, p.usable - filled[pid]) for pid, p in places.items())
    matching_round.computed_at = now
    matching_round.comparison = {
        "stable_score": proposal.stable_score,
        "optimal_score": proposal.optimal_score,
        "stable_blocking": proposal.stable_blocking,
        "optimal_blocking": proposal.optimal_blocking,
        "matched": matched,
        "optimal_matched": optimal_matched,
        "differs": differs,
        "unmatched": len(learners) - matched,
        "empty_places": empty,
    }
    matching_round.save(update_fields=["computed_at", "comparison"])
    return Computed(matched=matched, unmatched=len(learners) - matched, empty_places=empty)


@transaction.atomic
def compute(matching_round: MatchingRound, *, by: Any, now: datetime.datetime | None = None) -> Computed:
    """Compute the proposal and store it on the round's learners and places (a proposal only: nothing is sent)."""
    if not runs(by, matching_round):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    _require_open(matching_round)
    learners, places, proposal = _solve(matching_round)
    now = max(now or timezone.now(), matching_round.changed_at)
    return _store(matching_round, learners, places, proposal, now)


# --- Publishing -------------------------------------------------------------------------------


@dataclass
class Published:
    requests: int
    matched: int
    unmatched: int


def publish(matching_round: MatchingRound, *, by: Any) -> Published:
    """Turn the proposal into accepted placement requests and tell consultants and employers. Refused when
    anything changed since the proposal was computed: the coordinator publishes what they reviewed."""
    published = _publish(matching_round, by=by)
    if published is None:
        # Raised after the transaction that stored the new proposal, so that it is kept for review.
        raise ValidationError(
            _(
                "Something changed since the proposal was computed (a learner's state or a place's room). The new "
                "proposal is shown: review it and publish again."
            )
        )
    return published


@transaction.atomic
def _publish(matching_round: MatchingRound, *, by: Any) -> Published | None:
    """Publish, or store the new proposal and return None when the result changed since it was computed."""
    if not runs(by, matching_round):
        raise PermissionDenied
    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    _require_open(matching_round)
    if matching_round.computed_at is None:
        raise ValidationError(_("Compute the proposal first, and review it before you publish."))
    if not matching_round.is_current:
        raise ValidationError(
            _("Rankings or lists changed after the proposal was computed. Compute it again and review it first.")
        )
    # Lock the places, then compute again: a learner placed elsewhere or a place filled by a request since the
    # computation changes the result, and then the coordinator reviews the new one.
    list(
        LearningPlace.objects.select_for_update()
        .filter(pk__in=RoundPlace.objects.filter(round=matching_round).values("place"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    learners, places, proposal = _solve(matching_round)
    stored = dict(RoundLearner.objects.filter(round=matching_round).values_list("pk", "proposed"))
    if stored != proposal.stable:
        _store(matching_round, learners, places, proposal, timezone.now())
        return None
    now = timezone.now()
    created = 0
    for learner_id, place_id in proposal.stable.items():
        if place_id is None:
            continue
        row = learners[learner_id].row
        place = places[place_id].facts
        request = PlacementRequest.objects.filter(trajectory_id=row.trajectory_id, place=place).open().first()
        if request is None:
            request = PlacementRequest.objects.create(
                trajectory_id=row.trajectory_id,
                employer_id=place.employer_id,
                place=place,
                status=RequestStatus.ACCEPTED,
                proposed_by=by,
                decided_at=now,
                message=_("Matched in the round %(name)s.") % {"name": matching_round.name},
            )
            created += 1
        elif request.status == RequestStatus.PROPOSED:
            request.status = RequestStatus.ACCEPTED
            request.decided_at = now
            request.save(update_fields=["status", "decided_at"])
        row.request = request
        row.save(update_fields=["request"])
    matching_round.status = RoundStatus.PUBLISHED
    matching_round.published_at = now
    matching_round.published_by = by
    matching_round.save(update_fields=["status", "published_at", "published_by"])
    matched = sum(1 for place_id in proposal.stable.values() if place_id is not None)
    pk = matching_round.pk
    transaction.on_commit(lambda: _tell_published(pk))
    return Published(requests=created, matched=matched, unmatched=len(learners) - matched)


def _tell_published(round_pk: int) -> None:
    """Notes to each learner's consultant and to the staff of each employer with a match."""
    matching_round = MatchingRound.objects.get(pk=round_pk)
    name = matching_round.name
    learners = RoundLearner.objects.filter(round=matching_round).select_related(
        "trajectory__learner", "trajectory__consultant", "proposed__place__employer"
    )
    per_employer: dict[int, int] = defaultdict(int)
    employers: dict[int, Organisation] = {}
    for learner in learners:
        consultant = learner.trajectory.consultant
        first_name = learner.trajectory.learner.first_name
        if learner.proposed is not None:
            employer = learner.proposed.place.employer
            employers[employer.pk] = employer
            per_employer[employer.pk] += 1
        if consultant is None:
            continue
        if learner.proposed is not None and learner.request_id is not None:
            employer_name = learner.proposed.place.employer.name

            def matched(first_name: str = first_name, employer_name: str = employer_name) -> str:
                return _(
                    "Round %(round)s: %(name)s is matched with %(employer)s. Confirm the placement on the trajectory."
                ) % {"round": name, "name": first_name, "employer": employer_name}

            notify(
                [consultant],
                message=matched,
                url=reverse("matching:request", kwargs={"pk": learner.request_id}),
                key=f"matching:round:{round_pk}:learner:{learner.pk}",
            )
        else:

            def unmatched(first_name: str = first_name) -> str:
                return _("Round %(round)s: no place for %(name)s. See why and look further.") % {
                    "round": name,
                    "name": first_name,
                }

            notify(
                [consultant],
                message=unmatched,
                url=reverse("matching:round-learner", kwargs={"pk": round_pk, "learner": learner.pk}),
                key=f"matching:round:{round_pk}:learner:{learner.pk}",
            )
    for employer_id, count in per_employer.items():

        def for_employer(count: int = count) -> str:
            return ngettext(
                "Round %(round)s: %(count)d learner is matched with your places.",
                "Round %(round)s: %(count)d learners are matched with your places.",
                count,
            ) % {"round": name, "count": count}

        notify(
            employer_staff(employers[employer_id]),
            message=for_employer,
            url=reverse("matching:round", kwargs={"pk": round_pk}),
            key=f"matching:round:{round_pk}:employer:{employer_id}",
        )
