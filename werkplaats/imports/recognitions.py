"""Recognitions through the register's own import (``recognitions.services.import_recognitions``),
so that every rule of the register applies unchanged: the mapped columns are written out as the
register's CSV columns and handed over. Checking runs the same import and rolls it back."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Role
from werkplaats.recognitions import importer
from werkplaats.recognitions.models import Recognition
from werkplaats.recognitions.services import ImportRejected, ImportSummary, import_recognitions

from . import cells
from .kinds import Action, Context, Field, Row, RowsFailed, Spec, _chunks
from .models import ImportKind

_LABELS = {
    "kvk": (gettext_lazy("employer's KvK number"), ("kvk", "kvknummer", "kvknr", "werkgever")),
    "crebo": (gettext_lazy("crebo"), ("crebo", "kwalificatie")),
    "start_date": (gettext_lazy("recognised from"), ("startdatum", "begindatum", "erkendvanaf", "ingangsdatum")),
    "end_date": (gettext_lazy("recognised until"), ("einddatum", "erkendtot", "tot")),
    "places_offered": (gettext_lazy("places offered"), ("plaatsen", "aantalplaatsen", "places")),
    "last_verified_on": (gettext_lazy("last verified on"), ("gecontroleerdop", "laatstgecontroleerd", "verified")),
    "sbb_company_id": (gettext_lazy("SBB learning-company ID"), ("sbbid", "leerbedrijfid", "sbbnummer")),
    "sbb_adviser_name": (gettext_lazy("SBB adviser"), ("adviseur", "sbbadviseur", "adviser")),
    "sbb_adviser_email": (gettext_lazy("SBB adviser's e-mail address"), ("adviseuremail", "emailadviseur")),
    "sbb_adviser_phone": (gettext_lazy("SBB adviser's phone number"), ("adviseurtelefoon", "telefoonadviseur")),
}


class _DryRun(Exception):
    def __init__(self, summary: ImportSummary) -> None:
        super().__init__()
        self.summary = summary


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class RecognitionSpec(Spec):
    """Recognitions of employers as learning companies: coordinators (for the employers of
    their regions) and platform administrators."""

    kind = ImportKind.RECOGNITIONS
    fields = tuple(
        Field(
            column,
            _LABELS[column][0],
            cells._wrapped(importer._PARSERS[column]),
            column in importer.REQUIRED_COLUMNS,
            _LABELS[column][1],
        )
        for column in importer.COLUMNS
    )

    def may_import(self, by: Any, organisation: Organisation) -> bool:
        if by is None:
            return True
        access = get_access(by)
        return access.is_platform_admin or access.has_role(organisation, Role.COORDINATOR)

    def check(self, rows: list[Row], context: Context) -> None:
        good = [row for row in rows if row.ok]
        registered: set[tuple[str, str, datetime.date]] = set()
        for chunk in _chunks(row.values["kvk"] for row in good):
            registered.update(
                Recognition.objects.filter(employer__kvk_number__in=chunk).values_list(
                    "employer__kvk_number", "crebo", "start_date"
                )
            )
        for row in good:
            if (row.values["kvk"], row.values["crebo"], row.values["start_date"]) in registered:
                self._registered(row, context)
        try:
            with transaction.atomic():
                self._import(rows, context)
                raise _DryRun(ImportSummary())
        except _DryRun:
            pass
        except RowsFailed:
            pass  # the rows carry their problems

    def _registered(self, row: Row, context: Context) -> None:
        row.duplicate = True
        if context.merge:
            row.action = Action.UPDATE
            row.note = gettext_lazy("updates the registered recognition with the same start date")
        else:
            row.action = Action.SKIP
            row.note = gettext_lazy("a recognition with this start date is registered")

    def _import(self, rows: list[Row], context: Context) -> ImportSummary:
        """Import the rows without errors that are not skipped; the rows the register refuses get
        its problems and ``RowsFailed`` is raised (nothing of this call is written)."""
        chosen = [row for row in rows if row.ok and row.action in (Action.NEW, Action.UPDATE)]
        if not chosen:
            return ImportSummary()
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(importer.COLUMNS)
        for row in chosen:
            writer.writerow([_cell(row.values.get(column)) for column in importer.COLUMNS])
        try:
            return import_recognitions("import.csv", output.getvalue().encode(), by=context.by)
        except ImportRejected as exc:
            failed: dict[int, Row] = {}
            for problem in exc.problems:
                if problem.row is None:
                    for row in chosen:
                        row.fail(problem.message)
                        failed[row.number] = row
                    continue
                row = chosen[problem.row - 2]  # the CSV's row 2 is the first chosen row
                row.fail(problem.message, problem.column)
                row.action = Action.ERROR
                failed[row.number] = row
            raise RowsFailed(list(failed.values())) from exc

    def write(self, rows: list[Row], context: Context) -> dict[str, int]:
        while True:
            try:
                summary = self._import(rows, context)
            except RowsFailed:
                if not context.valid_only:
                    raise
                continue  # without the refused rows: each round has fewer rows, so this ends
            return {
                "created": summary.added,
                "updated": summary.updated,
                "learning_companies": summary.learning_companies,
            }
