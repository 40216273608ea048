"""Find a learning company: the employers recognised for a qualification on a given day, where they are,
and how many places they have free.

Selection. A crebo selects itself; a work-process code (``B1-K1-W2``) selects the crebos of the current
qualifications that contain it. A qualification's work processes are its file's basisdeel plus its own
profiel, so a basisdeel code selects every qualification of that file. The same code exists in many files
(``B1-K1-W1`` is a different work process in each dossier), so it selects the qualifications of all of them.

Validity. A recognition counts when ``Recognition.objects.valid_on(day)`` holds: the same rule the local
register answers ``is_recognised`` with. A live registry client can answer one employer at a time but cannot
be searched by region or distance, so the search always reads the local register.

Distance. Computed in the database with plain arithmetic, so that it runs the same on SQLite (which may lack
trigonometric functions) and PostgreSQL: an equirectangular approximation around the reference point,

    x = Δlongitude · cos(latitude₀) · 111.32 km,   y = Δlatitude · 110.57 km,   d² = x² + y²,

with cos(latitude₀) computed here in Python, once per search. The database filters on d² ≤ radius² and orders
by d²; the square root is taken in Python for display. Across the Netherlands (at most ~300 km) the error
against the great-circle distance stays well under 1%. Employers without coordinates have no distance: a
radius excludes them (and the result says how many), without a radius they are listed last.

Free capacity. Places offered come from the recognition; places taken are the placements running there on
the day, which other apps report through ``register_placement_counter`` (see below). Free places are offered
minus taken, never below zero.

Query count. A search costs a fixed number of queries whatever the number of results: the candidates (one
query for ids and numbers), the location statistics (one aggregate, only with a radius), one call of each
placement counter, and per page (or per 500 rows of an export) one query for names and places.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, overload

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from werkplaats.organisations.models import Municipality, Organisation, Region
from werkplaats.qualifications.models import Qualification, WorkProcess

from .models import Recognition

KM_PER_DEGREE_LATITUDE = 110.57
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.32

CREBO_PATTERN = re.compile(r"\d{5}")
# B1-K1-W2 (qualification files before 2016), B-K1-W1 (basisdeel) and P2-K1-W3 (profiel) in the KD-XML files.
WORK_PROCESS_PATTERN = re.compile(r"[A-Z]{1,2}\d{0,2}-K\d{1,2}-W\d{1,2}")

EXPORT_CHUNK = 500


# --- What the user asks for -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """A crebo or a work-process code, and the qualifications (crebo → name) it stands for.
    ``qualifications`` is empty when the code is well-formed but not in the catalogue."""

    kind: Literal["crebo", "work_process"]
    code: str
    qualifications: Mapping[str, str]

    @property
    def crebos(self) -> tuple[str, ...]:
        return tuple(sorted(self.qualifications))


def parse_code(text: str) -> tuple[Literal["crebo", "work_process"], str] | None:
    """Recognise a crebo (``25173``) or a work-process code (``b1-k1-w2`` → ``B1-K1-W2``); None otherwise."""
    code = re.sub(r"\s+", "", text).upper()
    if CREBO_PATTERN.fullmatch(code):
        return "crebo", code
    if WORK_PROCESS_PATTERN.fullmatch(code):
        return "work_process", code
    return None


def select_qualifications(kind: Literal["crebo", "work_process"], code: str) -> Selection:
    """The qualifications a crebo or work-process code selects, in one query."""
    if kind == "crebo":
        # Any version knows the crebo; its name is taken from the current version when there is one.
        rows = (
            Qualification.objects.filter(crebo=code)
            .order_by("-file__is_current", "-file__version_number")
            .values_list("crebo", "name")[:1]
        )
    else:
        in_basis = WorkProcess.objects.filter(
            code=code, core_task__qualification__isnull=True, core_task__file__is_current=True
        ).values("core_task__file_id")
        in_profile = WorkProcess.objects.filter(
            code=code, core_task__qualification__isnull=False, core_task__file__is_current=True
        ).values("core_task__qualification_id")
        rows = (
            Qualification.objects.current()
            .filter(Q(file_id__in=in_basis) | Q(pk__in=in_profile))
            .order_by("crebo")
            .values_list("crebo", "name")
        )
    qualifications: dict[str, str] = {}
    for crebo, name in rows:
        qualifications.setdefault(crebo, name)
    return Selection(kind=kind, code=code, qualifications=qualifications)


# --- Where from -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A reference point: the centre of a municipality's main place, or an organisation's location."""

    latitude: float
    longitude: float
    name: str = ""

    @classmethod
    def of(cls, place: Organisation | Municipality) -> Point | None:
        if place.latitude is None or place.longitude is None:
            return None
        return cls(float(place.latitude), float(place.longitude), place.name)

    @property
    def km_per_degree_longitude(self) -> float:
        return KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(self.latitude))


def squared_distance(point: Point, latitude: str, longitude: str) -> ExpressionWrapper:
    """d² in km² from ``point`` to the coordinates in the fields ``latitude`` and ``longitude``, as plain
    arithmetic the database evaluates (NULL when either coordinate is missing)."""
    dy = (Cast(F(latitude), FloatField()) - Value(point.latitude)) * Value(KM_PER_DEGREE_LATITUDE)
    dx = (Cast(F(longitude), FloatField()) - Value(point.longitude)) * Value(point.km_per_degree_longitude)
    return ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())


def bounding_box(point: Point, radius_km: float) -> Q:
    """The rectangle around the circle, on the raw coordinates: cheap to test (and indexable), so that the
    arithmetic only runs for rows that can be inside."""
    dlat = Decimal(str(round(radius_km / KM_PER_DEGREE_LATITUDE + 0.00001, 5)))
    dlon = Decimal(str(round(radius_km / point.km_per_degree_longitude + 0.00001, 5)))
    lat, lon = Decimal(str(point.latitude)), Decimal(str(point.longitude))
    return Q(
        employer__latitude__gte=lat - dlat,
        employer__latitude__lte=lat + dlat,
        employer__longitude__gte=lon - dlon,
        employer__longitude__lte=lon + dlon,
    )


# --- Running placements: a hook for the trajectories app -------------------------------------------------

PlacementCounter = Callable[[Collection[int], Collection[str], datetime.date], Mapping[tuple[int, str], int]]
"""``(employer_ids, crebos, day) -> {(employer_id, crebo): running placements}``.

A counter answers for all the given employers at once (one query, grouped by employer and crebo; the ids can
be many thousands, so filter on crebo and day first and on the ids in chunks, or join instead of ``IN``).
Pairs without running placements may be left out. "Running on ``day``" is for the counter to define: for
trajectories, placed or learning at that employer for that crebo on that day."""

_placement_counters: list[PlacementCounter] = []


def register_placement_counter(counter: PlacementCounter) -> PlacementCounter:
    """Make ``counter`` part of "places taken". Usable as a decorator; registering twice counts once.

    The trajectories app registers its counter in ``AppConfig.ready()``. Until something is registered,
    no place is taken and every offered place is free."""
    if counter not in _placement_counters:
        _placement_counters.append(counter)
    return counter


def unregister_placement_counter(counter: PlacementCounter) -> None:
    if counter in _placement_counters:
        _placement_counters.remove(counter)


def running_placements(
    employer_ids: Collection[int], crebos: Collection[str], day: datetime.date
) -> dict[tuple[int, str], int]:
    """Places taken per (employer, crebo) on ``day``: the sum over the registered counters."""
    taken: dict[tuple[int, str], int] = {}
    if not employer_ids or not crebos:
        return taken
    for counter in _placement_counters:
        for key, number in counter(employer_ids, crebos, day).items():
            taken[key] = taken.get(key, 0) + int(number)
    return taken


# --- The search -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningCompany:
    """One row of the result: an employer recognised for one qualification."""

    recognition_id: int
    employer_id: int
    employer_name: str
    employer_slug: str
    place: str
    region: str
    crebo: str
    qualification: str
    places_offered: int
    places_taken: int
    distance_km: float | None

    @property
    def free_places(self) -> int:
        return max(self.places_offered - self.places_taken, 0)


@dataclass(frozen=True)
class _Candidate:
    recognition_id: int
    employer_id: int
    crebo: str
    places_offered: int
    places_taken: int
    distance2: float | None


@dataclass
class SearchResult:
    """The rows in their order, and why companies that are recognised are not among them.

    Behaves as a sequence for ``Paginator``: ``len()`` is the number of rows, a slice loads those rows' names
    and places in one query."""

    candidates: list[_Candidate]
    qualifications: Mapping[str, str]
    day: datetime.date
    point: Point | None = None
    radius_km: float | None = None
    free_only: bool = False
    without_location: int = 0
    """Companies recognised (in the region) without coordinates: excluded by a radius, else listed last."""
    outside_radius: int = 0
    without_free_place: int = 0
    """Companies whose every matching recognition is fully taken (excluded when ``free_only``)."""

    def __len__(self) -> int:
        return len(self.candidates)

    @overload
    def __getitem__(self, index: int) -> LearningCompany: ...
    @overload
    def __getitem__(self, index: slice) -> list[LearningCompany]: ...
    def __getitem__(self, index: int | slice) -> LearningCompany | list[LearningCompany]:
        if isinstance(index, slice):
            return self._load(self.candidates[index])
        return self._load([self.candidates[index]])[0]

    def __iter__(self) -> Iterator[LearningCompany]:
        for start in range(0, len(self.candidates), EXPORT_CHUNK):
            yield from self._load(self.candidates[start : start + EXPORT_CHUNK])

    @property
    def company_count(self) -> int:
        return len({c.employer_id for c in self.candidates})

    def _load(self, candidates: list[_Candidate]) -> list[LearningCompany]:
        if not candidates:
            return []
        details = {
            row["pk"]: row
            for row in Recognition.objects.filter(pk__in=[c.recognition_id for c in candidates])
            .order_by()
            .values(
                "pk",
                "employer__name",
                "employer__slug",
                "employer__city",
                "employer__municipality__name",
                "employer__region__name",
            )
        }
        rows = []
        for c in candidates:
            d = details[c.recognition_id]
            rows.append(
                LearningCompany(
                    recognition_id=c.recognition_id,
                    employer_id=c.employer_id,
                    employer_name=d["employer__name"],
                    employer_slug=d["employer__slug"],
                    place=d["employer__city"] or d["employer__municipality__name"] or "",
                    region=d["employer__region__name"] or "",
                    crebo=c.crebo,
                    qualification=self.qualifications.get(c.crebo, ""),
                    places_offered=c.places_offered,
                    places_taken=c.places_taken,
                    distance_km=None if c.distance2 is None else math.sqrt(max(c.distance2, 0.0)),
                )
            )
        return rows


def recognised_on(
    crebos: Iterable[str], day: datetime.date, region: Region | int | None = None
) -> QuerySet[Recognition]:
    """Recognitions valid on ``day`` for one of ``crebos``, at active employers (in ``region``)."""
    recognitions = Recognition.objects.valid_on(day).filter(crebo__in=list(crebos), employer__is_active=True)
    if region is not None:
        recognitions = recognitions.filter(employer__region=region)
    return recognitions


def search_learning_companies(
    crebos: Iterable[str],
    *,
    day: datetime.date | None = None,
    region: Region | int | None = None,
    near: Point | None = None,
    radius_km: float | None = None,
    free_only: bool = False,
    qualifications: Mapping[str, str] | None = None,
) -> SearchResult:
    """Employers recognised on ``day`` (default today) for one of ``crebos``, one row per employer and crebo.

    With ``near``, rows carry their distance and are ordered by it (employers without coordinates last);
    with ``radius_km`` too, only employers with coordinates within the radius remain. Otherwise the order is
    by employer name. ``qualifications`` (crebo → name, as a ``Selection`` has them) saves a query."""
    if radius_km is not None and near is None:
        raise ValueError("A radius needs a reference point.")
    crebos = sorted(set(crebos))
    day = day or timezone.localdate()
    if qualifications is None:
        qualifications = dict(
            Qualification.objects.filter(crebo__in=crebos)
            .order_by("crebo", "file__is_current", "file__version_number")
            .values_list("crebo", "name")
        )
    base = recognised_on(crebos, day, region)

    result = SearchResult(
        candidates=[], qualifications=qualifications, day=day, point=near, radius_km=radius_km, free_only=free_only
    )
    recognitions = base
    ordering: list[Any] = ["employer__name", "employer_id", "crebo", "-start_date", "pk"]
    if near is not None:
        no_location = Q(employer__latitude__isnull=True) | Q(employer__longitude__isnull=True)
        recognitions = recognitions.annotate(
            distance2=squared_distance(near, "employer__latitude", "employer__longitude")
        )
        ordering.insert(0, F("distance2").asc(nulls_last=True))
        if radius_km is not None:
            stats = base.aggregate(
                companies=Count("employer", distinct=True),
                without_location=Count("employer", distinct=True, filter=no_location),
            )
            recognitions = recognitions.filter(bounding_box(near, radius_km), distance2__lte=radius_km**2)
        else:
            stats = base.aggregate(without_location=Count("employer", distinct=True, filter=no_location))
        result.without_location = stats["without_location"]
    else:
        recognitions = recognitions.annotate(distance2=Value(None, output_field=FloatField()))

    rows = recognitions.order_by(*ordering).values_list("pk", "employer_id", "crebo", "places_offered", "distance2")
    # One row per employer and crebo: two recognitions may overlap (a renewal entered before the old one
    # ended); the one that started last says how many places there are.
    seen: set[tuple[int, str]] = set()
    found: list[tuple[int, int, str, int, float | None]] = []
    for pk, employer_id, crebo, offered, distance2 in rows:
        if (employer_id, crebo) not in seen:
            seen.add((employer_id, crebo))
            found.append((pk, employer_id, crebo, offered, distance2))

    taken = running_placements({row[1] for row in found}, crebos, day)
    with_free_place: set[int] = set()
    full: set[int] = set()
    for pk, employer_id, crebo, offered, distance2 in found:
        candidate = _Candidate(pk, employer_id, crebo, offered, taken.get((employer_id, crebo), 0), distance2)
        if candidate.places_offered > candidate.places_taken:
            with_free_place.add(employer_id)
        else:
            full.add(employer_id)
            if free_only:
                continue
        result.candidates.append(candidate)
    result.without_free_place = len(full - with_free_place)
    if near is not None and radius_km is not None:
        within = len(with_free_place | full)
        result.outside_radius = max(stats["companies"] - stats["without_location"] - within, 0)
    return result
