"""What each kind of import reads, checks and writes.

A ``Spec`` names the fields a file can fill (with the column names that suggest them, in
Dutch and English), who may import, the checks that need the database (all rows at once, in a
number of queries that does not grow with the file) and how the checked rows are written,
through the same rules as the pages that create one record at a time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Municipality, Organisation, OrganisationKind, Role
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import (
    IntendedOutcome,
    LanguageLevel,
    Learner,
    Route,
    TargetGroup,
    Trajectory,
)

from . import cells
from .models import DuplicateAction, ImportKind

CHUNK = 500
BATCH = 2000


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    parse: cells.Parser
    required: bool = False
    aliases: tuple[str, ...] = ()


class Action:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    MERGE_ROW = "merge_row"
    SKIP = "skip"
    ERROR = "error"


ACTION_LABELS = {
    Action.NEW: gettext_lazy("new"),
    Action.UPDATE: gettext_lazy("updates the existing record"),
    Action.UNCHANGED: gettext_lazy("same as the existing record"),
    Action.MERGE_ROW: gettext_lazy("merged with an earlier row"),
    Action.SKIP: gettext_lazy("duplicate, skipped"),
    Action.ERROR: gettext_lazy("not imported"),
}


@dataclass(eq=False)
class Row:
    number: int
    cells: tuple[Any, ...]
    values: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # the values as read, for the preview
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field name or "", message)
    action: str = Action.NEW
    duplicate: bool = False
    note: Any = ""  # text, or a lazy translation
    target: Any = None  # the existing record to update, or the earlier Row this one repeats

    def fail(self, message: str, name: str = "") -> None:
        self.errors.append((name, message))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Context:
    organisation: Organisation
    by: Any  # None: an operator's command
    duplicates: str = DuplicateAction.SKIP
    valid_only: bool = False

    @property
    def merge(self) -> bool:
        return self.duplicates == DuplicateAction.MERGE


class RowsFailed(Exception):
    """Writing failed on a rule of the service (all-or-nothing: the import is undone)."""

    def __init__(self, rows: list[Row]) -> None:
        super().__init__([row.errors for row in rows])
        self.rows = rows


def messages_of(error: ValidationError, renames: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The messages of a service's error, each with the import field it is about (``renames``:
    the model's field name → the import's, where they differ)."""
    renames = renames or {}
    if hasattr(error, "error_dict"):
        return [
            ("" if name == "__all__" else renames.get(name, name), str(message))
            for name, errors in error.message_dict.items()
            for message in errors
        ]
    return [("", str(message)) for message in error.messages]


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _each(
    rows: Iterable[Row], context: Context, write: Callable[[Row], None], renames: dict[str, str] | None = None
) -> None:
    """Write row by row through a service. Valid-only: a row the service refuses is rolled back
    alone and reported; all-or-nothing: the first refusal undoes the whole import."""
    for row in rows:
        try:
            if context.valid_only:
                with transaction.atomic():
                    write(row)
            else:
                write(row)
        except ValidationError as exc:
            row.errors.extend(messages_of(exc, renames))
            row.action = Action.ERROR
            if not context.valid_only:
                raise RowsFailed([row]) from exc


def _filled(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value not in ("", None)}


def _merge_into(earlier: Row, later: Row) -> None:
    earlier.values.update(_filled(later.values))


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in _filled(values).items() if getattr(obj, name) != value}


class Spec:
    kind: str = ""
    fields: tuple[Field, ...] = ()
    needs_user = False

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def may_import(self, by: Any, organisation: Organisation) -> bool:
        raise NotImplementedError

    def check(self, rows: list[Row], context: Context) -> None:
        """Add the errors, duplicates and actions that need the database to the parsed rows."""
        raise NotImplementedError

    def write(self, rows: list[Row], context: Context) -> dict[str, int]:
        """Write the checked rows without errors; return what was written."""
        raise NotImplementedError

    def _duplicate(self, row: Row, earlier: Row, context: Context) -> None:
        row.duplicate = True
        row.target = earlier
        if context.merge:
            row.action = Action.MERGE_ROW
            row.note = _("merged with row %(row)d") % {"row": earlier.number}
        else:
            row.action = Action.SKIP
            row.note = _("the same as row %(row)d") % {"row": earlier.number}

    def _existing(self, row: Row, existing: Any, context: Context, describe: str) -> None:
        row.duplicate = True
        row.target = existing
        if not context.merge:
            row.action = Action.SKIP
            row.note = _("already registered: %(record)s") % {"record": describe}
        elif _changes(existing, row.values):
            row.action = Action.UPDATE
            row.note = _("updates %(record)s") % {"record": describe}
        else:
            row.action = Action.UNCHANGED
            row.note = _("already registered: %(record)s") % {"record": describe}


# --- Learners ---------------------------------------------------------------------------------


def _learner_key(first_name: str, last_name: str, born: datetime.date | None) -> tuple[str, str, Any]:
    return (first_name.strip().lower(), last_name.strip().lower(), born)


LEARNER_FIELDS = (
    Field("first_name", gettext_lazy("first name"), cells.text(100), True, ("voornaam", "roepnaam", "firstname")),
    Field("last_name", gettext_lazy("last name"), cells.text(150), True, ("achternaam", "lastname", "surname")),
    Field(
        "date_of_birth",
        gettext_lazy("date of birth"),
        cells.date,
        True,
        ("geboortedatum", "dateofbirth", "birthdate", "dob", "geboren"),
    ),
    Field("target_group", gettext_lazy("target group"), cells.choice(TargetGroup), True, ("doelgroep", "targetgroup")),
    Field("email", gettext_lazy("e-mail address"), cells.email, False, ("email", "emailadres", "mail")),
    Field("phone", gettext_lazy("phone number"), cells.text(30), False, ("telefoon", "telefoonnummer", "mobiel")),
    Field(
        "language_level",
        gettext_lazy("Dutch language level"),
        cells.choice(LanguageLevel),
        False,
        ("taalniveau", "languagelevel", "niveaunederlands"),
    ),
)


class LearnerSpec(Spec):
    """Learners of the organisation, as a consultant registers them (``register_learner``)."""

    kind = ImportKind.LEARNERS
    fields = LEARNER_FIELDS

    def may_import(self, by: Any, organisation: Organisation) -> bool:
        if by is None:
            return True
        access = get_access(by)
        return access.is_platform_admin or organisation.pk in access.organisation_ids(Role.CONSULTANT, Role.COORDINATOR)

    def check(self, rows: list[Row], context: Context) -> None:
        existing: dict[tuple[str, str, Any], list[int]] = defaultdict(list)
        for pk, first, last, born in Learner.objects.filter(organisation=context.organisation).values_list(
            "pk", "first_name", "last_name", "date_of_birth"
        ):
            existing[_learner_key(first, last, born)].append(pk)
        matched = {pk for row in rows if row.ok for pk in existing.get(self._key(row), [])}
        learners = {}
        for chunk in _chunks(matched):
            learners.update(Learner.objects.in_bulk(chunk))
        today = timezone.localdate()
        first_of: dict[tuple[str, str, Any], Row] = {}
        for row in rows:
            if not row.ok:
                continue
            born = row.values["date_of_birth"]
            if born > today:
                row.fail(_("the date of birth cannot be in the future"), "date_of_birth")
            learner = Learner(organisation=context.organisation, **row.values)
            try:
                learner.full_clean(
                    exclude=["organisation", "referring_organisation", "user", "created_by"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                row.errors.extend(messages_of(exc))
            if not row.ok:
                continue
            key = self._key(row)
            found = existing.get(key, [])
            if len(found) > 1:
                row.fail(_("more than one registered learner has this name and date of birth; change them by hand"))
            elif found:
                record = learners[found[0]]
                self._existing(row, record, context, f"{record.full_name} ({record.date_of_birth:%d-%m-%Y})")
            elif key in first_of:
                self._duplicate(row, first_of[key], context)
            else:
                first_of[key] = row

    def _key(self, row: Row) -> tuple[str, str, Any]:
        return _learner_key(row.values["first_name"], row.values["last_name"], row.values["date_of_birth"])

    def write(self, rows: list[Row], context: Context) -> dict[str, int]:
        for row in rows:
            if row.action == Action.MERGE_ROW and row.target.action == Action.NEW:
                _merge_into(row.target, row)
        new = [
            Learner(organisation=context.organisation, created_by=context.by, **row.values)
            for row in rows
            if row.action == Action.NEW
        ]
        Learner.objects.bulk_create(new, batch_size=BATCH)

        def update(row: Row) -> None:
            learner = row.target
            changes = _changes(learner, row.values)
            for name, value in changes.items():
                setattr(learner, name, value)
            learner.full_clean(exclude=["organisation", "referring_organisation", "user", "created_by"])
            learner.save(update_fields=[*changes, "updated_at"])  # audited, and the facts follow

        _each([row for row in rows if row.action == Action.UPDATE], context, update)
        return {"created": len(new), "updated": sum(1 for row in rows if row.action == Action.UPDATE)}


# --- Employers --------------------------------------------------------------------------------


EMPLOYER_FIELDS = (
    Field("name", gettext_lazy("name"), cells.text(200), True, ("naam", "bedrijfsnaam", "organisatie", "company")),
    Field(
        "kvk_number",
        gettext_lazy("KvK number"),
        cells.kvk,
        True,
        ("kvk", "kvknummer", "kvknr", "chamberofcommerce", "cocnumber"),
    ),
    Field("address", gettext_lazy("address"), cells.text(200), False, ("adres", "straat", "bezoekadres")),
    Field("postcode", gettext_lazy("postcode"), cells.postcode, False, ("postcode", "zipcode", "postalcode")),
    Field("city", gettext_lazy("place"), cells.text(100), False, ("plaats", "woonplaats", "vestigingsplaats", "city")),
    Field("municipality", gettext_lazy("municipality"), cells.text(100), False, ("gemeente", "municipality")),
    Field("email", gettext_lazy("e-mail address"), cells.email, False, ("email", "emailadres", "mail")),
    Field("phone", gettext_lazy("phone number"), cells.text(30), False, ("telefoon", "telefoonnummer")),
    Field("website", gettext_lazy("website"), cells.website, False, ("website", "internet", "url")),
)


class EmployerSpec(Spec):
    """Employers (organisations of kind employer, with their KvK number) in the coordinator's
    region. Only coordinators and platform administrators add organisations."""

    kind = ImportKind.EMPLOYERS
    fields = EMPLOYER_FIELDS

    def may_import(self, by: Any, organisation: Organisation) -> bool:
        if by is None:
            return True
        access = get_access(by)
        return access.is_platform_admin or access.has_role(organisation, Role.COORDINATOR)

    def _may_change(self, by: Any, employer: Organisation) -> bool:
        if by is None:
            return True
        access = get_access(by)
        return access.is_platform_admin or (
            employer.region_id is not None and employer.region_id in access.region_ids(Role.COORDINATOR)
        )

    def check(self, rows: list[Row], context: Context) -> None:
        good = [row for row in rows if row.ok]
        existing: dict[str, Organisation] = {}
        for chunk in _chunks(row.values["kvk_number"] for row in good):
            existing.update((o.kvk_number, o) for o in Organisation.objects.filter(kvk_number__in=chunk))
        municipalities: dict[str, Municipality] = {}
        for chunk in _chunks(row.values["municipality"].lower() for row in good if row.values.get("municipality")):
            for municipality in Municipality.objects.filter(name__in=[c.title() for c in chunk] + chunk):
                municipalities[municipality.name.lower()] = municipality
        wanted_slugs = {self._slug(row): row for row in good}
        taken: set[str] = set()
        for chunk in _chunks(wanted_slugs):
            taken.update(Organisation.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        first_of: dict[str, Row] = {}
        for row in good:
            name = row.values.pop("municipality", "")
            if name:
                found_municipality = municipalities.get(name.lower())
                if found_municipality is None:
                    row.fail(_("no municipality named '%(name)s'") % {"name": name}, "municipality")
                    continue
                row.values["municipality"] = found_municipality
                row.values["region"] = found_municipality.region
            kvk = row.values["kvk_number"]
            found = existing.get(kvk)
            if found is not None:
                if found.kind != OrganisationKind.EMPLOYER:
                    row.fail(
                        _("%(name)s has this KvK number and is not an employer") % {"name": found.name}, "kvk_number"
                    )
                elif context.merge and not self._may_change(context.by, found):
                    row.fail(
                        _("%(name)s is an employer in another region; you cannot change it") % {"name": found.name},
                        "kvk_number",
                    )
                else:
                    self._existing(row, found, context, f"{found.name} (KvK {kvk})")
                continue
            if kvk in first_of:
                self._duplicate(row, first_of[kvk], context)
                continue
            first_of[kvk] = row
            employer = self._new(row, context)
            if employer.slug in taken:
                row.fail(_("another organisation already uses the address name %(slug)s") % {"slug": employer.slug})
            try:
                employer.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                row.errors.extend(messages_of(exc))

    def _slug(self, row: Row) -> str:
        return f"{slugify(row.values['name'])[:60] or 'werkgever'}-{row.values['kvk_number']}"

    def _new(self, row: Row, context: Context) -> Organisation:
        values = dict(row.values)
        values.setdefault("region", context.organisation.region)
        return Organisation(kind=OrganisationKind.EMPLOYER, slug=self._slug(row), **values)

    def write(self, rows: list[Row], context: Context) -> dict[str, int]:
        for row in rows:
            if row.action == Action.MERGE_ROW and row.target.action == Action.NEW:
                _merge_into(row.target, row)
        counts = {"created": 0, "updated": 0}

        def create(row: Row) -> None:
            employer = self._new(row, context)
            employer.full_clean()
            employer.save()  # audited per organisation; the matching counts follow
            counts["created"] += 1

        def update(row: Row) -> None:
            employer = row.target
            changes = _changes(employer, row.values)
            for name, value in changes.items():
                setattr(employer, name, value)
            employer.full_clean()
            employer.save()
            counts["updated"] += 1

        _each([row for row in rows if row.action == Action.NEW], context, create)
        _each([row for row in rows if row.action == Action.UPDATE], context, update)
        return counts


# --- Trajectories -----------------------------------------------------------------------------


TRAJECTORY_FIELDS = (
    LEARNER_FIELDS[0],
    LEARNER_FIELDS[1],
    LEARNER_FIELDS[2],
    Field("route", gettext_lazy("learning route"), cells.choice(Route), True, ("leerweg", "route", "learningroute")),
    Field(
        "intended_outcome",
        gettext_lazy("intended outcome"),
        cells.choice(IntendedOutcome),
        True,
        ("beoogdresultaat", "resultaat", "intendedoutcome", "outcome"),
    ),
    Field(
        "crebo", gettext_lazy("qualification (crebo)"), cells.crebo, False, ("crebo", "kwalificatie", "qualification")
    ),
    Field("school", gettext_lazy("school (BRIN code)"), cells.brin, False, ("brin", "school", "schoolbrin")),
    Field(
        "employer",
        gettext_lazy("employer (KvK number)"),
        cells.kvk,
        False,
        ("werkgever", "kvk", "kvkwerkgever", "leerbedrijf", "employer", "employerkvk"),
    ),
    Field("planned_start", gettext_lazy("planned start"), cells.date, False, ("startdatum", "start", "geplandestart")),
    Field("planned_end", gettext_lazy("planned end"), cells.date, False, ("einddatum", "eind", "geplandeeinde", "end")),
    Field(
        "review_interval_weeks",
        gettext_lazy("progress review every (weeks)"),
        cells.whole_number(1, 52),
        False,
        ("voortgangsgesprekweken", "reviewinterval", "reviewintervalweeks"),
    ),
)
_RENAMES = {"qualification": "crebo"}
_RELATED = ("learner", "qualification", "school", "employer", "workplace_trainer", "school_coach", "consultant")


class TrajectorySpec(Spec):
    """Trajectories of the organisation's registered learners, as ``create_trajectory`` starts
    them: consultants of the organisation and coordinators of its region."""

    kind = ImportKind.TRAJECTORIES
    fields = TRAJECTORY_FIELDS
    needs_user = True

    def may_import(self, by: Any, organisation: Organisation) -> bool:
        if by is None:
            return False
        return trajectory_services.can_create_trajectory(by, Learner(organisation=organisation))

    def check(self, rows: list[Row], context: Context) -> None:
        good = [row for row in rows if row.ok]
        learners: dict[tuple[str, str, Any], list[Learner]] = defaultdict(list)
        for learner in Learner.objects.filter(organisation=context.organisation).select_related("organisation"):
            learners[_learner_key(learner.first_name, learner.last_name, learner.date_of_birth)].append(learner)
        qualifications: dict[str, Qualification] = {}
        for chunk in _chunks(row.values["crebo"] for row in good if row.values.get("crebo")):
            qualifications.update((q.crebo, q) for q in Qualification.objects.current().filter(crebo__in=chunk))
        schools: dict[str, Organisation] = {}
        for chunk in _chunks(row.values["school"] for row in good if row.values.get("school")):
            schools.update((o.brin, o) for o in Organisation.objects.active().filter(brin__in=chunk))
        employers: dict[str, Organisation] = {}
        for chunk in _chunks(row.values["employer"] for row in good if row.values.get("employer")):
            employers.update((o.kvk_number, o) for o in Organisation.objects.active().filter(kvk_number__in=chunk))
        open_ones: dict[tuple[int, str, str], Trajectory] = {}
        learner_ids = [learner.pk for group in learners.values() for learner in group]
        for chunk in _chunks(learner_ids):
            for trajectory in Trajectory.objects.open().filter(learner_id__in=chunk).select_related("qualification"):
                crebo = trajectory.qualification.crebo if trajectory.qualification else ""
                open_ones.setdefault((trajectory.learner_id, trajectory.route, crebo), trajectory)
        first_of: dict[tuple[int, str, str], Row] = {}
        for row in good:
            values = row.values
            found = learners.get(_learner_key(values["first_name"], values["last_name"], values["date_of_birth"]), [])
            if not found:
                row.fail(_("no learner with this name and date of birth is registered; import the learners first"))
                continue
            if len(found) > 1:
                row.fail(_("more than one registered learner has this name and date of birth"))
                continue
            learner = found[0]
            fields = self._fields(row, qualifications, schools, employers)
            if not row.ok:
                continue
            trajectory = Trajectory(learner=learner, **fields)
            try:
                trajectory_services._check_parties(trajectory)
                trajectory.full_clean(
                    exclude=[*_RELATED, "region", "created_by"],
                )
            except ValidationError as exc:
                row.errors.extend(messages_of(exc, _RENAMES))
                continue
            row.values = {"learner": learner, **fields}
            key = (learner.pk, values["route"], values.get("crebo") or "")
            current = open_ones.get(key)
            if current is not None:
                self._existing(row, current, context, _("the open trajectory of %(name)s") % {"name": learner})
                moves = "employer" in _changes(current, {"employer": fields.get("employer")})
                if row.action == Action.UPDATE and current.status in trajectory_services.PLACED_STATES and moves:
                    row.fail(_("the learner is placed: change the employer on the trajectory's page"), "employer")
            elif key in first_of:
                self._duplicate(row, first_of[key], context)
            else:
                first_of[key] = row

    def _fields(
        self,
        row: Row,
        qualifications: dict[str, Qualification],
        schools: dict[str, Organisation],
        employers: dict[str, Organisation],
    ) -> dict[str, Any]:
        values = row.values
        fields: dict[str, Any] = {
            "route": values["route"],
            "intended_outcome": values["intended_outcome"],
            "planned_start": values.get("planned_start"),
            "planned_end": values.get("planned_end"),
        }
        if values.get("review_interval_weeks") is not None:
            fields["review_interval_weeks"] = values["review_interval_weeks"]
        if values.get("crebo"):
            fields["qualification"] = qualifications.get(values["crebo"])
            if fields["qualification"] is None:
                row.fail(_("crebo %(crebo)s is not in the current catalogue") % {"crebo": values["crebo"]}, "crebo")
        if values.get("school"):
            school = schools.get(values["school"])
            if school is None or not school.is_school:
                row.fail(_("no school with BRIN code %(brin)s") % {"brin": values["school"]}, "school")
            fields["school"] = school
        if values.get("employer"):
            employer = employers.get(values["employer"])
            if employer is None or employer.kind != OrganisationKind.EMPLOYER:
                row.fail(_("no employer with KvK number %(kvk)s") % {"kvk": values["employer"]}, "employer")
            fields["employer"] = employer
        start, end = fields["planned_start"], fields["planned_end"]
        if start and end and end < start:
            row.fail(_("the planned end comes before the planned start"), "planned_end")
        return fields

    def write(self, rows: list[Row], context: Context) -> dict[str, int]:
        for row in rows:
            if row.action == Action.MERGE_ROW and row.target.action == Action.NEW:
                _merge_into(row.target, row)
        counts = {"created": 0, "updated": 0}

        def create(row: Row) -> None:
            values = dict(row.values)
            learner = values.pop("learner")
            trajectory_services.create_trajectory(learner, by=context.by, **_filled(values))
            counts["created"] += 1

        def update(row: Row) -> None:
            values = dict(row.values)
            values.pop("learner")
            changes = _changes(
                row.target, {k: v for k, v in values.items() if k in trajectory_services.EDITABLE_FIELDS}
            )
            trajectory_services.update_trajectory(row.target, by=context.by, expected_version=None, **changes)
            counts["updated"] += 1

        _each([row for row in rows if row.action == Action.NEW], context, create, _RENAMES)
        _each([row for row in rows if row.action == Action.UPDATE], context, update, _RENAMES)
        return counts


SPECS: dict[str, Spec] = {
    ImportKind.LEARNERS: LearnerSpec(),
    ImportKind.EMPLOYERS: EmployerSpec(),
    ImportKind.TRAJECTORIES: TrajectorySpec(),
}


def spec_for(kind: str) -> Spec:
    if kind not in SPECS:
        from .recognitions import RecognitionSpec

        SPECS[ImportKind.RECOGNITIONS] = RecognitionSpec()
    return SPECS[kind]


def require_may_import(spec: Spec, by: Any, organisation: Organisation) -> None:
    if not spec.may_import(by, organisation):
        raise PermissionDenied


def rows_in_order(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: row.number)
