"""The learner-optimal stable matching: properties on random instances, the `matching` library as oracle."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkplaats.matching import instance as instance_module
from werkplaats.matching import stable as stable_module
from werkplaats.matching.instance import InstanceError, build_instance
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


def copy_of(value: str) -> str:
    """An equal string that is another object (the ids here have at least two characters)."""
    copy = (value + "_")[:-1]
    assert copy == value and copy is not value
    return copy


def with_copies(instance: Instance, which: Any) -> Instance:
    """The instance with the list entries for which ``which(i)`` holds replaced by equal, distinct objects."""
    counter = iter(range(10**9))

    def lists(prefs: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: [copy_of(x) if which(next(counter)) else x for x in v] for k, v in prefs.items()}

    resident_prefs, hospital_prefs, capacities = instance
    return lists(resident_prefs), lists(hospital_prefs), capacities


def instance_arrays(instance: Instance) -> dict[str, Any]:
    built = build_instance(*instance)
    return {
        name: getattr(built, name).tolist()
        for name in ("ptr", "hospital", "resident_rank", "hospital_rank", "capacity")
    }


COPIED = {
    "all": lambda i: True,
    "none": lambda i: False,
    "even": lambda i: i % 2 == 0,
    "odd": lambda i: i % 2 == 1,
}


@settings(max_examples=100, deadline=None)
@given(instances(), st.sampled_from(sorted(COPIED)))
def test_ids_that_are_equal_but_other_objects_give_the_same_instance(instance: Instance, copied: str) -> None:
    # Entries that are the key objects are found by address, the others by value: any mix gives the same result.
    other = with_copies(instance, COPIED[copied])
    assert instance_arrays(other) == instance_arrays(instance)
    assert resident_optimal(*other) == resident_optimal(*instance)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_the_hash_table_and_argsort_paths_give_the_same_instance(instance: Instance) -> None:
    expected = instance_arrays(instance), resident_optimal(*instance)
    with pytest.MonkeyPatch.context() as patch:
        # Every address range is too wide for a direct table, and nothing fits a packed sort.
        patch.setattr(instance_module, "TABLE_SLOTS_PER_KEY", 0)
        patch.setattr(instance_module, "_MIN_TABLE_SLOTS", 0)
        patch.setattr(instance_module, "PACKED_BITS", 0)
        patch.setattr(stable_module, "PACKED_BITS", 0)
        assert (instance_arrays(instance), resident_optimal(*instance)) == expected
        assert resident_optimal(*with_copies(instance, lambda i: i % 3 == 0)) == expected[1]


def test_key_objects_are_found_by_address_and_only_the_others_by_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real_by_value = instance_module._by_value

    def counting_by_value(keys: list, items: Any, count: int, explain: Any) -> Any:
        calls.append(count)
        return real_by_value(keys, items, count, explain)

    monkeypatch.setattr(instance_module, "_by_value", counting_by_value)
    residents = [f"r{i}" for i in range(50)]
    hospitals = [f"h{i}" for i in range(7)]
    resident_prefs = {r: hospitals[i % 7 :] for i, r in enumerate(residents)}
    hospital_prefs = dict.fromkeys(hospitals, residents[::-1])
    capacities = dict.fromkeys(hospitals, 3)
    matching = resident_optimal(resident_prefs, hospital_prefs, capacities)
    assert calls == []
    # A few copies: found by value, one call per side for just those.
    copied = with_copies((resident_prefs, hospital_prefs, capacities), lambda i: i % 5 == 0)
    assert resident_optimal(*copied) == matching
    copies = [
        sum(all(x is not key for key in keys) for v in prefs.values() for x in v)
        for prefs, keys in ((copied[0], hospitals), (copied[1], residents))
    ]
    assert min(copies) > 0
    assert calls == copies
    # Mostly copies: everything by value.
    calls.clear()
    assert resident_optimal(*with_copies(copied, lambda i: i % 5 != 0)) == matching
    assert calls == [sum(map(len, resident_prefs.values())), sum(map(len, hospital_prefs.values()))]


@pytest.mark.parametrize("hashes", ["distinct", "colliding"])
def test_ids_by_value_through_hashes_or_the_dict(hashes: str, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real_lookup = instance_module._lookup

    def recording_lookup(index: dict, flat: list) -> Any:
        used.append("dict")
        return real_lookup(index, flat)

    monkeypatch.setattr(instance_module, "_lookup", recording_lookup)
    if hashes == "colliding":
        # Two keys with one hash: the hashes cannot tell them apart, so the dict decides.
        monkeypatch.setattr(
            instance_module, "_string_hashes", lambda items, count: np.fromiter(map(len, items), np.int64, count)
        )
    instance = (
        {"ra": ["ha", "hb"], "rb": ["hb"], "rc": ["ha"]},
        {"ha": ["rc", "ra"], "hb": ["ra", "rb"]},
        {"ha": 1, "hb": 1},
    )
    copied = with_copies(instance, lambda i: True)
    assert resident_optimal(*copied) == {"ra": "hb", "rb": None, "rc": "ha"}
    assert used == ([] if hashes == "distinct" else ["dict", "dict"])
    with pytest.raises(InstanceError, match="hospital 'hb' lists unknown resident 'rd'"):
        resident_optimal(copied[0], {**copied[1], "hb": [copy_of("rd")]}, copied[2])
    with pytest.raises(InstanceError, match=r"resident 'ra' lists \['x'\], which is not a valid hospital id"):
        resident_optimal({**copied[0], "ra": [copy_of("ha"), ["x"]]}, *copied[1:])


def test_an_unknown_id_with_the_hash_of_a_key_is_not_taken_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hashes by length: the keys "ha" and "hbb" differ, but the unknown "hz" has the hash of "ha".
    monkeypatch.setattr(
        instance_module, "_string_hashes", lambda items, count: np.fromiter(map(len, items), np.int64, count)
    )
    instance = ({"ra": ["ha", "hbb"]}, {"ha": ["ra"], "hbb": ["ra"]}, {"ha": 1, "hbb": 1})
    copied = with_copies(instance, lambda i: True)
    assert resident_optimal(*copied) == {"ra": "ha"}
    with pytest.raises(InstanceError, match="resident 'ra' lists unknown hospital 'hz'"):
        resident_optimal({"ra": [copy_of("hz"), copy_of("hbb")]}, *copied[1:])


def test_ids_that_are_not_strings_are_found_by_value_through_the_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[int] = []
    real_lookup = instance_module._lookup

    def recording_lookup(index: dict, flat: list) -> Any:
        used.append(len(flat))
        return real_lookup(index, flat)

    monkeypatch.setattr(instance_module, "_lookup", recording_lookup)
    big = 10**6
    resident_prefs = {big + i: [int(str(big + 100 + j)) for j in range(3)] for i in range(4)}
    hospital_prefs = {big + 100 + j: [int(str(big + i)) for i in range(4)] for j in range(3)}
    matching = resident_optimal(resident_prefs, hospital_prefs, dict.fromkeys(hospital_prefs, 1))
    assert matching == {big: big + 100, big + 1: big + 101, big + 2: big + 102, big + 3: None}
    assert used == [12, 12]


def test_ids_of_mixed_types_and_equal_ids_of_other_types() -> None:
    big = 10**6  # ints this large are not cached: int(str(big)) is another object
    resident_prefs: dict[Any, list[Any]] = {big: ["h", (1, 2)], "r": [(1, 2), "h"], 3: [int("7")]}
    hospital_prefs: dict[Any, list[Any]] = {"h": [int(str(big)), "r"], (1, 2): ["r", big], 7: [3.0]}
    assert int(str(big)) is not big
    assert resident_optimal(resident_prefs, hospital_prefs, {"h": 1, (1, 2): 1, 7: 1}) == {
        big: "h",
        "r": (1, 2),
        3: 7,
    }
    # A list entry that only equals a key (True == 1, 1.0 == 1) names that key, as in a dict.
    assert resident_optimal({1: [10.0]}, {10: [True]}, {10: 1}) == {1: 10}


@pytest.mark.parametrize(
    ("resident_prefs", "hospital_prefs", "message"),
    [
        ({"r0": ["h0", copy_of("h0")]}, {"h0": ["r0"]}, "resident 'r0' lists hospital 'h0' twice"),
        ({"r0": [copy_of("h0"), "h0"]}, {"h0": ["r0"]}, "resident 'r0' lists hospital 'h0' twice"),
        ({"r0": ["h0"]}, {"h0": [copy_of("r0"), copy_of("r0")]}, "hospital 'h0' lists resident 'r0' twice"),
        ({"r0": ["h0"]}, {"h0": ["r0", copy_of("r1")]}, "hospital 'h0' lists unknown resident 'r1'"),
        ({"r0": ["h0", copy_of("h1")]}, {"h0": ["r0"]}, "resident 'r0' lists unknown hospital 'h1'"),
        # bytes hash like the equal ASCII string, but are not that id
        ({"r0": [b"h0"]}, {"h0": ["r0"]}, "resident 'r0' lists unknown hospital b'h0'"),
        ({"r0": ["h0"]}, {"h0": ["r0", b"r0"]}, "hospital 'h0' lists unknown resident b'r0'"),
        ({"r0": ["h0"]}, {"h0": [copy_of("r0"), b"r0"]}, "hospital 'h0' lists unknown resident b'r0'"),
    ],
)
def test_errors_name_ids_that_are_other_objects(resident_prefs, hospital_prefs, message) -> None:
    with pytest.raises(InstanceError, match=message):
        resident_optimal(resident_prefs, hospital_prefs, {"h0": 1})


def expected_positions(keys: list[int], queries: list[int]) -> list[int]:
    where = {k: i for i, k in enumerate(keys)}
    return [where.get(q, -1) for q in queries]


@pytest.mark.parametrize("path", ["table", "hash"])
@pytest.mark.parametrize("step", [16, 8, 48, 1])
def test_addresses_are_found_exactly(path: str, step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    if path == "hash":
        monkeypatch.setattr(instance_module, "TABLE_SLOTS_PER_KEY", 0)
        monkeypatch.setattr(instance_module, "_MIN_TABLE_SLOTS", 0)
    rng = random.Random(step)
    base = 0x7F00_0000_0000
    keys = rng.sample(range(base, base + 400 * step, step), 150)
    lowest, highest = min(keys), max(keys)
    queries = [
        *keys,
        *(k + d for k in keys[:40] for d in (1, 4, 8, -8, step)),  # misaligned, or a neighbouring slot
        lowest - step,
        lowest - 1,
        highest + step,
        highest + 1,
        0,
        2**62,
        *rng.choices(range(base - 1000, base + 401 * step), k=300),
    ]
    table = instance_module._AddressTable(np.array(keys, dtype=np.int64))
    assert (table.hashed is not None) == (path == "hash")
    assert table.find(np.array(queries, dtype=np.int64)).tolist() == expected_positions(keys, queries)
    one = instance_module._AddressTable(np.array([base], dtype=np.int64))
    assert one.find(np.array([base, base + 16, base - 16])).tolist() == [0, -1, -1]
    none = instance_module._AddressTable(np.zeros(0, dtype=np.int64))
    assert none.find(np.array([base, 0])).tolist() == [-1, -1]


def test_addresses_of_an_object_array_are_its_objects() -> None:
    objects = ["a string", 10**6, ("a", "tuple"), None]
    array = np.array([*objects, objects[0]], dtype=object)
    addresses = instance_module._addresses(array)
    del array  # the addresses keep the array, and so the objects, alive
    assert addresses.tolist() == [id(x) for x in objects] + [id(objects[0])]


def test_capacities_are_read_without_changing_them() -> None:
    from collections import defaultdict

    capacities: defaultdict[str, int] = defaultdict(int, {"h1": 1})
    with pytest.raises(InstanceError, match="hospital 'h2' has no capacity"):
        resident_optimal({"r": ["h1"]}, {"h1": ["r"], "h2": ["r"]}, capacities)
    assert capacities == {"h1": 1}
    capacities["x"] = 1
    with pytest.raises(InstanceError, match="capacity given for unknown hospital 'x'"):
        resident_optimal({"r": ["h1"]}, {"h1": ["r"], "h2": ["r"]}, capacities)
    assert capacities == {"h1": 1, "x": 1}


def test_engine_does_not_import_django() -> None:
    code = (
        "import sys; import werkplaats.matching.stable, werkplaats.matching.optimal, werkplaats.matching.instance;"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    root = Path(__file__).resolve().parents[3]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0  # noqa: S603
