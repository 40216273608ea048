"""A synthetic but realistic country of praktijkleren, for measuring the dashboards at scale.

``generate`` fills the database with schools, employers (with their recognitions), municipalities,
UWV offices and SW companies in the real labour-market regions, a few staff users per
organisation, learners with their trajectories and the whole history of those trajectories:
events over ``years`` before the reference date, funding sources, work-process assessments,
praktijkverklaringen (numbered per year as the app numbers them) and now and then a revocation.

Everything is drawn from one seeded random generator, so the same options give the same rows.
Rows are written in chunks, with COPY on PostgreSQL and ``executemany`` elsewhere; the ORM's
per-row services would take days at national size. What the generated rows mean follows the
services that would have made them one by one (``trajectories.services.transition``,
``certificates.services.issue``): only allowed transitions, a stop reason with every stop, an
assessed work process before the assessment phase, a recognised employer for the qualification,
every praktijkverklaring trajectory completed by its certificate. Learning plans, progress
reviews, hours and learning places (matching) are not generated, so the placement guard's
"agreed learning plan" is the one rule the generated history does not show.

Trajectories use only qualifications whose work processes are in the catalogue: the app lets a
trajectory into the assessment phase only after a work process was assessed, and a
praktijkverklaring lists the mastered work processes. With the shipped catalogue those are the
fourteen qualifications of the four KD-XML files; importing more files widens the mix.

Generated rows are recognisable by ``GENERATED_SLUG_PREFIX`` (organisations, and through them
learners, trajectories and what hangs under them) and ``GENERATED_EMAIL_DOMAIN`` (users), so
that a generated dataset can be found and removed again (``delete_generated``).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import itertools
import json
import math
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.accounts.models import User
from werkplaats.certificates.models import CODE_ALPHABET, CODE_LENGTH, Certificate, CertificateSequence, Revocation
from werkplaats.certificates.services import NUMBER_FORMAT
from werkplaats.organisations.models import (
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    Region,
    Role,
)
from werkplaats.qualifications.models import Qualification, WorkProcess
from werkplaats.recognitions.models import Recognition, RecognitionSource
from werkplaats.trajectories.models import (
    EventKind,
    FollowUp,
    FundingKind,
    FundingSource,
    IntendedOutcome,
    LanguageLevel,
    Learner,
    Level,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)

from . import facts
from .models import TrajectoryFact

EVENT_COLUMNS = ["id", "trajectory_id", "kind", "from_status", "to_status", "actor_id", "reason", "data", "at"]
GENERATED_SLUG_PREFIX = "scale-"
GENERATED_EMAIL_DOMAIN = "scale-data.invalid"
MAX_YEARS = 20
# A BRIN code is two digits and two letters or digits; a KvK number eight digits, not starting with 0.
BRIN_CAPACITY = 100 * 36 * 36
KVK_CAPACITY = 90_000_000
_TIMEZONE = ZoneInfo(settings.TIME_ZONE)

Progress = Callable[[str, int, int], None]


class ScaleError(Exception):
    """The options cannot be carried out; nothing was written."""


@dataclass(frozen=True)
class ScaleOptions:
    seed: int = 1
    regions: int = 35
    schools: int = 60
    employers: int = 250_000
    learners: int = 1_000_000
    assessments: int = 10_000_000
    years: int = 5
    until: datetime.date | None = None  # the reference date; today when None
    chunk: int = 20_000

    def reference_date(self) -> datetime.date:
        return self.until or timezone.localdate()

    def problems(self) -> list[str]:
        """What is wrong with these options, in words for the person who gave them."""
        problems: list[str] = []
        for name in ("regions", "schools", "employers", "learners", "assessments"):
            if getattr(self, name) < 0:
                problems.append(_("--%(name)s cannot be negative.") % {"name": name})
        if self.regions < 1:
            problems.append(_("--regions must be at least 1."))
        if self.learners > 0 and self.schools < 1:
            problems.append(_("Learners need a school: give --schools 1 or more."))
        if self.learners > 0 and self.employers < 1:
            problems.append(_("Learners need employers: give --employers 1 or more."))
        if self.schools > BRIN_CAPACITY:
            problems.append(
                _("--schools can be at most %(max)d: every school needs its own BRIN code.") % {"max": BRIN_CAPACITY}
            )
        if self.employers > KVK_CAPACITY:
            problems.append(
                _("--employers can be at most %(max)d: every employer needs its own KvK number.")
                % {"max": KVK_CAPACITY}
            )
        if not 1 <= self.years <= MAX_YEARS:
            problems.append(_("--years must be between 1 and %(max)d.") % {"max": MAX_YEARS})
        if self.chunk < 1:
            problems.append(_("--chunk must be at least 1."))
        if self.until is not None and self.until > timezone.localdate():
            problems.append(_("--until cannot be in the future: certificates are never issued in advance."))
        return problems


@dataclass
class ScaleResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    assessments_requested: int = 0
    assessments_possible: tuple[int, int] = (0, 0)  # fewest and most the trajectories allow

    @property
    def assessments_adjusted(self) -> bool:
        return self.counts.get("assessments", 0) != self.assessments_requested


# --- Word lists (fictional people and companies) ----------------------------------------------

FIRST_NAMES = (
    "Aisha", "Anouk", "Bram", "Chantal", "Daan", "Dewi", "Emma", "Fatima", "Femke", "Gijs", "Hamza",
    "Ilse", "Jasper", "Jelle", "Julia", "Kevin", "Lars", "Lieke", "Lotte", "Luuk", "Mark", "Marloes",
    "Mehmet", "Mila", "Mohamed", "Naomi", "Nina", "Noah", "Olga", "Priya", "Quinten", "Rik", "Romy",
    "Ruben", "Sanne", "Sem", "Sevda", "Sofie", "Stijn", "Tamara", "Thijs", "Tim", "Vera", "Wessel",
    "Yara", "Yusuf", "Zeynep", "Anna", "Bas", "Demi", "Eva", "Finn", "Hanna", "Iris", "Joost", "Kim",
    "Milan", "Noor", "Robin", "Senna", "Tess", "Ahmed", "Samira", "Dmytro", "Oksana", "Tesfaye", "Amal",
)  # fmt: skip
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
    "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
    "Huisman", "Yilmaz", "El Amrani", "Kaya", "Bouzid", "Demir", "Nguyen", "Haddou", "Kowalski",
    "Postma", "Boersma", "Wiersma", "Veenstra", "Kuipers", "Zijlstra", "Timmermans", "Groen",
)  # fmt: skip
COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "Zorg en welzijn": ("Zorggroep", "Thuiszorg", "Kinderopvang", "Woonzorgcentrum", "Welzijnsstichting"),
    "Techniek en procesindustrie": ("Installatiebedrijf", "Metaalbewerking", "Elektrotechniek", "Machinebouw"),
    "Bouw en infra": ("Bouwbedrijf", "Aannemersbedrijf", "Wegenbouw", "Grondwerken"),
    "Voedsel, natuur en leefomgeving (EZ)": ("Hoveniersbedrijf", "Kwekerij", "Melkveebedrijf", "Groenvoorziening"),
    "Voedsel, natuur en leefomgeving": ("Hoveniersbedrijf", "Dierenkliniek", "Tuincentrum"),
    "Afbouw, hout en onderhoud": ("Schildersbedrijf", "Timmerfabriek", "Stukadoorsbedrijf", "Onderhoudsbedrijf"),
    "Ambacht, laboratorium en gezondheidstechniek": ("Laboratorium", "Opticien", "Tandtechniek", "Edelsmederij"),
    "Mobiliteit en voertuigen": ("Autobedrijf", "Fietsenmakerij", "Garage", "Bandencentrum"),
    "Media en vormgeving": ("Drukkerij", "Ontwerpbureau", "Fotostudio", "Mediabedrijf"),
    "Transport, scheepvaart en logistiek": ("Transportbedrijf", "Logistiek Centrum", "Koeriersdienst"),
    "Economie en administratie": ("Administratiekantoor", "Accountantskantoor", "Servicecentrum"),
    "Horeca en bakkerij": ("Bakkerij", "Restaurant", "Hotel", "Eetcafé", "Banketbakkerij"),
    "Handel en ondernemerschap": ("Supermarkt", "Bouwmarkt", "Groothandel", "Modewinkel"),
    "Veiligheid en sport": ("Beveiligingsbedrijf", "Sportcentrum", "Zwembad"),
    "Entree": ("Sociaal Werkbedrijf", "Leerwerkbedrijf", "Kringloopwinkel"),
    "Uiterlijke verzorging": ("Kapsalon", "Schoonheidssalon", "Barbershop"),
    "Toerisme en recreatie": ("Recreatiepark", "Camping", "Reisbureau"),
    "Informatie en communicatietechnologie": ("ICT-bedrijf", "Softwarehuis", "Computerservice"),
}
OTHER_COMPANY_WORDS = ("Bedrijf", "Onderneming", "Werkplaats")
LEGAL_FORMS = ("B.V.", "", "V.O.F.", "", "B.V.", "& Zn.", "Stichting")
SCHOOL_PREFIXES = ("ROC", "Regio College", "Vakcollege", "MBO College", "Zorgcollege", "Techniekcollege", "Leerhuis")

STOP_TEXTS: dict[str, tuple[str, ...]] = {
    StopReason.FOUND_WORK: ("Heeft een baan gevonden bij een ander bedrijf.", "Aan het werk via uitzendbureau."),
    StopReason.OTHER_EDUCATION: ("Gaat een andere opleiding volgen.", "Overgestapt naar een BOL-opleiding."),
    StopReason.HEALTH: ("Gezondheid laat het traject nu niet toe.", "Langdurig ziek."),
    StopReason.MOTIVATION: ("Komt afspraken niet na.", "Geen motivatie meer om verder te gaan."),
    StopReason.EMPLOYER_ENDED: ("Werkgever heeft de plaatsing beëindigd.", "Bedrijf is gesloten."),
    StopReason.NO_PLACE: ("Geen passende leerwerkplek gevonden.", "Geen erkend leerbedrijf in de buurt."),
    StopReason.MOVED: ("Verhuisd naar een andere regio.", "Verhuisd naar het buitenland."),
    StopReason.OTHER: ("Persoonlijke omstandigheden.", "Andere reden, zie dossier."),
}
PAUSE_TEXTS = ("Ziekte.", "Zorg voor een familielid.", "Zwangerschapsverlof.", "Tijdelijk andere werkzaamheden.")
REVOCATION_TEXTS = (
    "Uitgegeven op de verkeerde naam; vervangen door een nieuwe verklaring.",
    "Werkprocessen onterecht als beheerst opgenomen.",
    "Verkeerde kwalificatie vermeld.",
)

# How each state of a trajectory usually ends: (median days in the state, spread, chance of stopping).
STATE_TIMES: dict[str, tuple[float, float, float]] = {
    Status.REFERRED: (8, 0.6, 0.04),
    Status.INTAKE: (12, 0.6, 0.06),
    Status.SEARCHING: (21, 0.9, 0.08),
    Status.PLACED: (12, 0.5, 0.03),
    Status.IN_PROGRESS: (0, 0.6, 0.09),  # the median depends on the route
    Status.ASSESSMENT: (18, 0.6, 0.02),
}
LEARNING_DAYS: dict[str, float] = {
    Route.PRAKTIJKLEREN: 70,
    Route.THIRD_ROUTE: 100,
    Route.BBL: 125,
    Route.BOL: 115,
    Route.STAFF_DEVELOPMENT: 90,
}
NEXT_STATE: dict[str, str] = {
    Status.REFERRED: Status.INTAKE,
    Status.INTAKE: Status.SEARCHING,
    Status.SEARCHING: Status.PLACED,
    Status.PLACED: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.ASSESSMENT,
    Status.ASSESSMENT: Status.COMPLETED,
}
STOP_REASONS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "early": (
        (StopReason.MOTIVATION, StopReason.HEALTH, StopReason.FOUND_WORK, StopReason.MOVED, StopReason.OTHER),
        (35, 20, 20, 10, 15),
    ),
    Status.SEARCHING: (
        (StopReason.NO_PLACE, StopReason.FOUND_WORK, StopReason.MOTIVATION, StopReason.HEALTH, StopReason.OTHER),
        (45, 25, 15, 5, 10),
    ),
    "learning": (
        (
            StopReason.EMPLOYER_ENDED,
            StopReason.MOTIVATION,
            StopReason.HEALTH,
            StopReason.FOUND_WORK,
            StopReason.OTHER_EDUCATION,
            StopReason.MOVED,
            StopReason.OTHER,
        ),
        (20, 25, 20, 15, 8, 5, 7),
    ),
    Status.ASSESSMENT: ((StopReason.HEALTH, StopReason.MOTIVATION, StopReason.OTHER), (30, 30, 40)),
    Status.PAUSED: ((StopReason.HEALTH, StopReason.MOTIVATION, StopReason.MOVED, StopReason.OTHER), (45, 25, 10, 20)),
}
FOLLOW_UPS = (
    (FollowUp.WORK_SAME_EMPLOYER, FollowUp.OTHER_WORK, FollowUp.FURTHER_EDUCATION, FollowUp.NONE, FollowUp.UNKNOWN),
    (45, 20, 15, 12, 8),
)
ROUTES = (
    (Route.PRAKTIJKLEREN, Route.THIRD_ROUTE, Route.BBL, Route.BOL, Route.STAFF_DEVELOPMENT),
    (38, 20, 26, 12, 4),
)
OUTCOMES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    Route.PRAKTIJKLEREN: ((IntendedOutcome.PRACTICE_CERTIFICATE, IntendedOutcome.CERTIFICATE), (90, 10)),
    Route.THIRD_ROUTE: (
        (IntendedOutcome.PRACTICE_CERTIFICATE, IntendedOutcome.CERTIFICATE, IntendedOutcome.DIPLOMA),
        (35, 35, 30),
    ),
    Route.BBL: ((IntendedOutcome.DIPLOMA, IntendedOutcome.CERTIFICATE), (85, 15)),
    Route.BOL: ((IntendedOutcome.DIPLOMA,), (1,)),
    Route.STAFF_DEVELOPMENT: ((IntendedOutcome.OWN_GOALS,), (1,)),
}
# Who registers learners, and the target groups that come through each kind of organisation.
REGISTRARS = (
    (OrganisationKind.MUNICIPALITY, OrganisationKind.UWV, OrganisationKind.SW_COMPANY, OrganisationKind.MBO_SCHOOL),
    (58, 15, 10, 17),
)
TARGET_GROUPS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    OrganisationKind.MUNICIPALITY: (
        (TargetGroup.PARTICIPATIEWET, TargetGroup.NEWCOMER, TargetGroup.EARLY_SCHOOL_LEAVER, TargetGroup.OTHER),
        (60, 22, 10, 8),
    ),
    OrganisationKind.UWV: ((TargetGroup.WW, TargetGroup.EMPLOYEE, TargetGroup.OTHER), (80, 15, 5)),
    OrganisationKind.SW_COMPANY: ((TargetGroup.SHELTERED_WORK, TargetGroup.PARTICIPATIEWET), (80, 20)),
    OrganisationKind.MBO_SCHOOL: (
        (TargetGroup.STUDENT, TargetGroup.EARLY_SCHOOL_LEAVER, TargetGroup.EMPLOYEE),
        (65, 20, 15),
    ),
}
FUNDING: dict[str, tuple[str, int, int]] = {  # target group → main source, amount range in euros
    TargetGroup.PARTICIPATIEWET: (FundingKind.MUNICIPALITY, 1500, 6000),
    TargetGroup.NEWCOMER: (FundingKind.MUNICIPALITY, 2000, 7000),
    TargetGroup.SHELTERED_WORK: (FundingKind.MUNICIPALITY, 2500, 8000),
    TargetGroup.EARLY_SCHOOL_LEAVER: (FundingKind.MUNICIPALITY, 1000, 4000),
    TargetGroup.WW: (FundingKind.UWV, 2000, 5000),
    TargetGroup.EMPLOYEE: (FundingKind.SECTOR_FUND, 1000, 4000),
    TargetGroup.STUDENT: (FundingKind.EMPLOYER, 500, 2500),
    TargetGroup.OTHER: (FundingKind.OTHER, 500, 3000),
}
SEASON = (1.1, 1.0, 1.0, 0.95, 0.9, 0.85, 0.5, 0.8, 1.4, 1.2, 1.1, 0.7)  # new trajectories per month, relative

# Stages of a trajectory for its work-process assessments.
_PLACED, _LEARNING, _ASSESSED, _COMPLETED, _CERTIFIED = range(5)


# --- Reading and writing rows -----------------------------------------------------------------


FILLED: list[type[models.Model]] = [
    Organisation,
    User,
    Membership,
    MembershipRole,
    Recognition,
    Learner,
    Trajectory,
    TrajectoryEvent,
    FundingSource,
    WorkProcessAssessment,
    Certificate,
    Revocation,
]


@contextmanager
def _foreign_keys_checked_afterwards(filled: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, take the foreign keys off the filled tables while they are filled and put
    them back, unchanged, before the transaction ends; putting one back checks every row in one
    pass. Left on, each row queues a deferred check per key, and the commit of a national
    dataset then spends many minutes on tens of millions of single-row lookups. The tables are
    locked meanwhile; a failure rolls everything back, the keys included."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in filled]
    with connection.cursor() as cursor:
        # Checks queued by earlier statements of this transaction run now: a table with queued
        # checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


class _Writer:
    """Insert rows of explicit values (primary key included): COPY on PostgreSQL, executemany
    elsewhere. Columns not given get their model default; auto_now columns get ``stamp``."""

    def __init__(self, stamp: datetime.datetime) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.stamp = stamp
        self.written: dict[str, int] = {}

    def write(self, model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        given = [by_name[name] for name in names]
        rest = [f for f in meta.concrete_fields if f not in given]
        fixed: list[Any] = []
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fixed.append(self.stamp)
            else:
                fixed.append(f.get_default())
        fields = [*given, *rest]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        values = [*row, *fixed]
                        for i in json_columns:
                            values[i] = json.dumps(values[i])
                        copy.write_row(values)
            else:
                prepared = [i for i, f in enumerate(fields) if _needs_preparation(f)]
                database = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked once per value
                batch = []
                for row in rows:
                    values = [*row, *fixed]
                    for i in prepared:
                        values[i] = fields[i].get_db_prep_save(values[i], database)
                    batch.append(values)
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)  # noqa: S608
        self.written[meta.db_table] = self.written.get(meta.db_table, 0) + len(rows)

    def reset_sequences(self, models_: Iterable[type[models.Model]]) -> None:
        """After inserting explicit keys, let PostgreSQL's next key follow the highest one."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                highest = f"SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}"  # noqa: S608
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])


def _columns(text: str) -> list[str]:
    return text.split()


def _needs_preparation(f: models.Field[Any, Any]) -> bool:
    return isinstance(f, models.DateTimeField | models.DateField | models.DecimalField | models.JSONField)


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- What exists already ----------------------------------------------------------------------


def _generated_organisations() -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(slug__startswith=GENERATED_SLUG_PREFIX)


def generated_dataset_exists() -> bool:
    return _generated_organisations().exists()


def other_data_exists() -> bool:
    """Organisations, learners or trajectories that this generator did not make. Reference data
    (regions, municipalities, the qualification catalogue) and user accounts do not count."""
    own = _generated_organisations()
    return (
        Organisation.objects.exclude(slug__startswith=GENERATED_SLUG_PREFIX).exists()
        or Learner.objects.exclude(organisation__in=own).exists()
    )


def _delete_statements() -> list[tuple[str, list[Any]]]:
    q = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return q(model._meta.db_table)

    organisations = f"SELECT id FROM {table(Organisation)} WHERE slug LIKE %s"  # noqa: S608
    learners = f"SELECT id FROM {table(Learner)} WHERE organisation_id IN ({organisations})"  # noqa: S608
    trajectories = f"SELECT id FROM {table(Trajectory)} WHERE learner_id IN ({learners})"  # noqa: S608
    certificates = f"SELECT id FROM {table(Certificate)} WHERE trajectory_id IN ({trajectories})"  # noqa: S608
    users = f"SELECT id FROM {table(User)} WHERE email LIKE %s"  # noqa: S608
    memberships = f"SELECT id FROM {table(Membership)} WHERE user_id IN ({users})"  # noqa: S608
    from werkplaats.certificates.models import Milestone

    slug = [GENERATED_SLUG_PREFIX + "%"]
    email = ["%@" + GENERATED_EMAIL_DOMAIN]
    return [
        (f"DELETE FROM {table(Revocation)} WHERE certificate_id IN ({certificates})", slug),  # noqa: S608
        (f"DELETE FROM {table(Milestone)} WHERE certificate_id IN ({certificates})", slug),  # noqa: S608
        (f"DELETE FROM {table(Certificate)} WHERE trajectory_id IN ({trajectories})", slug),  # noqa: S608
        (f"DELETE FROM {table(WorkProcessAssessment)} WHERE trajectory_id IN ({trajectories})", slug),  # noqa: S608
        (f"DELETE FROM {table(FundingSource)} WHERE trajectory_id IN ({trajectories})", slug),  # noqa: S608
        (f"DELETE FROM {table(TrajectoryFact)} WHERE trajectory_id IN ({trajectories})", slug),  # noqa: S608
        (f"DELETE FROM {table(TrajectoryEvent)} WHERE trajectory_id IN ({trajectories})", slug),  # noqa: S608
        (f"DELETE FROM {table(Trajectory)} WHERE learner_id IN ({learners})", slug),  # noqa: S608
        (f"DELETE FROM {table(Learner)} WHERE organisation_id IN ({organisations})", slug),  # noqa: S608
        (f"DELETE FROM {table(Recognition)} WHERE employer_id IN ({organisations})", slug),  # noqa: S608
        (f"DELETE FROM {table(MembershipRole)} WHERE membership_id IN ({memberships})", email),  # noqa: S608
        (f"DELETE FROM {table(Membership)} WHERE user_id IN ({users})", email),  # noqa: S608
        (f"DELETE FROM {table(User)} WHERE email LIKE %s", email),  # noqa: S608
        (f"DELETE FROM {table(Organisation)} WHERE slug LIKE %s", slug),  # noqa: S608
    ]


@transaction.atomic
def delete_generated() -> int:
    """Remove a generated dataset (raw SQL: certificates refuse the ORM's delete, rightly so for
    real ones). Rows that other features added to generated records make the database refuse,
    and then nothing is removed. Afterwards each year's certificate sequence continues from the
    highest number left. Returns the number of rows removed."""
    removed = 0
    with connection.cursor() as cursor:
        for sql, params in _delete_statements():
            cursor.execute(sql, params)
            removed += max(cursor.rowcount, 0)
    _reset_certificate_sequences()
    return removed


def _reset_certificate_sequences() -> None:
    highest = dict(Certificate.objects.values("year").annotate(m=Max("sequence")).values_list("year", "m"))
    for sequence in CertificateSequence.objects.all():
        last = highest.get(sequence.year, 0)
        if sequence.last != last:
            CertificateSequence.objects.filter(year=sequence.year).update(last=last)
    for year, last in highest.items():
        CertificateSequence.objects.get_or_create(year=year, defaults={"last": last})


# --- The catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Qualification:
    id: int
    crebo: str
    name: str
    level: int
    domain: str
    dossier_crebo: str
    dossier_version: str
    processes: tuple[tuple[int, str, str, str, str], ...]  # id, code, title, core task code and title


def _catalogue() -> list[_Qualification]:
    """The current qualifications with their work processes in the order of the qualification
    file (as a certificate lists them)."""
    rows = WorkProcess.objects.values_list(
        *_columns(
            "id code title position core_task__code core_task__title core_task__part core_task__position "
            "core_task__file_id core_task__qualification_id"
        )
    )
    by_file: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_file.setdefault(row[8], []).append(row)
    result = []
    for q in Qualification.objects.current().select_related("file").order_by("crebo", "id"):
        own = [r for r in by_file.get(q.file_id, []) if r[9] is None or r[9] == q.pk]
        own.sort(key=lambda r: (r[6], r[7], r[4], r[3], r[1], r[0]))
        result.append(
            _Qualification(
                id=q.pk,
                crebo=q.crebo,
                name=q.name,
                level=q.level,
                domain=q.domain or q.file.domain,
                dossier_crebo=q.file.dossier_crebo,
                dossier_version=q.file.version_label or str(q.file.version_number),
                processes=tuple((r[0], r[1], r[2], r[4], r[5]) for r in own),
            )
        )
    return result


def _ensure_reference_data(options: ScaleOptions) -> None:
    from werkplaats.organisations.services import import_regions

    if Region.objects.count() < options.regions or not Municipality.objects.exists():
        import_regions()
    if not Qualification.objects.exists():
        from werkplaats.demo.services import catalogue_files
        from werkplaats.qualifications.services import import_catalogue

        import_catalogue(catalogue_files())


# --- The generator ----------------------------------------------------------------------------


@dataclass
class _Org:
    id: int
    kind: str
    region_id: int
    name: str
    city: str
    kvk: str = ""
    users: list[tuple[int, str]] = field(default_factory=list)  # id, name


class _Generator:
    def __init__(self, options: ScaleOptions, progress: Progress | None) -> None:
        self.options = options
        self.progress = progress or (lambda _label, _done, _total: None)
        self.rng = random.Random(options.seed)  # noqa: S311 - synthetic data, not secrets
        self.until = options.reference_date()
        self.start = self.until - datetime.timedelta(days=round(365.25 * options.years))
        self.days = (self.until - self.start).days
        self.start_weekday = self.start.weekday()
        self._offsets: dict[int, datetime.timedelta] = {}
        self.stamp = self._moment(self.days - 1 + 17 / 24)  # "now" of the generated world
        self.writer = _Writer(self.stamp)

    # Time: days (with fractions) since the start of the period, local time in Amsterdam.

    def _moment(self, day: float) -> datetime.datetime:
        whole = math.floor(day)
        offset = self._offsets.get(whole)
        date = self.start + datetime.timedelta(days=whole)
        if offset is None:
            noon = datetime.datetime.combine(date, datetime.time(12), _TIMEZONE)
            offset = self._offsets[whole] = noon.utcoffset() or datetime.timedelta(0)
        local = datetime.datetime.combine(date, datetime.time()) + datetime.timedelta(days=day - whole)
        return (local - offset).replace(tzinfo=datetime.UTC, microsecond=0)

    def _date(self, day: float) -> datetime.date:
        return self.start + datetime.timedelta(days=math.floor(day))

    def _working_time(self, day: float) -> float:
        """A moment in working hours on the first working day from ``day``."""
        whole = math.floor(day)
        weekday = (self.start_weekday + whole) % 7
        if weekday >= 5:
            whole += 7 - weekday
        return whole + (8.5 + self.rng.random() * 8.5) / 24

    def _start_moment(self, day: float) -> float:
        """When a trajectory starts on ``day``: in working hours, and before the reference date."""
        moment = self._working_time(day)
        return moment if moment < self.days else math.floor(day) + 0.45

    def _after(self, previous: float, days: float) -> float:
        moment = self._working_time(previous + days)
        return moment if moment > previous else previous + 10 / 1440

    def _name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # --- Organisations, users, recognitions ---------------------------------------------------

    def run(self) -> ScaleResult:
        started = time.perf_counter()
        options = self.options
        _ensure_reference_data(options)
        regions = list(Region.objects.order_by("code"))
        if len(regions) < options.regions:
            raise ScaleError(
                _("There are only %(count)d labour-market regions in the reference data; --regions asks for %(asked)d.")
                % {"count": len(regions), "asked": options.regions}
            )
        self.regions = regions[: options.regions]
        region_ids = {r.pk for r in self.regions}
        self.municipalities = list(
            Municipality.objects.filter(region_id__in=region_ids).select_related("region").order_by("name")
        )
        if not self.municipalities:
            raise ScaleError(_("The chosen regions have no municipalities in the reference data."))
        catalogue = _catalogue()
        self.catalogue = catalogue
        self.assessable = [q for q in catalogue if q.processes]
        self.index_of = {q.id: i for i, q in enumerate(self.assessable)}
        if options.learners and not self.assessable:
            raise ScaleError(
                _(
                    "No qualification in the catalogue has work processes, so no trajectory could be assessed. "
                    "Import qualification files (KD-XML) first."
                )
            )
        free_brins = BRIN_CAPACITY - Organisation.objects.exclude(brin="").count()
        if options.schools > free_brins:
            raise ScaleError(
                _("--schools asks for %(asked)d schools, but only %(free)d BRIN codes are free.")
                % {"asked": options.schools, "free": free_brins}
            )

        result = ScaleResult(assessments_requested=options.assessments)
        with _foreign_keys_checked_afterwards(FILLED):
            self._organisations()
            self._recognitions()
            self._users()
            self._trajectories()
            result.assessments_possible = self._assessments()
            self._write_certificates()
        self.writer.reset_sequences(FILLED)
        facts.refresh_all()  # the dashboard's facts of the trajectories written without save()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        result.counts = {
            "regions": len(self.regions),
            "municipalities (organisations)": self.municipality_count,
            "schools": len(self.schools),
            "employers": len(self.employers),
            "other registering organisations": self.other_registrars,
            "users": self.writer.written.get(User._meta.db_table, 0),
            "memberships": self.writer.written.get(Membership._meta.db_table, 0),
            "recognitions": self.writer.written.get(Recognition._meta.db_table, 0),
            "learners": self.writer.written.get(Learner._meta.db_table, 0),
            "trajectories": self.writer.written.get(Trajectory._meta.db_table, 0),
            "events": self.writer.written.get(TrajectoryEvent._meta.db_table, 0),
            "funding sources": self.writer.written.get(FundingSource._meta.db_table, 0),
            "assessments": self.writer.written.get(WorkProcessAssessment._meta.db_table, 0),
            "certificates": self.writer.written.get(Certificate._meta.db_table, 0),
            "revocations": self.writer.written.get(Revocation._meta.db_table, 0),
        }
        result.seconds = time.perf_counter() - started
        return result

    def _organisations(self) -> None:
        rng, options = self.rng, self.options
        period_start = self._moment(0)
        rows: list[tuple[Any, ...]] = []
        next_org = _next_id(Organisation)
        # Bigger and smaller municipalities: the weight says how much happens there.
        weights = [rng.lognormvariate(0, 1) for _ in self.municipalities]
        self.municipality_weights = list(itertools.accumulate(weights))
        region_weight: dict[int, float] = {}
        for m, w in zip(self.municipalities, weights, strict=True):
            region_weight[m.region_id] = region_weight.get(m.region_id, 0) + w
        self.region_weights = list(itertools.accumulate(region_weight.get(r.pk, 0.0) for r in self.regions))

        def add(
            kind: str, name: str, slug: str, region_id: int, city: str, municipality_id: int | None, **extra: str
        ) -> _Org:
            nonlocal next_org
            org = _Org(next_org, kind, region_id, name[:200], city, extra.get("kvk", ""))
            rows.append(
                (
                    org.id,
                    name[:200],
                    (GENERATED_SLUG_PREFIX + slug)[:80],
                    kind,
                    extra.get("kvk", ""),
                    extra.get("brin", ""),
                    city,
                    municipality_id,
                    region_id,
                    True,
                    period_start,
                    period_start,
                )
            )
            next_org += 1
            return org

        # Registering organisations: every municipality, and per region a UWV office and an SW company.
        self.registrars: dict[int, dict[str, list[tuple[_Org, float]]]] = {r.pk: {} for r in self.regions}
        for m, w in zip(self.municipalities, weights, strict=True):
            org = add(
                OrganisationKind.MUNICIPALITY, f"Gemeente {m.name}", f"gemeente-{m.pk}", m.region_id, m.name, m.pk
            )
            self.registrars[m.region_id].setdefault(OrganisationKind.MUNICIPALITY, []).append((org, w))
        self.municipality_count = len(self.municipalities)
        self.other_registrars = 0
        biggest: dict[int, Municipality] = {}
        heaviest: dict[int, float] = {}
        for m, w in zip(self.municipalities, weights, strict=True):
            if w > heaviest.get(m.region_id, -1.0):
                biggest[m.region_id], heaviest[m.region_id] = m, w
        for region in self.regions:
            if region.pk not in biggest:
                continue
            city = biggest[region.pk]
            uwv = add(
                OrganisationKind.UWV, f"UWV {region.name}", f"uwv-{region.code.lower()}", region.pk, city.name, city.pk
            )
            sw = add(
                OrganisationKind.SW_COMPANY,
                f"Werkbedrijf {region.name}",
                f"sw-{region.code.lower()}",
                region.pk,
                city.name,
                city.pk,
            )
            self.registrars[region.pk][OrganisationKind.UWV] = [(uwv, 1.0)]
            self.registrars[region.pk][OrganisationKind.SW_COMPANY] = [(sw, 1.0)]
            self.other_registrars += 2

        # Schools: one per region as far as they go, the rest where most people live.
        taken_brins = set(Organisation.objects.exclude(brin="").values_list("brin", flat=True))
        symbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        brins = (
            f"{d:02d}{a}{b}"
            for d in range(99, -1, -1)
            for a in symbols[10:] + symbols[:10]
            for b in symbols[10:] + symbols[:10]
        )
        school_regions = [r for r in self.regions if r.pk in biggest]
        placed: list[Region] = school_regions[: options.schools]
        while len(placed) < options.schools:
            placed.append(rng.choices(self.regions, cum_weights=self.region_weights)[0])
        self.schools: list[_Org] = []
        self.schools_by_region: dict[int, list[_Org]] = {}
        names: set[str] = set()
        for n, region in enumerate(placed):
            name = base = f"{rng.choice(SCHOOL_PREFIXES)} {region.name}"
            suffix = 2
            while name in names:
                name = f"{base} {suffix}"
                suffix += 1
            names.add(name)
            brin = next(b for b in brins if b not in taken_brins)
            home = biggest.get(region.pk)
            school = add(
                OrganisationKind.MBO_SCHOOL,
                name,
                f"school-{n + 1}",
                region.pk,
                home.name if home else region.name,
                home.pk if home else None,
                brin=brin,
            )
            self.schools.append(school)
            self.schools_by_region.setdefault(region.pk, []).append(school)
            self.registrars[region.pk].setdefault(OrganisationKind.MBO_SCHOOL, []).append((school, 1.0))

        # Employers, spread over the municipalities by their weight; the name follows the trade.
        taken_kvks = set(Organisation.objects.exclude(kvk_number="").values_list("kvk_number", flat=True))
        self.employers: list[_Org] = []
        self.employer_domains: list[str] = []
        # Recognitions decide the trade, so draw each employer's first qualification here.
        self._prepare_popularity()
        kvk_step, kvk_offset = 7919, rng.randrange(KVK_CAPACITY)
        kvk_n = 0
        self.first_recognition: list[_Qualification] = []
        for n in range(options.employers):
            m = rng.choices(self.municipalities, cum_weights=self.municipality_weights)[0]
            qualification = self._draw_first_qualification()
            words = COMPANY_WORDS.get(qualification.domain, OTHER_COMPANY_WORDS)
            form = rng.choice(LEGAL_FORMS)
            surname = rng.choice(LAST_NAMES)
            name = f"{rng.choice(words)} {surname[0].upper()}{surname[1:]} {form}".strip()
            while True:
                kvk = str(10_000_000 + (kvk_n * kvk_step + kvk_offset) % KVK_CAPACITY)
                kvk_n += 1
                if kvk not in taken_kvks:
                    break
            employer = add(OrganisationKind.EMPLOYER, name, f"werkgever-{n + 1}", m.region_id, m.name, m.pk, kvk=kvk)
            self.employers.append(employer)
            self.first_recognition.append(qualification)
            if len(rows) >= options.chunk:
                self._write_organisations(rows)
                self.progress(_("employers"), n + 1, options.employers)
        self._write_organisations(rows)
        self.progress(_("employers"), options.employers, options.employers)

    def _write_organisations(self, rows: list[tuple[Any, ...]]) -> None:
        self.writer.write(
            Organisation,
            _columns(
                "id name slug kind kvk_number brin city municipality_id region_id is_active created_at updated_at"
            ),
            rows,
        )
        rows.clear()

    def _prepare_popularity(self) -> None:
        rng = self.rng
        order = list(self.catalogue)
        rng.shuffle(order)  # popularity does not follow the crebo numbers
        self.by_popularity = order
        self.popularity = list(itertools.accumulate(1 / (rank + 5) ** 1.05 for rank in range(1, len(order) + 1)))
        assessable = list(self.assessable)
        rng.shuffle(assessable)
        self.assessable_by_popularity = assessable
        self.assessable_popularity = list(
            itertools.accumulate(1 / (rank + 2) ** 0.8 for rank in range(1, len(assessable) + 1))
        )

    def _draw_first_qualification(self) -> _Qualification:
        """Four in ten employers are first of all recognised for a qualification whose work
        processes are known (care and welfare with the shipped catalogue): those are the
        qualifications trajectories can follow to the end."""
        if self.assessable and (self.rng.random() < 0.4 or not self.employers):
            return self.rng.choices(self.assessable_by_popularity, cum_weights=self.assessable_popularity)[0]
        return self.rng.choices(self.by_popularity, cum_weights=self.popularity)[0]

    def _recognitions(self) -> None:
        rng, options = self.rng, self.options
        rows: list[tuple[Any, ...]] = []
        pk = _next_id(Recognition)
        # Recognitions trajectories can use: in force over the whole period, per region.
        self.usable: dict[int, list[tuple[int, int]]] = {}  # region → (employer index, qualification index)
        self.usable_all: list[tuple[int, int]] = []
        index_of = self.index_of
        period_start = self.start
        for n, employer in enumerate(self.employers):
            chosen = [self.first_recognition[n]]
            for _extra in range(rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]):
                q = rng.choices(self.by_popularity, cum_weights=self.popularity)[0]
                if q not in chosen:
                    chosen.append(q)
            for position, q in enumerate(chosen):
                state = rng.random() if position else 1.0  # the first one is always in force
                start = _month_start(period_start - datetime.timedelta(days=rng.randrange(30, 3650)))
                end: datetime.date | None = None
                withdrawn: datetime.datetime | None = None
                if state < 0.04:  # ended during the period
                    end = self._date(rng.randrange(self.days))
                elif state < 0.06:  # withdrawn by SBB during the period
                    withdrawn = self._moment(self._working_time(rng.randrange(self.days)))
                    withdrawn = min(withdrawn, self.stamp)
                elif state < 0.08:  # starts after the reference date
                    start = _month_start(self.until + datetime.timedelta(days=rng.randrange(31, 400)))
                elif state < 0.2:  # in force until a date after the reference date
                    end = self.until + datetime.timedelta(days=rng.randrange(180, 1500))
                verified = self._date(rng.randrange(self.days)) if rng.random() < 0.7 else None
                rows.append(
                    (
                        pk,
                        employer.id,
                        q.crebo,
                        start,
                        end,
                        RecognitionSource.SBB,
                        verified,
                        rng.choices((1, 2, 3, 4, 6), (0.35, 0.3, 0.15, 0.15, 0.05))[0],
                        withdrawn,
                        "Ingetrokken door SBB." if withdrawn else "",
                        self.stamp,
                        self.stamp,
                    )
                )
                pk += 1
                if state >= 0.08 and q.id in index_of:
                    pair = (n, index_of[q.id])
                    self.usable.setdefault(employer.region_id, []).append(pair)
                    self.usable_all.append(pair)
            if len(rows) >= options.chunk:
                self._write_recognitions(rows)
        self._write_recognitions(rows)

    def _write_recognitions(self, rows: list[tuple[Any, ...]]) -> None:
        self.writer.write(
            Recognition,
            _columns(
                "id employer_id crebo start_date end_date source last_verified_on places_offered "
                "withdrawn_at withdrawal_reason created_at updated_at"
            ),
            rows,
        )
        rows.clear()

    def _users(self) -> None:
        """A modest number of staff per organisation: consultants where learners are registered
        (more where more happens), staff at schools, one workplace trainer per employer, and a
        coordinator per region."""
        rng, options = self.rng, self.options
        users: list[tuple[Any, ...]] = []
        memberships: list[tuple[Any, ...]] = []
        roles: list[tuple[Any, ...]] = []
        user_pk, membership_pk, role_pk = _next_id(User), _next_id(Membership), _next_id(MembershipRole)
        joined = self._moment(0)
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

        def person(org: _Org, role: str, label: str) -> None:
            nonlocal user_pk, membership_pk, role_pk
            first, last = self._name()
            name = f"{first} {last}"
            unusable = "!" + "".join(rng.choices(alphabet, k=40))  # what set_unusable_password stores
            users.append((user_pk, f"{label}.{user_pk}@{GENERATED_EMAIL_DOMAIN}", name, unusable, "nl", joined))
            memberships.append((membership_pk, user_pk, org.id, joined))
            roles.append((role_pk, membership_pk, role))
            if role != Role.COORDINATOR:
                org.users.append((user_pk, name))
            user_pk, membership_pk, role_pk = user_pk + 1, membership_pk + 1, role_pk + 1

        total_weight = self.region_weights[-1] if self.region_weights else 1.0
        for region in self.regions:
            kinds = self.registrars[region.pk]
            municipalities = kinds.get(OrganisationKind.MUNICIPALITY, [])
            region_total = sum(w for _org, w in municipalities) or 1.0
            region_learners = options.learners * region_total / total_weight
            for org, w in municipalities:
                expected = region_learners * 0.58 * w / region_total
                for _n in range(max(1, min(25, round(expected / 1500)))):
                    person(org, Role.CONSULTANT, "consulent")
            for kind, share in ((OrganisationKind.UWV, 0.15), (OrganisationKind.SW_COMPANY, 0.10)):
                for org, _w in kinds.get(kind, []):
                    for _n in range(max(1, min(25, round(region_learners * share / 1500)))):
                        person(org, Role.CONSULTANT, "consulent")
            if municipalities:
                person(municipalities[0][0], Role.COORDINATOR, "coordinator")
        for school in self.schools:
            expected = options.learners / max(len(self.schools), 1)
            for _n in range(max(2, min(60, round(expected / 1000)))):
                person(school, Role.SCHOOL_STAFF, "docent")
        for n, employer in enumerate(self.employers):
            person(employer, Role.WORKPLACE_TRAINER, "praktijkopleider")
            if len(users) >= options.chunk:
                self._write_users(users, memberships, roles)
                self.progress(_("users"), n + 1, len(self.employers))
        self._write_users(users, memberships, roles)

    def _write_users(self, users: list[Any], memberships: list[Any], roles: list[Any]) -> None:
        self.writer.write(User, ["id", "email", "name", "password", "language", "date_joined"], users)
        self.writer.write(Membership, ["id", "user_id", "organisation_id", "created_at"], memberships)
        self.writer.write(MembershipRole, ["id", "membership_id", "role"], roles)
        users.clear()
        memberships.clear()
        roles.clear()

    # --- Learners and trajectories ------------------------------------------------------------

    def _trajectories(self) -> None:
        rng, options = self.rng, self.options
        # New trajectories per day: growing over the years, with the school year's rhythm.
        day_weights = []
        for day in range(self.days):
            date = self.start + datetime.timedelta(days=day)
            weight = (1 + 0.5 * day / self.days) * SEASON[date.month - 1]
            day_weights.append(weight * (0.15 if date.weekday() >= 5 else 1.0))
        self.day_weights = list(itertools.accumulate(day_weights))
        self.ids = {
            "learner": _next_id(Learner),
            "trajectory": _next_id(Trajectory),
            "event": _next_id(TrajectoryEvent),
            "funding": _next_id(FundingSource),
            "certificate": _next_id(Certificate),
            "revocation": _next_id(Revocation),
        }
        # Certificates wait until every trajectory is known: they are numbered in order of issue.
        self.pending: list[tuple[Any, ...]] = []
        self.codes: set[str] = set(Certificate.objects.values_list("code", flat=True))
        self.rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in ("learner", "trajectory", "event", "funding")}
        # What the assessments need of every trajectory that reached a workplace (compact: the
        # national dataset has close to a million of them).
        self.jobs: dict[str, array[Any]] = {
            "trajectory": array("q"),
            "qualification": array("i"),
            "stage": array("b"),
            "seed": array("q"),
            "size": array("i"),
            "minimum": array("i"),
            "trainer": array("q"),
            "coach": array("q"),
            "start": array("d"),
            "middle": array("d"),
            "end": array("d"),
        }
        registrar_kinds, registrar_weights = REGISTRARS
        choices: dict[tuple[int, str], tuple[list[_Org], list[float]]] = {}
        for region_id, kinds in self.registrars.items():
            for kind, weighted in kinds.items():
                choices[region_id, kind] = (
                    [o for o, _w in weighted],
                    list(itertools.accumulate(w for _o, w in weighted)),
                )
        for n in range(options.learners):
            region = rng.choices(self.regions, cum_weights=self.region_weights)[0]
            kind = rng.choices(registrar_kinds, registrar_weights)[0]
            if (region.pk, kind) not in choices:
                kind = OrganisationKind.MUNICIPALITY
            orgs, cum_weights = choices[region.pk, kind]
            registrar = rng.choices(orgs, cum_weights=cum_weights)[0]
            groups, group_weights = TARGET_GROUPS[kind]
            group = rng.choices(groups, group_weights)[0]
            created = rng.random() * self.day_weights[-1]
            day = bisect.bisect_left(self.day_weights, created)
            learner_id = self.ids["learner"]
            self.ids["learner"] += 1
            first, last = self._name()
            age = (
                rng.randint(16, 22)
                if group in (TargetGroup.STUDENT, TargetGroup.EARLY_SCHOOL_LEAVER)
                else rng.randint(19, 62)
            )
            born = self._date(day) - datetime.timedelta(days=age * 365 + rng.randrange(365))
            consultant = rng.choice(registrar.users) if registrar.users else (None, "")
            first_moment = self._start_moment(day)
            language = (
                rng.choices([c for c, _label in LanguageLevel.choices], (30, 2, 5, 10, 20, 18, 10, 5))[0]
                if group == TargetGroup.NEWCOMER
                else rng.choices(("", "B1", "B2", "C1"), (60, 10, 15, 15))[0]
            )
            self.rows["learner"].append(
                (
                    learner_id,
                    registrar.id,
                    first,
                    last,
                    born,
                    group,
                    language,
                    consultant[0],
                    self._moment(first_moment),
                    self._moment(first_moment),
                )
            )
            ended = self._trajectory(
                learner_id, (first, last, born), registrar, region.pk, group, consultant, first_moment
            )
            # Some learners come back for a second trajectory after the first one ended.
            if ended is not None and rng.random() < 0.08:
                again = ended + rng.uniform(14, 240)
                if again < self.days - 1:
                    self._trajectory(
                        learner_id,
                        (first, last, born),
                        registrar,
                        region.pk,
                        group,
                        consultant,
                        self._start_moment(again),
                    )
            if len(self.rows["learner"]) >= options.chunk:
                self._flush()
                self.progress(_("learners"), n + 1, options.learners)
        self._flush()
        self.progress(_("learners"), options.learners, options.learners)

    def _flush(self) -> None:
        rows, write = self.rows, self.writer.write
        write(
            Learner,
            _columns(
                "id organisation_id first_name last_name date_of_birth target_group language_level "
                "created_by_id created_at updated_at"
            ),
            rows["learner"],
        )
        write(
            Trajectory,
            _columns(
                "id learner_id route intended_outcome qualification_id school_id employer_id "
                "workplace_trainer_id school_coach_id consultant_id planned_start planned_end status "
                "status_changed_at stop_reason outcome_at_completion outcome_after_six_months "
                "aftercare_checked_on version created_by_id created_at updated_at region_id"
            ),
            rows["trajectory"],
        )
        write(TrajectoryEvent, EVENT_COLUMNS, rows["event"])
        write(
            FundingSource,
            ["id", "trajectory_id", "kind", "amount", "period_start", "period_end", "note"],
            rows["funding"],
        )
        for batch in rows.values():
            batch.clear()

    def _trajectory(
        self,
        learner_id: int,
        person: tuple[str, str, datetime.date],
        registrar: _Org,
        region_id: int,
        group: str,
        consultant: tuple[int | None, str],
        created: float,
    ) -> float | None:
        """Simulate one trajectory from referral to where it stands at the reference date and
        queue its rows. Returns the moment it ended, or None while it is open."""
        rng = self.rng
        horizon = float(self.days)  # the reference date itself is not in the period
        route = rng.choices(*ROUTES)[0]
        if route == Route.STAFF_DEVELOPMENT and group != TargetGroup.EMPLOYEE:
            route = Route.PRAKTIJKLEREN  # professional development is for people who work already
        outcome = rng.choices(*OUTCOMES[route])[0]
        qualification: _Qualification | None = None
        employer_index: int | None = None
        school: _Org | None = None
        if route != Route.STAFF_DEVELOPMENT:
            pairs = self.usable.get(region_id) if rng.random() < 0.9 else None
            pairs = pairs or self.usable_all
            employer_index, q_index = rng.choice(pairs)
            qualification = self.assessable[q_index]
            if registrar.kind == OrganisationKind.MBO_SCHOOL:
                school = registrar
            else:
                local = self.schools_by_region.get(region_id)
                school = rng.choice(local) if local and rng.random() < 0.92 else rng.choice(self.schools)
        coach = rng.choice(school.users) if school and school.users else (None, "")
        trajectory_id = self.ids["trajectory"]
        self.ids["trajectory"] += 1

        events: list[tuple[str, str, str, float, str, dict[str, str], int | None]] = []
        events.append((EventKind.CREATED, "", Status.REFERRED, created, "", {}, consultant[0]))
        state: str = Status.REFERRED
        now = created
        employer: _Org | None = None
        placed_at = learning_from = assessment_from = None
        stop_reason = ""
        paused_once = returned_once = False
        learning_days = LEARNING_DAYS[route] * (0.85 if outcome == IntendedOutcome.PRACTICE_CERTIFICATE else 1)
        while state not in (Status.COMPLETED, Status.STOPPED):
            median, spread, stop_chance = STATE_TIMES[state]
            if state == Status.IN_PROGRESS:
                median = learning_days
            duration = rng.lognormvariate(math.log(median), spread)
            if route == Route.STAFF_DEVELOPMENT and state in (Status.SEARCHING, Status.PLACED):
                duration = rng.uniform(1, 5)  # staff learn where they work
            # Now and then a pause in the middle of a state; most resume, some stop.
            if not paused_once and rng.random() < 0.025:
                paused_once = True
                pause_at = self._after(now, duration * rng.uniform(0.2, 0.8))
                if pause_at >= horizon:
                    break
                events.append(
                    (EventKind.TRANSITION, state, Status.PAUSED, pause_at, rng.choice(PAUSE_TEXTS), {}, consultant[0])
                )
                back = self._after(pause_at, rng.lognormvariate(math.log(35), 0.6))
                if back >= horizon:
                    state, now = Status.PAUSED, pause_at
                    break
                if rng.random() < 0.15:
                    stop_reason = rng.choices(*STOP_REASONS[Status.PAUSED])[0]
                    events.append(
                        (
                            EventKind.TRANSITION,
                            Status.PAUSED,
                            Status.STOPPED,
                            back,
                            rng.choice(STOP_TEXTS[stop_reason]),
                            {"stop_reason": stop_reason},
                            consultant[0],
                        )
                    )
                    state, now = Status.STOPPED, back
                    break
                events.append((EventKind.TRANSITION, Status.PAUSED, state, back, "", {}, consultant[0]))
                now = back
                duration *= rng.uniform(0.3, 0.8)
            stops = rng.random() < stop_chance
            if stops:
                duration *= rng.uniform(0.3, 1.2)
            at = self._after(now, duration)
            if at >= horizon:
                break
            if stops:
                key = (
                    "early"
                    if state in (Status.REFERRED, Status.INTAKE)
                    else "learning"
                    if state in (Status.PLACED, Status.IN_PROGRESS)
                    else state
                )
                stop_reason = rng.choices(*STOP_REASONS[key])[0]
                events.append(
                    (
                        EventKind.TRANSITION,
                        state,
                        Status.STOPPED,
                        at,
                        rng.choice(STOP_TEXTS[stop_reason]),
                        {"stop_reason": stop_reason},
                        consultant[0],
                    )
                )
                state, now = Status.STOPPED, at
                break
            target = NEXT_STATE[state]
            if state == Status.PLACED and not returned_once and rng.random() < 0.03:
                target = Status.SEARCHING  # the placement fell through before it started
                returned_once = True
            elif state == Status.ASSESSMENT and not returned_once and rng.random() < 0.04:
                target = Status.IN_PROGRESS  # not ready yet: back to learning for a while
                returned_once = True
                learning_days = 45
            actor = consultant[0]
            reason = ""
            if target == Status.PLACED:
                if employer is None or rng.random() < 0.7:
                    if employer is not None and qualification is not None:
                        employer_index = self._another_employer(qualification, region_id, employer_index)
                    employer = self.employers[employer_index] if employer_index is not None else registrar
                placed_at = at
            elif target == Status.IN_PROGRESS and learning_from is None:
                learning_from = at
            elif target == Status.ASSESSMENT:
                assessment_from = at
                actor = coach[0]
            elif target == Status.COMPLETED:
                actor = coach[0]
            elif target == Status.SEARCHING and state == Status.PLACED:
                reason = "Plaatsing gaat niet door."
            events.append((EventKind.TRANSITION, state, target, at, reason, {}, actor))
            state, now = target, at

        if employer is None and route == Route.STAFF_DEVELOPMENT and placed_at is not None:
            employer = registrar
        trainer = rng.choice(employer.users) if employer is not None and employer.users else (None, "")
        # Outcomes: at completion always, six months later when that moment has come.
        at_completion = after_six = ""
        checked_on: datetime.date | None = None
        if state == Status.COMPLETED:
            at_completion = rng.choices(*FOLLOW_UPS)[0]
            check = now + rng.uniform(182, 215)
            if check < horizon and rng.random() < 0.85:
                checked_on = self._date(check)
                after_six = at_completion if rng.random() < 0.7 else rng.choices(*FOLLOW_UPS)[0]
        planned_start = self._date(placed_at if placed_at is not None else created + 45)
        planned_end = planned_start + datetime.timedelta(days=round(LEARNING_DAYS[route] * 1.2))

        # Events.
        certified = state == Status.COMPLETED and outcome == IntendedOutcome.PRACTICE_CERTIFICATE
        event_rows = self.rows["event"]
        held: tuple[Any, ...] = ()
        for kind, from_status, to_status, at, reason, data, actor in events:
            row = (
                self.ids["event"],
                trajectory_id,
                kind,
                from_status,
                to_status,
                actor,
                reason,
                data,
                self._moment(at),
            )
            if certified and to_status == Status.COMPLETED:
                held = row  # its reason names the certificate's number, known at the end
            else:
                event_rows.append(row)
            self.ids["event"] += 1
        last_at = self._moment(events[-1][3])
        self.rows["trajectory"].append(
            (
                trajectory_id,
                learner_id,
                route,
                outcome,
                qualification.id if qualification else None,
                school.id if school else None,
                employer.id if employer else None,
                trainer[0],
                coach[0],
                consultant[0],
                planned_start,
                planned_end,
                state,
                last_at,
                stop_reason,
                at_completion,
                after_six,
                checked_on,
                len(events),
                consultant[0],
                self._moment(created),
                last_at,
                # The region that counts it (trajectories/regions.py): the learner's organisation's.
                registrar.region_id,
            )
        )
        # Funding, once the intake found what pays for the trajectory.
        if len(events) > 2 or state not in (Status.REFERRED, Status.INTAKE, Status.STOPPED):
            kind_, low, high = FUNDING[group]
            sources = [kind_] if group != TargetGroup.STUDENT or rng.random() < 0.3 else []
            if route in (Route.PRAKTIJKLEREN, Route.THIRD_ROUTE) and rng.random() < 0.6:
                sources.append(FundingKind.SUBSIDY)
            for source in sources:
                amount = Decimal(2700) if source == FundingKind.SUBSIDY else Decimal(rng.randrange(low, high, 50))
                self.rows["funding"].append(
                    (self.ids["funding"], trajectory_id, source, amount, planned_start, planned_end, "")
                )
                self.ids["funding"] += 1

        # Work-process assessments, written later: first every trajectory's share is settled.
        if qualification is not None and placed_at is not None:
            if certified:
                stage = _CERTIFIED
            elif state == Status.COMPLETED:
                stage = _COMPLETED
            elif assessment_from is not None:
                stage = _ASSESSED
            elif learning_from is not None:
                stage = _LEARNING
            else:
                stage = _PLACED
            processes = len(qualification.processes)
            size = processes if rng.random() < 0.5 else rng.randint(max(1, math.ceil(processes * 0.6)), processes)
            seed = rng.getrandbits(62)
            start = learning_from if learning_from is not None else placed_at
            middle = (
                assessment_from
                if assessment_from is not None
                else now
                if state in (Status.STOPPED, Status.PAUSED)
                else horizon - 0.01
            )
            if middle < start:
                middle = start
            end = now if state in (Status.COMPLETED, Status.STOPPED) else horizon - 0.01
            jobs = self.jobs
            jobs["trajectory"].append(trajectory_id)
            jobs["qualification"].append(self.index_of[qualification.id])
            jobs["stage"].append(stage)
            jobs["seed"].append(seed)
            jobs["size"].append(size)
            jobs["minimum"].append(size if stage == _CERTIFIED else 1 if stage in (_ASSESSED, _COMPLETED) else 0)
            jobs["trainer"].append(trainer[0] or 0)
            jobs["coach"].append(coach[0] or 0)
            jobs["start"].append(start)
            jobs["middle"].append(middle)
            jobs["end"].append(max(end, middle))
            if certified:
                assert school is not None and employer is not None and coach[0] is not None
                self._certificate(
                    trajectory_id,
                    learner_id,
                    person,
                    qualification,
                    school,
                    employer,
                    registrar,
                    trainer[1],
                    coach,
                    rows=self._assessment_rows(len(jobs["seed"]) - 1, size),
                    at=now,
                    event=held,
                )
        return now if state in (Status.COMPLETED, Status.STOPPED) else None

    def _another_employer(self, qualification: _Qualification, region_id: int, current: int | None) -> int | None:
        """A second placement: another recognised employer for the same qualification, nearby
        when there is one."""
        q_index = self.index_of[qualification.id]
        pairs = self.usable.get(region_id) or self.usable_all
        for _attempt in range(8):
            employer_index, candidate = self.rng.choice(pairs)
            if candidate == q_index and employer_index != current:
                return employer_index
        return current

    def _certificate(
        self,
        trajectory_id: int,
        learner_id: int,
        person: tuple[str, str, datetime.date],
        qualification: _Qualification,
        school: _Org,
        employer: _Org,
        registrar: _Org,
        trainer_name: str,
        coach: tuple[int | None, str],
        *,
        rows: list[tuple[int, str, float, float | None]],
        at: float,
        event: tuple[Any, ...],
    ) -> None:
        """Keep the praktijkverklaring issued at the completion ``at`` (compactly: there are a
        quarter of a million at national size) with the completion event that names it."""
        rng = self.rng
        mastered = tuple(i for i, level, _assessed, confirmed in rows if level == Level.MASTERED and confirmed)
        while True:
            code = "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                break
        pk = self.ids["certificate"]
        self.ids["certificate"] += 1
        revocation: tuple[Any, ...] = ()
        if rng.random() < 0.012:  # now and then a certificate is withdrawn
            revoked = self._after(at, rng.uniform(5, 300))
            if revoked < self.days:
                revocation = (self.ids["revocation"], pk, rng.choice(REVOCATION_TEXTS), revoked, coach[0])
                self.ids["revocation"] += 1
        self.pending.append(
            (
                at,
                pk,
                code,
                trajectory_id,
                learner_id,
                self.index_of[qualification.id],
                mastered,
                school,
                employer,
                registrar.region_id,
                person,
                trainer_name,
                coach,
                event,
                revocation,
            )
        )

    def _write_certificates(self) -> None:
        """Write the certificates in order of issue, numbered per year after the numbers the
        year had (``PV-{year}-{sequence:06d}`` as ``certificates.services.issue`` numbers them),
        with their completion events and revocations, and move the yearly sequences on."""
        last = dict(CertificateSequence.objects.values_list("year", "last"))
        for year, highest in Certificate.objects.values("year").annotate(m=Max("sequence")).values_list("year", "m"):
            last[year] = max(last.get(year, 0), highest or 0)
        self.pending.sort(key=lambda record: (record[0], record[1]))
        certificates, events, revocations = [], [], []
        done = 0
        for (
            at,
            pk,
            code,
            trajectory_id,
            learner_id,
            q_index,
            mastered,
            school,
            employer,
            region_id,
            person,
            *rest,
        ) in self.pending:
            trainer_name, coach, event, revocation = rest
            qualification = self.assessable[q_index]
            issued_on = self._date(at)
            sequence = last[issued_on.year] = last.get(issued_on.year, 0) + 1
            number = NUMBER_FORMAT.format(year=issued_on.year, sequence=sequence)
            groups: list[dict[str, Any]] = []
            for process_index in mastered:
                _id, process_code, title, core_code, core_title = qualification.processes[process_index]
                if not groups or groups[-1]["code"] != core_code:
                    groups.append({"code": core_code, "title": core_title, "work_processes": []})
                groups[-1]["work_processes"].append({"code": process_code, "title": title})
            first, last_name, born = person
            certificates.append(
                (
                    pk,
                    number,
                    issued_on.year,
                    sequence,
                    code,
                    trajectory_id,
                    learner_id,
                    qualification.id,
                    school.id,
                    employer.id,
                    region_id,
                    issued_on,
                    self._moment(at),
                    coach[0],
                    "nl",
                    first,
                    last_name,
                    born,
                    qualification.name,
                    qualification.crebo,
                    qualification.level,
                    qualification.dossier_crebo,
                    qualification.dossier_version,
                    groups,
                    employer.name,
                    employer.kvk,
                    trainer_name[:200],
                    school.name,
                    coach[1][:200],
                    school.city,
                )
            )
            reason = _("Praktijkverklaring %(number)s issued.") % {"number": number}
            events.append((*event[:6], reason, *event[7:]))
            if revocation:
                revocation_pk, _certificate, text, revoked, by = revocation
                revocations.append((revocation_pk, pk, text, self._date(revoked), self._moment(revoked), by))
            if len(certificates) >= self.options.chunk:
                done += len(certificates)
                self._write_certificate_rows(certificates, events, revocations)
                self.progress(_("certificates"), done, len(self.pending))
        done += len(certificates)
        self._write_certificate_rows(certificates, events, revocations)
        self.progress(_("certificates"), done, max(len(self.pending), 1))
        for year, sequence in last.items():
            CertificateSequence.objects.update_or_create(year=year, defaults={"last": sequence})

    def _write_certificate_rows(self, certificates: list[Any], events: list[Any], revocations: list[Any]) -> None:
        self.writer.write(
            Certificate,
            _columns(
                "id number year sequence code trajectory_id learner_id qualification_id school_id employer_id "
                "region_id issued_on issued_at issued_by_id language learner_first_name learner_last_name "
                "learner_date_of_birth qualification_name crebo level dossier_crebo dossier_version work_processes "
                "employer_name employer_kvk trainer_name school_name signatory_name place"
            ),
            certificates,
        )
        self.writer.write(TrajectoryEvent, EVENT_COLUMNS, events)
        self.writer.write(
            Revocation, _columns("id certificate_id reason revoked_on revoked_at revoked_by_id"), revocations
        )
        for rows in (certificates, events, revocations):
            rows.clear()

    # --- Work-process assessments -------------------------------------------------------------

    def _assessment_rows(self, job: int, count: int) -> list[tuple[int, str, float, float | None]]:
        """The first ``count`` assessments of ``job``: (process index, level, assessed, confirmed).
        Drawn from the job's own seed, so the certificate (queued with the trajectory) and the
        rows (written at the end) agree."""
        jobs = self.jobs
        rng = random.Random(jobs["seed"][job])  # noqa: S311
        qualification = self.assessable[jobs["qualification"][job]]
        stage, size = jobs["stage"][job], jobs["size"][job]
        start, middle, end = jobs["start"][job], jobs["middle"][job], jobs["end"][job]
        chosen = sorted(rng.sample(range(len(qualification.processes)), size))
        progress = 0.0
        if stage == _LEARNING:
            expected = LEARNING_DAYS[Route.PRAKTIJKLEREN] * 1.3
            progress = min(1.0, (middle - start) / expected)
        developing = (
            set(rng.sample(range(size), min(size - 1, rng.choice((0, 0, 0, 1, 2))))) if stage == _CERTIFIED else set()
        )
        rows: list[tuple[int, str, float, float | None]] = []
        for position, process_index in enumerate(chosen[:count]):
            draw = rng.random()
            if stage == _PLACED:
                level = Level.NOT_STARTED
            elif stage == _LEARNING:
                level = (
                    Level.MASTERED
                    if draw < progress * 0.8
                    else Level.DEVELOPING
                    if draw < progress + 0.25 or position == 0
                    else Level.NOT_STARTED
                )
            elif stage == _CERTIFIED:
                level = Level.DEVELOPING if position in developing else Level.MASTERED
            else:
                level = Level.MASTERED if draw < 0.88 else Level.DEVELOPING
            assessed = start if level == Level.NOT_STARTED else start + rng.random() * (middle - start)
            confirmed: float | None = None
            if level == Level.MASTERED:
                sure = stage in (_CERTIFIED, _COMPLETED) or rng.random() < (0.6 if stage == _ASSESSED else 0.35)
                if sure:
                    confirmed = min(assessed + rng.uniform(1, 12), end - 0.001)
                    confirmed = max(confirmed, assessed)
            rows.append((process_index, level, assessed, confirmed))
        return rows

    def _assessments(self) -> tuple[int, int]:
        """Write exactly the requested number of assessments, within what the trajectories
        allow: certified trajectories keep every assessment their certificate lists, trajectories
        that reached the assessment phase at least one, and the rest shares the remainder in
        proportion to its work processes. Returns (fewest, most) possible."""
        jobs = self.jobs
        total = len(jobs["seed"])
        fewest = sum(jobs["minimum"])
        most = sum(jobs["size"])
        wanted = min(max(self.options.assessments, fewest), most)
        counts = array("i", jobs["minimum"])
        spare = most - fewest
        if spare:
            share = (wanted - fewest) / spare
            for i in range(total):
                counts[i] += math.floor((jobs["size"][i] - jobs["minimum"][i]) * share)
            left = wanted - sum(counts)
            order = list(range(total))
            self.rng.shuffle(order)
            for i in order:
                if left <= 0:
                    break
                if counts[i] < jobs["size"][i]:
                    counts[i] += 1
                    left -= 1
        pk = _next_id(WorkProcessAssessment)
        rows: list[tuple[Any, ...]] = []
        written = 0
        for i in range(total):
            if not counts[i]:
                continue
            qualification = self.assessable[jobs["qualification"][i]]
            trainer, coach = jobs["trainer"][i] or None, jobs["coach"][i] or None
            for process_index, level, assessed, confirmed in self._assessment_rows(i, counts[i]):
                rows.append(
                    (
                        pk,
                        jobs["trajectory"][i],
                        qualification.processes[process_index][0],
                        level,
                        self._date(assessed),
                        trainer or coach,
                        coach if confirmed is not None else None,
                        self._moment(confirmed) if confirmed is not None else None,
                    )
                )
                pk += 1
            if len(rows) >= self.options.chunk:
                written += len(rows)
                self._write_assessments(rows)
                self.progress(_("assessments"), written, wanted)
        written += len(rows)
        self._write_assessments(rows)
        self.progress(_("assessments"), written, max(wanted, 1))
        return fewest, most

    def _write_assessments(self, rows: list[tuple[Any, ...]]) -> None:
        self.writer.write(
            WorkProcessAssessment,
            _columns("id trajectory_id work_process_id level assessed_on assessed_by_id confirmed_by_id confirmed_at"),
            rows,
        )
        rows.clear()


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def generate(options: ScaleOptions, *, progress: Progress | None = None) -> ScaleResult:
    """Generate the dataset in one transaction: a failure leaves nothing behind."""
    problems = options.problems()
    if problems:
        raise ScaleError(" ".join(problems))
    with transaction.atomic():
        return _Generator(options, progress).run()


# --- A fingerprint of the dataset -------------------------------------------------------------


def dataset_digest() -> str:
    """A stable digest of the key columns of every generated row, in key order: equal for two
    runs with the same options into equal databases."""
    own = _generated_organisations()
    learners = Learner.objects.filter(organisation__in=own)
    trajectories = Trajectory.objects.filter(learner__in=learners)
    parts: list[tuple[models.QuerySet[Any], tuple[str, ...]]] = [
        (own, ("id", "name", "slug", "kind", "kvk_number", "brin", "region_id", "municipality_id")),
        (User.objects.filter(email__endswith="@" + GENERATED_EMAIL_DOMAIN), ("id", "email", "name")),
        (Recognition.objects.filter(employer__in=own), ("id", "employer_id", "crebo", "start_date", "end_date")),
        (learners, ("id", "organisation_id", "first_name", "last_name", "date_of_birth", "target_group")),
        (
            trajectories,
            tuple(
                _columns(
                    "id learner_id route intended_outcome qualification_id school_id employer_id status "
                    "status_changed_at stop_reason outcome_at_completion outcome_after_six_months"
                )
            ),
        ),
        (
            TrajectoryEvent.objects.filter(trajectory__in=trajectories),
            ("id", "trajectory_id", "kind", "from_status", "to_status", "reason", "at"),
        ),
        (FundingSource.objects.filter(trajectory__in=trajectories), ("id", "trajectory_id", "kind", "amount")),
        (
            WorkProcessAssessment.objects.filter(trajectory__in=trajectories),
            ("id", "trajectory_id", "work_process_id", "level", "assessed_on", "confirmed_at"),
        ),
        (
            Certificate.objects.filter(trajectory__in=trajectories),
            ("id", "number", "code", "trajectory_id", "issued_at", "work_processes"),
        ),
        (Revocation.objects.filter(certificate__trajectory__in=trajectories), ("id", "certificate_id", "revoked_on")),
    ]
    digest = hashlib.sha256()
    for queryset, names in parts:
        digest.update(queryset.model._meta.db_table.encode())
        for row in queryset.order_by("pk").values_list(*names).iterator(chunk_size=20_000):
            digest.update(repr(tuple(_stable(v) for v in row)).encode())
    return digest.hexdigest()


def _stable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value
