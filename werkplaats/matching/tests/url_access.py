"""This app's part of the URL-walking access test (tests/test_url_access.py).

Organisation A's consultant steers a trajectory of A's own learner (the suggestions, proposals
and withdrawals are theirs); a workplace trainer of A's learning company answers the requests;
the coordinator of A's region sees the capacity of the region's employers.

A matching round of A's region holds that trajectory and a place of the learning company: the
coordinator runs it, the consultant sees it (through the learner) and ranks for the learner, the
trainer answers for the company's place.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from werkplaats.accounts.models import User
from werkplaats.matching.models import LearningPlace, MatchingRound, PlacementRequest, RoundLearner, RoundPlace
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.trajectories.models import IntendedOutcome, Learner, Route, Status, TargetGroup, Trajectory

TRAINER_EMAIL = "matching-opleider@bolhuis.example.nl"


def place(w: Any) -> LearningPlace:
    return LearningPlace.objects.get_or_create(
        employer=w.employer,
        crebo="25173",
        defaults={"capacity": 2, "period_start": datetime.date(2024, 1, 1), "hours_per_week": 24},
    )[0]


def trajectory(w: Any) -> Trajectory:
    """A trajectory of organisation A looking for a place, steered by A's consultant."""
    learner, _created = Learner.objects.get_or_create(
        organisation=w.organisation,
        first_name="Daan",
        last_name="Visser",
        date_of_birth=datetime.date(2001, 4, 9),
        defaults={"target_group": TargetGroup.PARTICIPATIEWET, "support_needs": "Gevoelig"},
    )
    found = learner.trajectories.first()
    if found is None:
        found = Trajectory.objects.create(
            learner=learner,
            route=Route.PRAKTIJKLEREN,
            intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
            status=Status.SEARCHING,
            consultant=w.consultant,
            planned_start=datetime.date(2026, 9, 1),
        )
    return found


def placement_request(w: Any) -> PlacementRequest:
    found = PlacementRequest.objects.filter(trajectory=trajectory(w)).first()
    if found is None:
        found = PlacementRequest.objects.create(
            trajectory=trajectory(w), employer=w.employer, place=place(w), proposed_by=w.consultant
        )
    return found


def trainer(w: Any) -> User:
    """A workplace trainer of the learning company, who answers its requests."""
    return User.objects.filter(email=TRAINER_EMAIL).first() or member_of(
        w.employer, Role.WORKPLACE_TRAINER, email=TRAINER_EMAIL
    )


def matching_round(w: Any) -> MatchingRound:
    """An open round of A's region with A's searching trajectory and the learning company's place."""
    found, _created = MatchingRound.objects.get_or_create(
        region=w.organisation.region,
        name="Start in september",
        defaults={"start_date": datetime.date(2026, 9, 1), "created_by": w.coordinator},
    )
    return found


def round_learner(w: Any) -> RoundLearner:
    return RoundLearner.objects.get_or_create(round=matching_round(w), trajectory=trajectory(w))[0]


def round_place(w: Any) -> RoundPlace:
    return RoundPlace.objects.get_or_create(round=matching_round(w), place=place(w), defaults={"capacity": 1})[0]


def _round_kwargs(w: Any) -> dict[str, Any]:
    round_learner(w)  # the consultant sees the round through this learner
    return {"pk": matching_round(w).pk}


def _round_learner_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": matching_round(w).pk, "learner": round_learner(w).pk}


def _round_place_kwargs(w: Any) -> dict[str, Any]:
    round_learner(w)
    return {"pk": matching_round(w).pk, "place": round_place(w).pk}


def _coordinator(w: Any) -> User:
    user: User = w.coordinator
    return user


def _trajectory_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": trajectory(w).pk}


def _request_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": placement_request(w).pk}


# Objects for the management site's (read-only) pages of this app's models.
ADMIN_OBJECTS: dict[str, Callable[[Any], Any]] = {
    "matching.learningplace": place,
    "matching.placementrequest": placement_request,
    "matching.matchinground": matching_round,
}
KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "matching:suggestions": _trajectory_kwargs,
    "matching:preferences": _trajectory_kwargs,
    "matching:propose": lambda w: {"pk": trajectory(w).pk, "place": place(w).pk},
    "matching:request": _request_kwargs,
    "matching:decide": _request_kwargs,
    "matching:withdraw": _request_kwargs,
    "matching:incoming": lambda w: {"slug": w.employer.slug},
    "matching:places": lambda w: {"slug": w.employer.slug},
    "matching:place-add": lambda w: {"slug": w.employer.slug},
    "matching:place-edit": lambda w: {"slug": w.employer.slug, "pk": place(w).pk},
    "matching:round": _round_kwargs,
    "matching:round-collect": _round_kwargs,
    "matching:round-compute": _round_kwargs,
    "matching:round-publish": _round_kwargs,
    "matching:round-learner": _round_learner_kwargs,
    "matching:round-learner-remove": _round_learner_kwargs,
    "matching:round-place": _round_place_kwargs,
    "matching:round-place-remove": _round_place_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    # The employer's staff answer requests for its places.
    "matching:decide": trainer,
    "matching:incoming": trainer,
    # The employer's staff (and the region's coordinators) keep its offer of places.
    "matching:places": trainer,
    "matching:place-add": trainer,
    "matching:place-edit": trainer,
    # Coordinators see the capacity of their region's employers.
    "matching:capacity": lambda w: w.coordinator,
    "matching:capacity-csv": lambda w: w.coordinator,
    # The region's coordinators start and run matching rounds.
    "matching:round-add": _coordinator,
    "matching:round-collect": _coordinator,
    "matching:round-compute": _coordinator,
    "matching:round-publish": _coordinator,
    "matching:round-learner-remove": _coordinator,
    "matching:round-place-remove": _coordinator,
    # The employer's staff answer for its place in a round (the coordinator may too).
    "matching:round-place": trainer,
}
# A consultant of A is no member of the learning company: its request list does not exist for them.
_OFFER = "a company's offer is kept by its staff and the region's coordinators; others do not see it"
HIDDEN: dict[str, str] = {
    "matching:incoming": "a company's incoming requests are for its own staff; others do not see the company's list",
    "matching:places": _OFFER,
    "matching:place-add": _OFFER,
    "matching:place-edit": _OFFER,
}
# An organisation's administrator without a role in the learner's trajectory does not see it.
_ROUND = (
    "a round is seen by its region's coordinators, those who see one of its learners and the staff of an "
    "employer with a place in it; an administrator alone is none of these"
)
PERSONAL: dict[str, str] = {
    "matching:decide": "a request is about a learner: only those on the trajectory and the employer's staff see it",
    "matching:round-collect": _ROUND,
    "matching:round-compute": _ROUND,
    "matching:round-publish": _ROUND,
    "matching:round-learner-remove": _ROUND,
    "matching:round-place": _ROUND,
    "matching:round-place-remove": _ROUND,
}
