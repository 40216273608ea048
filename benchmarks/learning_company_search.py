"""How fast is "Find a learning company" with many employers?

    .venv/bin/python benchmarks/learning_company_search.py                 # 20,000 employers, SQLite
    .venv/bin/python benchmarks/learning_company_search.py 2000 20000 --runs 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/werkplaats benchmarks/learning_company_search.py

For each size it builds a fresh database (a temporary SQLite file, or with DATABASE_URL a throw-away
``werkplaats_bench_<pid>`` database next to the given one, dropped afterwards), creates that many employers spread
over the country and the 35 regions (one in ten without coordinates), each recognised for one or two of 20
qualifications, and runs each kind of search as the page does (the search plus loading the first page of 25 rows)
``--runs`` times. It prints the median and 95th percentile in milliseconds and the number of queries per search.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import create_database, drop_database, median_and_p95, setup_django

CREBOS = [f"{25100 + n}" for n in range(20)]
TARGET = CREBOS[0]
GRONINGEN = (53.2194, 6.5665)


def populate(employers: int, seed: int = 2026) -> None:
    """Regions, a catalogue with a shared work process, and ``employers`` recognised employers."""
    import datetime
    from decimal import Decimal

    from django.db import transaction

    from werkplaats.organisations.models import Organisation, OrganisationKind, Region
    from werkplaats.qualifications.models import (
        CorePart,
        CoreTask,
        Qualification,
        QualificationFile,
        Source,
        WorkProcess,
    )
    from werkplaats.recognitions.models import Recognition, RecognitionSource

    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    with transaction.atomic():
        Recognition.objects.all().delete()
        Organisation.objects.all().delete()
        Region.objects.all().delete()
        regions = Region.objects.bulk_create([Region(code=f"AM{n:02d}", name=f"Regio {n:02d}") for n in range(1, 36)])
        if not QualificationFile.objects.filter(dossier_crebo="29999").exists():
            file = QualificationFile.objects.create(
                dossier_crebo="29999", name="Benchmark", version_number=1, source=Source.KD_XML, content_hash="bench"
            )
            for crebo in CREBOS[:4]:
                Qualification.objects.create(file=file, crebo=crebo, name=f"Kwalificatie {crebo}", level=2)
            core_task = CoreTask.objects.create(file=file, part=CorePart.BASIS, code="B1-K1", title="Basis")
            WorkProcess.objects.create(core_task=core_task, code="B1-K1-W1", title="Gedeeld werkproces")
            for crebo in CREBOS[4:]:
                other = QualificationFile.objects.create(
                    dossier_crebo=f"2{crebo[1:]}",
                    name=crebo,
                    version_number=1,
                    source=Source.CREBO_LIST,
                    content_hash=crebo,
                )
                Qualification.objects.create(file=other, crebo=crebo, name=f"Kwalificatie {crebo}", level=2)
        organisations = []
        for n in range(employers):
            located = rng.random() >= 0.1
            organisations.append(
                Organisation(
                    name=f"Leerbedrijf {rng.randrange(10**6):06d}",
                    slug=f"bench-{n}",
                    kind=OrganisationKind.EMPLOYER,
                    kvk_number=f"{10_000_000 + n}",
                    city=f"Plaats {rng.randrange(300)}",
                    region=rng.choice(regions),
                    latitude=Decimal(f"{rng.uniform(50.8, 53.5):.5f}") if located else None,
                    longitude=Decimal(f"{rng.uniform(3.4, 7.2):.5f}") if located else None,
                )
            )
        organisations = Organisation.objects.bulk_create(organisations, batch_size=2000)
        recognitions = []
        for organisation in organisations:
            for crebo in rng.sample(CREBOS, rng.choice((1, 2))):
                start = datetime.date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1)
                ended = rng.random() < 0.15
                recognitions.append(
                    Recognition(
                        employer=organisation,
                        crebo=crebo,
                        start_date=start,
                        end_date=start + datetime.timedelta(days=365) if ended else None,
                        places_offered=rng.randrange(0, 5),
                        source=RecognitionSource.IMPORT,
                    )
                )
        Recognition.objects.bulk_create(recognitions, batch_size=2000)


def scenarios() -> dict[str, dict[str, Any]]:
    from werkplaats.organisations.models import Region
    from werkplaats.recognitions.search import Point, select_qualifications

    region = Region.objects.get(code="AM01")
    shared = select_qualifications("work_process", "B1-K1-W1")
    near = Point(*GRONINGEN, name="Groningen")
    return {
        f"crebo {TARGET}, by name": {"crebos": [TARGET]},
        f"crebo {TARGET}, one region": {"crebos": [TARGET], "region": region},
        f"crebo {TARGET}, within 50 km": {"crebos": [TARGET], "near": near, "radius_km": 50},
        f"crebo {TARGET}, nearest first": {"crebos": [TARGET], "near": near},
        f"crebo {TARGET}, free places only": {"crebos": [TARGET], "free_only": True},
        "work process B1-K1-W1 (4 crebos)": {"crebos": shared.crebos, "qualifications": shared.qualifications},
    }


def measure(runs: int, params: dict[str, Any]) -> tuple[float, float, int, int]:
    """Median and p95 in ms, queries per search, and the number of rows found."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from werkplaats.recognitions.search import search_learning_companies

    params = dict(params)
    crebos = params.pop("crebos")

    def once() -> int:
        result = search_learning_companies(crebos, **params)
        result[:25]
        return len(result)

    once()  # warm the caches, as a running server has them
    with CaptureQueriesContext(connection) as queries:
        found = once()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        timings.append((time.perf_counter() - start) * 1000)
    median, p95 = median_and_p95(timings)
    return median, p95, len(queries), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[20_000], help="numbers of employers (default 20000)")
    parser.add_argument("--runs", type=int, default=50, help="searches per measurement (default 50)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.db import connection

        old_name = create_database()
        try:
            print(f"Find a learning company: {connection.vendor}, {args.runs} runs per line")
            print(f"{'employers':>9}  {'search':<36} {'rows':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
            for size in args.sizes:
                started = time.perf_counter()
                populate(size)
                print(f"{size:>9}  (built in {time.perf_counter() - started:.1f} s)")
                for name, params in scenarios().items():
                    median, p95, queries, found = measure(args.runs, params)
                    print(f"{size:>9}  {name:<36} {found:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}")
        finally:
            drop_database(old_name)


if __name__ == "__main__":
    main()
