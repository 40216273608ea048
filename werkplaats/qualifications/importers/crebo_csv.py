"""The crebo list (Regeling vaststelling kwalificatiedossiers, Bijlage 1) as CSV: qualifications
without core tasks or work processes, grouped into their dossiers."""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from . import ParsedFile, ParsedQualification, Problem, looks_like_zip

REQUIRED = {"dossier_crebo", "dossier_naam", "kwalificatie_crebo", "kwalificatie_naam", "niveau"}
CREBO_RE = re.compile(r"^\d{5}$")
# "13. Horeca en bakkerij 79120" → "Horeca en bakkerij"; "(geen opleidingsdomein: Entree)" → "Entree"
DOMAIN_RE = re.compile(r"^\s*(?:\d+\.\s*)?(?P<name>.*?)(?:\s+\d{5})?\s*$")


def clean_domain(value: str) -> str:
    value = value.strip()
    if value.startswith("(") and ":" in value:
        return value.split(":", 1)[1].strip(" )")
    match = DOMAIN_RE.match(value)
    return match.group("name") if match else value


def parse(data: bytes, name: str) -> tuple[list[ParsedFile], list[Problem]]:
    if looks_like_zip(data):
        return [], [Problem(name, "", _("this is a ZIP or Excel (XLSX) file, not a CSV file."))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [
            Problem(
                name,
                _("line %(line)s") % {"line": line},
                _("the file is not UTF-8 text. Save it as 'CSV UTF-8' and import it again."),
            )
        ]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {c.strip() for c in (reader.fieldnames or [])}
    missing = REQUIRED - columns
    if missing:
        return [], [
            Problem(name, _("line 1"), _("missing column(s): %(columns)s.") % {"columns": ", ".join(sorted(missing))})
        ]

    problems: list[Problem] = []
    files: dict[str, ParsedFile] = {}
    crebo_lines: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        where = _("line %(line)s") % {"line": line}
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        dossier_crebo, crebo = values["dossier_crebo"], values["kwalificatie_crebo"]
        row_problems = []
        if not CREBO_RE.match(dossier_crebo):
            row_problems.append(_("dossier crebo %(value)r is not 5 digits.") % {"value": dossier_crebo})
        if not CREBO_RE.match(crebo):
            row_problems.append(_("qualification crebo %(value)r is not 5 digits.") % {"value": crebo})
        level = int(values["niveau"]) if values["niveau"].isdigit() else 0
        if not 1 <= level <= 4:
            row_problems.append(_("level must be 1, 2, 3 or 4, not %(value)r.") % {"value": values["niveau"]})
        if not values["kwalificatie_naam"]:
            row_problems.append(_("the qualification has no name."))
        if crebo in crebo_lines:
            row_problems.append(
                _("crebo %(crebo)s is used twice (also at line %(line)s).")
                % {"crebo": crebo, "line": crebo_lines[crebo]}
            )
        if row_problems:
            problems.extend(Problem(name, where, message) for message in row_problems)
            continue
        crebo_lines[crebo] = line
        domain = clean_domain(values.get("opleidingsdomein", ""))
        parsed = files.get(dossier_crebo)
        if parsed is None:
            parsed = files[dossier_crebo] = ParsedFile(
                dossier_crebo=dossier_crebo,
                name=values["dossier_naam"],
                domain=domain,
                version_label="",
                adopted_on=None,
                source="crebo_list",
                source_name=name,
            )
        parsed.qualifications.append(
            ParsedQualification(
                crebo=crebo,
                name=values["kwalificatie_naam"],
                level=level,
                kind=values.get("soort_opleiding", ""),
                domain=domain,
                routes=values.get("leerweg", "")[:20],
            )
        )
    if not files and not problems:
        problems.append(Problem(name, "", _("the file contains no qualifications.")))
    return list(files.values()), problems
