"""SBB's KD-XML export (`<sbb><domeinen>…<dossiers><dossier>…`).

Codes are built the way SBB prints them: basisdeel core task 1 → ``B1-K1``, profile 2's core
task 1 → ``P2-K1``, and its work process 3 → ``P2-K1-W3``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _
from lxml import etree

from . import ParsedCoreTask, ParsedFile, ParsedQualification, ParsedWorkProcess, Problem, looks_like_zip

CREBO_RE = re.compile(r"^\d{5}$")


def _parser() -> etree.XMLParser:
    # No entity expansion, no network, no DTD: a catalogue file is data, never instructions.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)


def _date(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _where(element: etree._Element) -> str:
    label = element.tag
    for key in ("nr", "hoofdstuk"):
        if element.get(key):
            label += f'[{key}="{element.get(key)}"]'
            break
    return _("line %(line)s, <%(element)s>") % {"line": element.sourceline, "element": label}


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def parse(data: bytes, name: str) -> tuple[list[ParsedFile], list[Problem]]:
    if looks_like_zip(data):
        return [], [Problem(name, "", _("this is a ZIP or Excel (XLSX) file, not an XML file."))]
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        return [], [
            Problem(
                name,
                _("line %(line)s, column %(column)s") % {"line": line, "column": column},
                _("not well-formed XML (%(error)s). Check that the file is complete and saved as UTF-8.")
                % {"error": exc.msg},
            )
        ]
    if root.tag != "sbb":
        return [], [
            Problem(
                name,
                _("line %(line)s") % {"line": root.sourceline},
                _("not an SBB qualification-file export: the root element is <%(tag)s>, expected <sbb>.")
                % {"tag": root.tag},
            )
        ]

    problems: list[Problem] = []
    domains = {d.get("nr"): (d.get("titel") or "").strip() for d in root.iterfind("domeinen/domein")}
    dossiers = root.findall("dossiers/dossier")
    if not dossiers:
        problems.append(Problem(name, "<sbb>", _("the file contains no <dossier>.")))
    files: list[ParsedFile] = []
    for dossier in dossiers:
        parsed = _parse_dossier(dossier, name, domains, problems)
        if parsed is not None:
            files.append(parsed)
    seen: dict[str, str] = {}
    for parsed in files:
        if parsed.dossier_crebo in seen:
            problems.append(Problem(name, "", _("dossier %(crebo)s appears twice.") % {"crebo": parsed.dossier_crebo}))
        seen[parsed.dossier_crebo] = parsed.name
    return files, problems


def _parse_dossier(
    dossier: etree._Element, name: str, domains: dict[str | None, str], problems: list[Problem]
) -> ParsedFile | None:
    before = len(problems)
    crebos = list(dossier.iterfind("dossiercrebos/dossiercrebo"))
    dossier_crebo = _text(crebos[0]) if crebos else ""
    if not CREBO_RE.match(dossier_crebo):
        problems.append(
            Problem(name, _where(dossier), _("the dossier has no valid crebo (5 digits) in <dossiercrebo>."))
        )
    title = (dossier.get("titel") or "").strip()
    if not title:
        problems.append(Problem(name, _where(dossier), _("the dossier has no title.")))
    parsed = ParsedFile(
        dossier_crebo=dossier_crebo,
        name=title,
        domain=domains.get(dossier.get("referentiedomein"), ""),
        version_label=(dossier.get("versie") or "").strip(),
        adopted_on=_date(
            dossier.findtext("voorblad/omschrijving/verantwoording/vaststellingsinformatie/vastgesteldop")
        ),
        source="kd_xml",
        source_name=name,
    )
    valid_from = _date(crebos[0].get("Geldig_vanaf")) if crebos else None

    codes: dict[str, etree._Element] = {}

    def claim(code: str, element: etree._Element) -> None:
        if code in codes:
            problems.append(
                Problem(
                    name,
                    _where(element),
                    _("code %(code)s is used twice (also at line %(line)s).")
                    % {"code": code, "line": codes[code].sourceline},
                )
            )
        codes[code] = element

    for position, core in enumerate(dossier.iterfind("basis/basistaken/basiskerntaken/kerntaak"), start=1):
        task = _core_task(core, "B1", "basis", None, position, name, problems, claim)
        if task:
            parsed.core_tasks.append(task)

    crebo_seen: dict[str, etree._Element] = {}
    for profile in dossier.iterfind("profielen/profiel"):
        number = _int(profile.get("hoofdstuk"))
        crebo_element = profile.find("creboinformatie/crebo")
        crebo = _text(crebo_element)
        where = _where(profile)
        if not CREBO_RE.match(crebo):
            problems.append(Problem(name, where, _("the profile has no valid crebo (5 digits) in <crebo>.")))
            continue
        if crebo in crebo_seen:
            problems.append(
                Problem(
                    name,
                    where,
                    _("crebo %(crebo)s is used twice (also at line %(line)s).")
                    % {"crebo": crebo, "line": crebo_seen[crebo].sourceline},
                )
            )
            continue
        crebo_seen[crebo] = profile
        level = _int(profile.get("niveau"))
        if level is None or not 1 <= level <= 4:
            problems.append(
                Problem(name, where, _("level must be 1, 2, 3 or 4, not %(value)r.") % {"value": profile.get("niveau")})
            )
            continue
        if number is None:
            problems.append(Problem(name, where, _("the profile has no chapter number (hoofdstuk).")))
            continue
        qualification_name = (profile.get("titel") or "").strip()
        if not qualification_name:
            problems.append(Problem(name, where, _("the profile has no title.")))
            continue
        parsed.qualifications.append(
            ParsedQualification(
                crebo=crebo,
                name=qualification_name,
                level=level,
                kind=_text(profile.find("omschrijving/soortopleiding")),
                domain=parsed.domain,
                profile_number=number,
                valid_from=_date(crebo_element.get("Geldig_vanaf")) if crebo_element is not None else valid_from,
                end_of_intake=_date(crebo_element.get("Datum_einde_instroom")) if crebo_element is not None else None,
                end_of_programme=_date(crebo_element.get("Datum_einde_opleiding"))
                if crebo_element is not None
                else None,
            )
        )
        for position, core in enumerate(profile.iterfind("profielkerntaken/kerntaak"), start=1):
            task = _core_task(core, f"P{number}", "profile", crebo, position, name, problems, claim)
            if task:
                parsed.core_tasks.append(task)
    if not parsed.qualifications and len(problems) == before:
        problems.append(Problem(name, _where(dossier), _("the dossier has no profiles (qualifications).")))
    return parsed if len(problems) == before else None


def _core_task(
    core: etree._Element,
    prefix: str,
    part: str,
    profile_crebo: str | None,
    position: int,
    name: str,
    problems: list[Problem],
    claim,
) -> ParsedCoreTask | None:
    chapter = _int(core.get("hoofdstuk"))
    title = " ".join((core.get("titel") or "").split())
    if chapter is None or not title:
        problems.append(Problem(name, _where(core), _("a core task needs a chapter number and a title.")))
        return None
    code = f"{prefix}-K{chapter}"
    claim(code, core)
    task = ParsedCoreTask(code=code, title=title, part=part, position=position, profile_crebo=profile_crebo)
    for wp_position, process in enumerate(core.iter("werkproces"), start=1):
        wp_chapter = _int(process.get("hoofdstuk"))
        wp_title = " ".join((process.get("titel") or "").split())
        if wp_chapter is None or not wp_title:
            problems.append(Problem(name, _where(process), _("a work process needs a chapter number and a title.")))
            continue
        wp_code = f"{code}-W{wp_chapter}"
        claim(wp_code, process)
        task.work_processes.append(
            ParsedWorkProcess(
                code=wp_code,
                title=wp_title,
                description=_text(process.find("werkprocesomschrijving")),
                position=wp_position,
            )
        )
    return task
