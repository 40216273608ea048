"""How fast are the suggestions for one learner at national scale (PostgreSQL)?

    .venv/bin/python benchmarks/matching_suggestions.py                 # 250,000 employers, 100 learners
    .venv/bin/python benchmarks/matching_suggestions.py --employers 20000 --learners 40 --runs 3
    .venv/bin/python benchmarks/matching_suggestions.py --database-url postgres://postgres@db:5432/bench_suggest

It builds a national-size dataset in its own PostgreSQL database (created when missing): the 35 labour-market
regions and the real municipalities (coordinates around the region's main city: the reference data has none),
``--employers`` employers spread over them (most with coordinates, some with only a municipality, a few with
neither, some inactive), each recognised for 1-3 qualifications of the real catalogue with a skew (the most
popular qualifications have thousands of recognised employers, the rarest a few dozen; some recognitions
ended, start later, or were withdrawn), learning places for ``--place-share`` of the recognitions (plus a few
without a recognition), placed, completed and stopped trajectories at them, accepted and proposed requests,
and ``--learners`` learners looking for a place, half for the ten most popular qualifications. Everything is
drawn from ``--seed``. Building takes minutes, so a table in that database records the parameters of the
dataset: a later run with the same parameters reuses it, other parameters rebuild it. The dataset is copied
in without the ORM, so the stored counts of the learning places (``PlaceCounts``) are then recounted with
``rebuild_counts`` (as ``manage.py refresh_matching_counts`` does); the same table records that they were, and
a dataset built before the counts existed is recounted once.

It then calls ``suggest_places`` for every searching learner (one warm-up pass, then ``--runs`` passes) and
prints the median, 95th percentile and maximum in milliseconds, the queries per call, and the number of
candidate and suitable places for the most popular qualification. Without a reachable PostgreSQL server it
says why and exits with status 0 (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import random
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from harness import ROOT, median_and_p95, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/werkplaats_bench_suggest"
DATASET_VERSION = 1  # raise when the way the data is generated changes
MARKER_TABLE = "benchmark_suggestions_dataset"
START = datetime.date(2026, 9, 1)  # the planned start of every searching learner
MEASURED = "Gemeten"  # the first name of the learners whose suggestions are measured
POPULAR = 10  # "popular" qualifications: the ten with the most recognised employers

# Approximate main city of each labour-market region (CBS code): municipalities are placed around it.
REGION_CENTRES: dict[str, tuple[float, float]] = {
    "AM01": (53.22, 6.57),
    "AM02": (53.20, 5.80),
    "AM03": (52.99, 6.56),
    "AM05": (52.27, 6.80),
    "AM06": (52.21, 5.97),
    "AM07": (51.98, 5.91),
    "AM08": (51.84, 5.86),
    "AM09": (51.97, 6.29),
    "AM10": (51.89, 5.43),
    "AM11": (52.45, 5.45),
    "AM12": (52.22, 5.17),
    "AM13": (52.09, 5.12),
    "AM14": (52.16, 5.39),
    "AM15": (52.70, 4.80),
    "AM17": (52.44, 4.83),
    "AM18": (52.37, 4.90),
    "AM19": (52.16, 4.49),
    "AM20": (52.01, 4.71),
    "AM21": (52.08, 4.30),
    "AM22": (51.92, 4.48),
    "AM23": (51.81, 4.67),
    "AM24": (51.50, 3.89),
    "AM25": (51.59, 4.78),
    "AM26": (51.56, 5.09),
    "AM27": (51.69, 5.30),
    "AM28": (51.44, 5.48),
    "AM29": (51.37, 6.17),
    "AM30": (50.88, 5.85),
    "AM32": (51.48, 5.66),
    "AM33": (51.19, 5.99),
    "AM34": (52.06, 4.49),
    "AM35": (51.83, 4.97),
    "AM36": (52.51, 6.09),
    "AM37": (52.38, 4.64),
    "AM38": (52.04, 5.67),
}


# --- The database -----------------------------------------------------------------------------


def _connect(url: str, dbname: str | None = None) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        dbname=dbname or parts.path.lstrip("/"),
        connect_timeout=5,
        autocommit=True,
    )


def prepare_database(url: str, parameters: str) -> tuple[bool, str]:
    """Create the benchmark database when missing, or again when it holds another dataset.
    Returns whether the dataset is there already, or (False, why) when PostgreSQL is not reachable."""
    try:
        import psycopg
    except ImportError:
        return False, "psycopg is not installed"
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return False, f"{url} is not a PostgreSQL address"
    name = parts.path.lstrip("/")
    try:
        with _connect(url, "postgres") as server:
            exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
            if exists:
                with _connect(url) as database:
                    row = database.execute(
                        "SELECT to_regclass(%s) IS NOT NULL AND EXISTS (SELECT 1 FROM pg_class WHERE relname = %s)",
                        [MARKER_TABLE, MARKER_TABLE],
                    ).fetchone()
                    stored = None
                    if row and row[0]:
                        found = database.execute(f"SELECT parameters FROM {MARKER_TABLE}").fetchone()  # noqa: S608
                        stored = found[0] if found else None
                if stored == parameters:
                    return True, ""
                print(f"Database {name} holds {'another dataset' if stored else 'no complete dataset'}: rebuilding it")
                server.execute(psycopg.sql.SQL("DROP DATABASE {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))
            server.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        return False, f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc})".strip()
    return False, ""


def copy_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` (values of ``fields``, the primary key among them) into ``model``'s table. The other
    columns get their defaults, as the ORM would give them."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    given = [model._meta.get_field(name) for name in fields]
    rest = [f for f in model._meta.concrete_fields if f not in given]
    fixed: list[Any] = []
    for f in rest:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed.append(now)
        else:
            fixed.append(f.get_default())
    columns = ", ".join(f'"{f.column}"' for f in [*given, *rest])
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([*row, *fixed])
                count += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{model._meta.db_table}\"', 'id'), "  # noqa: S608
            f'(SELECT COALESCE(MAX(id), 1) FROM "{model._meta.db_table}"))'
        )
    return count


def next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- The dataset ------------------------------------------------------------------------------


def populate(args: argparse.Namespace) -> None:
    from django.db import connection, transaction

    from werkplaats.demo.services import catalogue_files
    from werkplaats.matching.models import LearnerPreference, LearningPlace, PlacementRequest, RequestStatus
    from werkplaats.organisations.models import Municipality, Organisation, OrganisationKind, Region
    from werkplaats.organisations.services import import_regions
    from werkplaats.qualifications.models import Qualification
    from werkplaats.qualifications.services import import_catalogue
    from werkplaats.recognitions.models import Recognition, RecognitionSource
    from werkplaats.trajectories.models import (
        IntendedOutcome,
        Learner,
        Route,
        Status,
        TargetGroup,
        Trajectory,
    )

    rng = random.Random(args.seed)  # noqa: S311 - test data, not secrets
    started = time.perf_counter()

    def step(what: str) -> None:
        print(f"  {what} ({time.perf_counter() - started:.0f} s)", flush=True)

    with transaction.atomic():
        import_regions()
        import_catalogue(catalogue_files())
        regions = {r.code: r for r in Region.objects.all()}
        municipalities = list(Municipality.objects.select_related("region").order_by("name"))
        for m in municipalities:
            lat, lon = REGION_CENTRES.get(m.region.code, (52.2, 5.3))
            m.latitude = Decimal(f"{lat + rng.gauss(0, 0.12):.5f}")
            m.longitude = Decimal(f"{lon + rng.gauss(0, 0.18):.5f}")
        Municipality.objects.bulk_update(municipalities, ["latitude", "longitude"])
        # Big and small municipalities: some have many more employers than others.
        weights = list(itertools.accumulate(rng.lognormvariate(0, 1) for _ in municipalities))
        crebos = sorted(set(Qualification.objects.values_list("crebo", flat=True)))
        rng.shuffle(crebos)  # popularity does not follow the crebo numbers
        qualification_of = dict(Qualification.objects.order_by("crebo", "-id").values_list("crebo", "id"))
        popularity = list(itertools.accumulate(1 / (rank + 5) ** 1.05 for rank in range(1, len(crebos) + 1)))
        step(f"{len(regions)} regions, {len(municipalities)} municipalities, {len(crebos)} qualifications")

        # One municipality organisation per region registers the learners.
        offices = {}
        for code, region in regions.items():
            lat, lon = REGION_CENTRES.get(code, (52.2, 5.3))
            offices[code] = Organisation.objects.create(
                name=f"Werkgeversservicepunt {region.name}",
                slug=f"wsp-{code.lower()}",
                kind=OrganisationKind.MUNICIPALITY,
                region=region,
                latitude=Decimal(f"{lat:.5f}"),
                longitude=Decimal(f"{lon:.5f}"),
            )
        office_list = list(offices.values())

        # Employers.
        first = next_id(Organisation)
        employers: list[tuple[int, int | None, bool]] = []  # id, region id, active

        def employer_rows() -> Iterable[tuple[Any, ...]]:
            for n in range(args.employers):
                pk = first + n
                municipality = rng.choices(municipalities, cum_weights=weights)[0]
                kind = rng.random()
                lat = lon = None
                if kind < 0.80:  # own coordinates
                    assert municipality.latitude is not None and municipality.longitude is not None
                    lat = Decimal(f"{float(municipality.latitude) + rng.gauss(0, 0.03):.5f}")
                    lon = Decimal(f"{float(municipality.longitude) + rng.gauss(0, 0.045):.5f}")
                has_municipality = kind < 0.96  # the rest: neither coordinates nor municipality
                active = rng.random() >= 0.02
                employers.append((pk, municipality.region_id, active))
                yield (
                    pk,
                    f"Leerbedrijf {rng.randrange(10**6):06d} {municipality.name}",
                    f"bench-employer-{n}",
                    OrganisationKind.EMPLOYER,
                    f"{10_000_000 + n}",
                    municipality.name,
                    municipality.pk if has_municipality else None,
                    municipality.region_id,
                    lat,
                    lon,
                    active,
                )

        copy_rows(
            Organisation,
            [
                "id",
                "name",
                "slug",
                "kind",
                "kvk_number",
                "city",
                "municipality",
                "region",
                "latitude",
                "longitude",
                "is_active",
            ],
            employer_rows(),
        )
        step(f"{len(employers)} employers")

        # Recognitions: 1-3 qualifications each, popular ones far more often.
        recognised: list[tuple[int, str, bool]] = []  # employer, crebo, valid on START

        first = next_id(Recognition)  # not inside the generator: the connection is busy copying then

        def recognition_rows() -> Iterable[tuple[Any, ...]]:
            pk = first
            for employer, _region, _active in employers:
                chosen: set[str] = set()
                for _ in range(rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]):
                    chosen.add(rng.choices(crebos, cum_weights=popularity)[0])
                for crebo in sorted(chosen):
                    start = datetime.date(2012 + rng.randrange(14), 1 + rng.randrange(12), 1)
                    end = withdrawn = None
                    state = rng.random()
                    if state < 0.07:  # ended before the start date
                        start = datetime.date(2012 + rng.randrange(8), 1 + rng.randrange(12), 1)
                        end = start + datetime.timedelta(days=365 * (1 + rng.randrange(5)))
                    elif state < 0.10:  # starts after it
                        start = datetime.date(2027, 1 + rng.randrange(12), 1)
                    elif state < 0.13:  # valid until a date after it
                        end = datetime.date(2027 + rng.randrange(4), 12, 31)
                    elif state < 0.15:
                        withdrawn = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
                    valid = withdrawn is None and start <= START and (end is None or end >= START)
                    recognised.append((employer, crebo, valid))
                    yield (pk, employer, crebo, start, end, RecognitionSource.SBB, rng.randrange(1, 5), withdrawn)
                    pk += 1

        count = copy_rows(
            Recognition,
            ["id", "employer", "crebo", "start_date", "end_date", "source", "places_offered", "withdrawn_at"],
            recognition_rows(),
        )
        step(f"{count} recognitions")

        # Learning places for a share of the recognitions, and a few for qualifications without one.
        groups = [g.value for g in TargetGroup]
        places: list[tuple[int, int, str, int]] = []  # id, employer, crebo, capacity
        seen: set[tuple[int, str]] = set()

        first = next_id(LearningPlace)

        def place_rows() -> Iterable[tuple[Any, ...]]:
            pk = first
            offers = [(e, c) for e, c, _valid in recognised if rng.random() < args.place_share]
            offers += [
                (rng.choice(employers)[0], rng.choices(crebos, cum_weights=popularity)[0])
                for _ in range(len(offers) // 50)
            ]
            for employer, crebo in offers:
                if (employer, crebo) in seen:
                    continue
                seen.add((employer, crebo))
                period = rng.random()
                period_start = datetime.date(2020 + rng.randrange(6), 1 + rng.randrange(12), 1)
                period_end = None
                if period < 0.04:
                    period_start = datetime.date(2027, 1 + rng.randrange(12), 1)
                elif period < 0.08:
                    period_end = datetime.date(2026, 1 + rng.randrange(6), 28)
                    period_start = min(period_start, period_end)
                elif period < 0.25:
                    period_end = datetime.date(2027 + rng.randrange(3), 6, 30)
                capacity = rng.choices((1, 2, 3, 4, 6), (0.35, 0.3, 0.15, 0.15, 0.05))[0]
                places.append((pk, employer, crebo, capacity))
                yield (
                    pk,
                    employer,
                    crebo,
                    capacity,
                    period_start,
                    period_end,
                    rng.choice((None, 16, 20, 24, 28, 32, 36, 38, 40)),
                    json.dumps(rng.sample(groups, rng.choices((0, 1, 2, 3), (0.4, 0.3, 0.2, 0.1))[0])),
                    rng.random() < 0.85,
                )
                pk += 1

        count = copy_rows(
            LearningPlace,
            [
                "id",
                "employer",
                "crebo",
                "capacity",
                "period_start",
                "period_end",
                "hours_per_week",
                "target_groups",
                "trainer_available",
            ],
            place_rows(),
        )
        step(f"{count} learning places")

        # Trajectories at the places: some learning there now (a share of the places is full), and
        # completed and stopped ones from earlier years. Each has its own learner.
        learner_rows: list[tuple[Any, ...]] = []
        trajectory_rows: list[tuple[Any, ...]] = []
        learner_pk, trajectory_pk = next_id(Learner), next_id(Trajectory)
        region_of = {pk: region for pk, region, _active in employers}
        office_of_region = {o.region_id: o for o in office_list}
        placed_states = (Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT)

        def trajectory(
            employer: int | None, crebo: str, status: str, region: int | None, first_name: str = "Deelnemer"
        ) -> int:
            nonlocal learner_pk, trajectory_pk
            office = office_of_region.get(region) or rng.choice(office_list)
            learner_rows.append(
                (
                    learner_pk,
                    office.pk,
                    first_name,
                    f"{learner_pk}",
                    datetime.date(1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                    rng.choice(groups),
                )
            )
            start = START if status == Status.SEARCHING else datetime.date(2018 + rng.randrange(8), 9, 1)
            trajectory_rows.append(
                (
                    trajectory_pk,
                    learner_pk,
                    Route.BBL,
                    IntendedOutcome.DIPLOMA,
                    qualification_of[crebo],
                    employer,
                    start,
                    status,
                )
            )
            learner_pk += 1
            trajectory_pk += 1
            return trajectory_pk - 1

        accepted_rows: list[tuple[Any, ...]] = []
        request_pk = next_id(PlacementRequest)
        for pk, employer, crebo, capacity in places:
            home = region_of[employer]
            fill = rng.random()
            placed = capacity if fill < 0.2 else rng.randrange(capacity) if fill < 0.6 else 0
            for _ in range(placed):
                trajectory(employer, crebo, rng.choice(placed_states), home)
            for _ in range(rng.choices((0, 1, 2, 4, 8), (0.4, 0.25, 0.2, 0.1, 0.05))[0]):
                trajectory(employer, crebo, Status.COMPLETED if rng.random() < 0.75 else Status.STOPPED, home)
            if placed < capacity and rng.random() < 0.05:  # an accepted request takes the last free place(s)
                for _ in range(capacity - placed):
                    searching = trajectory(None, crebo, Status.SEARCHING, home)
                    accepted_rows.append((request_pk, searching, employer, pk, RequestStatus.ACCEPTED))
                    request_pk += 1

        # The learners to measure: half for the most popular qualifications, half across the others.
        measured: list[tuple[int, str]] = []
        for n in range(args.learners):
            crebo = crebos[n % POPULAR] if n % 2 == 0 else crebos[POPULAR + rng.randrange(len(crebos) - POPULAR)]
            home = rng.choice(office_list).region_id
            measured.append((trajectory(None, crebo, Status.SEARCHING, home, MEASURED), crebo))
        copy_rows(
            Learner,
            ["id", "organisation", "first_name", "last_name", "date_of_birth", "target_group"],
            learner_rows,
        )
        copy_rows(
            Trajectory,
            [
                "id",
                "learner",
                "route",
                "intended_outcome",
                "qualification",
                "employer",
                "planned_start",
                "status",
            ],
            trajectory_rows,
        )
        step(f"{len(trajectory_rows)} trajectories")

        # Some measured learners have preferences and open requests of their own.
        places_by_crebo: dict[str, list[tuple[int, int]]] = {}
        for pk, employer, crebo, _capacity in places:
            places_by_crebo.setdefault(crebo, []).append((pk, employer))
        request_rows = list(accepted_rows)
        for trajectory_id, crebo in measured:
            for pk, employer in rng.sample(places_by_crebo.get(crebo, []), min(3, len(places_by_crebo.get(crebo, [])))):
                status = RequestStatus.PROPOSED if rng.random() < 0.7 else RequestStatus.ACCEPTED
                request_rows.append((request_pk, trajectory_id, employer, pk, status))
                request_pk += 1
        copy_rows(PlacementRequest, ["id", "trajectory", "employer", "place", "status"], request_rows)
        preferences = []
        learners = dict(Trajectory.objects.filter(pk__in=[t for t, _ in measured]).values_list("pk", "learner_id"))
        for trajectory_id, _crebo in measured:
            if rng.random() < 0.6:
                preferences.append(
                    LearnerPreference(
                        learner_id=learners[trajectory_id],
                        municipality=rng.choice(municipalities) if rng.random() < 0.7 else None,
                        max_distance_km=rng.choice((None, 10, 20, 30, 50)),
                        hours_per_week=rng.choice((None, 16, 24, 32, 36)),
                    )
                )
        LearnerPreference.objects.bulk_create(preferences)
        step(f"{len(request_rows)} placement requests, {len(preferences)} preferences")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a live database
    step("vacuumed and analysed")


def write_marker(parameters: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (parameters text NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (parameters) VALUES (%s)", [parameters])  # noqa: S608


def counts_marked() -> bool:
    """Whether the stored counts of this dataset were recounted after it was built."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {MARKER_TABLE} ADD COLUMN IF NOT EXISTS counted boolean NOT NULL DEFAULT false")
        cursor.execute(f"SELECT counted FROM {MARKER_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    return bool(row and row[0])


def count_places() -> None:
    """Recount the stored counts of every learning place, then mark them as counted."""
    from django.db import connection

    from werkplaats.matching.counts import rebuild_counts

    started = time.perf_counter()
    corrected = rebuild_counts()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MARKER_TABLE} SET counted = true")  # noqa: S608
        cursor.execute("VACUUM ANALYZE matching_placecounts")
    print(
        f"  counts of the learning places: {corrected} rows added or corrected in {time.perf_counter() - started:.0f} s"
    )


# --- The measurement --------------------------------------------------------------------------


def measure(runs: int) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from werkplaats.matching.models import LearningPlace
    from werkplaats.matching.services import suggest_places
    from werkplaats.recognitions.models import Recognition
    from werkplaats.trajectories.models import Status, Trajectory

    measured = list(
        Trajectory.objects.for_page().filter(status=Status.SEARCHING, learner__first_name=MEASURED).order_by("pk")
    )
    crebo_of = {t.pk: t.qualification.crebo if t.qualification else "" for t in measured}
    ranking = list(Recognition.objects.values("crebo").annotate(n=Count("employer", distinct=True)).order_by("-n"))
    popular = {row["crebo"] for row in ranking[:POPULAR]}
    top = ranking[0]
    places = LearningPlace.objects.filter(crebo=top["crebo"]).count()
    queries: set[int] = set()
    candidates: dict[int, int] = {}  # per learner: places offered for the qualification by active employers
    for trajectory in measured:  # warm-up, as a running server has its caches warm
        with CaptureQueriesContext(connection) as captured:
            result = suggest_places(trajectory)
        queries.add(len(captured))
        candidates[trajectory.pk] = (
            len(result.suggestions) + result.more + sum(g.count for g in result.excluded if g.key != "no_place")
        )
    timings: dict[int, list[float]] = {t.pk: [] for t in measured}
    for _run in range(runs):
        for trajectory in measured:
            started = time.perf_counter()
            suggest_places(trajectory)
            timings[trajectory.pk].append((time.perf_counter() - started) * 1000)

    def line(label: str, group: list[Any]) -> str:
        if not group:
            return f"  {label}: none"
        times = [ms for t in group for ms in timings[t.pk]]
        median, p95 = median_and_p95(times)
        sizes = [candidates[t.pk] for t in group]
        return (
            f"  {label}: median {median:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
            f"({len(group)} learners, {min(sizes)}-{max(sizes)} candidate places each)"
        )

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    version = connection.pg_version // 10000  # type: ignore[attr-defined]
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"suggest_places: {len(measured)} learners x {runs} runs, PostgreSQL {version} (jit {jit}), load {load}")
    print(line("all", measured))
    print(line(f"the {POPULAR} most popular qualifications", [t for t in measured if crebo_of[t.pk] in popular]))
    print(line("other qualifications", [t for t in measured if crebo_of[t.pk] not in popular]))
    print(f"  queries per call: {', '.join(map(str, sorted(queries)))}")
    print(
        f"  most popular qualification {top['crebo']}: {top['n']} recognised employers, {places} places offered, "
        f"{max((candidates[t.pk] for t in measured if crebo_of[t.pk] == top['crebo']), default=0)} candidates"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--employers", type=int, default=250_000, help="employers (default 250000)")
    parser.add_argument("--place-share", type=float, default=0.5, help="recognitions with a place (default 0.5)")
    parser.add_argument("--learners", type=int, default=100, help="searching learners measured (default 100)")
    parser.add_argument("--runs", type=int, default=3, help="timed passes over the learners (default 3)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    parameters = json.dumps(
        {
            "version": DATASET_VERSION,
            "employers": args.employers,
            "place_share": args.place_share,
            "learners": args.learners,
            "seed": args.seed,
        },
        sort_keys=True,
    )
    ready, problem = prepare_database(args.database_url, parameters)
    if problem:
        print(f"matching_suggestions: skipped, {problem}")
        return
    os.environ["DATABASE_URL"] = args.database_url
    setup_django(Path(ROOT))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not ready:
        print(f"Building the dataset ({args.employers} employers); this takes minutes, once")
        populate(args)
        write_marker(parameters)
    if not counts_marked():
        print("Counting the learning places (stored counts)")
        count_places()
    measure(args.runs)


if __name__ == "__main__":
    main()
