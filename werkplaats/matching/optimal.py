"""The optimal mode: the assignment with the highest total score, and how a matching compares.

``max_score`` maximises the sum of pair scores subject to capacities and acceptability (a min-cost flow,
OR-Tools). It solves independent parts separately: the connected components of the acceptability graph, or the
caller's regions (regions that share a hospital are solved together). ``blocking_pairs`` counts the pairs that
would both rather have each other than their match (0 for a stable matching) and ``total_score`` sums the
scores of a matching, so a page can show how the two modes differ.

The default score of an acceptable pair is the Borda points from both sides: ``len(resident's list) - position
of the hospital`` plus ``len(hospital's list) - position of the resident``, so first choices count most.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .instance import Instance, InstanceError, IntArray, build_instance

__all__ = ["OptimalResult", "blocking_pairs", "max_score", "max_score_by_region", "total_score"]

Prefs = Mapping[Any, Sequence[Any]]


@dataclass(frozen=True)
class OptimalResult:
    matching: dict[Any, Any]
    score: int
    parts: int
    slowest_region_seconds: float


def pair_scores(instance: Instance, scores: Mapping[tuple[Any, Any], int] | None = None) -> IntArray:
    """The score of every acceptable pair of the instance (default: Borda points from both sides)."""
    if scores is None:
        resident = instance.pair_resident
        return (instance.resident_list_length[resident] - instance.resident_rank) + (
            instance.hospital_list_length[instance.hospital] - instance.hospital_rank
        )
    out = np.zeros(instance.hospital.size, dtype=np.int64)
    for i, (r, h) in enumerate(zip(instance.pair_resident.tolist(), instance.hospital.tolist(), strict=True)):
        value = scores.get((instance.residents[r], instance.hospitals[h]), 0)
        if type(value) is not int:
            raise InstanceError(f"the score of {instance.residents[r]!r} at {instance.hospitals[h]!r} must be an int")
        out[i] = value
    return out


def _solve_part(pairs: IntArray, instance: Instance, score: IntArray) -> IntArray:
    """Maximum-score assignment of the given acceptable pairs; returns the chosen pair numbers."""
    from ortools.graph.python import min_cost_flow

    resident = instance.pair_resident[pairs]
    hospital = instance.hospital[pairs]
    res_ids, res_local = np.unique(resident, return_inverse=True)
    hosp_ids, hosp_local = np.unique(hospital, return_inverse=True)
    n_res, n_hosp = res_ids.size, hosp_ids.size
    source, sink = n_res + n_hosp, n_res + n_hosp + 1
    res_node = np.arange(n_res, dtype=np.int64)
    hosp_node = n_res + np.arange(n_hosp, dtype=np.int64)
    tails = np.concatenate([np.full(n_res, source), res_local, hosp_node, res_node])
    heads = np.concatenate([res_node, n_res + hosp_local, np.full(n_hosp, sink), np.full(n_res, sink)])
    caps = np.concatenate(
        [np.ones(n_res, np.int64), np.ones(pairs.size, np.int64), instance.capacity[hosp_ids], np.ones(n_res, np.int64)]
    )
    costs = np.concatenate([np.zeros(n_res, np.int64), -score[pairs], np.zeros(n_hosp + n_res, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n_res + n_hosp + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n_res, -n_res
    flow.set_nodes_supplies(np.arange(supplies.size), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the dummy arcs make every instance feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(arcs[n_res : n_res + pairs.size]) > 0
    return pairs[used]


def _parts(instance: Instance, region_of: IntArray | None) -> list[IntArray]:
    """Pair numbers of each independent part: regions (merged where they share a hospital) or components."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    resident = instance.pair_resident
    n_hosp = len(instance.hospitals)
    if region_of is None:
        n_nodes = len(instance.residents) + n_hosp
        left = resident
    else:
        n_regions = int(region_of.max()) + 1 if region_of.size else 0
        n_nodes = n_regions + n_hosp
        left = region_of[resident]
    graph = coo_matrix(
        (np.ones(resident.size, dtype=np.int8), (left, n_nodes - n_hosp + instance.hospital)), shape=(n_nodes, n_nodes)
    )
    _, label = connected_components(graph, directed=False)
    pair_label = label[instance.hospital + (n_nodes - n_hosp)]
    order = np.argsort(pair_label, kind="stable")
    bounds = np.flatnonzero(np.diff(pair_label[order])) + 1
    return [part for part in np.split(order, bounds) if part.size]


def _solve(instance: Instance, score: IntArray, region_of: IntArray | None) -> OptimalResult:
    chosen = []
    slowest = 0.0
    parts = _parts(instance, region_of)
    for part in parts:
        start = time.perf_counter()
        chosen.append(_solve_part(part, instance, score))
        slowest = max(slowest, time.perf_counter() - start)
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    match = np.full(len(instance.residents), -1, dtype=np.int64)
    match[instance.pair_resident[picked]] = instance.hospital[picked]
    names: list[Hashable | None] = [*instance.hospitals, None]
    matching = {r: names[h] for r, h in zip(instance.residents, match.tolist(), strict=True)}
    return OptimalResult(matching, int(score[picked].sum()), len(parts), slowest)


def max_score(
    resident_prefs: Prefs,
    hospital_prefs: Prefs,
    capacities: Mapping[Any, int],
    scores: Mapping[tuple[Any, Any], int] | None = None,
) -> OptimalResult:
    """The assignment with the highest total score (capacities and acceptability respected).

    ``scores`` maps (resident, hospital) to an int (missing pairs score 0); by default the Borda points from
    both sides. Independent components of the instance are solved separately."""
    instance = build_instance(resident_prefs, hospital_prefs, capacities)
    return _solve(instance, pair_scores(instance, scores), None)


def max_score_by_region(
    resident_prefs: Prefs,
    hospital_prefs: Prefs,
    capacities: Mapping[Any, int],
    region: Mapping[Any, Any],
    scores: Mapping[tuple[Any, Any], int] | None = None,
) -> OptimalResult:
    """As ``max_score``, solved per region: ``region`` maps every resident to a region key. Regions that share
    a hospital are solved together, so the result is the same as one solve of the whole instance."""
    instance = build_instance(resident_prefs, hospital_prefs, capacities)
    if not isinstance(region, Mapping):
        raise InstanceError("region must be a mapping from resident to region")
    keys: dict[Any, int] = {}
    try:
        labels = [keys.setdefault(region[r], len(keys)) for r in instance.residents]
    except KeyError as error:
        raise InstanceError(f"resident {error.args[0]!r} has no region") from None
    except TypeError:
        raise InstanceError("region keys must be hashable") from None
    return _solve(instance, pair_scores(instance, scores), np.array(labels, dtype=np.int64))


def _matched_pairs(instance: Instance, matching: Mapping[Any, Any]) -> IntArray:
    """The hospital number of each resident in ``matching`` (-1 unmatched); checks it fits the instance."""
    if not isinstance(matching, Mapping):
        raise InstanceError("matching must be a mapping from resident to hospital or None")
    res_index = dict(zip(instance.residents, range(len(instance.residents)), strict=True))
    hosp_index = dict(zip(instance.hospitals, range(len(instance.hospitals)), strict=True))
    match = np.full(len(instance.residents), -1, dtype=np.int64)
    for r, h in matching.items():
        if r not in res_index:
            raise InstanceError(f"the matching names unknown resident {r!r}")
        if h is None:
            continue
        if h not in hosp_index:
            raise InstanceError(f"the matching names unknown hospital {h!r}")
        match[res_index[r]] = hosp_index[h]
    resident = instance.pair_resident
    pair_of_match = np.full(len(instance.residents), -1, dtype=np.int64)
    hit = np.flatnonzero(instance.hospital == match[resident])
    pair_of_match[resident[hit]] = hit
    bad = np.flatnonzero((match >= 0) & (pair_of_match < 0))
    if bad.size:
        r = int(bad[0])
        pair = f"{instance.residents[r]!r} with {instance.hospitals[match[r]]!r}"
        raise InstanceError(f"the matching pairs {pair}, which is not acceptable")
    load = np.bincount(match[match >= 0], minlength=len(instance.hospitals))
    over = np.flatnonzero(load > instance.capacity)
    if over.size:
        raise InstanceError(f"the matching gives hospital {instance.hospitals[int(over[0])]!r} more than its capacity")
    return pair_of_match


def blocking_pairs(
    matching: Mapping[Any, Any],
    resident_prefs: Prefs,
    hospital_prefs: Prefs,
    capacities: Mapping[Any, int],
) -> int:
    """How many acceptable pairs (r, h) would both rather have each other: r is unmatched or prefers h to its
    hospital, and h has a free place or prefers r to one of its residents."""
    instance = build_instance(resident_prefs, hospital_prefs, capacities)
    pair_of_match = _matched_pairs(instance, matching)
    resident = instance.pair_resident
    n_hosp = len(instance.hospitals)
    mine = pair_of_match[resident]
    my_rank = np.where(mine >= 0, instance.resident_rank[np.maximum(mine, 0)], np.iinfo(np.int64).max)
    resident_wants = instance.resident_rank < my_rank
    held = pair_of_match[pair_of_match >= 0]
    load = np.bincount(instance.hospital[held], minlength=n_hosp)
    worst = np.full(n_hosp, -1, dtype=np.int64)
    np.maximum.at(worst, instance.hospital[held], instance.hospital_rank[held])
    h = instance.hospital
    hospital_wants = (load[h] < instance.capacity[h]) | (instance.hospital_rank < worst[h])
    return int(np.count_nonzero(resident_wants & hospital_wants))


def total_score(
    matching: Mapping[Any, Any],
    resident_prefs: Prefs,
    hospital_prefs: Prefs,
    capacities: Mapping[Any, int],
    scores: Mapping[tuple[Any, Any], int] | None = None,
) -> int:
    """The sum of the scores of the matched pairs (same scores as ``max_score``)."""
    instance = build_instance(resident_prefs, hospital_prefs, capacities)
    pair_of_match = _matched_pairs(instance, matching)
    return int(pair_scores(instance, scores)[pair_of_match[pair_of_match >= 0]].sum())
