"""How fast is a bulk import of learners from XLSX?

    .venv/bin/python benchmarks/import_learners.py                      # 100,000 learners, SQLite
    .venv/bin/python benchmarks/import_learners.py --rows 20000
    .venv/bin/python benchmarks/import_learners.py --database-url postgres://postgres@127.0.0.1:5432/werkplaats

It writes a deterministic XLSX of ``--rows`` learners (fixed seed; first name, last name, date of birth, target
group, e-mail, phone, language level, with Dutch column names), builds a fresh database (a temporary SQLite file,
or with ``--database-url`` a throw-away ``werkplaats_bench_<pid>`` database next to the given one, dropped
afterwards) and imports the file the way the upload page and ``manage.py import_learners`` do
(``werkplaats.imports.services``: upload, suggested column mapping, the check for the preview, then the
all-or-nothing import). It prints rows per second and seconds for each phase of the import itself: reading the
sheet, validating every row (types, model rules, duplicates against the database) and writing (bulk inserts),
plus the preview check before it and the whole import end to end.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import create_database, drop_database, setup_django

FIRST_NAMES = ["Noor", "Daan", "Fatima", "Jeroen", "Anouk", "Mehmet", "Sanne", "Yusuf", "Lotte", "Bram", "Zoë", "Iris"]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Özdemir",
    "Hoekstra",
]
TARGET_GROUPS = ["participatiewet", "ww", "statushouder of nieuwkomer", "student", "werkende"]
HEADER = ["Voornaam", "Achternaam", "Geboortedatum", "Doelgroep", "E-mailadres", "Telefoonnummer", "Taalniveau"]


def workbook(rows: int, seed: int = 2026) -> bytes:
    """``rows`` learners, every one unique by name and date of birth (the number is in the last name)."""
    import datetime

    from openpyxl import Workbook

    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Deelnemers")
    sheet.append(HEADER)
    for n in range(rows):
        first = rng.choice(FIRST_NAMES)
        born = datetime.datetime(1960, 1, 1) + datetime.timedelta(days=rng.randrange(16_000))
        sheet.append(
            [
                first,
                f"{rng.choice(LAST_NAMES)} {n}",
                born,
                rng.choice(TARGET_GROUPS),
                f"deelnemer{n}@example.nl" if rng.random() < 0.7 else None,
                f"06-{rng.randrange(10**8):08d}" if rng.random() < 0.5 else None,
                rng.choice(["", "A2", "B1", "B2"]),
            ]
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def timed(timings: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name] += time.perf_counter() - started

    return run


def measure(rows: int) -> None:
    from django.db import connection

    from werkplaats.imports import kinds, reading, services
    from werkplaats.imports.models import DuplicateAction, ImportKind, ImportMode, JobStatus
    from werkplaats.organisations.models import Organisation, OrganisationKind, Region
    from werkplaats.trajectories.models import Learner

    started = time.perf_counter()
    data = workbook(rows)
    print(f"generated {rows:,} learners as XLSX ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    region = Region.objects.create(code="AM01", name="Groningen")
    organisation = Organisation.objects.create(
        name="Gemeente Benchmark", slug="gemeente-benchmark", kind=OrganisationKind.MUNICIPALITY, region=region
    )

    # The phases, measured where the import calls them (the same functions, only timed).
    timings: dict[str, float] = defaultdict(float)
    spec = kinds.spec_for(ImportKind.LEARNERS)
    reading.read_sheet = timed(timings, "reading", reading.read_sheet)
    services._parse = timed(timings, "validating", services._parse)
    spec.check = timed(timings, "validating", spec.check)  # type: ignore[method-assign]
    spec.write = timed(timings, "writing", spec.write)  # type: ignore[method-assign]

    job = services.start_import(organisation, kind=ImportKind.LEARNERS, by=None, file_name="deelnemers.xlsx", data=data)
    started = time.perf_counter()
    job = services.choose_mapping(job, mapping=job.mapping, by=None, inline=True)
    preview = time.perf_counter() - started
    assert job.status == JobStatus.CHECKED and job.preview["counts"]["new"] == rows, job.errors[:5]
    timings.clear()
    started = time.perf_counter()
    job = services.start_run(job, by=None, mode=ImportMode.ALL_OR_NOTHING, duplicates=DuplicateAction.SKIP, inline=True)
    total = time.perf_counter() - started
    assert job.status == JobStatus.DONE, job.errors[:5]
    assert Learner.objects.count() == rows

    print(f"database: {connection.vendor}")
    print(f"preview check (read + validate): {preview:.1f} s ({rows / preview:,.0f} rows/s)")
    for phase in ("reading", "validating", "writing"):
        seconds = timings[phase]
        print(f"{phase}: {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    print(f"import total (all or nothing): {total:.1f} s ({rows / total:,.0f} rows/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--rows", type=int, default=100_000, help="learners in the file (default 100000, at most 100000)"
    )
    parser.add_argument("--database-url", help="PostgreSQL to create a throw-away database next to (default: SQLite)")
    arguments = parser.parse_args()
    if not 1 <= arguments.rows <= 100_000:
        parser.error("--rows is 1 to 100000 (the import's limit per file)")
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        print("import_learners: skipped, openpyxl is not installed (make install)")
        return
    if arguments.database_url:
        os.environ["DATABASE_URL"] = arguments.database_url
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        try:
            old_name = create_database()
        except Exception as exc:  # no server, no rights: say so and leave the rest of `make bench` running
            print(f"import_learners: skipped, cannot create the benchmark database: {exc}".splitlines()[0])
            return
        try:
            measure(arguments.rows)
        finally:
            drop_database(old_name)


if __name__ == "__main__":
    main()
