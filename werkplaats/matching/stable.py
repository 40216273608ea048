"""The learner-optimal stable matching with capacities (hospitals/residents, deferred acceptance).

``resident_optimal`` is the public entry point. The deferred acceptance runs in rounds on NumPy arrays: the order
in which residents propose does not change the resident-optimal result, so in every round all free residents
propose to their next acceptable hospital at once, and every hospital that received proposals keeps the best
``capacity`` of its current holders and its new proposers. Each hospital's places are a block of slots, kept
sorted by the hospital's ranking, so a proposal worse than the last held slot of a full hospital is turned
down without sorting anything.
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from .instance import PACKED_BITS, Instance, InstanceError, IntArray, build_instance

__all__ = ["InstanceError", "deferred_acceptance", "named_matching", "resident_optimal"]


def _ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """The concatenation of ``range(s, s + n)`` for each start and length."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(total, dtype=np.int64)


def deferred_acceptance(instance: Instance) -> IntArray:
    """The hospital number matched to each resident (-1 when unmatched), resident-optimal and stable."""
    n_res = len(instance.residents)
    capacity = instance.capacity
    hospital, rank = instance.hospital, instance.hospital_rank
    nxt = instance.ptr[:-1].copy()
    end = instance.ptr[1:]
    offset = np.zeros(len(capacity) + 1, dtype=np.int64)
    np.cumsum(capacity, out=offset[1:])
    # Hospitals without places have no acceptable pairs left, so `last` is only read for full blocks.
    last = offset[1:] - 1
    empty = np.iinfo(np.int64).max
    slot_rank = np.full(int(offset[-1]), empty, dtype=np.int64)
    slot_res = np.full(int(offset[-1]), -1, dtype=np.int64)
    stride = int(rank.max()) + 2 if rank.size else 1
    key_bits = (len(capacity) * stride).bit_length()

    free = np.flatnonzero(nxt < end)
    while free.size:
        # Everyone free proposes to their next choice; proposals worse than a full hospital's last place
        # are turned down at once and the resident moves on to the next choice in the same round.
        pending = free
        proposers, targets, ranks = [], [], []
        while pending.size:
            entry = nxt[pending]
            nxt[pending] += 1
            h = hospital[entry]
            r = rank[entry]
            better = r < slot_rank[last[h]]
            proposers.append(pending[better])
            targets.append(h[better])
            ranks.append(r[better])
            pending = pending[~better]
            pending = pending[nxt[pending] < end[pending]]
        who = np.concatenate(proposers)
        if not who.size:
            break
        to = np.concatenate(targets)
        their_rank = np.concatenate(ranks)

        # The hospitals that received proposals: their current slots plus the proposals, best first.
        if to.size * 8 > capacity.size:
            received = np.bincount(to, minlength=capacity.size)
            touched = np.flatnonzero(received)
            received = received[touched]
        else:
            touched, received = np.unique(to, return_counts=True)
        slots = _ranges(offset[touched], capacity[touched])
        cand_h = np.concatenate([np.repeat(touched, capacity[touched]), to])
        cand_rank = np.concatenate([slot_rank[slots], their_rank])
        cand_res = np.concatenate([slot_res[slots], who])
        # Sort by hospital, then rank (empty slots last): one int64 sort of the key with the candidate's index in
        # the low bits, or an argsort when that does not fit. Ties are empty slots only, in any order.
        key = cand_h * stride
        key += np.minimum(cand_rank, stride - 1)
        index_bits = max(1, (cand_h.size - 1).bit_length())
        if key_bits + index_bits <= PACKED_BITS:
            key <<= index_bits
            key |= np.arange(cand_h.size, dtype=np.int64)
            key.sort()
            order = key & ((1 << index_bits) - 1)
        else:
            order = np.argsort(key)
        del key
        cand_h, cand_rank, cand_res = cand_h[order], cand_rank[order], cand_res[order]
        group_size = capacity[touched] + received
        group_start = np.cumsum(group_size) - group_size
        place = np.arange(cand_h.size, dtype=np.int64) - np.repeat(group_start, group_size)
        kept = place < capacity[cand_h]
        target = offset[cand_h[kept]] + place[kept]
        slot_rank[target] = cand_rank[kept]
        slot_res[target] = cand_res[kept]
        out = cand_res[~kept]
        out = out[out >= 0]
        free = out[nxt[out] < end[out]]

    match = np.full(n_res, -1, dtype=np.int64)
    slot_hospital = np.repeat(np.arange(len(capacity), dtype=np.int64), capacity)
    held = slot_res >= 0
    holders = slot_res[held]
    match[holders] = slot_hospital[held]
    if np.count_nonzero(match >= 0) != holders.size:  # pragma: no cover - an invariant of the loop above
        raise AssertionError("a resident holds two places")
    return match


def resident_optimal(
    resident_prefs: Mapping[Any, Sequence[Any]],
    hospital_prefs: Mapping[Any, Sequence[Any]],
    capacities: Mapping[Any, int],
) -> dict[Any, Any]:
    """The resident-optimal stable matching: every resident mapped to its hospital or None.

    ``resident_prefs`` maps each resident to its hospitals, best first; ``hospital_prefs`` maps each hospital to
    its residents, best first; ``capacities`` maps each hospital to an int >= 0. A pair is acceptable only when
    each lists the other. Raises InstanceError (a ValueError) for unknown ids, duplicates within a list, a
    missing, negative or non-int capacity, or values of the wrong type.
    """
    instance = build_instance(resident_prefs, hospital_prefs, capacities)
    return named_matching(instance, deferred_acceptance(instance))


def named_matching(instance: Instance, match: IntArray) -> dict[Any, Any]:
    """Every resident of the instance mapped to the hospital of ``match`` (a hospital number, -1 is None)."""
    names: list[Hashable | None] = [*instance.hospitals, None]  # index -1 is "unmatched"
    if len(match) == 0:
        return {}
    if len(match) == 1:
        return {instance.residents[0]: names[int(match[0])]}
    return dict(zip(instance.residents, operator.itemgetter(*match.tolist())(names), strict=True))
