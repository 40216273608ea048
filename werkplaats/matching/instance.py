"""Checking a hospitals/residents instance and turning it into integer arrays.

A caller passes three mappings keyed by its own ids (usually strings): each resident's ordered list of
hospitals, each hospital's ordered list of residents, and each hospital's capacity. The algorithms work on
integers: residents are numbered in the order of ``resident_prefs``, hospitals in the order of
``hospital_prefs``, and only the acceptable pairs (each lists the other, capacity above zero) are kept.

Turning millions of ids into numbers is most of the work. Callers usually build their lists from the very
objects that key the mappings, so an entry is first looked up by the address of its object (an entry that is
the key object is that key): NumPy reads the addresses an object array holds and finds them in a table of the
keys' addresses. Entries that are other, equal objects are found by value: strings by their hashes in a NumPy
hash table, anything else (and anything unknown, which the error then names) through a dict.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]


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
    if not {*map(type, lists)} <= {list, tuple}:
        for key, value in prefs.items():
            if type(value) not in (list, tuple):
                raise InstanceError(f"the preferences of {kind} {key!r} must be a list, not {type(value).__name__}")
    return lists


def _capacities(capacities: Mapping[Any, Any], hospitals: list[Hashable]) -> IntArray:
    """Exactly one non-negative int for every hospital, capped at 2**62; raises InstanceError."""
    if len(capacities) != len(hospitals) or not all(map(capacities.__contains__, hospitals)):
        hospital_index = dict.fromkeys(hospitals)
        for h in capacities:
            if h not in hospital_index:
                raise InstanceError(f"capacity given for unknown hospital {h!r}")
        for h in hospitals:
            if h not in capacities:
                raise InstanceError(f"hospital {h!r} has no capacity")
    values = [capacities[h] for h in hospitals] if len(hospitals) < 2 else operator.itemgetter(*hospitals)(capacities)
    if not values:
        return np.zeros(0, dtype=np.int64)
    if not {*map(type, values)} <= {int} or min(values) < 0:
        for h, c in zip(hospitals, values, strict=True):
            if type(c) is not int:
                raise InstanceError(f"the capacity of hospital {h!r} must be an int, not {type(c).__name__}")
            if c < 0:
                raise InstanceError(f"the capacity of hospital {h!r} is negative ({c})")
    if max(values) > 2**62:
        values = [min(c, 2**62) for c in values]
    return np.fromiter(values, dtype=np.int64, count=len(values))


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
        return np.fromiter(operator.itemgetter(*flat)(index), dtype=np.int64, count=len(flat))
    except (KeyError, TypeError):
        return None


class _References:
    """The references an object array holds, exposed to NumPy as integers (the addresses of the objects).

    ``np.asarray`` of this object is a view of the object array's own memory, which this object keeps alive."""

    def __init__(self, objects: ObjectArray) -> None:
        self.objects = objects
        self.__array_interface__ = {
            "shape": objects.shape,
            "typestr": np.dtype(np.intp).str,
            "data": (objects.ctypes.data, True),
            "version": 3,
        }


def _addresses(objects: ObjectArray) -> IntArray:
    """The address of every object in a one-dimensional object array (the objects stay alive with the result)."""
    return np.asarray(_References(np.ascontiguousarray(objects))).astype(np.int64, copy=False)


_MIX = np.uint64(0x9E3779B97F4A7C15)


class _HashTable:
    """An open-addressing hash table (linear probing) of distinct int64 keys, built and probed in NumPy rounds."""

    def __init__(self, keys: IntArray) -> None:
        self.keys = keys
        self.bits = max(4, (4 * keys.size - 1).bit_length())
        self.mask = (1 << self.bits) - 1
        self.table = table = np.full(1 << self.bits, -1, dtype=np.int64)
        # Every pending key tries its slot and one key wins each free slot; the others move on.
        slot = self._home(keys)
        pending = np.arange(keys.size, dtype=np.int64)
        while pending.size:
            at = slot[pending]
            free = table[at] < 0
            table[at[free]] = pending[free]
            pending = pending[table[at] != pending]
            slot[pending] = (slot[pending] + 1) & self.mask

    def _home(self, values: IntArray) -> IntArray:
        with np.errstate(over="ignore"):
            return ((values.view(np.uint64) * _MIX) >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, queries: IntArray) -> IntArray:
        """The position of each query among the keys, -1 where it is not a key."""
        # Every query walks from its home slot until it meets its key or an empty slot. An empty slot (-1) compares
        # against the last key, harmlessly: the result is then -1 either way.
        keys, table = self.keys, self.table
        if keys.size == 0:
            return np.full(queries.size, -1, dtype=np.int64)
        slot = self._home(queries)
        holder = table[slot]
        found = np.where(keys[holder] == queries, holder, -1)
        pending = np.flatnonzero((found < 0) & (holder >= 0))
        while pending.size:
            at = (slot[pending] + 1) & self.mask
            slot[pending] = at
            holder = table[at]
            hit = keys[holder] == queries[pending]
            found[pending[hit]] = holder[hit]
            pending = pending[~hit & (holder >= 0)]
        return found


# A direct table over the keys' address range may have this many slots per key (int32: up to 128 bytes per key);
# wider ranges use a hash table.
TABLE_SLOTS_PER_KEY = 32
_MIN_TABLE_SLOTS = 1 << 20


class _AddressTable:
    """Finds objects by address among key objects (distinct addresses)."""

    def __init__(self, keys: IntArray) -> None:
        self.low = int(keys.min()) if keys.size else 0
        offset = keys - self.low
        # Objects are aligned (16 bytes with CPython's allocators): drop the low bits that are zero in every key.
        common = int(np.bitwise_or.reduce(offset)) if keys.size else 0
        self.shift = min(4, (common & -common).bit_length() - 1) if common else 4
        span = (int(offset.max(initial=0)) >> self.shift) + 1
        self.hashed: _HashTable | None = None
        if span > max(_MIN_TABLE_SLOTS, TABLE_SLOTS_PER_KEY * keys.size):
            self.hashed = _HashTable(offset)
            return
        # Key k sits in slot (offset >> shift) + 1; slots 0 and span + 1 stay empty, and queries outside the keys'
        # range are clipped onto them.
        self.table = np.full(span + 2, -1, dtype=np.int32 if keys.size < 2**31 else np.int64)
        self.table[(offset >> self.shift) + 1] = np.arange(keys.size, dtype=self.table.dtype)

    def find(self, addresses: IntArray) -> IntArray:
        """The position of the key object at each address, -1 where there is none."""
        if self.hashed is not None:
            return self.hashed.find(addresses - self.low)
        slot = addresses - (self.low - (1 << self.shift))
        low_bits = (1 << self.shift) - 1
        misaligned = (slot & low_bits) != 0 if int(np.bitwise_or.reduce(slot, initial=0)) & low_bits else None
        slot >>= self.shift
        found = np.take(self.table, slot, mode="clip").astype(np.int64)
        del slot
        if misaligned is not None:
            found[misaligned] = -1
        return found


def _string_hashes(items: Iterable[Any], count: int) -> IntArray:
    """The hash of every item; TypeError unless all are strings (bytes, for one, hash like strings)."""
    return np.fromiter(map(str.__hash__, items), dtype=np.int64, count=count)


def _by_value(
    keys: list[Hashable], items: Callable[[], Iterator[Any]], count: int, explain: Callable[[dict[Hashable, int]], None]
) -> IntArray:
    """The position in ``keys`` of each of the ``count`` items (equal, not necessarily the same objects).

    String items among string keys are found by their hashes, in NumPy, when no two keys' 64-bit hashes are equal;
    each found key is then compared with its item. Otherwise, or when an item is unknown, through a dict; ``explain``
    raises InstanceError for the first bad item."""
    if {*map(type, keys)} <= {str}:
        hashes = _string_hashes(keys, len(keys))
        ordered = np.sort(hashes)
        if not np.any(ordered[1:] == ordered[:-1]):
            try:
                wanted = _string_hashes(items(), count)
            except TypeError:
                wanted = None
            if wanted is not None:
                found = _HashTable(hashes).find(wanted)
                # A hash names its key; one comparison per item rules out a string that only shares a key's hash.
                if found.size == 0 or (
                    found.min() >= 0
                    and np.array_equal(
                        np.fromiter(keys, dtype=object, count=len(keys))[found],
                        np.fromiter(items(), dtype=object, count=count),
                    )
                ):
                    return found
    index = dict(zip(keys, range(len(keys)), strict=True))
    result = _lookup(index, list(items()))
    if result is None:
        explain(index)
        raise AssertionError("unreachable")  # pragma: no cover
    return result


# How many entries of a side are looked at first to tell whether its lists hold the key objects themselves.
_SAMPLE = 256


def _numbers(
    keys: list[Hashable], lists: list[Sequence[Any]], owners: list[Any], kinds: tuple[str, str], total: int
) -> IntArray:
    """The number (position in ``keys``) of every entry of the concatenated ``lists``; raises InstanceError.

    When the lists (judged by a sample) hold the key objects themselves, entries are found by address and only the
    others by value; otherwise all by value."""

    if total == 0:
        return np.zeros(0, dtype=np.int64)

    def explain(index: dict[Hashable, int]) -> None:
        _explain_lookup_error(index, lists, owners, kinds)

    def flat() -> Iterator[Any]:
        return itertools.chain.from_iterable(lists)

    table = _AddressTable(_addresses(np.fromiter(keys, dtype=object, count=len(keys))))
    sample = np.fromiter(itertools.islice(flat(), _SAMPLE), dtype=object)
    if 2 * np.count_nonzero(table.find(_addresses(sample)) >= 0) <= sample.size:
        return _by_value(keys, flat, total, explain)
    entries = np.fromiter(flat(), dtype=object, count=total)
    found = table.find(_addresses(entries))
    missing = np.flatnonzero(found < 0)
    if missing.size:
        others = entries[missing].tolist()
        found[missing] = _by_value(keys, lambda: iter(others), len(others), explain)
    return found


# Pairs are sorted as one int64 holding the pair number and the position in the list when both fit in this many
# bits; otherwise by a stable argsort.
PACKED_BITS = 63


def _sorted_pairs(
    other: IntArray, lengths: IntArray, starts: IntArray, scale: tuple[int, int], bound: int, counting: IntArray
) -> tuple[IntArray, IntArray]:
    """The pair numbers ``owner * scale[0] + other * scale[1]`` of all entries, sorted, and the position of each
    sorted entry in its owner's list. The entries of each owner's list are consecutive (``starts``); pair numbers
    are below ``bound``; ``counting`` is 0, 1, 2, ... (at least one per entry)."""
    bits = max(1, int(lengths.max(initial=0)).bit_length())
    owners = counting[: lengths.size] if lengths.size <= counting.size else np.arange(lengths.size, dtype=np.int64)
    if (bound - 1).bit_length() + bits <= PACKED_BITS:
        # One int64 per entry: the pair number, then the position (entry number - start of its list).
        packed = other * (scale[1] << bits)
        packed += np.repeat(owners * (scale[0] << bits) - starts[:-1], lengths)
        packed += counting[: other.size]
        packed.sort()
        position = packed & ((1 << bits) - 1)
        packed >>= bits
        return packed, position
    pair = other * scale[1]
    pair += np.repeat(owners * scale[0], lengths)
    order = np.argsort(pair, kind="stable")
    return pair[order], order - np.repeat(starts[:-1], lengths)[order]


def _starts(lengths: IntArray) -> IntArray:
    start = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    return start


def build_instance(resident_prefs: Any, hospital_prefs: Any, capacities: Any) -> Instance:
    """Check the three mappings and return the acceptable pairs as arrays; raises InstanceError."""
    resident_prefs = _check_mapping(resident_prefs, "resident_prefs")
    hospital_prefs = _check_mapping(hospital_prefs, "hospital_prefs")
    capacities = _check_mapping(capacities, "capacities")

    residents = list(resident_prefs)
    hospitals = list(hospital_prefs)
    n_res, n_hosp = len(residents), len(hospitals)
    capacity = _capacities(capacities, hospitals)

    # Residents' lists, as hospital numbers.
    r_lists = _check_lists(resident_prefs, "resident")
    r_len = np.fromiter(map(len, r_lists), dtype=np.int64, count=n_res)
    r_start = _starts(r_len)
    r_hosp = _numbers(hospitals, r_lists, residents, ("resident", "hospital"), int(r_start[-1]))
    del r_lists

    # Hospitals' lists, as resident numbers.
    h_lists = _check_lists(hospital_prefs, "hospital")
    h_len = np.fromiter(map(len, h_lists), dtype=np.int64, count=n_hosp)
    h_start = _starts(h_len)
    h_res = _numbers(residents, h_lists, hospitals, ("hospital", "resident"), int(h_start[-1]))
    del h_lists

    # A pair is the number resident * n_hosp + hospital on both sides; each side's pairs are sorted.
    counting = np.arange(max(r_hosp.size, h_res.size), dtype=np.int64)
    r_sorted, r_sorted_pos = _sorted_pairs(r_hosp, r_len, r_start, (n_hosp, 1), n_res * n_hosp, counting)
    dup = np.flatnonzero(r_sorted[1:] == r_sorted[:-1])
    if dup.size:
        k = int(r_sorted[dup[0]])
        raise InstanceError(f"resident {residents[k // n_hosp]!r} lists hospital {hospitals[k % n_hosp]!r} twice")
    h_sorted, h_sorted_pos = _sorted_pairs(h_res, h_len, h_start, (1, n_hosp), n_res * n_hosp, counting)
    del h_res
    dup = np.flatnonzero(h_sorted[1:] == h_sorted[:-1])
    if dup.size:
        k = int(h_sorted[dup[0]])
        raise InstanceError(f"hospital {hospitals[k % n_hosp]!r} lists resident {residents[k // n_hosp]!r} twice")
    r_first = np.repeat(r_start[:-1], r_len)
    r_pos = counting[: r_hosp.size] - r_first
    del counting

    # Join the two sorted lists of pairs; usually every pair is listed on both sides and they are equal. Sorting
    # keeps each resident's entries in the resident's own block (they are grouped by resident already), so a sorted
    # entry came from its block's start plus its position in the list.
    entry = r_sorted_pos
    entry += r_first
    del r_first, r_sorted_pos
    h_rank = np.empty(r_hosp.size, dtype=np.int64)
    if np.array_equal(r_sorted, h_sorted):
        h_rank[entry] = h_sorted_pos
        acceptable = None
    else:
        where = np.searchsorted(h_sorted, r_sorted)
        if h_sorted.size:
            np.minimum(where, h_sorted.size - 1, out=where)
            found = h_sorted[where] == r_sorted
        else:
            found = np.zeros(r_sorted.size, dtype=bool)
        h_rank[entry] = h_sorted_pos[where] if h_sorted.size else 0
        acceptable = np.empty(r_hosp.size, dtype=bool)
        acceptable[entry] = found
        del where, found
    del entry, r_sorted, h_sorted, h_sorted_pos
    if capacity.size and int(capacity.min()) == 0:
        open_hospital = capacity[r_hosp] > 0
        acceptable = open_hospital if acceptable is None else acceptable & open_hospital

    if acceptable is None or bool(acceptable.all()):
        hosp, r_rank, ptr = r_hosp, r_pos, r_start
    else:
        keep = np.flatnonzero(acceptable)
        hosp, r_rank, h_rank = r_hosp[keep], r_pos[keep], h_rank[keep]
        kept_before = np.zeros(acceptable.size + 1, dtype=np.int64)
        np.cumsum(acceptable, out=kept_before[1:])
        ptr = kept_before[r_start]
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
