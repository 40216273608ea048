"""Checking a hospitals/residents instance and turning it into integer arrays.

A caller passes three mappings keyed by its own ids (usually strings): each resident's ordered list of
hospitals, each hospital's ordered list of residents, and each hospital's capacity. The algorithms work on
integers: residents are numbered in the order of ``resident_prefs``, hospitals in the order of
``hospital_prefs``, and only the acceptable pairs (each lists the other, capacity above zero) are kept.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


class InstanceError(ValueError):
    """The instance is malformed: the message names the first problem found."""


@dataclass(frozen=True)
class Instance:
    """Acceptable pairs in compressed rows per resident, in the resident's order of preference.

    For resident ``r`` the pairs are ``ptr[r]:ptr[r + 1]``; ``hospital`` is the hospital of each pair,
    ``resident_rank`` its position in the resident's own list and ``hospital_rank`` the resident's position in
    the hospital's list (0 = first choice). ``capacity`` is each hospital's capacity, capped at the number of
    residents it can accept.
    """

    residents: list[Hashable]
    hospitals: list[Hashable]
    ptr: IntArray
    hospital: IntArray
    resident_rank: IntArray
    hospital_rank: IntArray
    capacity: IntArray
    resident_list_length: IntArray
    hospital_list_length: IntArray

    @property
    def pair_resident(self) -> IntArray:
        return np.repeat(np.arange(len(self.residents), dtype=np.int64), np.diff(self.ptr))


def _check_mapping(value: Any, name: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise InstanceError(f"{name} must be a mapping (dict), not {type(value).__name__}")
    return value


def _check_lists(prefs: Mapping[Any, Any], kind: str) -> list[Sequence[Any]]:
    lists = list(prefs.values())
    if not all(type(v) in (list, tuple) for v in lists):
        for key, value in prefs.items():
            if type(value) not in (list, tuple):
                raise InstanceError(f"the preferences of {kind} {key!r} must be a list, not {type(value).__name__}")
    return lists


def _explain_lookup_error(
    index: dict[Hashable, int], lists: list[Sequence[Any]], owners: list[Any], kinds: tuple[str, str]
) -> None:
    """Raise InstanceError for the first entry of ``lists`` that is not a key of ``index``."""
    owner_kind, item_kind = kinds
    for owner, items in zip(owners, lists, strict=True):
        for item in items:
            try:
                index[item]
            except TypeError:
                raise InstanceError(
                    f"{owner_kind} {owner!r} lists {item!r}, which is not a valid {item_kind} id"
                ) from None
            except KeyError:
                raise InstanceError(f"{owner_kind} {owner!r} lists unknown {item_kind} {item!r}") from None


def _lookup(index: dict[Hashable, int], flat: list[Any]) -> IntArray | None:
    """The integer id of every entry of ``flat`` through the dict; None when an entry is unknown or unhashable."""
    if not flat:
        return np.zeros(0, dtype=np.int64)
    try:
        if len(flat) == 1:
            return np.array([index[flat[0]]], dtype=np.int64)
        return np.array(operator.itemgetter(*flat)(index), dtype=np.int64)
    except (KeyError, TypeError):
        return None


_MIX = np.uint64(0x9E3779B97F4A7C15)


class _HashIndex:
    """An open-addressing hash table over the hashes of string ids, in NumPy.

    Looking up millions of ids one by one in a dict costs several cache misses each; here every id is touched
    once (to read its cached hash) and the table is probed in vectorised rounds. String hashes are 64-bit keyed
    SipHash, so when all keys' hashes differ (checked) a hash identifies its key. ``build`` returns None when
    the ids are not all strings or two hashes collide; callers then use the dict."""

    def __init__(self, hashes: IntArray, table: IntArray, shift: np.uint64) -> None:
        self.hashes, self.table, self.shift = hashes, table, shift
        self.mask = table.size - 1

    @classmethod
    def build(cls, keys: list[Hashable]) -> _HashIndex | None:
        if not all(type(k) is str for k in keys):
            return None
        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        bits = max(4, (4 * len(keys)).bit_length())
        table = np.full(1 << bits, -1, dtype=np.int64)
        index = cls(hashes, table, np.uint64(64 - bits))
        pending = np.arange(len(keys), dtype=np.int64)
        slot = index._slots(hashes)
        while pending.size:
            at = slot[pending]
            holder = table[at]
            free = holder < 0
            if np.any(hashes[holder[~free]] == hashes[pending[~free]]):
                return None
            placed = pending[free]
            table[at[free]] = placed
            lost = np.concatenate([pending[~free], placed[table[at[free]] != placed]])
            slot[lost] = (slot[lost] + 1) & index.mask
            pending = lost
        return index

    def _slots(self, hashes: IntArray) -> IntArray:
        with np.errstate(over="ignore"):
            return ((hashes.view(np.uint64) * _MIX) >> self.shift).astype(np.int64)

    def find(self, queries: IntArray) -> IntArray:
        """The key number of each query hash, -1 where no key has that hash."""
        result = np.full(queries.size, -1, dtype=np.int64)
        slot = self._slots(queries)
        pending = np.arange(queries.size, dtype=np.int64)
        while pending.size:
            at = slot[pending]
            holder = self.table[at]
            filled = holder >= 0
            hit = filled & (self.hashes[np.maximum(holder, 0)] == queries[pending])
            result[pending[hit]] = holder[hit]
            pending = pending[filled & ~hit]
            slot[pending] = (slot[pending] + 1) & self.mask
        return result


def _ids(
    keys: list[Hashable], lists: list[Sequence[Any]], owners: list[Any], kinds: tuple[str, str], total: int
) -> IntArray:
    """The number (position in ``keys``) of every entry of the concatenated ``lists``; raises InstanceError."""
    fast = _HashIndex.build(keys)
    if fast is not None:
        try:
            hashes = np.fromiter(map(hash, itertools.chain.from_iterable(lists)), dtype=np.int64, count=total)
        except TypeError:
            hashes = None
        if hashes is not None:
            found = fast.find(hashes)
            if found.size == 0 or found.min() >= 0:
                return found
    index = dict(zip(keys, range(len(keys)), strict=True))
    result = _lookup(index, list(itertools.chain.from_iterable(lists)))
    if result is None:
        _explain_lookup_error(index, lists, owners, kinds)
        raise AssertionError("unreachable")  # pragma: no cover
    return result


def build_instance(resident_prefs: Any, hospital_prefs: Any, capacities: Any) -> Instance:
    """Check the three mappings and return the acceptable pairs as arrays; raises InstanceError."""
    resident_prefs = _check_mapping(resident_prefs, "resident_prefs")
    hospital_prefs = _check_mapping(hospital_prefs, "hospital_prefs")
    capacities = _check_mapping(capacities, "capacities")

    residents = list(resident_prefs)
    hospitals = list(hospital_prefs)
    n_res, n_hosp = len(residents), len(hospitals)
    hospital_index = dict(zip(hospitals, range(n_hosp), strict=True))

    # Capacities: exactly one non-negative int for every hospital.
    if len(capacities) != n_hosp or any(h not in hospital_index for h in capacities):
        for h in capacities:
            if h not in hospital_index:
                raise InstanceError(f"capacity given for unknown hospital {h!r}")
        for h in hospitals:
            if h not in capacities:
                raise InstanceError(f"hospital {h!r} has no capacity")
    cap_values = [capacities[h] for h in hospitals]
    if not all(type(c) is int and c >= 0 for c in cap_values):
        for h, c in zip(hospitals, cap_values, strict=True):
            if type(c) is not int:
                raise InstanceError(f"the capacity of hospital {h!r} must be an int, not {type(c).__name__}")
            if c < 0:
                raise InstanceError(f"the capacity of hospital {h!r} is negative ({c})")
    capacity = np.array([min(c, 2**62) for c in cap_values], dtype=np.int64)

    # Residents' lists, as hospital numbers.
    r_lists = _check_lists(resident_prefs, "resident")
    r_len = np.fromiter(map(len, r_lists), dtype=np.int64, count=n_res)
    r_hosp = _ids(hospitals, r_lists, residents, ("resident", "hospital"), int(r_len.sum()))
    r_owner = np.repeat(np.arange(n_res, dtype=np.int64), r_len)
    r_start = np.zeros(n_res + 1, dtype=np.int64)
    np.cumsum(r_len, out=r_start[1:])
    r_pos = np.arange(len(r_hosp), dtype=np.int64) - np.repeat(r_start[:-1], r_len)

    # Hospitals' lists, as resident numbers.
    h_lists = _check_lists(hospital_prefs, "hospital")
    h_len = np.fromiter(map(len, h_lists), dtype=np.int64, count=n_hosp)
    h_res = _ids(residents, h_lists, hospitals, ("hospital", "resident"), int(h_len.sum()))
    h_owner = np.repeat(np.arange(n_hosp, dtype=np.int64), h_len)
    h_start = np.zeros(n_hosp + 1, dtype=np.int64)
    np.cumsum(h_len, out=h_start[1:])

    # A pair is the number resident * n_hosp + hospital on both sides.
    r_key = r_owner * n_hosp + r_hosp
    h_key = h_res * n_hosp + h_owner
    del h_owner, h_res

    # Duplicates: the residents' keys are sorted by resident already, so one sort groups each list.
    sorted_r = np.sort(r_key)
    dup = np.flatnonzero(sorted_r[1:] == sorted_r[:-1])
    if dup.size:
        k = int(sorted_r[dup[0]])
        raise InstanceError(f"resident {residents[k // n_hosp]!r} lists hospital {hospitals[k % n_hosp]!r} twice")
    del sorted_r

    # The hospitals' pairs sorted, each with the resident's position in the hospital's list. When it fits, the
    # position is packed into the low bits of the key (a plain sort is much faster than an argsort).
    h_pos = np.arange(h_key.size, dtype=np.int64) - np.repeat(h_start[:-1], h_len)
    rank_bits = max(1, int(h_len.max()).bit_length()) if n_hosp else 1
    if n_res * n_hosp < 2 ** (62 - rank_bits):
        packed = np.sort((h_key << rank_bits) | h_pos)
        sorted_h = packed >> rank_bits
        sorted_pos = packed & ((1 << rank_bits) - 1)
        del packed
    else:
        h_order = np.argsort(h_key, kind="stable")
        sorted_h = h_key[h_order]
        sorted_pos = h_pos[h_order]
        del h_order
    del h_key, h_pos
    dup = np.flatnonzero(sorted_h[1:] == sorted_h[:-1])
    if dup.size:
        k = int(sorted_h[dup[0]])
        raise InstanceError(f"hospital {hospitals[k % n_hosp]!r} lists resident {residents[k // n_hosp]!r} twice")

    # Join: for every resident entry, the same pair in the hospital's list (if there).
    if sorted_h.size:
        where = np.searchsorted(sorted_h, r_key)
        np.minimum(where, sorted_h.size - 1, out=where)
        acceptable = sorted_h[where] == r_key
    else:
        where = np.zeros(r_key.size, dtype=np.int64)
        acceptable = np.zeros(r_key.size, dtype=bool)
    acceptable &= capacity[r_hosp] > 0
    del sorted_h, r_key
    keep = np.flatnonzero(acceptable)
    hosp = r_hosp[keep]
    h_rank = sorted_pos[where[keep]]
    r_rank = r_pos[keep]
    counts = np.bincount(r_owner[keep], minlength=n_res)
    ptr = np.zeros(n_res + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    takers = np.bincount(hosp, minlength=n_hosp)
    return Instance(
        residents=residents,
        hospitals=hospitals,
        ptr=ptr,
        hospital=hosp,
        resident_rank=r_rank,
        hospital_rank=h_rank,
        capacity=np.minimum(capacity, takers),
        resident_list_length=r_len,
        hospital_list_length=h_len,
    )
