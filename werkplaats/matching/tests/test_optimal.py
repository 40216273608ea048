"""The optimal mode (maximum total score) and how it compares with the stable matching."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings

from werkplaats.matching.instance import InstanceError
from werkplaats.matching.optimal import blocking_pairs, max_score, max_score_by_region, total_score
from werkplaats.matching.stable import resident_optimal
from werkplaats.matching.tests.test_stable import check_valid, instances

# ann and bob both want the bakery first; the bakery prefers bob. Stable: bob at the bakery, ann at the garage.
RESIDENTS = {"ann": ["bakery", "garage"], "bob": ["bakery", "garage"], "cas": ["garage"]}
HOSPITALS = {"bakery": ["bob", "ann"], "garage": ["cas", "ann", "bob"]}
CAPACITY = {"bakery": 1, "garage": 1}


def brute_force_best(resident_prefs: Any, hospital_prefs: Any, capacities: Any) -> int:
    options = [[None, *[h for h in prefs if r in hospital_prefs[h]]] for r, prefs in resident_prefs.items()]
    best = 0
    for combo in itertools.product(*options):
        if any(combo.count(h) > capacities[h] for h in capacities):
            continue
        best = max(
            best, total_score(dict(zip(resident_prefs, combo, strict=True)), resident_prefs, hospital_prefs, capacities)
        )
    return best


def test_blocking_pairs_on_a_hand_made_example() -> None:
    stable = resident_optimal(RESIDENTS, HOSPITALS, CAPACITY)
    assert stable == {"ann": None, "bob": "bakery", "cas": "garage"}
    assert blocking_pairs(stable, RESIDENTS, HOSPITALS, CAPACITY) == 0
    # ann at the bakery: bob-bakery (the bakery prefers bob), bob-garage and cas-garage (a free place);
    # ann-garage is not one, ann prefers her bakery.
    assert blocking_pairs({"ann": "bakery", "bob": None, "cas": None}, RESIDENTS, HOSPITALS, CAPACITY) == 3
    # Everyone unmatched: every acceptable pair blocks (5 pairs).
    assert blocking_pairs({"ann": None, "bob": None, "cas": None}, RESIDENTS, HOSPITALS, CAPACITY) == 5
    # ann at the garage, bob at the bakery: cas and the garage block (the garage prefers cas to ann).
    assert blocking_pairs({"ann": "garage", "bob": "bakery", "cas": None}, RESIDENTS, HOSPITALS, CAPACITY) == 1


def test_total_score_uses_borda_points_from_both_sides() -> None:
    # bob-bakery: 2 - 0 + 2 - 0 = 4; cas-garage: 1 - 0 + 3 - 0 = 4.
    assert total_score({"ann": None, "bob": "bakery", "cas": "garage"}, RESIDENTS, HOSPITALS, CAPACITY) == 8
    scores = {("bob", "bakery"): 5, ("ann", "garage"): 7}
    assert total_score({"ann": "garage", "bob": "bakery"}, RESIDENTS, HOSPITALS, CAPACITY, scores) == 12


def test_max_score_with_own_scores_may_be_unstable() -> None:
    scores = {("ann", "bakery"): 10, ("bob", "garage"): 10, ("bob", "bakery"): 1, ("cas", "garage"): 1}
    result = max_score(RESIDENTS, HOSPITALS, CAPACITY, scores)
    assert result.matching == {"ann": "bakery", "bob": "garage", "cas": None}
    assert result.score == 20
    assert blocking_pairs(result.matching, RESIDENTS, HOSPITALS, CAPACITY) == 2


def test_matching_that_breaks_the_rules_is_refused() -> None:
    with pytest.raises(InstanceError, match="not acceptable"):
        blocking_pairs({"cas": "bakery"}, RESIDENTS, HOSPITALS, CAPACITY)
    with pytest.raises(InstanceError, match="more than its capacity"):
        total_score({"ann": "garage", "cas": "garage"}, RESIDENTS, HOSPITALS, CAPACITY)
    with pytest.raises(InstanceError, match="unknown resident"):
        blocking_pairs({"zed": None}, RESIDENTS, HOSPITALS, CAPACITY)
    with pytest.raises(InstanceError, match="has no region"):
        max_score_by_region(RESIDENTS, HOSPITALS, CAPACITY, {"ann": 1})


@settings(max_examples=150, deadline=None)
@given(instances())
def test_max_score_is_optimal_and_at_least_the_stable_score(instance: Any) -> None:
    resident_prefs, hospital_prefs, capacities = instance
    small = dict(itertools.islice(resident_prefs.items(), 6))
    hospital_prefs = {h: [r for r in prefs if r in small] for h, prefs in hospital_prefs.items()}
    result = max_score(small, hospital_prefs, capacities)
    check_valid(result.matching, small, hospital_prefs, capacities)
    assert result.score == total_score(result.matching, small, hospital_prefs, capacities)
    stable = resident_optimal(small, hospital_prefs, capacities)
    assert result.score >= total_score(stable, small, hospital_prefs, capacities)
    assert result.score == brute_force_best(small, hospital_prefs, capacities)
    by_region = max_score_by_region(small, hospital_prefs, capacities, {r: len(r) % 3 for r in small})
    assert by_region.score == result.score


def test_regions_are_solved_separately() -> None:
    residents = {f"r{i}": [f"h{i % 3}", f"h{(i + 1) % 3}"] for i in range(6)}
    residents.update({f"s{i}": [f"g{i % 2}"] for i in range(4)})
    hospitals = {f"h{j}": [r for r in residents if f"h{j}" in residents[r]] for j in range(3)}
    hospitals.update({f"g{j}": [r for r in residents if f"g{j}" in residents[r]] for j in range(2)})
    capacities = dict.fromkeys(hospitals, 1)
    region = {r: r[0] for r in residents}
    result = max_score_by_region(residents, hospitals, capacities, region)
    assert result.parts == 2
    assert result.score == max_score(residents, hospitals, capacities).score
    assert sum(h is not None for h in result.matching.values()) == 5
