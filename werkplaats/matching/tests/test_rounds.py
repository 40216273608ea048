"""The services of the batch matching rounds: collecting the lists, both sides' rankings, computing the
learner-optimal stable matching with its explanations and comparison, and publishing."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.accounts.models import User
from werkplaats.matching.models import (
    ChoiceNote,
    EmployerChoice,
    LearnerChoice,
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
from werkplaats.matching.optimal import blocking_pairs
from werkplaats.matching.rounds import (
    can_answer_for,
    can_rank_learner,
    collect,
    compute,
    create_round,
    publish,
    remove_learner,
    remove_place,
    runs,
    save_employer_answers,
    save_learner_ranking,
    set_capacity,
)
from werkplaats.matching.services import answer_request, free_places, propose_place
from werkplaats.matching.stable import resident_optimal
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import Status, TargetGroup, Trajectory
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory, agreed_plan

from .world import CREBO, OTHER_CREBO, START, World, build, employer, offer, recognise

pytestmark = pytest.mark.usefixtures("english")


# --- The round's world ------------------------------------------------------------------------


@pytest.fixture
def w(organisation: Organisation, consultant: User) -> World:
    return build(organisation, consultant)


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return member_of(organisation, Role.COORDINATOR, email="coordinator@haren.example.nl")


def region_of(w: World) -> Region:
    region = w.organisation.region
    assert region is not None
    return region


def new_round(w: World, coordinator: User, name: str = "Start in September") -> MatchingRound:
    return create_round(region=region_of(w), name=name, start_date=START, preferences_until=None, by=coordinator)


def seeker(
    w: World,
    first_name: str,
    *,
    target_group: str = TargetGroup.WW,
    organisation: Organisation | None = None,
    consultant: User | None = None,
    **fields: Any,
) -> Trajectory:
    """A learner looking for a place for the world's qualification."""
    learner = LearnerFactory.create(
        organisation=organisation or w.organisation,
        first_name=first_name,
        last_name="Round",
        target_group=target_group,
    )
    fields.setdefault("qualification", w.qualification)
    fields.setdefault("status", Status.SEARCHING)
    created: Trajectory = TrajectoryFactory.create(
        learner=learner, planned_start=START, consultant=consultant or w.consultant, **fields
    )
    return created


def extra_place(w: World, name: str, capacity: int = 1) -> Organisation:
    """One more recognised employer of the region offering ``capacity`` places for the qualification."""
    company = employer(w.organisation, name)
    recognise(company)
    offer(company, capacity=capacity)
    return company


def learner_in(matching_round: MatchingRound, trajectory: Trajectory) -> RoundLearner:
    return RoundLearner.objects.select_related("round", "trajectory__learner", "trajectory__qualification").get(
        round=matching_round, trajectory=trajectory
    )


def join(matching_round: MatchingRound, trajectory: Trajectory) -> RoundLearner:
    """Bring a learner who started looking after the round was created into it."""
    collect(matching_round)
    return learner_in(matching_round, trajectory)


def place_in(matching_round: MatchingRound, company: Organisation) -> RoundPlace:
    return RoundPlace.objects.select_related("round", "place").get(round=matching_round, place__employer=company)


def rank(learner: RoundLearner, places: Sequence[RoundPlace], by: User) -> int:
    """Rank ``places`` in this order for the learner."""
    return save_learner_ranking(learner, {p.pk: number for number, p in enumerate(places, 1)}, by=by)


def answer(
    place: RoundPlace, by: User, ranked: Sequence[RoundLearner] = (), declined: Iterable[RoundLearner] = ()
) -> tuple[int, int]:
    answers: dict[int, tuple[int | None, bool]] = {ln.pk: (n, False) for n, ln in enumerate(ranked, 1)}
    answers.update({ln.pk: (None, True) for ln in declined})
    return save_employer_answers(place, answers, by=by)


def fresh(matching_round: MatchingRound) -> MatchingRound:
    return MatchingRound.objects.get(pk=matching_round.pk)


def proposal(matching_round: MatchingRound) -> dict[str, str | None]:
    """Each learner's first name with the employer proposed, or None (the learners for the world's
    qualification: the one looking for a bakery has a name of the factory's)."""
    return {
        ln.trajectory.learner.first_name: (ln.proposed.place.employer.name if ln.proposed else None)
        for ln in RoundLearner.objects.filter(
            round=matching_round, trajectory__qualification__crebo=CREBO
        ).select_related("trajectory__learner", "proposed__place__employer")
    }


def baker(matching_round: MatchingRound) -> RoundLearner:
    """The world's learner looking for a place for another qualification."""
    return RoundLearner.objects.get(round=matching_round, trajectory__qualification__crebo=OTHER_CREBO)


def notes_of(learner: RoundLearner) -> list[tuple[str, str]]:
    """The learner's note per ranked place, as (employer name, note)."""
    learner.refresh_from_db()
    names = dict(RoundPlace.objects.filter(round=learner.round_id).values_list("pk", "place__employer__name"))
    return [(names[place_id], note) for place_id, note in learner.notes]


# --- Who may do what ------------------------------------------------------------------------


def test_the_regions_coordinator_runs_a_round_others_do_not(
    w: World, coordinator: User, outsider: User, platform_admin: User
) -> None:
    matching_round = new_round(w, coordinator)

    assert runs(coordinator, matching_round)
    assert runs(platform_admin, matching_round)
    assert not runs(w.consultant, matching_round)
    assert not runs(outsider, matching_round)  # a coordinator of another region
    with pytest.raises(PermissionDenied):
        create_round(region=region_of(w), name="x", start_date=START, preferences_until=None, by=outsider)
    with pytest.raises(PermissionDenied):
        compute(matching_round, by=w.consultant)
    with pytest.raises(PermissionDenied):
        publish(matching_round, by=w.trainer)
    with pytest.raises(PermissionDenied):
        set_capacity(place_in(matching_round, w.near), 1, by=w.trainer)
    with pytest.raises(PermissionDenied):
        remove_learner(learner_in(matching_round, w.trajectory), by=w.consultant)
    with pytest.raises(PermissionDenied):
        remove_place(place_in(matching_round, w.near), by=w.trainer)
    assert RoundLearner.objects.filter(round=matching_round, trajectory=w.trajectory).exists()
    assert RoundPlace.objects.filter(round=matching_round, place__employer=w.near).exists()


# --- Collecting -----------------------------------------------------------------------------


def test_creating_a_round_collects_the_regions_searching_learners_and_places(
    w: World, coordinator: User, other_organisation: Organisation
) -> None:
    elsewhere = seeker(w, "Elders", organisation=other_organisation)  # a learner of another region
    via_school = seeker(w, "School", organisation=other_organisation)  # ... at a school of this region
    school = OrganisationFactory.create(name="Noorderpoort", kind="mbo_school", region=w.organisation.region)
    Trajectory.objects.filter(pk=via_school.pk).update(school=school)
    paused = seeker(w, "Pauze", status=Status.PAUSED)
    no_qualification = seeker(w, "Zonder", qualification=None)
    other_region_employer = OrganisationFactory.create(
        name="Drents Bedrijf", employer=True, region=elsewhere.learner.organisation.region
    )
    recognise(other_region_employer)
    offer(other_region_employer)
    unsought = employer(w.organisation, "Niemand Zoekt")
    offer(unsought, crebo="11111")

    matching_round = new_round(w, coordinator)

    learners = set(RoundLearner.objects.filter(round=matching_round).values_list("trajectory", flat=True))
    assert learners == {w.trajectory.pk, via_school.pk, baker(matching_round).trajectory_id}
    assert elsewhere.pk not in learners and paused.pk not in learners and no_qualification.pk not in learners
    # The learner with an accepted request at Aangenomen Bedrijf is not looking any more.
    accepted = PlacementRequest.objects.get(status=RequestStatus.ACCEPTED).trajectory_id
    assert accepted not in learners
    capacities = dict(RoundPlace.objects.filter(round=matching_round).values_list("place__employer__name", "capacity"))
    assert capacities == {
        "Schoonmaak Noord": 2,
        "Facilitair Zuid": 1,
        "Vol Bedrijf": 0,  # its one place is taken by a learner at work
        "Aangenomen Bedrijf": 0,  # its one place went to an accepted request
        "Verlopen Erkenning": 3,
        "Nog Niet Erkend": 3,
        "Later Beschikbaar": 3,
        "Bakkerij Anders": 3,  # 25173: a searching learner wants that qualification
    }
    assert matching_round.created_by == coordinator and matching_round.status == RoundStatus.OPEN


def test_a_learner_in_another_open_round_is_not_collected_again_until_that_round_is_published(
    w: World, coordinator: User
) -> None:
    first = new_round(w, coordinator, "First")
    second = new_round(w, coordinator, "Second")

    assert not RoundLearner.objects.filter(round=second).exists()
    assert RoundPlace.objects.filter(round=second).count() == 0  # no learner, so no qualification wanted

    MatchingRound.objects.filter(pk=first.pk).update(status=RoundStatus.PUBLISHED)
    assert collect(second) == (2, 8)
    assert RoundLearner.objects.filter(round=second, trajectory=w.trajectory).exists()


def test_collecting_again_adds_only_what_is_new(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    set_capacity(place_in(matching_round, w.near), 1, by=coordinator)
    newcomer = seeker(w, "Nieuw")
    extra_place(w, "Nieuw Bedrijf", capacity=2)
    before = fresh(matching_round).changed_at

    assert collect(matching_round) == (1, 1)

    assert RoundLearner.objects.filter(round=matching_round, trajectory=newcomer).count() == 1
    assert RoundLearner.objects.filter(round=matching_round).count() == 3
    assert place_in(matching_round, w.near).capacity == 1  # the coordinator's change stays
    assert RoundPlace.objects.filter(round=matching_round).count() == 9
    assert fresh(matching_round).changed_at > before
    assert collect(matching_round) == (0, 0)


def test_a_published_round_collects_nothing(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    MatchingRound.objects.filter(pk=matching_round.pk).update(status=RoundStatus.PUBLISHED)
    seeker(w, "Laat")

    with pytest.raises(ValidationError, match="published"):
        collect(matching_round)
    assert RoundLearner.objects.filter(round=matching_round).count() == 2


def test_the_capacity_in_a_round_is_0_to_the_places_offered(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    near = place_in(matching_round, w.near)

    with pytest.raises(ValidationError):
        set_capacity(near, 3, by=coordinator)
    set_capacity(near, 0, by=coordinator)

    assert place_in(matching_round, w.near).capacity == 0


# --- Rankings -------------------------------------------------------------------------------


def test_a_learners_ranking_is_renumbered_from_1_in_the_given_order(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near, far, expired = (place_in(matching_round, e) for e in (w.near, w.far, w.expired))
    later = place_in(matching_round, w.later_period)

    count = save_learner_ranking(noor, {near.pk: 5, far.pk: 2, expired.pk: 9, later.pk: None}, by=w.consultant)

    assert count == 3
    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place", "rank")) == [
        (far.pk, 1),
        (near.pk, 2),
        (expired.pk, 3),
    ]
    noor.refresh_from_db()
    assert noor.ranked_by == w.consultant and noor.ranked_at is not None


def test_a_new_ranking_replaces_the_old_one(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    rank(noor, [near, far], w.consultant)

    rank(noor, [far], w.consultant)

    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place", "rank")) == [(far.pk, 1)]


def test_a_ranking_refuses_places_of_another_qualification_or_round_and_duplicate_ranks(
    w: World, coordinator: User
) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    rank(noor, [near], w.consultant)
    bakery = place_in(matching_round, w.other_qualification)
    MatchingRound.objects.filter(pk=matching_round.pk).update(status=RoundStatus.PUBLISHED)
    other_round = new_round(w, coordinator, "Other")
    MatchingRound.objects.filter(pk=matching_round.pk).update(status=RoundStatus.OPEN)
    elsewhere = place_in(other_round, w.far)

    for ranks in (
        {near.pk: 1, bakery.pk: 2},  # a place for bakers
        {near.pk: 1, elsewhere.pk: 2},  # a place of another round
        {near.pk: 1, far.pk: 1},  # the same rank twice
    ):
        with pytest.raises(ValidationError):
            save_learner_ranking(noor, ranks, by=w.consultant)

    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place", "rank")) == [(near.pk, 1)]


def test_the_learner_the_consultant_and_the_coordinator_rank_others_do_not(
    w: World, coordinator: User, groningen: Region
) -> None:
    learner_user = member_of(w.organisation, Role.LEARNER, email="noor@example.nl")
    w.learner.user = learner_user
    w.learner.save(update_fields=["user"])
    other_consultant = member_of(
        OrganisationFactory.create(name="Gemeente Zuidhorn", region=groningen), Role.CONSULTANT
    )
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near = place_in(matching_round, w.near)

    for allowed in (learner_user, w.consultant, coordinator):
        assert can_rank_learner(allowed, noor)
        assert rank(noor, [near], allowed) == 1
    for refused in (other_consultant, w.trainer):
        assert not can_rank_learner(refused, noor)
        with pytest.raises(PermissionDenied):
            rank(noor, [], refused)
    assert LearnerChoice.objects.filter(learner=noor).count() == 1


def test_the_employer_ranks_and_declines_candidates_who_ranked_its_place(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    a, b, c = (join(matching_round, seeker(w, name)) for name in ("Anna", "Bram", "Cem"))
    near = place_in(matching_round, w.near)
    for learner in (a, b, c):
        rank(learner, [near], w.consultant)

    assert save_employer_answers(near, {a.pk: (7, False), b.pk: (None, True), c.pk: (3, False)}, by=w.trainer) == (
        2,
        1,
    )

    answers = {(e.learner_id, e.rank, e.declined) for e in EmployerChoice.objects.filter(place=near)}
    assert answers == {(c.pk, 1, False), (a.pk, 2, False), (b.pk, None, True)}
    near.refresh_from_db()
    assert near.ranked_by == w.trainer and near.ranked_at is not None


def test_the_employers_answers_are_checked(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    a, b = (join(matching_round, seeker(w, name)) for name in ("Anna", "Bram"))
    near = place_in(matching_round, w.near)
    rank(a, [near], w.consultant)
    answer(near, w.trainer, ranked=[a])

    for answers in (
        {a.pk: (1, True)},  # declined with a rank
        {b.pk: (1, False)},  # Bram did not rank this place
        {b.pk: (None, True)},
    ):
        with pytest.raises(ValidationError):
            save_employer_answers(near, answers, by=w.trainer)

    assert list(EmployerChoice.objects.filter(place=near).values_list("learner", "rank", "declined")) == [
        (a.pk, 1, False)
    ]


def test_the_employers_staff_and_the_coordinator_answer_others_do_not(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near = place_in(matching_round, w.near)
    rank(noor, [near], w.consultant)
    trainer_elsewhere = member_of(w.far, Role.WORKPLACE_TRAINER)

    for allowed in (w.trainer, coordinator):
        assert can_answer_for(allowed, near)
        assert answer(near, allowed, ranked=[noor]) == (1, 0)
    for refused in (w.consultant, trainer_elsewhere):
        assert not can_answer_for(refused, near)
        with pytest.raises(PermissionDenied):
            answer(near, refused, declined=[noor])
    assert list(EmployerChoice.objects.filter(place=near).values_list("declined", flat=True)) == [False]


# --- Computing ------------------------------------------------------------------------------


def test_two_learners_for_one_place_the_employers_rank_decides(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    first = join(matching_round, seeker(w, "Anna", target_group=TargetGroup.WW))
    second = join(matching_round, seeker(w, "Bram", target_group=TargetGroup.PARTICIPATIEWET))
    near = place_in(matching_round, w.near)
    set_capacity(near, 1, by=coordinator)
    for learner in (first, second):
        rank(learner, [near], w.consultant)

    # Without the employer's ranks the better score wins: Bram's target group is one the company supports.
    compute(matching_round, by=coordinator)
    assert proposal(matching_round) == {"Anna": None, "Bram": "Schoonmaak Noord", "Noor": None}
    second.refresh_from_db()
    assert second.score is not None and second.outcome == Outcome.MATCHED

    answer(near, w.trainer, ranked=[first])
    compute(matching_round, by=coordinator)

    assert proposal(matching_round)["Anna"] == "Schoonmaak Noord"
    assert proposal(matching_round)["Bram"] is None
    second.refresh_from_db()
    assert second.outcome == Outcome.OUTRANKED and second.score is None
    assert notes_of(second) == [("Schoonmaak Noord", ChoiceNote.FILLED)]


def test_the_proposal_is_learner_optimal_and_equals_resident_optimal(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    anna = join(matching_round, seeker(w, "Anna"))
    bram = join(matching_round, seeker(w, "Bram"))
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    set_capacity(near, 1, by=coordinator)
    rank(anna, [near, far], w.consultant)
    rank(bram, [far, near], w.consultant)
    answer(near, coordinator, ranked=[bram, anna])
    answer(far, coordinator, ranked=[anna, bram])

    compute(matching_round, by=coordinator)

    # Both employers would rather swap; the learners get their first choice.
    assert proposal(matching_round) == {"Anna": "Schoonmaak Noord", "Bram": "Facilitair Zuid", "Noor": None}
    expected = resident_optimal(
        {anna.pk: [near.pk, far.pk], bram.pk: [far.pk, near.pk]},
        {near.pk: [bram.pk, anna.pk], far.pk: [anna.pk, bram.pk]},
        {near.pk: 1, far.pk: 1},
    )
    stored = dict(RoundLearner.objects.filter(pk__in=[anna.pk, bram.pk]).values_list("pk", "proposed"))
    assert stored == expected


def test_the_proposal_equals_resident_optimal_on_a_larger_round(w: World, coordinator: User) -> None:
    for number in range(3):
        extra_place(w, f"Extra {number}", capacity=number + 1)
    for name in ("Anna", "Bram", "Cem", "Dewi", "Eva", "Finn", "Gijs"):
        seeker(w, name)
    matching_round = new_round(w, coordinator)
    learners = list(RoundLearner.objects.filter(round=matching_round, trajectory__qualification__crebo="25499"))
    usable = [
        place_in(matching_round, company)
        for company in Organisation.objects.filter(
            name__in=["Schoonmaak Noord", "Facilitair Zuid", "Extra 0", "Extra 1", "Extra 2"]
        )
    ]
    draw = random.Random(11)
    resident_prefs: dict[int, list[int]] = {}
    for learner in learners:
        chosen = draw.sample(usable, draw.randint(0, len(usable)))
        rank(learner, chosen, coordinator)
        resident_prefs[learner.pk] = [p.pk for p in chosen]
    hospital_prefs: dict[int, list[int]] = {}
    for place in usable:
        candidates = [ln for ln in learners if place.pk in resident_prefs[ln.pk]]
        draw.shuffle(candidates)
        declined = candidates[:1] if place.place.employer.name == "Extra 2" else []
        ranked = candidates[len(declined) :]
        answer(place, coordinator, ranked=ranked, declined=declined)
        hospital_prefs[place.pk] = [ln.pk for ln in ranked]
    capacities = {p.pk: p.capacity for p in usable}

    compute(matching_round, by=coordinator)

    expected = resident_optimal(resident_prefs, hospital_prefs, capacities)
    stored = dict(RoundLearner.objects.filter(pk__in=[ln.pk for ln in learners]).values_list("pk", "proposed"))
    assert stored == expected
    assert sum(1 for place in expected.values() if place is not None) >= 3
    assert blocking_pairs(stored, resident_prefs, hospital_prefs, capacities) == 0
    assert fresh(matching_round).comparison["stable_blocking"] == 0


def test_hard_constraints_give_a_note_per_ranked_place_and_an_outcome(w: World, coordinator: User) -> None:
    extra_place(w, "Extra Ruimte", capacity=2)
    extra_place(w, "Nul Plaatsen", capacity=2)
    xander, yara, wim, vera = (seeker(w, name) for name in ("Xander", "Yara", "Wim", "Vera"))
    matching_round = new_round(w, coordinator)
    x, y, wl, v = (learner_in(matching_round, t) for t in (xander, yara, wim, vera))
    places = {
        p.place.employer.name: p
        for p in RoundPlace.objects.filter(round=matching_round).select_related("round", "place__employer")
    }
    set_capacity(places["Nul Plaatsen"], 0, by=coordinator)
    rank(
        x,
        [
            places[name]
            for name in (
                "Verlopen Erkenning",
                "Later Beschikbaar",
                "Vol Bedrijf",
                "Schoonmaak Noord",
                "Facilitair Zuid",
                "Extra Ruimte",
            )
        ],
        w.consultant,
    )
    rank(y, [places[name] for name in ("Nog Niet Erkend", "Nul Plaatsen", "Aangenomen Bedrijf")], w.consultant)
    rank(wl, [places["Facilitair Zuid"]], w.consultant)
    rank(v, [places["Extra Ruimte"]], w.consultant)
    answer(places["Schoonmaak Noord"], w.trainer, declined=[x])
    answer(places["Facilitair Zuid"], coordinator, ranked=[x, wl])
    # Vera stopped looking after she ranked.
    Trajectory.objects.filter(pk=vera.pk).update(status=Status.PAUSED)

    result = compute(matching_round, by=coordinator)

    assert notes_of(x) == [
        ("Verlopen Erkenning", ChoiceNote.NOT_RECOGNISED),  # the recognition ended before the start date
        ("Later Beschikbaar", ChoiceNote.PERIOD),  # offered only from 2027
        ("Vol Bedrijf", ChoiceNote.NO_ROOM),  # its place is taken
        ("Schoonmaak Noord", ChoiceNote.DECLINED),
        ("Facilitair Zuid", ChoiceNote.MATCHED),
        ("Extra Ruimte", ChoiceNote.NOT_NEEDED),
    ]
    assert notes_of(y) == [
        ("Nog Niet Erkend", ChoiceNote.NOT_RECOGNISED),  # recognised only from 2027
        ("Nul Plaatsen", ChoiceNote.NO_ROOM),  # the coordinator gave it 0 places in this round
        ("Aangenomen Bedrijf", ChoiceNote.NO_ROOM),  # its place went to an accepted request
    ]
    assert notes_of(wl) == [("Facilitair Zuid", ChoiceNote.FILLED)]
    assert notes_of(v) == []
    outcomes = dict(
        RoundLearner.objects.filter(round=matching_round, trajectory__qualification__crebo=CREBO).values_list(
            "trajectory__learner__first_name", "outcome"
        )
    )
    assert outcomes == {
        "Xander": Outcome.MATCHED,
        "Yara": Outcome.NONE_ACCEPTABLE,
        "Wim": Outcome.OUTRANKED,
        "Vera": Outcome.NOT_SEARCHING,
        "Noor": Outcome.NO_CHOICES,
    }
    assert baker(matching_round).outcome == Outcome.NO_CHOICES
    place_notes = dict(RoundPlace.objects.filter(round=matching_round).values_list("place__employer__name", "note"))
    assert place_notes == {
        "Schoonmaak Noord": PlaceNote.DECLINED_ALL,
        "Facilitair Zuid": PlaceNote.FULL,
        "Extra Ruimte": PlaceNote.CANDIDATES_ELSEWHERE,  # Xander got a place he ranked higher; Vera stopped
        "Nul Plaatsen": PlaceNote.NO_ROOM,
        "Vol Bedrijf": PlaceNote.NO_ROOM,
        "Aangenomen Bedrijf": PlaceNote.NO_ROOM,
        "Verlopen Erkenning": PlaceNote.NOT_RECOGNISED,
        "Nog Niet Erkend": PlaceNote.NOT_RECOGNISED,
        "Later Beschikbaar": PlaceNote.PERIOD,
        "Bakkerij Anders": PlaceNote.NO_CANDIDATES,
    }
    usable = dict(RoundPlace.objects.filter(round=matching_round).values_list("place__employer__name", "usable"))
    assert (usable["Schoonmaak Noord"], usable["Verlopen Erkenning"], usable["Nul Plaatsen"]) == (2, 0, 0)
    assert (result.matched, result.unmatched) == (1, 5)
    # Empty seats: Schoonmaak Noord 2, Extra Ruimte 2 and Bakkerij Anders 3 (the others can take nobody).
    assert result.empty_places == 7
    comparison = fresh(matching_round).comparison
    assert comparison["stable_blocking"] == 0
    assert comparison["optimal_score"] >= comparison["stable_score"] > 0
    assert (comparison["matched"], comparison["unmatched"], comparison["empty_places"]) == (1, 5, 7)


def test_the_comparison_shows_what_the_highest_score_would_break(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    anna = join(matching_round, seeker(w, "Anna"))
    bram = join(matching_round, seeker(w, "Bram"))
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    set_capacity(near, 1, by=coordinator)
    rank(anna, [near], w.consultant)
    rank(bram, [near, far], w.consultant)
    answer(near, w.trainer, ranked=[bram, anna])

    compute(matching_round, by=coordinator)

    # Stable: Bram at Schoonmaak Noord, Anna without a place. The highest total score places both, but then
    # Bram and Schoonmaak Noord would both rather have each other: one blocking pair.
    assert proposal(matching_round) == {"Anna": None, "Bram": "Schoonmaak Noord", "Noor": None}
    anna.refresh_from_db()
    bram.refresh_from_db()
    assert (anna.optimal_id, bram.optimal_id) == (near.pk, far.pk)
    comparison = fresh(matching_round).comparison
    assert (comparison["stable_blocking"], comparison["optimal_blocking"]) == (0, 1)
    assert (comparison["matched"], comparison["optimal_matched"], comparison["differs"]) == (1, 2, 2)
    assert comparison["optimal_score"] > comparison["stable_score"] > 0


def test_the_proposal_is_current_until_something_changes(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    rank(noor, [near, far], w.consultant)
    assert not fresh(matching_round).is_current

    compute(matching_round, by=coordinator)
    assert fresh(matching_round).is_current
    assert proposal(matching_round)["Noor"] == "Schoonmaak Noord"

    rank(noor, [far, near], w.consultant)
    assert not fresh(matching_round).is_current

    compute(matching_round, by=coordinator)
    assert fresh(matching_round).is_current
    assert proposal(matching_round)["Noor"] == "Facilitair Zuid"

    answer(far, coordinator, declined=[noor])
    assert not fresh(matching_round).is_current
    compute(matching_round, by=coordinator)
    assert proposal(matching_round)["Noor"] == "Schoonmaak Noord"

    for change in (
        lambda: set_capacity(near, 1, by=coordinator),
        lambda: remove_place(place_in(matching_round, w.later_period), by=coordinator),
        lambda: remove_learner(baker(matching_round), by=coordinator),
    ):
        compute(matching_round, by=coordinator)
        change()
        assert not fresh(matching_round).is_current


# --- Publishing -----------------------------------------------------------------------------


def _ready(w: World, coordinator: User) -> tuple[MatchingRound, RoundLearner, RoundLearner]:
    """A computed round: Noor matched with Schoonmaak Noord, Anna (ranked only Vol Bedrijf) without a place."""
    anna = seeker(w, "Anna")
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    unmatched = learner_in(matching_round, anna)
    rank(noor, [place_in(matching_round, w.near)], w.consultant)
    rank(unmatched, [place_in(matching_round, w.full)], w.consultant)
    compute(matching_round, by=coordinator)
    return fresh(matching_round), noor, unmatched


def test_publishing_needs_a_current_proposal(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    rank(noor, [place_in(matching_round, w.near)], w.consultant)

    with pytest.raises(ValidationError, match="Compute the proposal first"):
        publish(matching_round, by=coordinator)

    compute(matching_round, by=coordinator)
    rank(noor, [place_in(matching_round, w.far)], w.consultant)
    with pytest.raises(ValidationError, match="Compute it again"):
        publish(matching_round, by=coordinator)

    assert fresh(matching_round).status == RoundStatus.OPEN
    assert not PlacementRequest.objects.filter(trajectory=w.trajectory).exists()


def test_publishing_is_refused_and_the_proposal_refreshed_when_a_learner_stopped_looking(
    w: World, coordinator: User
) -> None:
    matching_round, noor, _anna = _ready(w, coordinator)
    Trajectory.objects.filter(pk=w.trajectory.pk).update(status=Status.PAUSED)

    with pytest.raises(ValidationError, match="Something changed"):
        publish(matching_round, by=coordinator)

    assert fresh(matching_round).status == RoundStatus.OPEN
    assert not PlacementRequest.objects.filter(trajectory=w.trajectory).exists()
    noor.refresh_from_db()
    assert noor.proposed_id is None and noor.outcome == Outcome.NOT_SEARCHING
    assert fresh(matching_round).is_current  # the refreshed proposal is there to review and publish


def test_a_learner_accepted_elsewhere_after_collecting_is_not_matched_again(w: World, coordinator: User) -> None:
    matching_round, noor, _anna = _ready(w, coordinator)
    request = propose_place(w.trajectory, LearningPlace.objects.get(employer=w.far), by=w.consultant)
    answer_request(request, accept=True, by=member_of(w.far, Role.WORKPLACE_TRAINER))

    with pytest.raises(ValidationError, match="Something changed"):
        publish(matching_round, by=coordinator)

    noor.refresh_from_db()
    assert noor.proposed_id is None and noor.outcome == Outcome.NOT_SEARCHING
    assert list(PlacementRequest.objects.filter(trajectory=w.trajectory).values_list("place__employer", flat=True)) == [
        w.far.pk
    ]


def test_publishing_is_refused_when_a_place_filled_since_computing(w: World, coordinator: User) -> None:
    matching_round, noor, _anna = _ready(w, coordinator)
    # Both of Schoonmaak Noord's places are filled meanwhile, outside the round.
    TrajectoryFactory.create(
        learner=LearnerFactory.create(organisation=w.organisation),
        qualification=w.qualification,
        employer=w.near,
        status=Status.PLACED,
    )
    TrajectoryFactory.create(
        learner=LearnerFactory.create(organisation=w.organisation),
        qualification=w.qualification,
        employer=w.near,
        status=Status.IN_PROGRESS,
    )

    with pytest.raises(ValidationError, match="Something changed"):
        publish(fresh(matching_round), by=coordinator)

    assert fresh(matching_round).status == RoundStatus.OPEN
    noor.refresh_from_db()
    assert noor.proposed_id is None and noor.outcome == Outcome.NONE_ACCEPTABLE
    assert place_in(matching_round, w.near).note == PlaceNote.NO_ROOM


def test_publishing_accepts_a_request_per_match_and_tells_everyone(w: World, coordinator: User, committed: Any) -> None:
    matching_round, noor, anna = _ready(w, coordinator)
    near_place = LearningPlace.objects.get(employer=w.near)
    assert free_places(near_place) == 2

    published = committed(publish, matching_round, by=coordinator)

    assert (published.requests, published.matched, published.unmatched) == (1, 1, 2)
    request = PlacementRequest.objects.get(trajectory=w.trajectory)
    assert request.status == RequestStatus.ACCEPTED and request.place == near_place
    assert request.employer == w.near and request.proposed_by == coordinator and request.decided_at is not None
    noor.refresh_from_db()
    assert noor.request == request
    assert not PlacementRequest.objects.filter(trajectory=anna.trajectory).exists()
    matching_round = fresh(matching_round)
    assert matching_round.status == RoundStatus.PUBLISHED
    assert matching_round.published_by == coordinator and matching_round.published_at is not None
    # The accepted request takes one of the employer's places.
    assert free_places(near_place) == 1

    told = {(n.recipient, n.key): n for n in Notification.objects.all()}
    matched = told[(w.consultant, f"matching:round:{matching_round.pk}:learner:{noor.pk}")]
    assert "Noor" in matched.message and matched.url == request.get_absolute_url()
    unmatched = told[(w.consultant, f"matching:round:{matching_round.pk}:learner:{anna.pk}")]
    assert "Anna" in unmatched.message and f"/rounds/{matching_round.pk}/learners/{anna.pk}/" in unmatched.url
    employer = told[(w.trainer, f"matching:round:{matching_round.pk}:employer:{w.near.pk}")]
    assert employer.url == matching_round.get_absolute_url()
    assert Notification.objects.filter(recipient=w.trainer).count() == 1


def test_publishing_turns_an_open_proposal_for_the_same_place_into_the_acceptance(w: World, coordinator: User) -> None:
    matching_round, noor, _anna = _ready(w, coordinator)
    proposed = propose_place(w.trajectory, LearningPlace.objects.get(employer=w.near), by=w.consultant)

    published = publish(matching_round, by=coordinator)

    assert published.requests == 0
    assert list(PlacementRequest.objects.filter(trajectory=w.trajectory).values_list("pk", "status")) == [
        (proposed.pk, RequestStatus.ACCEPTED)
    ]
    noor.refresh_from_db()
    assert noor.request_id == proposed.pk


def test_after_publishing_nothing_in_the_round_changes(w: World, coordinator: User) -> None:
    matching_round, noor, anna = _ready(w, coordinator)
    publish(matching_round, by=coordinator)
    near = place_in(matching_round, w.near)

    for change in (
        lambda: rank(noor, [place_in(matching_round, w.far)], w.consultant),
        lambda: answer(near, w.trainer, declined=[noor]),
        lambda: set_capacity(near, 1, by=coordinator),
        lambda: remove_learner(anna, by=coordinator),
        lambda: remove_place(near, by=coordinator),
        lambda: compute(matching_round, by=coordinator),
        lambda: publish(matching_round, by=coordinator),
    ):
        with pytest.raises(ValidationError, match="published"):
            change()

    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place", flat=True)) == [near.pk]
    assert not EmployerChoice.objects.exists()
    assert PlacementRequest.objects.filter(trajectory=w.trajectory).count() == 1


def test_the_consultant_confirms_a_published_match_on_the_trajectory(w: World, coordinator: User) -> None:
    matching_round, _noor, _anna = _ready(w, coordinator)
    publish(matching_round, by=coordinator)
    near_place = LearningPlace.objects.get(employer=w.near)
    assert free_places(near_place) == 1
    Trajectory.objects.filter(pk=w.trajectory.pk).update(employer=w.near, workplace_trainer=w.trainer)
    agreed_plan(w.trajectory)

    placed = trajectory_services.transition(Trajectory.objects.get(pk=w.trajectory.pk), Status.PLACED, by=w.consultant)

    assert placed.status == Status.PLACED
    # Placed now, the learner counts once: as placed, no longer as an accepted request.
    assert free_places(near_place) == 1


def test_a_round_in_the_past_is_computed_on_its_own_start_date(w: World, coordinator: User) -> None:
    """The start date, not today, decides the recognition: Verlopen Erkenning was recognised until June 2026."""
    matching_round = create_round(
        region=region_of(w),
        name="Spring",
        start_date=datetime.date(2026, 3, 1),
        preferences_until=None,
        by=coordinator,
    )
    noor = learner_in(matching_round, w.trajectory)
    rank(noor, [place_in(matching_round, w.expired)], w.consultant)

    compute(matching_round, by=coordinator)

    assert proposal(matching_round)["Noor"] == "Verlopen Erkenning"
