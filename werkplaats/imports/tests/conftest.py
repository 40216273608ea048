"""The imports' cast: organisation A (Gemeente Haren, region Groningen) with a consultant and a
coordinator, and helpers that write CSV and XLSX files in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from werkplaats.accounts.models import User
from werkplaats.imports import services
from werkplaats.imports.models import DuplicateAction, ImportJob, ImportMode
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of

LEARNER_HEADER = ["Voornaam", "Achternaam", "Geboortedatum", "Doelgroep", "E-mail"]


def csv_bytes(rows: Sequence[Sequence[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=delimiter).writerows(rows)
    return output.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def learner_rows(count: int, *, start: int = 0) -> list[list[Any]]:
    return [
        [f"Voornaam{n}", f"Achternaam{n}", f"{1 + n % 28:02d}-{1 + n % 12:02d}-{1970 + n % 40}", "WW", ""]
        for n in range(start, start + count)
    ]


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return member_of(organisation, Role.COORDINATOR, email="coordinator@haren.example.nl")


Importer = Callable[..., ImportJob]


@pytest.fixture
def do_import(db: None) -> Importer:
    """Upload, map (suggested columns unless given), check and run, all inline."""

    def run(
        organisation: Organisation,
        by: Any,
        kind: str,
        data: bytes,
        *,
        name: str = "bestand.csv",
        mode: str = ImportMode.ALL_OR_NOTHING,
        duplicates: str = DuplicateAction.SKIP,
        mapping: dict[str, int] | None = None,
        check_only: bool = False,
    ) -> ImportJob:
        job = services.start_import(organisation, kind=kind, by=by, file_name=name, data=data)
        job = services.choose_mapping(job, mapping=job.mapping if mapping is None else mapping, by=by, inline=True)
        if check_only:
            return job
        return services.start_run(job, by=by, mode=mode, duplicates=duplicates, inline=True)

    return run
