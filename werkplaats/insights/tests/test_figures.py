"""The dashboard's figures against a hand-built region whose every number is worked out by hand.

The period is 1 January to 28 February 2026 (winter time: Amsterdam is UTC+1), so it runs from
31 December 2025 23:00 UTC to 28 February 2026 23:00 UTC. Sixteen trajectories, named after what
they test (times are Amsterdam time):

name                      registered         ends                     school / employer
------------------------  -----------------  -----------------------  -----------------------
before_start              31 Dec 2025 23:59  running (at work)        Noorderpoort / Bolletje
at_start                  1 Jan 2026 00:00   running (intake)         Noorderpoort / -
completed_last_minute     1 Nov 2025 00:00   completed 28 Feb 23:59   Noorderpoort / Bolletje
completed_next_day        1 Dec 2025 00:00   completed 1 Mar 00:00    Noorderpoort / ESKA
paused                    2 Jan 2026 09:00   completed 15 Feb 09:00   Noorderpoort / Bolletje
completed_long            20 Jul 2025 12:00  completed 5 Feb 11:00    Noorderpoort / Bolletje
completed_in_91_days      1 Nov 2025 10:00   completed 31 Jan 10:00   Noorderpoort / ESKA
stopped_health            3 Jan 2026 10:00   stopped 20 Jan 10:00     Noorderpoort / -
stopped_health_early_feb  1 Dec 2025 10:00   stopped 1 Feb 00:30      Alfa-college / -
stopped_unrecorded        1 Feb 2026 10:00   stopped 20 Feb 10:00     - / Zorggroep Noord
no_region_learner         15 Jan 2026 10:00  running (placed)         - / Bolletje
registered_by_school      10 Feb 2026 10:00  running (referred)       - / -
stopped_before            1 Nov 2025 10:00   stopped 20 Dec 2025      Noorderpoort / -
completed_before          1 Sep 2025 10:00   completed 31 Dec 23:59   Noorderpoort / Bolletje
registered_after          1 Mar 2026 00:00   running (referred)       Noorderpoort / -
other_region              10 Jan 2026 10:00  completed 20 Feb 10:00   Noorderpoort / ESKA

The learners are registered by Gemeente Haren (region Groningen), except: ``no_region_learner``
by an organisation without a region (counted in Groningen through its employer),
``registered_by_school`` by Noorderpoort itself, and ``other_region`` by Gemeente Coevorden in
Drenthe (never counted in Groningen, although its school and employer are there).

In Groningen and the period, therefore:

- started (registered in the period): at_start, paused, stopped_health, stopped_unrecorded,
  no_region_learner, registered_by_school = 6;
- running at the end: before_start, at_start, completed_next_day, no_region_learner,
  registered_by_school = 5;
- completed: completed_last_minute, paused, completed_long, completed_in_91_days = 4;
- stopped: stopped_health, stopped_health_early_feb, stopped_unrecorded = 3;
- ran during the period (the breakdowns): all but stopped_before, completed_before,
  registered_after and other_region = 12.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.certificates.models import Certificate, Revocation
from werkplaats.insights import dashboard, figures
from werkplaats.insights.figures import Cell, Figures, LeadTime, Period, Scope, Table
from werkplaats.organisations.models import Organisation, OrganisationKind, Region
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.models import Qualification
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.trajectories.models import (
    EventKind,
    FollowUp,
    FundingKind,
    FundingSource,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
    TrajectoryEvent,
)
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory

pytestmark = pytest.mark.usefixtures("english")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))


def ams(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A moment in Amsterdam time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


Step = tuple[str, datetime.datetime]


@dataclass
class World:
    region: Region
    other_region: Region
    municipality: Organisation
    school: Organisation
    other_school: Organisation
    bolletje: Organisation
    eska: Organisation
    zorggroep: Organisation
    helpende: Qualification
    bakker: Qualification
    logistiek: Qualification
    staff: User
    trajectories: dict[str, Trajectory]
    certificates: dict[str, Certificate]


def add_trajectory(
    registered_by: Organisation,
    *,
    created: datetime.datetime,
    steps: list[Step],
    target_group: str = TargetGroup.PARTICIPATIEWET,
    school: Organisation | None = None,
    employer: Organisation | None = None,
    qualification: Qualification | None = None,
    route: str = Route.PRAKTIJKLEREN,
    stop_reason: str = "",
    outcome: str = "",
    later: str = "",
    employer_changed: datetime.datetime | None = None,
    funding: tuple[str, ...] = (),
) -> Trajectory:
    """A trajectory registered at ``created`` that went through ``steps`` (state, moment); its
    state and the moment of its last change are those of the last step."""
    learner = LearnerFactory.create(organisation=registered_by, target_group=target_group)
    trajectory: Trajectory = TrajectoryFactory.create(
        learner=learner, school=school, employer=employer, qualification=qualification, route=route
    )
    TrajectoryEvent.objects.create(
        trajectory=trajectory, kind=EventKind.CREATED, from_status="", to_status=Status.REFERRED, at=created
    )
    current: str = Status.REFERRED
    changes: list[tuple[str, str, str, datetime.datetime]] = []
    for status, at in steps:
        changes.append((EventKind.TRANSITION, current, status, at))
        current = status
    if employer_changed is not None:
        changes.append((EventKind.EMPLOYER_CHANGE, Status.IN_PROGRESS, Status.IN_PROGRESS, employer_changed))
    for kind, frm, to, at in sorted(changes, key=lambda change: change[3]):
        TrajectoryEvent.objects.create(trajectory=trajectory, kind=kind, from_status=frm, to_status=to, at=at)
    Trajectory.objects.filter(pk=trajectory.pk).update(
        created_at=created,
        status=current,
        status_changed_at=steps[-1][1] if steps else created,
        stop_reason=stop_reason,
        outcome_at_completion=outcome,
        outcome_after_six_months=later,
    )
    for kind in funding:
        FundingSource.objects.create(trajectory=trajectory, kind=kind)
    trajectory.refresh_from_db()
    return trajectory


def add_certificate(trajectory: Trajectory, *, on: datetime.date, region: Region, by: User) -> Certificate:
    """A certificate as ``certificates.services.issue`` writes it, without touching the
    trajectory (whose events and states the fixture sets by hand)."""
    school, employer, qualification = trajectory.school, trajectory.employer, trajectory.qualification
    assert school is not None and employer is not None and qualification is not None
    sequence = Certificate.objects.filter(year=on.year).count() + 1
    return Certificate.objects.create(
        number=f"PV-{on.year}-{sequence:06d}",
        year=on.year,
        sequence=sequence,
        trajectory=trajectory,
        learner=trajectory.learner,
        qualification=qualification,
        school=school,
        employer=employer,
        region=region,
        issued_on=on,
        issued_at=ams(on.year, on.month, on.day, 12),
        issued_by=by,
        learner_first_name=trajectory.learner.first_name,
        learner_last_name=trajectory.learner.last_name,
        learner_date_of_birth=trajectory.learner.date_of_birth,
        qualification_name=qualification.name,
        crebo=qualification.crebo,
        level=qualification.level,
        dossier_crebo=qualification.file.dossier_crebo,
        dossier_version="1",
        work_processes=[],
        employer_name=employer.name,
        employer_kvk=employer.kvk_number,
        trainer_name="",
        school_name=school.name,
        signatory_name=by.name,
        place="Groningen",
    )


# The main path of a trajectory that went straight through, as (state, moment) steps.
def straight(*moments: datetime.datetime) -> list[Step]:
    path = [Status.INTAKE, Status.SEARCHING, Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT, Status.COMPLETED]
    return list(zip(path, moments, strict=False))


@pytest.fixture
def world(groningen: Region, drenthe: Region, organisation: Organisation, other_organisation: Organisation) -> World:
    haren, coevorden = organisation, other_organisation
    school = OrganisationFactory.create(name="Noorderpoort", kind=OrganisationKind.MBO_SCHOOL, region=groningen)
    other_school = OrganisationFactory.create(name="Alfa-college", kind=OrganisationKind.MBO_SCHOOL, region=groningen)
    bolletje = OrganisationFactory.create(name="Bakkerij Bolletje", employer=True, region=groningen)
    eska = OrganisationFactory.create(name="ESKA", employer=True, region=groningen)
    zorggroep = OrganisationFactory.create(name="Zorggroep Noord", employer=True, region=groningen)
    nowhere = OrganisationFactory.create(name="Stichting Zonder Regio", kind=OrganisationKind.OTHER, region=None)
    helpende = QualificationFactory.create(crebo="25498", name="Helpende Zorg en Welzijn", level=2)
    bakker = QualificationFactory.create(crebo="25256", name="Bakker", level=3)
    logistiek = QualificationFactory.create(crebo="25410", name="Logistiek medewerker", level=2)
    staff = UserFactory.create(name="Sander de Vries")

    t: dict[str, Trajectory] = {}
    t["before_start"] = add_trajectory(
        haren,
        created=ams(2025, 12, 31, 23, 59),
        steps=straight(ams(2026, 1, 10), ams(2026, 1, 15), ams(2026, 1, 20), ams(2026, 2, 1)),
        school=school,
        employer=bolletje,
        qualification=helpende,
        funding=(FundingKind.MUNICIPALITY,),
    )
    t["at_start"] = add_trajectory(
        haren,
        created=ams(2026, 1, 1),
        steps=straight(ams(2026, 1, 5)),
        target_group=TargetGroup.WW,
        school=school,
        qualification=helpende,
    )
    # Stays: referred, intake, searching and placed 10 days each, at work 69 days 23:59, in
    # assessment 10 days; lead time 119 days 23:59.
    t["completed_last_minute"] = add_trajectory(
        haren,
        created=ams(2025, 11, 1),
        steps=straight(
            ams(2025, 11, 11),
            ams(2025, 11, 21),
            ams(2025, 12, 1),
            ams(2025, 12, 11),
            ams(2026, 2, 18, 23, 59),
            ams(2026, 2, 28, 23, 59),
        ),
        school=school,
        employer=bolletje,
        qualification=helpende,
        route=Route.BBL,
        outcome=FollowUp.WORK_SAME_EMPLOYER,
        funding=(FundingKind.MUNICIPALITY, FundingKind.UWV),
    )
    t["completed_next_day"] = add_trajectory(
        haren,
        created=ams(2025, 12, 1),
        steps=straight(
            ams(2025, 12, 5), ams(2025, 12, 10), ams(2025, 12, 15), ams(2025, 12, 20), ams(2026, 2, 20), ams(2026, 3, 1)
        ),
        school=school,
        employer=eska,
        qualification=bakker,
        outcome=FollowUp.UNKNOWN,
    )
    # Stays: referred 3 days, intake 3, searching 2 + 2, paused 10, placed 3, at work 16,
    # assessment 5; lead time 44 days.
    t["paused"] = add_trajectory(
        haren,
        created=ams(2026, 1, 2, 9),
        steps=[
            (Status.INTAKE, ams(2026, 1, 5, 9)),
            (Status.SEARCHING, ams(2026, 1, 8, 9)),
            (Status.PAUSED, ams(2026, 1, 10, 9)),
            (Status.SEARCHING, ams(2026, 1, 20, 9)),
            (Status.PLACED, ams(2026, 1, 22, 9)),
            (Status.IN_PROGRESS, ams(2026, 1, 25, 9)),
            (Status.ASSESSMENT, ams(2026, 2, 10, 9)),
            (Status.COMPLETED, ams(2026, 2, 15, 9)),
        ],
        school=school,
        employer=bolletje,
        qualification=helpende,
        outcome=FollowUp.OTHER_WORK,
        funding=(FundingKind.SUBSIDY,),
    )
    # Registered in summer time (10:00 UTC) and completed in winter time (10:00 UTC). Stays:
    # 10 days in each state except at work: 150 days (split by a change of employer);
    # lead time 200 days.
    t["completed_long"] = add_trajectory(
        haren,
        created=ams(2025, 7, 20, 12),
        steps=straight(
            ams(2025, 7, 30, 12),
            ams(2025, 8, 9, 12),
            ams(2025, 8, 19, 12),
            ams(2025, 8, 29, 12),
            ams(2026, 1, 26, 11),
            ams(2026, 2, 5, 11),
        ),
        employer_changed=ams(2025, 11, 15, 11),
        school=school,
        employer=bolletje,
        qualification=bakker,
        route=Route.BBL,
        outcome=FollowUp.WORK_SAME_EMPLOYER,
        later=FollowUp.WORK_SAME_EMPLOYER,
        funding=(FundingKind.MUNICIPALITY, FundingKind.MUNICIPALITY),  # one kind, two periods
    )
    # Stays: referred 1 day, intake 2, searching 4, placed 7, at work 67, assessment 10;
    # lead time exactly 91 days (counts as within three months).
    t["completed_in_91_days"] = add_trajectory(
        haren,
        created=ams(2025, 11, 1, 10),
        steps=straight(
            ams(2025, 11, 2, 10),
            ams(2025, 11, 4, 10),
            ams(2025, 11, 8, 10),
            ams(2025, 11, 15, 10),
            ams(2026, 1, 21, 10),
            ams(2026, 1, 31, 10),
        ),
        school=school,
        employer=eska,
        qualification=logistiek,
        route=Route.THIRD_ROUTE,
        outcome=FollowUp.FURTHER_EDUCATION,
        later=FollowUp.OTHER_WORK,
    )
    t["stopped_health"] = add_trajectory(
        haren,
        created=ams(2026, 1, 3, 10),
        steps=[(Status.INTAKE, ams(2026, 1, 6, 10)), (Status.STOPPED, ams(2026, 1, 20, 10))],
        target_group=TargetGroup.WW,
        school=school,
        qualification=helpende,
        stop_reason=StopReason.HEALTH,
    )
    # Stopped at 00:30 Amsterdam time on 1 February: still 31 January in UTC.
    t["stopped_health_early_feb"] = add_trajectory(
        haren,
        created=ams(2025, 12, 1, 10),
        steps=[
            (Status.INTAKE, ams(2025, 12, 5, 10)),
            (Status.SEARCHING, ams(2025, 12, 10, 10)),
            (Status.STOPPED, ams(2026, 2, 1, 0, 30)),
        ],
        school=other_school,
        qualification=helpende,
        stop_reason=StopReason.HEALTH,
    )
    # Placed, then back to searching: it reached "placed" all the same.
    t["stopped_unrecorded"] = add_trajectory(
        haren,
        created=ams(2026, 2, 1, 10),
        steps=[
            (Status.INTAKE, ams(2026, 2, 3, 10)),
            (Status.SEARCHING, ams(2026, 2, 5, 10)),
            (Status.PLACED, ams(2026, 2, 10, 10)),
            (Status.SEARCHING, ams(2026, 2, 15, 10)),
            (Status.STOPPED, ams(2026, 2, 20, 10)),
        ],
        employer=zorggroep,
        qualification=logistiek,
    )
    t["no_region_learner"] = add_trajectory(
        nowhere,
        created=ams(2026, 1, 15, 10),
        steps=straight(ams(2026, 1, 20, 10), ams(2026, 1, 25, 10), ams(2026, 2, 1, 10)),
        target_group=TargetGroup.NEWCOMER,
        employer=bolletje,
        qualification=bakker,
        funding=(FundingKind.UWV,),
    )
    t["registered_by_school"] = add_trajectory(school, created=ams(2026, 2, 10, 10), steps=[])
    t["stopped_before"] = add_trajectory(
        haren,
        created=ams(2025, 11, 1, 10),
        steps=[(Status.INTAKE, ams(2025, 11, 5, 10)), (Status.STOPPED, ams(2025, 12, 20, 10))],
        school=school,
        qualification=helpende,
        stop_reason=StopReason.MOTIVATION,
        funding=(FundingKind.MUNICIPALITY,),
    )
    t["completed_before"] = add_trajectory(
        haren,
        created=ams(2025, 9, 1, 10),
        steps=straight(
            ams(2025, 9, 10, 10),
            ams(2025, 9, 20, 10),
            ams(2025, 10, 1, 10),
            ams(2025, 10, 10, 10),
            ams(2025, 12, 20, 10),
            ams(2025, 12, 31, 23, 59),
        ),
        school=school,
        employer=bolletje,
        qualification=helpende,
        outcome=FollowUp.OTHER_WORK,
    )
    t["registered_after"] = add_trajectory(
        haren, created=ams(2026, 3, 1), steps=[], school=school, qualification=helpende
    )
    t["other_region"] = add_trajectory(
        coevorden,
        created=ams(2026, 1, 10, 10),
        steps=straight(
            ams(2026, 1, 12, 10),
            ams(2026, 1, 14, 10),
            ams(2026, 1, 16, 10),
            ams(2026, 1, 20, 10),
            ams(2026, 2, 10, 10),
            ams(2026, 2, 20, 10),
        ),
        school=school,
        employer=eska,
        qualification=helpende,
        outcome=FollowUp.NONE,
        funding=(FundingKind.EMPLOYER,),
    )

    c: dict[str, Certificate] = {}
    c["revoked"] = add_certificate(
        t["completed_last_minute"], on=datetime.date(2026, 2, 28), region=groningen, by=staff
    )
    Revocation.objects.create(
        certificate=c["revoked"],
        reason="Verkeerde kwalificatie",
        revoked_on=datetime.date(2026, 3, 10),
        revoked_by=staff,
    )
    c["paused"] = add_certificate(t["paused"], on=datetime.date(2026, 2, 15), region=groningen, by=staff)
    c["long"] = add_certificate(t["completed_long"], on=datetime.date(2026, 2, 5), region=groningen, by=staff)
    c["last_of_january"] = add_certificate(
        t["completed_in_91_days"], on=datetime.date(2026, 1, 31), region=groningen, by=staff
    )
    c["day_after"] = add_certificate(t["completed_next_day"], on=datetime.date(2026, 3, 1), region=groningen, by=staff)
    c["day_before"] = add_certificate(t["completed_before"], on=datetime.date(2025, 12, 31), region=groningen, by=staff)
    c["other_region"] = add_certificate(t["other_region"], on=datetime.date(2026, 2, 20), region=drenthe, by=staff)
    return World(
        region=groningen,
        other_region=drenthe,
        municipality=haren,
        school=school,
        other_school=other_school,
        bolletje=bolletje,
        eska=eska,
        zorggroep=zorggroep,
        helpende=helpende,
        bakker=bakker,
        logistiek=logistiek,
        staff=staff,
        trajectories=t,
        certificates=c,
    )


def region_figures(world: World, *, exact: bool = True) -> Figures:
    return figures.compute(Scope(region=world.region, exact=exact), PERIOD)


def numbers(table: Table) -> list[tuple[str, str, list[int], list[float | None]]]:
    """A table as plain values: key, label, the numbers of its cells and its shares."""
    return [(row.key, row.label, [c.value for c in row.cells], row.shares) for row in table.rows]


def days(*parts: float) -> datetime.timedelta:
    """Days, hours, minutes, seconds."""
    names = ("days", "hours", "minutes", "seconds")
    return datetime.timedelta(**dict(zip(names, parts, strict=False)))


# --- The region, exact ---------------------------------------------------------------------------


def test_the_totals_count_each_trajectory_and_certificate_by_its_moments(world: World) -> None:
    result = region_figures(world)

    # Issued in the period and valid: paused (15 Feb), long (5 Feb), last_of_january (31 Jan);
    # not day_before (31 Dec), day_after (1 Mar) nor other_region (Drenthe).
    assert result.certificates == Cell(3)
    # Issued 28 Feb, revoked 10 Mar.
    assert result.revoked == Cell(1)
    # See the module docstring.
    assert result.started == Cell(6)
    assert result.running == Cell(5)
    assert result.completed == Cell(4)
    assert result.stopped == Cell(3)


def test_the_lead_time_of_the_completed_trajectories(world: World) -> None:
    lead = region_figures(world).lead_time

    # Lead times, sorted: 44 days, 91 days, 119 days 23:59, 200 days.
    # Median: rank 0.5 * 3 = 1.5, halfway 91 and 119d23:59: 91 + 14d 11:59:30.
    # 80th percentile: rank 0.8 * 3 = 2.4, 119d23:59 + 0.4 * 80d 00:01 = 119d23:59 + 32d 00:00:24.
    # Within 91 days: 44 and 91 (2 of 4); within 183 days: also 119d23:59 (3 of 4).
    assert lead == LeadTime(
        completed=Cell(4),
        median=days(105, 11, 59, 30),
        p80=days(151, 23, 59, 24),
        within_3=0.5,
        within_6=0.75,
    )


def test_the_funnel_counts_each_trajectory_up_to_the_furthest_state_it_reached(world: World) -> None:
    funnel = region_figures(world).funnel

    # Registered in the period, furthest state: at_start intake, paused completed,
    # stopped_health intake, stopped_unrecorded placed (then back to searching),
    # no_region_learner placed, registered_by_school referred.
    assert numbers(funnel) == [
        (Status.REFERRED, "referred", [6], [5 / 6]),
        (Status.INTAKE, "intake", [5], [3 / 5]),
        (Status.SEARCHING, "looking for a workplace", [3], [3 / 3]),
        (Status.PLACED, "placed", [3], [1 / 3]),
        (Status.IN_PROGRESS, "learning at work", [1], [1 / 1]),
        (Status.ASSESSMENT, "assessment", [1], [1 / 1]),
        (Status.COMPLETED, "completed", [1], [None]),
    ]


def test_the_time_per_state_adds_up_every_stay_including_the_pause(world: World) -> None:
    table = region_figures(world).time_per_state

    # Per state, the days of completed_last_minute, paused, completed_long and
    # completed_in_91_days (see the fixture); the average is over the trajectories that were in
    # the state.
    assert numbers(table) == [
        (Status.REFERRED, "referred", [4], [pytest.approx((10 + 3 + 10 + 1) / 4)]),
        (Status.INTAKE, "intake", [4], [pytest.approx((10 + 3 + 10 + 2) / 4)]),
        (Status.SEARCHING, "looking for a workplace", [4], [pytest.approx((10 + (2 + 2) + 10 + 4) / 4)]),
        (Status.PLACED, "placed", [4], [pytest.approx((10 + 3 + 10 + 7) / 4)]),
        (Status.IN_PROGRESS, "learning at work", [4], [pytest.approx((69 + 1439 / 1440 + 16 + 150 + 67) / 4)]),
        (Status.ASSESSMENT, "assessment", [4], [pytest.approx((10 + 5 + 10 + 10) / 4)]),
        # Only the paused trajectory paused: 10 days.
        (Status.PAUSED, "paused", [1], [pytest.approx(10.0)]),
    ]


def test_the_stop_reasons_of_the_trajectories_stopped_in_the_period(world: World) -> None:
    table = region_figures(world).stop_reasons

    # stopped_health and stopped_health_early_feb: health; stopped_unrecorded: no reason;
    # stopped_before (motivation) stopped before the period.
    expected = {value: ([0], [0.0]) for value in StopReason.values}
    expected[StopReason.HEALTH] = ([2], [2 / 3])
    assert [(key, cells, shares) for key, _label, cells, shares in numbers(table)] == [
        *((value, *expected[value]) for value in StopReason.values),
        ("", [1], [1 / 3]),
    ]
    assert table.rows[-1].label == "not recorded"


def test_the_outcomes_of_the_trajectories_completed_in_the_period(world: World) -> None:
    table = region_figures(world).outcomes

    # At completion: same employer (completed_last_minute, completed_long), other work (paused),
    # further education (completed_in_91_days). Six months later: same employer
    # (completed_long), other work (completed_in_91_days), the others not yet.
    # completed_next_day (unknown) completed after the period.
    assert [(key, cells) for key, _label, cells, _shares in numbers(table)] == [
        (FollowUp.WORK_SAME_EMPLOYER, [2, 1]),
        (FollowUp.OTHER_WORK, [1, 1]),
        (FollowUp.FURTHER_EDUCATION, [1, 0]),
        (FollowUp.NONE, [0, 0]),
        (FollowUp.UNKNOWN, [0, 0]),
        ("", [0, 2]),
    ]
    assert table.rows[-1].label == "not recorded (yet)"


def breakdown(result: Figures, key: str) -> list[tuple[str, str, list[int]]]:
    [table] = [table for table in result.breakdowns if table.key == key]
    assert table.more == 0
    return [(key, label, cells) for key, label, cells, _shares in numbers(table)]


# The four columns of each trajectory that ran during the period: started, running at the end,
# completed, stopped.
#   before_start (0,1,0,0)       at_start (1,1,0,0)            completed_last_minute (0,0,1,0)
#   completed_next_day (0,1,0,0) paused (1,0,1,0)              completed_long (0,0,1,0)
#   completed_in_91_days (0,0,1,0) stopped_health (1,0,0,1)    stopped_health_early_feb (0,0,0,1)
#   stopped_unrecorded (1,0,0,1) no_region_learner (1,1,0,0)   registered_by_school (1,1,0,0)


def test_the_breakdown_by_school(world: World) -> None:
    assert breakdown(region_figures(world), "school") == [
        # The first eight of the table above.
        (str(world.school.pk), "Noorderpoort", [3, 3, 4, 1]),
        # stopped_unrecorded, no_region_learner, registered_by_school.
        ("", "none", [3, 2, 0, 1]),
        (str(world.other_school.pk), "Alfa-college", [0, 0, 0, 1]),
    ]


def test_the_breakdown_by_employer(world: World) -> None:
    assert breakdown(region_figures(world), "employer") == [
        # before_start, completed_last_minute, paused, completed_long, no_region_learner.
        (str(world.bolletje.pk), "Bakkerij Bolletje", [2, 2, 3, 0]),
        # at_start, stopped_health, stopped_health_early_feb, registered_by_school.
        ("", "none", [3, 2, 0, 2]),
        # completed_next_day, completed_in_91_days.
        (str(world.eska.pk), "ESKA", [0, 1, 1, 0]),
        (str(world.zorggroep.pk), "Zorggroep Noord", [1, 0, 0, 1]),
    ]


def test_the_breakdown_by_qualification(world: World) -> None:
    assert breakdown(region_figures(world), "qualification") == [
        # before_start, at_start, completed_last_minute, paused, stopped_health,
        # stopped_health_early_feb.
        ("25498", "Helpende Zorg en Welzijn", [3, 2, 2, 2]),
        # completed_next_day, completed_long, no_region_learner.
        ("25256", "Bakker", [1, 2, 1, 0]),
        # completed_in_91_days, stopped_unrecorded.
        ("25410", "Logistiek medewerker", [1, 0, 1, 1]),
        # registered_by_school.
        ("", "none", [1, 1, 0, 0]),
    ]


def test_the_breakdown_by_level(world: World) -> None:
    assert breakdown(region_figures(world), "level") == [
        # Helpende and Logistiek medewerker.
        ("2", "level 2", [4, 2, 3, 3]),
        ("3", "level 3", [1, 2, 1, 0]),
        ("", "no qualification", [1, 1, 0, 0]),
    ]


def test_the_breakdown_by_route(world: World) -> None:
    assert breakdown(region_figures(world), "route") == [
        # All but completed_last_minute, completed_long (bbl) and completed_in_91_days.
        (Route.PRAKTIJKLEREN, str(Route.PRAKTIJKLEREN.label), [6, 5, 1, 3]),
        (Route.BBL, str(Route.BBL.label), [0, 0, 2, 0]),
        (Route.THIRD_ROUTE, str(Route.THIRD_ROUTE.label), [0, 0, 1, 0]),
    ]


def test_the_breakdown_by_target_group(world: World) -> None:
    assert breakdown(region_figures(world), "target_group") == [
        (TargetGroup.PARTICIPATIEWET, str(TargetGroup.PARTICIPATIEWET.label), [3, 3, 4, 2]),
        # at_start, stopped_health.
        (TargetGroup.WW, str(TargetGroup.WW.label), [2, 1, 0, 1]),
        # no_region_learner.
        (TargetGroup.NEWCOMER, str(TargetGroup.NEWCOMER.label), [1, 1, 0, 0]),
    ]


def test_the_breakdown_by_funding_counts_a_trajectory_once_per_kind(world: World) -> None:
    assert breakdown(region_figures(world), "funding") == [
        # at_start, completed_next_day, completed_in_91_days, stopped_health,
        # stopped_health_early_feb, stopped_unrecorded, registered_by_school.
        ("", "not recorded", [4, 3, 1, 3]),
        # before_start, completed_last_minute, completed_long (two rows of one kind: once).
        (FundingKind.MUNICIPALITY, str(FundingKind.MUNICIPALITY.label), [0, 1, 2, 0]),
        # completed_last_minute (its second kind) and no_region_learner.
        (FundingKind.UWV, str(FundingKind.UWV.label), [1, 1, 1, 0]),
        (FundingKind.SUBSIDY, str(FundingKind.SUBSIDY.label), [1, 0, 1, 0]),
    ]


def test_the_trend_counts_per_month_in_amsterdam_time(world: World) -> None:
    trend = region_figures(world).trend

    # Started: at_start (1 Jan 00:00, still December in UTC), paused, stopped_health,
    # no_region_learner in January; stopped_unrecorded, registered_by_school in February.
    # Completed: completed_in_91_days in January; completed_last_minute, paused, completed_long
    # in February. Stopped: stopped_health in January; stopped_health_early_feb (1 Feb 00:30,
    # still January in UTC) and stopped_unrecorded in February. Certificates (valid):
    # last_of_january in January; paused and long in February.
    assert [(row.key, row.label, [c.value for c in row.cells]) for row in trend.rows] == [
        ("2026-01", "Jan 2026", [4, 1, 1, 1]),
        ("2026-02", "Feb 2026", [2, 3, 2, 2]),
    ]


def test_a_trajectory_in_another_region_is_never_counted(world: World) -> None:
    """other_region was registered by Coevorden (Drenthe), at a school and employer in
    Groningen: it counts in Drenthe alone."""
    drenthe = figures.compute(Scope(region=world.other_region, exact=True), PERIOD)

    assert (drenthe.certificates, drenthe.started, drenthe.running, drenthe.completed) == (
        Cell(1),
        Cell(1),
        Cell(0),
        Cell(1),
    )
    assert drenthe.lead_time.median == days(41)


def test_a_period_in_summer_time_ends_at_midnight_amsterdam_time(world: World) -> None:
    """March 2026 ends in summer time (from 29 March): at 31 March 22:00 UTC."""
    add_trajectory(world.municipality, created=ams(2026, 3, 31, 23, 30), steps=[], school=world.school)
    add_trajectory(world.municipality, created=ams(2026, 4, 1, 0, 30), steps=[], school=world.school)
    march = figures.compute(
        Scope(region=world.region, exact=True), Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    )

    # Started: registered_after (1 Mar 00:00) and the one of 31 Mar 23:30, not 1 Apr 00:30.
    assert march.started == Cell(2)
    # completed_next_day (1 Mar 00:00) and its certificate (1 Mar).
    assert (march.completed, march.certificates) == (Cell(1), Cell(1))
    # before_start, at_start, no_region_learner, registered_by_school, registered_after and the
    # one of 31 Mar 23:30.
    assert march.running == Cell(6)
    assert [(row.key, [c.value for c in row.cells]) for row in march.trend.rows] == [("2026-03", [2, 1, 0, 1])]


def test_columns_counted_together_are_the_columns_counted_alone(world: World) -> None:
    """The dashboard counts its columns in one statement (two periods, two regions, or both):
    each column holds exactly what it holds when counted alone."""
    march = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    groningen = Scope(region=world.region, exact=True)
    drenthe = Scope(region=world.other_region, exact=False)
    school = Scope(organisation=world.school, exact=True)
    columns = [(groningen, PERIOD), (groningen, march), (drenthe, PERIOD), (school, march)]

    together = figures.compute_columns(columns)

    assert together == [figures.compute(scope, period) for scope, period in columns]
    assert [column.started for column in together] != [together[0].started] * len(together)


# --- An organisation -------------------------------------------------------------------------------


def test_an_organisation_counts_the_trajectories_at_the_school_and_of_its_learners(world: World) -> None:
    result = figures.compute(Scope(organisation=world.school, exact=True), PERIOD)

    # At Noorderpoort: before_start, at_start, completed_last_minute, completed_next_day, paused,
    # completed_long, completed_in_91_days, stopped_health and other_region (of another region,
    # but at this school); registered by it: registered_by_school.
    # Started: at_start, paused, stopped_health, other_region, registered_by_school.
    assert result.started == Cell(5)
    # before_start, at_start, completed_next_day, registered_by_school.
    assert result.running == Cell(4)
    # completed_last_minute, paused, completed_long, completed_in_91_days, other_region.
    assert result.completed == Cell(5)
    assert result.stopped == Cell(1)
    # Certificates at the school in the period: paused, long, last_of_january, other_region.
    assert result.certificates == Cell(4)
    assert result.revoked == Cell(1)
    # Lead times 41, 44, 91, 119d23:59, 200 days: the median is the third, the 80th percentile
    # rank 3.2: 119d23:59 + 0.2 * 80d 00:01.
    assert result.lead_time == LeadTime(
        completed=Cell(5), median=days(91), p80=days(135, 23, 59, 12), within_3=3 / 5, within_6=4 / 5
    )
    assert breakdown(result, "school") == [
        # The nine at the school, stopped_health counted as started and stopped.
        (str(world.school.pk), "Noorderpoort", [4, 3, 5, 1]),
        ("", "none", [1, 1, 0, 0]),
    ]


# --- Small numbers -------------------------------------------------------------------------------


def test_outside_the_own_region_small_numbers_are_hidden(world: World) -> None:
    exact = region_figures(world)
    result = region_figures(world, exact=False)

    assert (result.started, result.running) == (Cell(6), Cell(5))
    for small in (result.certificates, result.revoked, result.completed, result.stopped):
        assert small.hidden
        assert (str(small), small.export) == ("< 5", "< 5")
    assert (str(result.started), result.started.export) == ("6", 6)
    # Four completed: too few for the lead time.
    assert result.lead_time == LeadTime(Cell(4, hidden=True), None, None, None, None)
    # Shares of groups of five or more stay, unless their part is hidden (5 of 6 went on to
    # intake; the 3 of 5 who went on to searching would give the hidden 3 away); the others go.
    assert [(row.cells[0].hidden, row.shares) for row in result.funnel.rows] == [
        (False, [5 / 6]),
        (False, [None]),
        (True, [None]),
        (True, [None]),
        (True, [None]),
        (True, [None]),
        (True, [None]),
    ]
    # Four (or one) trajectories per state, three stopped: no averages, no shares.
    assert all(row.shares == [None] for row in result.time_per_state.rows)
    assert all(row.shares == [None] for row in result.stop_reasons.rows)
    zero = result.stop_reasons.rows[0].cells[0]
    assert (zero, str(zero), zero.export) == (Cell(0), "0", 0)
    # Every cell of every table: the same number, hidden exactly when it is 1 to 4.
    for hidden_table, exact_table in zip(result.tables, exact.tables, strict=True):
        assert [row.key for row in hidden_table.rows] == [row.key for row in exact_table.rows]
        for hidden_row, exact_row in zip(hidden_table.rows, exact_table.rows, strict=True):
            assert [c.value for c in hidden_row.cells] == [c.value for c in exact_row.cells]
            assert [c.hidden for c in hidden_row.cells] == [0 < c.value < 5 for c in exact_row.cells]
            assert [str(c) for c in hidden_row.cells] == [
                "< 5" if 0 < c.value < 5 else str(c.value) for c in exact_row.cells
            ]


# --- Queries ---------------------------------------------------------------------------------------


def add_twenty(world: World) -> None:
    """Twenty more trajectories in the period, with events, funding and (half of them) a
    certificate."""
    for n in range(20):
        day = 1 + n
        completed = n % 2 == 0
        steps = straight(ams(2026, 1, day, 12), ams(2026, 1, day, 13), ams(2026, 1, day, 14), ams(2026, 1, day, 15))
        if completed:
            steps += [(Status.ASSESSMENT, ams(2026, 2, day, 10)), (Status.COMPLETED, ams(2026, 2, day, 11))]
        trajectory = add_trajectory(
            world.municipality,
            created=ams(2026, 1, day, 10),
            steps=steps,
            school=world.school if n % 3 else world.other_school,
            employer=world.eska if n % 4 else world.bolletje,
            qualification=world.bakker,
            route=Route.BBL if n % 5 == 0 else Route.PRAKTIJKLEREN,
            outcome=FollowUp.OTHER_WORK if completed else "",
            funding=(FundingKind.SECTOR_FUND, FundingKind.EMPLOYER)[: 1 + n % 2],
        )
        if completed:
            add_certificate(trajectory, on=datetime.date(2026, 2, day), region=world.region, by=world.staff)


def test_the_number_of_queries_does_not_grow_with_the_data(world: World) -> None:
    scope = Scope(region=world.region, exact=True)
    with CaptureQueriesContext(connection) as small:
        before = figures.compute(scope, PERIOD)
    add_twenty(world)
    with CaptureQueriesContext(connection) as large:
        after = figures.compute(scope, PERIOD)

    assert (before.started, after.started) == (Cell(6), Cell(26))
    assert (before.completed, after.completed) == (Cell(4), Cell(14))
    assert (before.certificates, after.certificates) == (Cell(3), Cell(13))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_number_of_queries_does_not_grow_when_a_breakdown_passes_the_rows_shown(world: World) -> None:
    scope = Scope(region=world.region, exact=True)
    with CaptureQueriesContext(connection) as small:
        figures.compute(scope, PERIOD)
    for n in range(20):
        employer = OrganisationFactory.create(name=f"Werkgever {n:02d}", employer=True, region=world.region)
        add_trajectory(world.municipality, created=ams(2026, 1, 1 + n, 10), steps=[], employer=employer)
    with CaptureQueriesContext(connection) as large:
        after = figures.compute(scope, PERIOD)

    # Four employers and "none" before; twenty more now: 24 rows, 15 on the page.
    assert [table.more for table in after.breakdowns if table.key == "employer"] == [9]
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Downloads -------------------------------------------------------------------------------------


def _xlsx_rows(tables: list[dashboard.Merged]) -> list[list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(dashboard.xlsx_bytes(tables)))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


def _as_read(value: Any) -> Any:
    """What openpyxl reads back of a written value: an empty text is an empty cell."""
    return None if value == "" else value


@pytest.mark.parametrize("exact", [True, False])
def test_the_downloads_hold_the_numbers_of_the_page(world: World, exact: bool) -> None:
    result = dashboard.Dashboard([region_figures(world, exact=exact)])
    tables = [result.summary(), *result.tables()]

    sheets = _xlsx_rows(tables)

    assert len(sheets) == len(tables)
    for sheet, table in zip(sheets, tables, strict=True):
        csv = list(dashboard.csv_rows(table))
        assert csv == [[line.label, *line.exported] for line in table.lines]
        assert sheet[0] == dashboard.header(table)
        assert sheet[1:] == [[_as_read(value) for value in row] for row in csv]
        for line in table.lines:
            for shown, exported in zip(line.values, line.exported, strict=True):
                if isinstance(exported, float):
                    if table.key == "time_per_state" or line.key in ("median", "p80"):
                        assert abs(float(shown) - exported) <= 0.55
                    else:
                        assert shown == dashboard.percent(exported)
                else:
                    assert shown == str(exported)


def test_the_downloads_hold_the_worked_out_figures(world: World) -> None:
    exact = dashboard.Dashboard([region_figures(world)])
    hidden = dashboard.Dashboard([region_figures(world, exact=False)])

    # Counts; the lead times in days (105.4997 and 151.9996); the shares within 3 and 6 months.
    assert [line.exported for line in exact.summary().lines] == [
        [3],
        [1],
        [6],
        [5],
        [4],
        [3],
        [105.5],
        [152.0],
        [0.5],
        [0.75],
    ]
    assert [line.values for line in exact.summary().lines] == [
        ["3"],
        ["1"],
        ["6"],
        ["5"],
        ["4"],
        ["3"],
        ["105"],
        ["152"],
        ["50%"],
        ["75%"],
    ]
    assert [line.exported for line in hidden.summary().lines] == [
        ["< 5"],
        ["< 5"],
        [6],
        [5],
        ["< 5"],
        ["< 5"],
        [""],
        [""],
        [""],
        [""],
    ]
    funnel = exact.table("funnel")
    assert funnel is not None
    assert [line.exported for line in funnel.lines] == [
        [6, 0.8333],
        [5, 0.6],
        [3, 1.0],
        [3, 0.3333],
        [1, 1.0],
        [1, 1.0],
        [1, ""],
    ]
    per_state = exact.table("time_per_state")
    assert per_state is not None
    assert [line.exported for line in per_state.lines] == [
        [4, 6.0],
        [4, 6.2],  # 6.25, rounded half to even
        [4, 7.0],
        [4, 7.5],
        [4, 75.7],  # 75.7498
        [4, 8.8],  # 8.75
        [1, 10.0],
    ]
    sheets = _xlsx_rows([hidden.summary()])
    assert sheets[0][1:] == [
        ["Praktijkverklaringen issued", "< 5"],
        ["Revoked since (not in the number above)", "< 5"],
        ["Trajectories started", 6],
        ["Running at the end of the period", 5],
        ["Completed", "< 5"],
        ["Stopped", "< 5"],
        ["Lead time, median (days)", None],
        ["Lead time, 80th percentile (days)", None],
        ["Completed within 3 months", None],
        ["Completed within 6 months", None],
    ]
