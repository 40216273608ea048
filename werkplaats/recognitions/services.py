"""Writes to the recognition register, and the single rule later guards call."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, OrganisationKind, Role
from werkplaats.qualifications.models import Qualification

from . import importer
from .importer import Problem
from .models import LearningCompany, Recognition, RecognitionSource, periods_overlap
from .registry import Pair, get_registry
from .signals import recognitions_changed

MANAGING_ROLES = (Role.COORDINATOR, Role.SCHOOL_STAFF)


def is_recognised(employer: Organisation, qualification: Any, *, on: datetime.date) -> bool:
    """Is ``employer`` an erkend leerbedrijf for ``qualification`` (a Qualification or a crebo)
    on the day ``on``? The one rule every placement guard uses."""
    crebo = qualification if isinstance(qualification, str) else qualification.crebo
    return get_registry().is_recognised(employer, crebo, on)


def recognised_pairs(employers: Iterable[Organisation], pairs: Collection[Pair], *, on: datetime.date) -> set[Pair]:
    """Which (employer id, crebo) pairs are recognised on ``on``: ``is_recognised`` for many at once,
    for lists. A registry that can answer in bulk does; otherwise each pair is asked."""
    registry = get_registry()
    bulk = getattr(registry, "recognised_pairs", None)
    if bulk is not None:
        return set(bulk(employers, pairs, on))
    by_id = {e.pk: e for e in employers}
    return {(e, c) for e, c in pairs if e in by_id and registry.is_recognised(by_id[e], c, on)}


def can_manage_recognitions(user: Any, employer: Organisation) -> bool:
    """Coordinators of the employer's region and school staff in that region keep the register."""
    access = get_access(user)
    if access.is_platform_admin:
        return True
    if employer.region_id is None:
        return False
    return employer.region_id in access.region_ids(*MANAGING_ROLES)


# --- Dependents: who must hear about a withdrawal ----------------------------------------------


@dataclass(frozen=True)
class Dependent:
    """Something that relies on a recognition (an open trajectory), and the people responsible."""

    description: str
    url: str
    recipients: tuple[Any, ...]


DependentsProvider = Callable[[Recognition, datetime.date], Iterable[Dependent]]
_providers: list[DependentsProvider] = []


def register_dependents_provider(provider: DependentsProvider) -> DependentsProvider:
    """Apps whose records depend on recognitions (trajectories) register a provider here."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def dependents_of(recognition: Recognition, from_date: datetime.date) -> list[Dependent]:
    return [d for provider in _providers for d in provider(recognition, from_date)]


@transaction.atomic
def withdraw_recognition(recognition: Recognition, *, end_date: datetime.date, reason: str, by: Any) -> list[Dependent]:
    """End a recognition on ``end_date`` and warn the people responsible for whatever depends
    on it. Returns the dependents that were warned."""
    if not can_manage_recognitions(by, recognition.employer):
        raise PermissionDenied
    recognition = Recognition.objects.select_for_update().select_related("employer").get(pk=recognition.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the recognition is withdrawn.")})
    if end_date < recognition.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    recognition.end_date = end_date
    recognition.withdrawn_at = timezone.now()
    recognition.withdrawal_reason = reason.strip()
    recognition.save(update_fields=["end_date", "withdrawn_at", "withdrawal_reason", "updated_at"])
    record(
        Action.UPDATE,
        recognition,
        changes={"withdrawn": True, "end_date": end_date.isoformat(), "reason": recognition.withdrawal_reason},
        subject_organisation_id=recognition.employer_id,
    )
    dependents = dependents_of(recognition, end_date + datetime.timedelta(days=1))
    if dependents:
        from werkplaats.notifications.services import notify

        first_day = end_date + datetime.timedelta(days=1)
        for dependent in dependents:

            def message(dependent: Dependent = dependent) -> str:
                return _("%(employer)s is no longer recognised for crebo %(crebo)s from %(date)s: %(what)s") % {
                    "employer": recognition.employer.name,
                    "crebo": recognition.crebo,
                    "date": date_format(first_day, "j F Y"),
                    "what": dependent.description,
                }

            notify(
                dependent.recipients,
                message=message,
                url=dependent.url,
                key=f"recognition-withdrawn:{recognition.pk}:{dependent.url}",
            )
    return dependents


def check_employer(organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.EMPLOYER:
        raise ValidationError({"employer": _("Only employers can be recognised as learning companies.")})


def people_warned(dependents: Iterable[Dependent]) -> int:
    """How many different people were told about a withdrawal."""
    return len({person.pk for dependent in dependents for person in dependent.recipients if person is not None})


def can_import_recognitions(user: Any) -> bool:
    """Coordinators (for the employers of their regions) and platform administrators import files."""
    access = get_access(user)
    return access.is_platform_admin or access.has_any_role(Role.COORDINATOR)


# --- Keeping the register by hand ----------------------------------------------------------------


def _require_manager(by: Any, employer: Organisation) -> None:
    if not can_manage_recognitions(by, employer):
        raise PermissionDenied


def _check_period(
    *,
    employer: Organisation,
    crebo: str,
    start_date: datetime.date,
    end_date: datetime.date | None,
    places_offered: int,
    last_verified_on: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    if end_date is not None and end_date < start_date:
        errors["end_date"].append(_("The end date cannot be before the start date."))
    if places_offered < 0 or places_offered > importer.MAX_PLACES:
        errors["places_offered"].append(
            _("Enter a number from 0 to %(max)d.") % {"max": importer.MAX_PLACES},
        )
    if last_verified_on is not None and last_verified_on > timezone.localdate():
        errors["last_verified_on"].append(_("The date of the last check cannot be in the future."))
    if not errors:
        others = Recognition.objects.filter(employer=employer, crebo=crebo)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        for other in others.order_by("start_date"):
            if other.overlaps(start_date, end_date):
                errors["start_date"].append(
                    _("This period overlaps the recognition for crebo %(crebo)s from %(start)s %(until)s.")
                    % {
                        "crebo": crebo,
                        "start": date_format(other.start_date, "SHORT_DATE_FORMAT"),
                        "until": _until(other.end_date),
                    }
                )
                break
    if errors:
        raise ValidationError(dict(errors))


def _until(end_date: datetime.date | None) -> str:
    if end_date is None:
        return _("without an end date")
    return _("until %(date)s") % {"date": date_format(end_date, "SHORT_DATE_FORMAT")}


def _lock_employer(employer: Organisation) -> Organisation:
    """Serialise writes to one employer's register, so that two people adding the same period at
    the same moment cannot both pass the overlap check."""
    return Organisation.objects.select_for_update().get(pk=employer.pk)


@transaction.atomic
def add_recognition(
    employer: Organisation,
    *,
    crebo: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    places_offered: int = 1,
    last_verified_on: datetime.date | None = None,
    source: str = RecognitionSource.MANUAL,
    by: Any,
) -> Recognition:
    """Recognise ``employer`` as a learning company for ``crebo`` from ``start_date``."""
    _require_manager(by, employer)
    check_employer(employer)
    employer = _lock_employer(employer)
    crebo = crebo.strip()
    if not Qualification.objects.filter(crebo=crebo).exists():
        raise ValidationError({"crebo": _("Crebo %(crebo)s is not in the qualification catalogue.") % {"crebo": crebo}})
    _check_period(
        employer=employer,
        crebo=crebo,
        start_date=start_date,
        end_date=end_date,
        places_offered=places_offered,
        last_verified_on=last_verified_on,
    )
    recognition = Recognition.objects.create(
        employer=employer,
        crebo=crebo,
        start_date=start_date,
        end_date=end_date,
        places_offered=places_offered,
        last_verified_on=last_verified_on,
        source=source,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record(
        Action.CREATE,
        recognition,
        changes={
            "crebo": crebo,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
            "places_offered": places_offered,
        },
        subject_organisation_id=employer.pk,
    )
    return recognition


@transaction.atomic
def update_recognition(
    recognition: Recognition,
    *,
    start_date: datetime.date,
    end_date: datetime.date | None,
    places_offered: int,
    last_verified_on: datetime.date | None,
    by: Any,
) -> Recognition:
    """Change the period, the places or the date of the last check. The crebo stays: another
    qualification is another recognition."""
    _require_manager(by, recognition.employer)
    _lock_employer(recognition.employer)
    recognition = Recognition.objects.select_for_update().select_related("employer").get(pk=recognition.pk)
    if recognition.withdrawn_at is not None:
        raise ValidationError(_("A withdrawn recognition cannot be changed; add a new one instead."))
    _check_period(
        employer=recognition.employer,
        crebo=recognition.crebo,
        start_date=start_date,
        end_date=end_date,
        places_offered=places_offered,
        last_verified_on=last_verified_on,
        exclude_pk=recognition.pk,
    )
    new = {
        "start_date": start_date,
        "end_date": end_date,
        "places_offered": places_offered,
        "last_verified_on": last_verified_on,
    }
    changes = {
        field: [_json(getattr(recognition, field)), _json(value)]
        for field, value in new.items()
        if getattr(recognition, field) != value
    }
    if changes:
        for field, value in new.items():
            setattr(recognition, field, value)
        recognition.save(update_fields=[*new, "updated_at"])
        record(Action.UPDATE, recognition, changes=changes, subject_organisation_id=recognition.employer_id)
    return recognition


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def verify_recognition(recognition: Recognition, *, by: Any, on: datetime.date | None = None) -> Recognition:
    """Record that someone checked the recognition against SBB's register (today, by default)."""
    _require_manager(by, recognition.employer)
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"last_verified_on": _("The date of the last check cannot be in the future.")})
    if recognition.last_verified_on != day:
        recognition.last_verified_on = day
        recognition.save(update_fields=["last_verified_on", "updated_at"])
        record(
            Action.UPDATE,
            recognition,
            changes={"last_verified_on": day.isoformat()},
            subject_organisation_id=recognition.employer_id,
        )
    return recognition


@transaction.atomic
def update_learning_company(
    employer: Organisation,
    *,
    sbb_company_id: str,
    sbb_adviser_name: str,
    sbb_adviser_email: str,
    sbb_adviser_phone: str,
    offer: str,
    by: Any,
) -> LearningCompany:
    """Set the employer's SBB learning-company ID, its fixed SBB adviser and what it offers."""
    _require_manager(by, employer)
    check_employer(employer)
    values = {
        "sbb_company_id": sbb_company_id.strip(),
        "sbb_adviser_name": sbb_adviser_name.strip(),
        "sbb_adviser_email": sbb_adviser_email.strip().lower(),
        "sbb_adviser_phone": sbb_adviser_phone.strip(),
        "offer": offer.strip(),
    }
    errors: dict[str, list[str]] = defaultdict(list)
    for field, limit in importer.TEXT_LIMITS.items():
        if len(values[field]) > limit:
            errors[field].append(_("Use at most %(max)d characters.") % {"max": limit})
    if values["sbb_adviser_email"]:
        try:
            validate_email(values["sbb_adviser_email"])
        except ValidationError:
            errors["sbb_adviser_email"].append(_("Enter a valid e-mail address."))
    if errors:
        raise ValidationError(dict(errors))
    company, created = LearningCompany.objects.select_for_update().get_or_create(employer=employer)
    changes = {field: value for field, value in values.items() if getattr(company, field) != value}
    if changes:
        for field, value in changes.items():
            setattr(company, field, value)
        company.save()
        record(
            Action.CREATE if created else Action.UPDATE,
            company,
            changes=changes,
            subject_organisation_id=employer.pk,
        )
    return company


# --- Importing a file -----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    learning_companies: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "learning_companies": self.learning_companies,
        }


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


_CHUNK = 500
_IMPORTED_FIELDS = ["end_date", "places_offered", "last_verified_on"]


def _chunked(values: Iterable[Any]) -> Iterable[list[Any]]:
    """Lists of at most ``_CHUNK`` values, so that ``__in`` lookups stay within database limits."""
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _employers_by_kvk(kvks: Iterable[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for chunk in _chunked(sorted(set(kvks))):
        for organisation in Organisation.objects.filter(kvk_number__in=chunk).select_related("region"):
            found[organisation.kvk_number] = organisation
    return found


def _known_crebos(crebos: Iterable[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunked(sorted(set(crebos))):
        known.update(Qualification.objects.filter(crebo__in=chunk).values_list("crebo", flat=True))
    return known


def _existing(employer_ids: Iterable[int]) -> dict[tuple[int, str], list[Recognition]]:
    existing: dict[tuple[int, str], list[Recognition]] = defaultdict(list)
    for chunk in _chunked(sorted(set(employer_ids))):
        for recognition in Recognition.objects.filter(employer_id__in=chunk).order_by("pk"):
            existing[(recognition.employer_id, recognition.crebo)].append(recognition)
    return existing


def _shown_date(day: datetime.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _check_rows(rows: list[importer.Row], by: Any) -> tuple[dict[int, Organisation], list[Problem]]:
    """The checks that need the database, all of them before anything is written."""
    problems: list[Problem] = []
    employers = _employers_by_kvk(r.kvk for r in rows)
    crebos = _known_crebos(r.crebo for r in rows)
    allowed: dict[int, bool] = {}
    resolved: dict[int, Organisation] = {}
    first_of_key: dict[tuple[str, str, datetime.date], int] = {}
    company_values: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for row in rows:
        employer = employers.get(row.kvk)
        if employer is None:
            problems.append(
                Problem(
                    _("no organisation with KvK number %(kvk)s in Werkplaats") % {"kvk": row.kvk}, row.number, "kvk"
                )
            )
        elif employer.kind != OrganisationKind.EMPLOYER:
            problems.append(Problem(_("%(name)s is not an employer") % {"name": employer.name}, row.number, "kvk"))
        else:
            if by is not None:
                if employer.pk not in allowed:
                    allowed[employer.pk] = can_manage_recognitions(by, employer)
                if not allowed[employer.pk]:
                    problems.append(
                        Problem(
                            _("you do not keep the register for %(name)s (another region)") % {"name": employer.name},
                            row.number,
                            "kvk",
                        )
                    )
            resolved[row.number] = employer
        if row.crebo not in crebos:
            problems.append(
                Problem(
                    _("crebo %(crebo)s is not in the qualification catalogue") % {"crebo": row.crebo},
                    row.number,
                    "crebo",
                )
            )
        if row.end_date is not None and row.end_date < row.start_date:
            problems.append(
                Problem(
                    _("the end date %(end)s is before the start date %(start)s")
                    % {"end": _shown_date(row.end_date), "start": _shown_date(row.start_date)},
                    row.number,
                    "end_date",
                )
            )
        if row.last_verified_on is not None and row.last_verified_on > timezone.localdate():
            problems.append(
                Problem(
                    _("%(date)s is in the future") % {"date": _shown_date(row.last_verified_on)},
                    row.number,
                    "last_verified_on",
                )
            )
        first = first_of_key.setdefault(row.key, row.number)
        if first != row.number:
            problems.append(
                Problem(_("the same KvK number, crebo and start date as row %(row)d") % {"row": first}, row.number)
            )
        for field, value in row.learning_company_values().items():
            seen = company_values[row.kvk].setdefault(field, (value, row.number))
            if seen[0] != value:
                problems.append(
                    Problem(
                        _("'%(value)s' differs from '%(other)s' in row %(row)d for the same employer")
                        % {"value": value, "other": seen[0], "row": seen[1]},
                        row.number,
                        field,
                    )
                )
    return resolved, problems


@dataclass
class _Period:
    start_date: datetime.date
    end_date: datetime.date | None
    row: int | None  # None: a recognition already in the register that the file leaves alone
    recognition: Recognition | None


def _overlaps(periods: list[_Period]) -> list[Problem]:
    """Periods of one employer and crebo may not share a day. Sorted by start, each period only
    has to be compared with the furthest-reaching one before it."""
    problems: list[Problem] = []
    periods.sort(key=lambda p: (p.start_date, p.row or 0))
    reach: _Period | None = None
    for period in periods:
        if reach is not None and periods_overlap(reach.start_date, reach.end_date, period.start_date, period.end_date):
            culprit, other = (period, reach) if period.row is not None else (reach, period)
            if culprit.row is not None:
                if other.row is not None:
                    message = _("the period overlaps the period in row %(row)d") % {"row": other.row}
                else:
                    message = _("the period overlaps the recognition from %(start)s %(until)s in the register") % {
                        "start": _shown_date(other.start_date),
                        "until": _until(other.end_date),
                    }
                problems.append(Problem(message, culprit.row, "start_date"))
        if reach is None or (
            reach.end_date is not None and (period.end_date is None or period.end_date > reach.end_date)
        ):
            reach = period
    return problems


@transaction.atomic
def import_recognitions(name: str, data: bytes, *, by: Any = None) -> ImportSummary:
    """Import a CSV or XLSX file of recognitions (see ``importer.COLUMNS``).

    Every row is checked before anything is written; any problem rejects the whole file
    (``ImportRejected`` with every problem found) and leaves the database as it was. A row with
    the same employer, crebo and start date as a recognition in the register updates it, so
    importing the same file twice changes nothing. ``by`` is the person importing (their regions
    limit the employers); None for a command run by the operator.
    """
    if by is not None and not can_import_recognitions(by):
        raise PermissionDenied
    rows, problems = importer.read(name, data)
    if problems and not rows:
        raise ImportRejected(problems)
    employers, found = _check_rows(rows, by)
    problems.extend(found)

    existing = _existing(e.pk for e in employers.values())
    groups: dict[tuple[int, str], list[_Period]] = defaultdict(list)
    plan: list[tuple[importer.Row, Organisation, Recognition | None]] = []
    matched: set[int] = set()
    for row in rows:
        employer = employers.get(row.number)
        if employer is None:
            continue
        current = next(
            (r for r in existing.get((employer.pk, row.crebo), []) if r.start_date == row.start_date),
            None,
        )
        if current is not None:
            matched.add(current.pk)
        # A withdrawn recognition keeps its period: an import never undoes a withdrawal.
        end_date = current.end_date if current is not None and current.withdrawn_at else row.end_date
        groups[(employer.pk, row.crebo)].append(_Period(row.start_date, end_date, row.number, current))
        plan.append((row, employer, current))
    for key, periods in groups.items():
        for recognition in existing.get(key, []):
            if recognition.pk not in matched:
                periods.append(_Period(recognition.start_date, recognition.end_date, None, recognition))
        if len(periods) > 1:
            problems.extend(_overlaps(periods))
    if problems:
        raise ImportRejected(problems)

    summary = ImportSummary(rows=len(rows))
    now = timezone.now()
    new: list[Recognition] = []
    changed: list[Recognition] = []
    for row, employer, current in plan:
        if current is None:
            new.append(
                Recognition(
                    employer=employer,
                    crebo=row.crebo,
                    start_date=row.start_date,
                    end_date=row.end_date,
                    places_offered=1 if row.places_offered is None else row.places_offered,
                    last_verified_on=row.last_verified_on,
                    source=RecognitionSource.IMPORT,
                    created_by=by,
                )
            )
            continue
        if current.withdrawn_at is not None:
            summary.withdrawn += 1
            continue
        values = {
            "end_date": row.end_date,
            # An empty cell leaves what the register holds.
            "places_offered": current.places_offered if row.places_offered is None else row.places_offered,
            "last_verified_on": row.last_verified_on or current.last_verified_on,
        }
        if all(getattr(current, field) == value for field, value in values.items()):
            summary.unchanged += 1
            continue
        for field, value in values.items():
            setattr(current, field, value)
        current.source = RecognitionSource.IMPORT
        current.updated_at = now
        changed.append(current)
    Recognition.objects.bulk_create(new, batch_size=_CHUNK)
    Recognition.objects.bulk_update(changed, [*_IMPORTED_FIELDS, "source", "updated_at"], batch_size=_CHUNK)
    summary.added = len(new)
    summary.updated = len(changed)
    if new or changed:
        recognitions_changed.send(
            sender=Recognition, employer_ids={recognition.employer_id for recognition in [*new, *changed]}
        )
    summary.learning_companies = _import_learning_companies(rows, employers)
    if summary.added or summary.updated or summary.learning_companies:
        record(Action.CREATE, None, changes={"file": name, **summary.as_dict()}, object_repr=_("recognition import"))
    return summary


def _import_learning_companies(rows: list[importer.Row], employers: dict[int, Organisation]) -> int:
    values: dict[int, dict[str, str]] = defaultdict(dict)
    for row in rows:
        values[employers[row.number].pk].update(row.learning_company_values())
    values = {pk: fields for pk, fields in values.items() if fields}
    companies = {
        c.employer_id: c
        for chunk in _chunked(values)
        for c in LearningCompany.objects.select_for_update().filter(employer_id__in=chunk)
    }
    changed = 0
    for employer_id, fields in values.items():
        company = companies.get(employer_id) or LearningCompany(employer_id=employer_id)
        if company.pk is not None and all(getattr(company, f) == v for f, v in fields.items()):
            continue
        for field, value in fields.items():
            setattr(company, field, value)
        company.save()
        changed += 1
    return changed


def current_qualifications(crebos: Iterable[str]) -> dict[str, Qualification]:
    """The qualification of each crebo in the current catalogue version, in one query."""
    found: dict[str, Qualification] = {}
    wanted = set(crebos)
    if not wanted:
        return found
    for qualification in (
        Qualification.objects.current()
        .filter(crebo__in=wanted)
        .only("pk", "crebo", "name", "level")
        .order_by("crebo", "-file__version_number", "-pk")
    ):
        found.setdefault(qualification.crebo, qualification)
    return found
