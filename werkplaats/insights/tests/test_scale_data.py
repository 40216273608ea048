"""The synthetic dataset: its size, its consistency, its determinism, and the command's guards."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.utils.translation import gettext

from werkplaats.certificates.models import Certificate, CertificateSequence, Revocation
from werkplaats.insights import scale
from werkplaats.organisations.models import Organisation, OrganisationKind, Region
from werkplaats.organisations.services import REGIONS_CSV
from werkplaats.qualifications.models import CorePart, CoreTask, Qualification, QualificationFile, WorkProcess
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories.models import (
    IntendedOutcome,
    Learner,
    Level,
    Status,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)
from werkplaats.trajectories.regions import region_of

UNTIL = datetime.date(2026, 6, 30)
TINY: dict[str, Any] = {
    "regions": 4,
    "schools": 6,
    "employers": 150,
    "learners": 400,
    "assessments": 1000,
    "until": UNTIL,
    "chunk": 97,  # smaller than the tables, so that every table is written in several chunks
}


def _file(crebo: str, name: str, processes: dict[str, list[str]]) -> QualificationFile:
    """A qualification file whose basisdeel has the given core tasks and work processes."""
    file = QualificationFile.objects.create(
        dossier_crebo=crebo, name=name, version_number=1, source="kd_xml", content_hash=crebo
    )
    for position, (core_code, codes) in enumerate(processes.items()):
        core_task = CoreTask.objects.create(
            file=file, part=CorePart.BASIS, code=core_code, title=f"Kerntaak {core_code}", position=position
        )
        for wp_position, code in enumerate(codes):
            WorkProcess.objects.create(core_task=core_task, code=code, title=f"Werkproces {code}", position=wp_position)
    return file


@pytest.fixture
def catalogue(db: None) -> list[Qualification]:
    """A tiny catalogue: two qualifications with work processes, one without."""
    care = _file("23189", "Dienstverlening", {"B1-K1": ["B1-K1-W1", "B1-K1-W2", "B1-K1-W3"], "B1-K2": ["B1-K2-W1"]})
    child = _file("23183", "Pedagogisch werk", {"B1-K1": ["B1-K1-W1", "B1-K1-W2"], "B1-K2": ["B1-K2-W1", "B1-K2-W2"]})
    bakery = QualificationFile.objects.create(
        dossier_crebo="23090", name="Brood en banket", version_number=1, source="crebo_list", content_hash="x"
    )
    return [
        Qualification.objects.create(file=care, crebo="25498", name="Helpende Zorg en Welzijn", level=2),
        Qualification.objects.create(file=child, crebo="25486", name="Pedagogisch medewerker kinderopvang", level=3),
        Qualification.objects.create(file=bakery, crebo="25173", name="Uitvoerend bakker", level=2),
    ]


def generate(**options: Any) -> str:
    out = StringIO()
    call_command("generate_scale_data", stdout=out, stderr=StringIO(), **{**TINY, **options})
    return out.getvalue()


def test_the_command_creates_the_requested_rows(catalogue: list[Qualification]) -> None:
    output = generate()

    generated = Organisation.objects.filter(slug__startswith=scale.GENERATED_SLUG_PREFIX)
    assert generated.filter(kind=OrganisationKind.EMPLOYER).count() == 150
    assert generated.filter(kind=OrganisationKind.MBO_SCHOOL).count() == 6
    assert Learner.objects.count() == 400
    assert Trajectory.objects.count() >= 400  # a few learners come back for a second one
    assert WorkProcessAssessment.objects.count() == 1000
    assert Certificate.objects.exists()
    # Every employer is recognised for what it trains, and every generated region is a real one.
    assert Recognition.objects.values("employer").distinct().count() == 150
    real = {line.split(",")[0] for line in REGIONS_CSV.read_text(encoding="utf-8").splitlines()[1:] if line}
    used = set(generated.values_list("region__code", flat=True).distinct())
    assert used == set(sorted(real)[:4])
    assert Region.objects.count() == 35
    assert "learners" in output and "400" in output
    assert "Elapsed" in output


def test_every_trajectory_holds_the_region_that_counts_it(catalogue: list[Qualification]) -> None:
    generate()

    stored = dict(Trajectory.objects.values_list("pk", "region_id"))
    assert None not in stored.values()
    assert stored == {trajectory.pk: region_of(trajectory) for trajectory in Trajectory.objects.all()}


def test_every_trajectory_stands_where_its_last_event_took_it(catalogue: list[Qualification]) -> None:
    generate()

    last = TrajectoryEvent.objects.filter(trajectory=OuterRef("pk")).order_by("-at", "-id")
    trajectories = Trajectory.objects.annotate(
        last_status=Subquery(last.values("to_status")[:1]), last_at=Subquery(last.values("at")[:1])
    )
    assert trajectories.count() > 0
    for status, changed_at, last_status, last_at in trajectories.values_list(
        "status", "status_changed_at", "last_status", "last_at"
    ):
        assert (status, changed_at) == (last_status, last_at)
    # Events lie in the five years before the reference date.
    period = TrajectoryEvent.objects.aggregate(first=Min("at"), last=Max("at"))
    start = datetime.datetime(2021, 6, 29, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC)
    assert start <= period["first"] and period["last"] < end
    # A mix of states, with paused, stopped and completed ones among them.
    states = set(Trajectory.objects.values_list("status", flat=True))
    assert {Status.COMPLETED, Status.STOPPED, Status.IN_PROGRESS} <= states
    assert not Trajectory.objects.filter(status=Status.STOPPED, stop_reason="").exists()
    assert not Trajectory.objects.filter(status=Status.COMPLETED, outcome_at_completion="").exists()


def test_completed_praktijkverklaring_trajectories_have_their_certificate(catalogue: list[Qualification]) -> None:
    generate()

    completed = Trajectory.objects.filter(
        status=Status.COMPLETED, intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE
    )
    assert completed.exists()
    assert not completed.filter(certificates__isnull=True).exists()
    assert Certificate.objects.count() == completed.count()
    for certificate in Certificate.objects.select_related("trajectory__learner", "qualification", "employer"):
        trajectory = certificate.trajectory
        assert certificate.number == f"PV-{certificate.year}-{certificate.sequence:06d}"
        assert certificate.learner_last_name == trajectory.learner.last_name
        assert certificate.crebo == certificate.qualification.crebo
        assert certificate.employer_kvk == certificate.employer.kvk_number
        # It lists exactly the work processes assessed as mastered and confirmed by the school.
        confirmed = trajectory.assessments.filter(level=Level.MASTERED, confirmed_at__isnull=False)
        assert sorted(certificate.work_process_codes) == sorted(confirmed.values_list("work_process__code", flat=True))
        assert all(a.confirmed_at is not None and a.confirmed_at <= certificate.issued_at for a in confirmed)
        reason_text = gettext("Praktijkverklaring %(number)s issued.") % {"number": certificate.number}
        assert trajectory.events.get(to_status=Status.COMPLETED).reason == reason_text
    # Numbers follow each other per year in order of issue, and the yearly sequence knows the last.
    for year, last in CertificateSequence.objects.values_list("year", "last"):
        in_order = Certificate.objects.filter(year=year).order_by("issued_at", "id")
        issued = list(in_order.values_list("sequence", flat=True))
        assert issued == list(range(1, last + 1))
    for revocation in Revocation.objects.select_related("certificate"):
        assert revocation.revoked_on >= revocation.certificate.issued_on


def test_the_same_seed_gives_the_same_dataset_and_another_seed_another(catalogue: list[Qualification]) -> None:
    generate(seed=3)
    first = scale.dataset_digest()
    generate(seed=3, replace=True)
    again = scale.dataset_digest()
    generate(seed=4, replace=True)
    other = scale.dataset_digest()

    assert first == again
    assert other != first


def test_a_second_run_is_refused_unless_it_replaces_the_dataset(catalogue: list[Qualification]) -> None:
    generate()
    learners = Learner.objects.count()

    with pytest.raises(CommandError, match="already holds a generated dataset"):
        generate(seed=2)
    assert Learner.objects.count() == learners

    generate(seed=2, learners=50, replace=True)
    assert Learner.objects.count() == 50
    assert Organisation.objects.filter(kind=OrganisationKind.EMPLOYER).count() == 150


def test_other_data_is_left_alone_unless_confirmed(catalogue: list[Qualification]) -> None:
    Organisation.objects.create(name="Gemeente Echt", slug="gemeente-echt", kind=OrganisationKind.MUNICIPALITY)

    with pytest.raises(CommandError, match="--yes"):
        generate()
    assert not Learner.objects.exists()

    generate(yes=True, learners=30)
    assert Learner.objects.count() == 30
    assert Organisation.objects.filter(slug="gemeente-echt").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"learners": -1}, "--learners cannot be negative"),
        ({"assessments": -5}, "--assessments cannot be negative"),
        ({"regions": 0}, "--regions must be at least 1"),
        ({"regions": 36}, "only 35 labour-market regions"),
        ({"schools": scale.BRIN_CAPACITY + 1}, "BRIN code"),
        ({"schools": 0}, "need a school"),
        ({"employers": 0}, "need employers"),
        ({"years": 0}, "--years must be between"),
        ({"chunk": 0}, "--chunk must be at least 1"),
        ({"until": datetime.date.today() + datetime.timedelta(days=2)}, "cannot be in the future"),
    ],
)
@pytest.mark.usefixtures("english")
def test_bad_options_are_explained(catalogue: list[Qualification], options: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Learner.objects.exists()


def test_an_unreadable_date_is_explained(catalogue: list[Qualification]) -> None:
    with pytest.raises(CommandError, match="is not a date"):
        call_command("generate_scale_data", "--until", "30-06-2026", stdout=StringIO(), stderr=StringIO())


@pytest.mark.usefixtures("english")
def test_assessments_stay_within_what_the_trajectories_allow(catalogue: list[Qualification]) -> None:
    output = generate(assessments=10**9)

    made = WorkProcessAssessment.objects.count()
    assert 0 < made < 10**9
    # No trajectory has more assessments than its qualification has work processes.
    per_trajectory = WorkProcessAssessment.objects.values("trajectory").annotate(n=Count("id")).aggregate(m=Max("n"))
    assert per_trajectory["m"] <= 4
    assert f"{made:,} were made" in output


def test_a_quiet_run_prints_nothing(catalogue: list[Qualification]) -> None:
    out, err = StringIO(), StringIO()
    call_command("generate_scale_data", stdout=out, stderr=err, verbosity=0, **TINY)
    assert out.getvalue() == "" and err.getvalue() == ""
    assert Learner.objects.count() == 400


def _foreign_keys() -> list[tuple[str, str, str]]:
    tables = [model._meta.db_table for model in scale.FILLED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        return cursor.fetchall()


def test_the_foreign_keys_are_back_after_a_run_on_postgresql(catalogue: list[Qualification]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL takes the foreign keys off while it fills the tables")
    before = _foreign_keys()

    generate()

    assert len(before) > 20
    assert _foreign_keys() == before
