"""The learner-optimal stable matching: properties on random instances, the `matching` library as oracle."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkplaats.matching.instance import InstanceError
from werkplaats.matching.optimal import blocking_pairs
from werkplaats.matching.stable import resident_optimal

Instance = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]


@st.composite
def instances(draw: Any, skewed: bool = False) -> Instance:
    """Small random instances; lists need not agree (a pair is acceptable only when each lists the other).

    Skewed: every resident puts the same few hospitals first and every hospital ranks by one shared order."""
    n_res = draw(st.integers(0, 14))
    n_hosp = draw(st.integers(1, 6))
    residents = [f"r{i}" for i in range(n_res)]
    hospitals = [f"h{i}" for i in range(n_hosp)]
    shared = draw(st.permutations(residents))
    resident_prefs = {}
    for r in residents:
        chosen = draw(st.lists(st.sampled_from(hospitals), unique=True, max_size=n_hosp))
        resident_prefs[r] = sorted(chosen, key=hospitals.index) if skewed else chosen
    hospital_prefs = {}
    for h in hospitals:
        if skewed:
            listed = [r for r in shared if h in resident_prefs[r] or draw(st.booleans())]
        else:
            listed = draw(st.lists(st.sampled_from(residents), unique=True)) if residents else []
        hospital_prefs[h] = listed
    capacities = {h: draw(st.integers(0, 3)) for h in hospitals}
    return resident_prefs, hospital_prefs, capacities


def oracle(
    resident_prefs: dict[str, list[str]], hospital_prefs: dict[str, list[str]], capacities: dict[str, int]
) -> dict:
    """matching 1.4.3's resident-optimal HospitalResident solution on the acceptable pairs."""
    from matching.games import HospitalResident

    acceptable = {
        r: [h for h in prefs if r in hospital_prefs[h] and capacities[h] > 0] for r, prefs in resident_prefs.items()
    }
    res = {r: prefs for r, prefs in acceptable.items() if prefs}
    hosp = {h: [r for r in prefs if h in res.get(r, [])] for h, prefs in hospital_prefs.items()}
    hosp = {h: prefs for h, prefs in hosp.items() if prefs}
    result: dict[str, str | None] = dict.fromkeys(resident_prefs)
    if not res:
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(res, hosp, {h: capacities[h] for h in hosp})
        solution = game.solve(optimal="resident")
    for hospital, holders in solution.items():
        for resident in holders:
            result[resident.name] = hospital.name
    return result


def check_valid(matching: dict, resident_prefs: dict, hospital_prefs: dict, capacities: dict) -> None:
    assert set(matching) == set(resident_prefs)
    load = Counter(h for h in matching.values() if h is not None)
    for h, count in load.items():
        assert count <= capacities[h], f"{h} has {count} residents for {capacities[h]} places"
    for r, h in matching.items():
        if h is not None:
            assert h in resident_prefs[r] and r in hospital_prefs[h], f"{r}-{h} is not acceptable"


def brute_blocking_pairs(matching: dict, resident_prefs: dict, hospital_prefs: dict, capacities: dict) -> int:
    count = 0
    for r, prefs in resident_prefs.items():
        mine = matching[r]
        for h in prefs:
            if h == mine:
                break
            if r not in hospital_prefs[h]:
                continue
            holders = [x for x, y in matching.items() if y == h]
            if len(holders) < capacities[h] or any(
                hospital_prefs[h].index(r) < hospital_prefs[h].index(x) for x in holders
            ):
                count += 1
    return count


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_random_instances_match_the_oracle_and_are_stable(instance: Instance) -> None:
    matching = resident_optimal(*instance)
    check_valid(matching, *instance)
    assert brute_blocking_pairs(matching, *instance) == 0
    assert blocking_pairs(matching, *instance) == 0
    assert matching == oracle(*instance)
    assert resident_optimal(*instance) == matching


@SETTINGS
@given(instances(skewed=True))
def test_skewed_instances_match_the_oracle(instance: Instance) -> None:
    matching = resident_optimal(*instance)
    check_valid(matching, *instance)
    assert brute_blocking_pairs(matching, *instance) == 0
    assert matching == oracle(*instance)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_larger_skewed_instance_never_gives_one_place_twice(seed: int) -> None:
    import random

    rng = random.Random(seed)
    residents = [f"r{i}" for i in range(300)]
    hospitals = [f"h{i}" for i in range(40)]
    weights = [1 / (i + 1) ** 1.5 for i in range(40)]
    resident_prefs = {}
    for r in residents:
        picks: list[str] = []
        while len(picks) < 5:
            h = rng.choices(hospitals, weights)[0]
            if h not in picks:
                picks.append(h)
        resident_prefs[r] = picks
    shared = rng.sample(residents, len(residents))
    hospital_prefs = {h: [r for r in shared if h in resident_prefs[r]] for h in hospitals}
    capacities = {h: rng.randint(0, 6) for h in hospitals}
    matching = resident_optimal(resident_prefs, hospital_prefs, capacities)
    check_valid(matching, resident_prefs, hospital_prefs, capacities)
    assert matching == oracle(resident_prefs, hospital_prefs, capacities)


def test_hand_made_example() -> None:
    resident_prefs = {"ann": ["bakery", "garage"], "bob": ["bakery"], "cas": ["garage", "bakery"], "dee": []}
    hospital_prefs = {"bakery": ["bob", "ann", "cas"], "garage": ["ann", "cas"]}
    capacities = {"bakery": 1, "garage": 1}
    assert resident_optimal(resident_prefs, hospital_prefs, capacities) == {
        "ann": "garage",
        "bob": "bakery",
        "cas": None,
        "dee": None,
    }


def test_pair_counts_only_when_both_list_each_other() -> None:
    assert resident_optimal({"r": ["h"]}, {"h": []}, {"h": 1}) == {"r": None}
    assert resident_optimal({"r": []}, {"h": ["r"]}, {"h": 1}) == {"r": None}
    assert resident_optimal({"r": ["h"]}, {"h": ["r"]}, {"h": 0}) == {"r": None}
    assert resident_optimal({}, {}, {}) == {}


def test_resident_optimal_not_hospital_optimal() -> None:
    # Two stable matchings exist; the residents' favourite must be chosen.
    resident_prefs = {"r1": ["h1", "h2"], "r2": ["h2", "h1"]}
    hospital_prefs = {"h1": ["r2", "r1"], "h2": ["r1", "r2"]}
    capacities = {"h1": 1, "h2": 1}
    assert resident_optimal(resident_prefs, hospital_prefs, capacities) == {"r1": "h1", "r2": "h2"}


def test_tuples_and_int_ids_work() -> None:
    assert resident_optimal({1: (10,), 2: (10,)}, {10: (2, 1)}, {10: 1}) == {1: None, 2: 10}


@pytest.mark.parametrize(
    ("resident_prefs", "hospital_prefs", "capacities", "message"),
    [
        ({"r": ["x"]}, {"h": ["r"]}, {"h": 1}, "resident 'r' lists unknown hospital 'x'"),
        ({"r": ["h"]}, {"h": ["x"]}, {"h": 1}, "hospital 'h' lists unknown resident 'x'"),
        ({"r": ["h", "h"]}, {"h": ["r"]}, {"h": 1}, "resident 'r' lists hospital 'h' twice"),
        ({"r": ["h"]}, {"h": ["r", "r"]}, {"h": 1}, "hospital 'h' lists resident 'r' twice"),
        ({"r": ["h"]}, {"h": ["r"]}, {"h": -1}, "capacity of hospital 'h' is negative"),
        ({"r": ["h"]}, {"h": ["r"]}, {"h": 1.5}, "capacity of hospital 'h' must be an int"),
        ({"r": ["h"]}, {"h": ["r"]}, {"h": True}, "capacity of hospital 'h' must be an int"),
        ({"r": ["h"]}, {"h": ["r"]}, {"h": "2"}, "capacity of hospital 'h' must be an int"),
        ({"r": ["h"]}, {"h": ["r"]}, {}, "hospital 'h' has no capacity"),
        ({"r": ["h"]}, {"h": ["r"]}, {"h": 1, "g": 1}, "capacity given for unknown hospital 'g'"),
        ({"r": "h"}, {"h": ["r"]}, {"h": 1}, "preferences of resident 'r' must be a list"),
        ({"r": ["h"]}, {"h": None}, {"h": 1}, "preferences of hospital 'h' must be a list"),
        ({"r": [["h"]]}, {"h": ["r"]}, {"h": 1}, "not a valid hospital id"),
        ({"r": ["h", 1]}, {"h": ["r"]}, {"h": 1}, "resident 'r' lists unknown hospital 1"),
        ([("r", ["h"])], {"h": ["r"]}, {"h": 1}, "resident_prefs must be a mapping"),
        ({"r": ["h"]}, None, {"h": 1}, "hospital_prefs must be a mapping"),
        ({"r": ["h"]}, {"h": ["r"]}, [1], "capacities must be a mapping"),
    ],
)
def test_invalid_instances_raise_a_clear_error(resident_prefs, hospital_prefs, capacities, message) -> None:
    with pytest.raises(InstanceError, match=message.replace("(", r"\(")) as caught:
        resident_optimal(resident_prefs, hospital_prefs, capacities)
    assert isinstance(caught.value, ValueError)


def test_engine_does_not_import_django() -> None:
    code = (
        "import sys; import werkplaats.matching.stable, werkplaats.matching.optimal, werkplaats.matching.instance;"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    root = Path(__file__).resolve().parents[3]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0  # noqa: S603
