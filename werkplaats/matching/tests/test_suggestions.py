from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.matching import services
from werkplaats.matching.models import LearnerPreference, LearningPlace, PlacementRequest, RequestStatus
from werkplaats.matching.services import Suggestion, suggest_places
from werkplaats.organisations.models import Municipality, Organisation
from werkplaats.organisations.tests.factories import OrganisationFactory, RegionFactory
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories.models import Status, TargetGroup, Trajectory

from .world import EMMEN, GRONINGEN, World, build, employer, more_employers, offer, recognise, trajectory_at

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(organisation: Organisation, consultant: User) -> World:
    return build(organisation, consultant)


def _fresh(w: World) -> Trajectory:
    return Trajectory.objects.for_page().get(pk=w.trajectory.pk)


def test_suggests_recognised_employers_with_a_free_place_best_first(w: World) -> None:
    result = suggest_places(w.trajectory)

    assert [s.place.employer for s in result.suggestions] == [w.near, w.far]
    assert result.suggestions[0].score > result.suggestions[1].score


def test_each_suggestion_says_why_in_plain_language(w: World) -> None:
    near, far = suggest_places(w.trajectory).suggestions

    assert near.reasons == [
        "2 of 2 places free",
        "6 km",
        "24 hours a week",
        "supports learners from the target group Participatiewet (social assistance)",
        "a workplace trainer is available",
        "3 of 4 trajectories completed",
        "recognised without an end date",
    ]
    assert "48 km" in far.reasons
    assert "no workplace trainer available at the moment" in far.reasons
    assert "no completed or stopped trajectories here yet" in far.reasons
    assert "recognised until 31 December 2027" in far.reasons


def test_the_distance_is_computed_in_the_database(w: World) -> None:
    near, far = suggest_places(w.trajectory).suggestions

    assert near.km == pytest.approx(5.8, abs=0.3)
    assert far.km == pytest.approx(48.2, abs=1.0)


def test_excluded_candidates_are_counted_per_reason(w: World) -> None:
    excluded = {group.key: group.count for group in suggest_places(w.trajectory).excluded}

    assert excluded == {"full": 2, "ended": 1, "not_yet": 1, "period": 1, "no_place": 1}


def test_excluded_groups_say_why_with_the_count(w: World) -> None:
    texts = [group.text for group in suggest_places(w.trajectory).excluded]

    assert "2 companies recognised, but full" in texts
    assert "1 recognition ended before the start date" in texts
    assert "1 company recognised, but it offers no places" in texts


def test_a_place_for_another_qualification_is_neither_suggested_nor_counted(w: World) -> None:
    result = suggest_places(w.trajectory)

    assert w.other_qualification not in [s.place.employer for s in result.suggestions]
    assert sum(group.count for group in result.excluded) == 6  # the six employers above, no more


def test_the_learners_home_changes_the_ranking(w: World) -> None:
    assert w.organisation.region is not None
    emmen = Municipality.objects.create(
        name="Emmen", region=w.organisation.region, latitude=EMMEN[0], longitude=EMMEN[1]
    )
    LearnerPreference.objects.create(learner=w.learner, municipality=emmen, max_distance_km=20)

    near, far = suggest_places(_fresh(w)).suggestions[::-1]

    assert far.place.employer == w.far  # now the closer one, and first
    assert far.km is not None and far.km < 1
    assert "further than the 20 km the learner travels" in near.reasons


def test_hours_close_to_the_wish_score_higher(w: World) -> None:
    LearnerPreference.objects.create(learner=w.learner, hours_per_week=36)
    before = {s.place.employer: s.score for s in suggest_places(w.trajectory).suggestions}

    LearnerPreference.objects.filter(learner=w.learner).update(hours_per_week=24)
    after = {s.place.employer: s.score for s in suggest_places(_fresh(w)).suggestions}

    assert after[w.near] - before[w.near] == 15
    assert before[w.far] - after[w.far] == 15


def test_a_trajectory_that_is_not_searching_gets_no_suggestions(w: World) -> None:
    Trajectory.objects.filter(pk=w.trajectory.pk).update(status=Status.INTAKE)

    result = suggest_places(_fresh(w))

    assert result.suggestions == [] and result.problem


def test_the_number_of_queries_does_not_grow_with_the_employers(w: World) -> None:
    trajectory = _fresh(w)
    with CaptureQueriesContext(connection) as few:
        small = suggest_places(trajectory)
    more_employers(w, 15)
    trajectory = _fresh(w)
    with CaptureQueriesContext(connection) as many:
        large = suggest_places(trajectory)

    assert len(large.suggestions) == len(small.suggestions) + 15
    assert len(many) == len(few) <= 5


# --- Scoring and ranking in the database ----------------------------------------------------------


def _all_suitable(trajectory: Trajectory, monkeypatch: pytest.MonkeyPatch) -> list[Suggestion]:
    """Every suitable place, not only the first page."""
    with monkeypatch.context() as patched:
        patched.setattr(services, "SHOWN", 10_000)
        return suggest_places(trajectory).suggestions


def _ranking(suggestions: list[Suggestion]) -> list[tuple[int, float, str]]:
    return [(-s.score, math.inf if s.km is None else s.km, s.place.employer.name) for s in suggestions]


def _varied_places(w: World, count: int, seed: int) -> None:
    """``count`` suitable employers with every kind of place the score tells apart: near and far,
    located only through their municipality or not at all, in the learner's region or another,
    with and without hours, target groups, a trainer, and earlier trajectories."""
    rng = random.Random(seed)
    assert w.organisation.region is not None
    elsewhere = RegionFactory.create()
    town = Municipality.objects.create(
        name=f"Plaats {seed}", region=w.organisation.region, latitude=EMMEN[0], longitude=EMMEN[1]
    )
    groups = [group.value for group in TargetGroup]
    for number in range(count):
        where = rng.choice(("coordinates", "coordinates", "municipality", "nowhere"))
        located = where == "coordinates"
        extra: Organisation = OrganisationFactory.create(
            name=f"Gevarieerd {seed}-{number:02d}",
            employer=True,
            region=rng.choice((w.organisation.region, elsewhere)),
            municipality=town if where == "municipality" else None,
            latitude=Decimal(f"{rng.uniform(52.6, 53.5):.5f}") if located else None,
            longitude=Decimal(f"{rng.uniform(6.0, 7.2):.5f}") if located else None,
        )
        recognise(extra, end=rng.choice((None, datetime.date(2027, 6, 30))))
        offer(
            extra,
            capacity=rng.choice((1, 2, 3)),
            hours_per_week=rng.choice((None, 0, 16, 20, 24, 27, 30, 32, 36, 40)),
            target_groups=rng.sample(groups, rng.randrange(3)),
            trainer_available=rng.random() < 0.5,
        )
        for _ in range(rng.choice((0, 0, 1, 3, 8))):
            trajectory_at(w.organisation, extra, w.qualification, rng.choice((Status.COMPLETED, Status.STOPPED)))


@pytest.mark.parametrize(
    "preference",
    [
        None,
        {"home": True, "max_distance_km": 30, "hours_per_week": 24},
        {"hours_per_week": 32},
        {"home": True, "max_distance_km": 120},
    ],
    ids=["no preference", "home, 30 km, 24 hours", "32 hours", "home, 120 km"],
)
def test_the_database_scores_every_place_as_score_does(
    w: World, monkeypatch: pytest.MonkeyPatch, preference: dict[str, Any] | None
) -> None:
    _varied_places(w, 30, seed=7)
    if preference is not None:
        wish = dict(preference)
        assert w.organisation.region is not None
        home = (
            Municipality.objects.create(
                name="Emmen", region=w.organisation.region, latitude=EMMEN[0], longitude=EMMEN[1]
            )
            if wish.pop("home", False)
            else None
        )
        LearnerPreference.objects.create(learner=w.learner, municipality=home, **wish)

    everything = _all_suitable(_fresh(w), monkeypatch)

    assert len(everything) == 32  # near, far and the thirty above
    for suggestion in everything:
        place: Any = suggestion.place
        assert place.score == suggestion.score, place.employer.name
    assert _ranking(everything) == sorted(_ranking(everything))
    assert len({s.score for s in everything}) > 10  # the fixture tells the parts of the score apart


def test_the_first_page_is_the_best_of_all_suitable_places(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _varied_places(w, 40, seed=11)
    everything = _all_suitable(_fresh(w), monkeypatch)

    result = suggest_places(_fresh(w))

    assert len(everything) == 42
    assert [s.place.pk for s in result.suggestions] == [s.place.pk for s in everything[: services.SHOWN]]
    assert result.more == 42 - services.SHOWN


def test_a_score_of_a_half_is_rounded_to_even_as_python_does(w: World) -> None:
    elsewhere = RegionFactory.create()
    LearnerPreference.objects.create(learner=w.learner, hours_per_week=24)
    # Distance unknown in another region (0), 30 hours for 24 wanted (7.5), the learner's target
    # group (15), no trainer (0), one stopped trajectory (0): 22.5.
    half = OrganisationFactory.create(name="Half Twee", employer=True, region=elsewhere)
    recognise(half)
    offer(half, hours_per_week=30, target_groups=[TargetGroup.PARTICIPATIEWET], trainer_available=False)
    trajectory_at(w.organisation, half, w.qualification, Status.STOPPED)
    # No hours, no target group, no trainer, one of eight trajectories completed: 2.5.
    small_half = OrganisationFactory.create(name="Half Nul", employer=True, region=elsewhere)
    recognise(small_half)
    offer(small_half, trainer_available=False)
    for status in [Status.COMPLETED] + [Status.STOPPED] * 7:
        trajectory_at(w.organisation, small_half, w.qualification, status)

    scores = {s.place.employer: s for s in suggest_places(_fresh(w)).suggestions}

    assert scores[half].score == round(22.5) == 22
    assert scores[small_half].score == round(2.5) == 2
    in_sql: list[Any] = [scores[e].place for e in (half, small_half)]
    assert [place.score for place in in_sql] == [22, 2]


def test_equal_scores_rank_the_nearer_place_first_then_unknown_distances_by_name(w: World) -> None:
    twins = []
    for name, at in (("Tweeling B", None), ("Tweeling A", None), ("Tweeling C", GRONINGEN)):
        twin = employer(w.organisation, name, at)
        recognise(twin)
        offer(twin, capacity=2, hours_per_week=24, target_groups=[TargetGroup.PARTICIPATIEWET])
        twins.append(twin)
    for twin in twins:  # no points for the region
        twin.region = None
        twin.save()

    ranked = [s.place.employer.name for s in suggest_places(_fresh(w)).suggestions]

    assert [name for name in ranked if name.startswith("Tweeling")] == ["Tweeling C", "Tweeling A", "Tweeling B"]


def test_a_full_place_that_accepted_this_learner_stays_on_the_list(w: World) -> None:
    place = LearningPlace.objects.get(employer=w.full)
    request = PlacementRequest.objects.create(
        trajectory=w.trajectory, employer=w.full, place=place, status=RequestStatus.ACCEPTED
    )

    result = suggest_places(_fresh(w))

    theirs = next(s for s in result.suggestions if s.place.employer == w.full)
    assert theirs.request == request and theirs.free == -1
    assert theirs.reasons[0] == "0 of 1 place free"
    assert {group.key: group.count for group in result.excluded}["full"] == 1  # only the other full one


def test_a_proposed_request_does_not_keep_a_full_place_on_the_list(w: World) -> None:
    place = LearningPlace.objects.get(employer=w.full)
    PlacementRequest.objects.create(trajectory=w.trajectory, employer=w.full, place=place)

    result = suggest_places(_fresh(w))

    assert w.full not in [s.place.employer for s in result.suggestions]
    assert {group.key: group.count for group in result.excluded}["full"] == 2


def test_inactive_employers_are_neither_suggested_nor_counted(w: World) -> None:
    # Saved one by one, as the app does: the signals update the stored rows of their places.
    for organisation in Organisation.objects.filter(pk__in=[w.far.pk, w.expired.pk, w.no_place.pk]):
        organisation.is_active = False
        organisation.save()

    result = suggest_places(_fresh(w))

    assert [s.place.employer for s in result.suggestions] == [w.near]
    assert {group.key: group.count for group in result.excluded} == {"full": 2, "not_yet": 1, "period": 1}


def test_a_withdrawn_recognition_does_not_count(w: World) -> None:
    for recognition in Recognition.objects.filter(employer__in=[w.far, w.expired]):
        recognition.withdrawn_at = timezone.now()
        recognition.save()

    result = suggest_places(_fresh(w))

    assert w.far not in [s.place.employer for s in result.suggestions]
    excluded = {group.key: group.count for group in result.excluded}
    assert excluded["not_recognised"] == 2 and "ended" not in excluded


def test_several_recognitions_and_requests_do_not_multiply_the_counts(w: World) -> None:
    # An earlier recognition that ended and a second valid one, besides the open-ended one; an
    # accepted request of another learner; the four ended trajectories of the world.
    recognise(w.near, start=datetime.date(2015, 1, 1), end=datetime.date(2019, 12, 31))
    recognise(w.near, start=datetime.date(2021, 1, 1), end=datetime.date(2030, 12, 31))
    place = LearningPlace.objects.get(employer=w.near)
    other = trajectory_at(w.organisation, None, w.qualification, Status.SEARCHING)
    PlacementRequest.objects.create(trajectory=other, employer=w.near, place=place, status=RequestStatus.ACCEPTED)

    near = suggest_places(_fresh(w)).suggestions[0]

    assert near.place.employer == w.near
    assert near.reasons[0] == "1 of 2 places free"
    assert "3 of 4 trajectories completed" in near.reasons
    assert near.reasons[-1] == "recognised without an end date"  # the open-ended one wins


def test_the_latest_end_of_the_valid_recognitions_is_shown(w: World) -> None:
    recognise(w.far, start=datetime.date(2024, 1, 1), end=datetime.date(2029, 3, 31))
    recognise(w.far, start=datetime.date(2010, 1, 1), end=datetime.date(2012, 3, 31))  # ended long ago

    far = next(s for s in suggest_places(_fresh(w)).suggestions if s.place.employer == w.far)

    assert far.reasons[-1] == "recognised until 31 March 2029"


def _suitable_employers(w: World, count: int, prefix: str) -> None:
    for number in range(count):
        extra = employer(w.organisation, f"{prefix} {number:02d}", GRONINGEN)
        recognise(extra)
        offer(extra, capacity=2, hours_per_week=20)
        trajectory_at(w.organisation, extra, w.qualification, Status.COMPLETED)


def test_the_number_of_queries_stays_the_same_beyond_one_page(w: World) -> None:
    _suitable_employers(w, 3, "Klein")
    trajectory = _fresh(w)
    with CaptureQueriesContext(connection) as few:
        small = suggest_places(trajectory)
    _suitable_employers(w, services.SHOWN + 10, "Groot")
    trajectory = _fresh(w)
    with CaptureQueriesContext(connection) as many:
        large = suggest_places(trajectory)

    assert (len(small.suggestions), small.more) == (5, 0)
    assert (len(large.suggestions), large.more) == (services.SHOWN, 5 + services.SHOWN + 10 - services.SHOWN)
    assert len(many) == len(few) <= 5
