from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from werkplaats.accounts.models import User
from werkplaats.matching.models import LearnerPreference
from werkplaats.matching.services import suggest_places
from werkplaats.organisations.models import Municipality, Organisation
from werkplaats.trajectories.models import Status, Trajectory

from .world import EMMEN, World, build, more_employers

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
    assert len(many) == len(few) <= 4
