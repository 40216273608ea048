from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.accounts.models import User
from werkplaats.matching.models import LearningPlace, PlacementRequest, RequestStatus
from werkplaats.matching.services import (
    answer_request,
    capacity,
    free_places,
    propose_place,
    suggest_places,
    withdraw_request,
)
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.trajectories.models import Status, Trajectory

from .world import World, build

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(organisation: Organisation, consultant: User) -> World:
    return build(organisation, consultant)


def _place(employer: Organisation) -> LearningPlace:
    return LearningPlace.objects.get(employer=employer)


def _proposed(w: World, committed: Any) -> PlacementRequest:
    request: PlacementRequest = committed(propose_place, w.trajectory, _place(w.near), by=w.consultant)
    return request


def test_proposing_a_place_asks_the_employers_staff(w: World, committed: Any) -> None:
    request = _proposed(w, committed)

    assert request.status == RequestStatus.PROPOSED
    assert request.employer == w.near and request.proposed_by == w.consultant
    told = Notification.objects.get(key=f"matching:request:{request.pk}:proposed")
    assert told.recipient == w.trainer
    assert "Schoonmaak Noord is gevraagd een deelnemer aan te nemen" in told.message  # in the recipient's language
    assert "Jansen" not in told.message  # the learner's name is not in the notification


def test_the_suggestion_shows_the_request_once_sent(w: World, committed: Any) -> None:
    request = _proposed(w, committed)

    near = suggest_places(w.trajectory).suggestions[0]

    assert near.place.employer == w.near and near.request == request


def test_only_those_who_steer_the_trajectory_propose(w: World, organisation: Organisation) -> None:
    administrator = member_of(organisation, Role.ADMIN)

    with pytest.raises(PermissionDenied):
        propose_place(w.trajectory, _place(w.near), by=administrator)
    assert not PlacementRequest.objects.filter(trajectory=w.trajectory).exists()


def test_a_full_place_cannot_be_proposed(w: World) -> None:
    with pytest.raises(ValidationError, match="no free place"):
        propose_place(w.trajectory, _place(w.full), by=w.consultant)
    assert not PlacementRequest.objects.filter(trajectory=w.trajectory).exists()


def test_a_place_whose_recognition_ended_cannot_be_proposed(w: World) -> None:
    with pytest.raises(ValidationError, match="not recognised"):
        propose_place(w.trajectory, _place(w.expired), by=w.consultant)


def test_a_place_for_another_qualification_cannot_be_proposed(w: World) -> None:
    with pytest.raises(ValidationError, match="another qualification"):
        propose_place(w.trajectory, _place(w.other_qualification), by=w.consultant)


def test_the_same_place_is_proposed_once(w: World, committed: Any) -> None:
    _proposed(w, committed)

    with pytest.raises(ValidationError, match="already proposed"):
        propose_place(w.trajectory, _place(w.near), by=w.consultant)
    assert PlacementRequest.objects.filter(trajectory=w.trajectory).count() == 1


def test_accepting_tells_the_consultant_and_takes_a_place(w: World, committed: Any) -> None:
    request = _proposed(w, committed)
    assert free_places(_place(w.near)) == 2

    committed(answer_request, request, accept=True, by=w.trainer)

    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.decided_by == w.trainer
    assert free_places(_place(w.near)) == 1
    told = Notification.objects.get(key=f"matching:request:{request.pk}:accepted")
    assert told.recipient == w.consultant
    assert "Schoonmaak Noord heeft Noor geaccepteerd" in told.message
    # Accepting does not place the learner: the consultant confirms that on the trajectory.
    assert Trajectory.objects.get(pk=w.trajectory.pk).status == Status.SEARCHING


def test_declining_needs_a_reason_and_tells_the_consultant(w: World, committed: Any) -> None:
    request = _proposed(w, committed)

    with pytest.raises(ValidationError):
        answer_request(request, accept=False, by=w.trainer, reason="  ")
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED

    committed(answer_request, request, accept=False, by=w.trainer, reason="Geen begeleider in september")

    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED and request.reason == "Geen begeleider in september"
    told = Notification.objects.get(key=f"matching:request:{request.pk}:declined")
    assert told.recipient == w.consultant and "afgewezen" in told.message


def test_only_the_employers_staff_answer(w: World, committed: Any) -> None:
    request = _proposed(w, committed)
    trainer_elsewhere = member_of(w.far, Role.WORKPLACE_TRAINER)

    for user in (w.consultant, trainer_elsewhere):
        with pytest.raises(PermissionDenied):
            answer_request(request, accept=True, by=user)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED


def test_a_request_is_answered_once(w: World, committed: Any) -> None:
    request = _proposed(w, committed)
    answer_request(request, accept=True, by=w.trainer)

    with pytest.raises(ValidationError, match="cannot change"):
        answer_request(request, accept=False, by=w.trainer, reason="toch niet")
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_accepting_is_refused_when_the_place_filled_up_meanwhile(w: World, committed: Any) -> None:
    request: PlacementRequest = committed(propose_place, w.trajectory, _place(w.far), by=w.consultant)
    other = Trajectory.objects.create(
        learner=w.learner,
        route=w.trajectory.route,
        intended_outcome=w.trajectory.intended_outcome,
        qualification=w.qualification,
        employer=w.far,
        status=Status.PLACED,
    )
    assert other.pk

    with pytest.raises(ValidationError, match="All places are taken"):
        answer_request(request, accept=True, by=member_of(w.far, Role.WORKPLACE_TRAINER))
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED


def test_withdrawing_frees_the_place(w: World, committed: Any) -> None:
    request = _proposed(w, committed)
    answer_request(request, accept=True, by=w.trainer)

    withdraw_request(request, by=w.consultant, reason="Andere plek gevonden")

    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert free_places(_place(w.near)) == 2


def test_withdrawing_tells_the_employers_staff(w: World, committed: Any) -> None:
    request = _proposed(w, committed)

    committed(withdraw_request, request, by=w.consultant, reason="Andere plek gevonden")

    told = Notification.objects.get(key=f"matching:request:{request.pk}:withdrawn")
    assert told.recipient == w.trainer
    assert "Noor" in told.message and "Jansen" not in told.message


def test_a_placed_learner_is_counted_once_not_as_request_and_placement(w: World, committed: Any) -> None:
    request = _proposed(w, committed)
    answer_request(request, accept=True, by=w.trainer)

    Trajectory.objects.filter(pk=w.trajectory.pk).update(status=Status.PLACED, employer=w.near)

    assert free_places(_place(w.near)) == 1


def test_capacity_counts_offered_requested_accepted_and_filled(w: World, committed: Any) -> None:
    coordinator = member_of(w.organisation, Role.COORDINATOR)
    _proposed(w, committed)

    rows: dict[str, Any] = {row.name: row for row in capacity(coordinator)}

    near = rows["Schoonmaak Noord"]
    assert (near.offered, near.requested, near.accepted, near.filled, near.free) == (2, 1, 0, 0, 2)
    full = rows["Vol Bedrijf"]
    assert (full.offered, full.requested, full.accepted, full.filled, full.free) == (1, 0, 0, 1, 0)
    taken = rows["Aangenomen Bedrijf"]
    assert (taken.offered, taken.accepted, taken.free) == (1, 1, 0)
    assert "Erkend Zonder Plaats" not in rows  # offers nothing, asked nothing, trains nobody


def test_capacity_shows_only_the_coordinators_regions(w: World, outsider: User) -> None:
    assert list(capacity(outsider)) == []
