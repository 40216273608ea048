"""A hand-counted world for the computed indicators: trajectories, events, praktijkverklaringen,
recognitions and progress reports in two regions and on both sides of a period's boundaries.

The partnership works in Groningen and has one partner school, Noorderpoort (in Friesland).
The period is the first half of last year (so every date is in the past and certificates can be
issued on it through ``certificates.services.issue``). Drenthe is the other region: its rows
count only when they are at the partner school. Each row says whether it counts and why; the
expected numbers in ``test_metrics.py`` are the sums of those comments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.certificates import services as certificates
from werkplaats.certificates.models import Certificate
from werkplaats.certificates.tests.world import assess
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, RegionFactory, member_of
from werkplaats.partnerships.models import Group, GroupKind, Partnership, ProgressReport, ReportStatus
from werkplaats.partnerships.tests.factories import PartnershipFactory, group, partner
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import services as trajectories
from werkplaats.trajectories.models import (
    IntendedOutcome,
    Learner,
    Route,
    Status,
    TargetGroup,
    Trajectory,
    TrajectoryEvent,
)
from werkplaats.trajectories.tests.factories import LearnerFactory, RecognitionFactory, TrajectoryFactory, event
from werkplaats.trajectories.tests.work_world import qualification as make_qualification

YEAR = timezone.localdate().year - 1
START = datetime.date(YEAR, 1, 1)
END = datetime.date(YEAR, 6, 30)


def d(month: int, day: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, day)


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = YEAR) -> datetime.datetime:
    """A moment in local (Amsterdam) time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


@dataclass
class Metrics:
    partnership: Partnership
    groningen: Region
    drenthe: Region
    haren: Organisation  # municipality in Groningen
    coevorden: Organisation  # municipality in Drenthe
    noorderpoort: Organisation  # the partner school, in Friesland
    hondsrug: Organisation  # a school in Drenthe, no partner
    eska: Organisation  # employer in Groningen
    consultant: User  # of Haren
    consultant_drenthe: User  # of Coevorden
    staff: User  # of Noorderpoort
    staff_hondsrug: User
    trainer: User  # at ESKA
    qualification: Qualification
    working: Group
    steering: Group
    certificates: dict[str, Certificate] = field(default_factory=dict)


def _learner(organisation: Organisation, name: str) -> Learner:
    return Learner.objects.create(
        organisation=organisation,
        first_name=name,
        last_name="Telling",
        date_of_birth=datetime.date(1990, 1, 1),
        target_group=TargetGroup.PARTICIPATIEWET,
    )


def ready(
    w: Metrics, name: str, *, created: datetime.datetime, drenthe: bool = False, school: Organisation | None = None
) -> Trajectory:
    """A praktijkverklaring trajectory referred at ``created`` (its registration event), in the
    assessment phase with two work processes mastered and confirmed by the school."""
    learner = _learner(w.coevorden if drenthe else w.haren, name)
    school = school or w.noorderpoort
    trajectory = trajectories.create_trajectory(
        learner,
        by=w.consultant_drenthe if drenthe else w.consultant,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
        qualification=w.qualification,
        school=school,
        employer=w.eska,
        workplace_trainer=w.trainer,
        planned_start=created.date(),
        created_at=created,
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Status.ASSESSMENT)
    trajectory.refresh_from_db()
    staff = w.staff if school == w.noorderpoort else w.staff_hondsrug
    assess(trajectory, w.trainer, staff, confirmed=2, unconfirmed=0)
    return trajectory


def issue(w: Metrics, trajectory: Trajectory, completed: datetime.datetime) -> Certificate:
    """Issue the praktijkverklaring through the real service on the day of ``completed``, and
    date the completion event it wrote then (the service dates it now), as the demo does."""
    staff = w.staff if trajectory.school_id == w.noorderpoort.pk else w.staff_hondsrug
    certificate = certificates.issue(trajectory, by=staff, on=timezone.localdate(completed))
    TrajectoryEvent.objects.filter(trajectory=trajectory, to_status=Status.COMPLETED).update(at=completed)
    return certificate


def plain(
    w: Metrics,
    *,
    organisation: Organisation | None = None,
    employer: Organisation | None = None,
    school: Organisation | None = None,
) -> Trajectory:
    """A trajectory written straight to the database, without events (add them with ``event``)."""
    learner = LearnerFactory.create(organisation=organisation or w.haren)
    created: Trajectory = TrajectoryFactory.create(learner=learner, employer=employer, school=school or w.hondsrug)
    return created


def build() -> Metrics:
    groningen = RegionFactory.create(code="AM01", name="Groningen")
    drenthe = RegionFactory.create(code="AM03", name="Drenthe")
    friesland = RegionFactory.create(code="AM02", name="Friesland")
    haren = OrganisationFactory.create(name="Gemeente Haren", region=groningen)
    coevorden = OrganisationFactory.create(name="Gemeente Coevorden", region=drenthe)
    noorderpoort = OrganisationFactory.create(
        name="Noorderpoort", region=friesland, kind=OrganisationKind.MBO_SCHOOL, city="Leeuwarden"
    )
    hondsrug = OrganisationFactory.create(
        name="Hondsrug College", region=drenthe, kind=OrganisationKind.MBO_SCHOOL, city="Emmen"
    )
    eska = OrganisationFactory.create(name="ESKA", region=groningen, employer=True)
    qualification = make_qualification()
    RecognitionFactory.create(employer=eska, crebo=qualification.crebo, start_date=d(1, 1, 2020))

    partnership = PartnershipFactory.create(name="Praktijkleren Groningen", slug="praktijkleren-groningen-metrics")
    partnership.regions.set([groningen])
    partner(partnership, noorderpoort)
    partner(partnership, haren)
    steering = group(partnership, GroupKind.STEERING, name="Stuurgroep")
    working = group(partnership, GroupKind.WORKING, name="Werkgroep werkgevers", accountable_to=steering)

    w = Metrics(
        partnership=partnership,
        groningen=groningen,
        drenthe=drenthe,
        haren=haren,
        coevorden=coevorden,
        noorderpoort=noorderpoort,
        hondsrug=hondsrug,
        eska=eska,
        consultant=member_of(haren, Role.CONSULTANT),
        consultant_drenthe=member_of(coevorden, Role.CONSULTANT),
        staff=member_of(noorderpoort, Role.SCHOOL_STAFF, name="Sander de Vries"),
        staff_hondsrug=member_of(hondsrug, Role.SCHOOL_STAFF, name="Wilma Boelens"),
        trainer=member_of(eska, Role.WORKPLACE_TRAINER, name="Tineke Opleider"),
        qualification=qualification,
        working=working,
        steering=steering,
    )
    _certificates(w)
    _other_trajectories(w)
    _employers(w)
    _reports(w)
    return w


def _certificates(w: Metrics) -> None:
    """Praktijkverklaringen through the real issue path. Lead time in days (paused time not
    counted) in brackets for those completed in the period and in scope."""
    c = w.certificates
    # c1: Groningen, in the period: counts. Lead time 136 days (1 Sep → 15 Jan), within 6 months.
    c["c1"] = issue(w, ready(w, "Anouk", created=at(9, 1, year=YEAR - 1)), at(1, 15))
    # c2: Groningen, in the period: counts. Lead time 221 days (1 Aug → 10 Mar): late.
    c["c2"] = issue(w, ready(w, "Bram", created=at(8, 1, year=YEAR - 1)), at(3, 10))
    # c3: Groningen, in the period, then revoked: the certificate does not count; the trajectory
    # was completed all the same (74 days, 5 Jan → 20 Mar, within 6 months) and counts as started.
    c["c3"] = issue(w, ready(w, "Chantal", created=at(1, 5)), at(3, 20))
    certificates.revoke(c["c3"], by=w.staff, reason="Verkeerd werkproces.", on=d(3, 27))
    # c4: Groningen, the day before the period: no.
    c["c4"] = issue(w, ready(w, "Daan", created=at(6, 1, year=YEAR - 1)), at(12, 31, year=YEAR - 1))
    # c5: Groningen, the day after the period: no. Referred in the period (15 Feb): started.
    c["c5"] = issue(w, ready(w, "Esra", created=at(2, 15)), at(7, 1))
    # c6: Drenthe learner at a Drenthe school, in the period: another region, no.
    # Referred in the period, but not in scope either.
    c["c6"] = issue(w, ready(w, "Femke", created=at(1, 20), drenthe=True, school=w.hondsrug), at(2, 10))
    # c7: Drenthe learner at the partner school, in the period: counts (by the school).
    # Referred 1 Dec, paused 30 days (10 Jan → 9 Feb), completed 5 Apr: 125 - 30 = 95 days. (At
    # 13:00: summer time began in between, and a lead time counts whole days of 24 hours.)
    c7 = ready(w, "Gijs", created=at(12, 1, year=YEAR - 1), drenthe=True)
    event(c7, Status.PAUSED, frm=Status.IN_PROGRESS, at=at(1, 10))
    event(c7, Status.IN_PROGRESS, frm=Status.PAUSED, at=at(2, 9))
    c["c7"] = issue(w, c7, at(4, 5, 13))


def _other_trajectories(w: Metrics) -> None:
    """Trajectories without a certificate, for "started" and the lead times."""
    # d1: Groningen diploma trajectory, referred 1 Feb 12:00, completed 30 June at 23:30 local
    # time (21:30 UTC): in the period. Started in the period. Lead time 149 days.
    d1 = plain(w)
    event(d1, Status.REFERRED, at=at(2, 1))
    event(d1, Status.COMPLETED, frm=Status.ASSESSMENT, at=at(6, 30, 23, 30))
    # d2: Groningen, referred 10 Jan (started), completed 1 July at 00:30 local time: after the
    # period, although it is still 30 June in UTC.
    d2 = plain(w)
    event(d2, Status.REFERRED, at=at(1, 10))
    event(d2, Status.COMPLETED, frm=Status.ASSESSMENT, at=at(7, 1, 0, 30))
    # Referred at the edges: 1 Jan 00:30 local (31 Dec in UTC): started; 31 Dec 23:30 the year
    # before: not; 30 June 23:30: started.
    event(plain(w), Status.REFERRED, at=at(1, 1, 0, 30))
    event(plain(w), Status.REFERRED, at=at(12, 31, 23, 30, year=YEAR - 1))
    event(plain(w), Status.REFERRED, at=at(6, 30, 23, 30))
    # A Groningen trajectory that stopped: started in the period all the same.
    stopped = plain(w)
    event(stopped, Status.REFERRED, at=at(4, 1))
    event(stopped, Status.STOPPED, frm=Status.REFERRED, at=at(5, 1))
    # A learner of an organisation without a region, at an employer in Groningen: the
    # employer's region counts. Started.
    nowhere = OrganisationFactory.create(name="Stichting Zonder Regio", region=None)
    event(plain(w, organisation=nowhere, employer=w.eska), Status.REFERRED, at=at(5, 5))
    # A Drenthe learner at a Drenthe school: not in scope.
    event(plain(w, organisation=w.coevorden), Status.REFERRED, at=at(3, 1))
    # A Drenthe learner at the partner school: started (by the school).
    event(plain(w, organisation=w.coevorden, school=w.noorderpoort), Status.REFERRED, at=at(3, 2))


def _placed(employer: Organisation, when: datetime.datetime, w: Metrics) -> None:
    trajectory = plain(w, employer=employer)
    event(trajectory, Status.PLACED, frm=Status.SEARCHING, at=when)


def _employers(w: Metrics) -> None:
    """Employers and placements. ESKA (recognised since 2020) had no placement event yet."""
    recognised = {"crebo": w.qualification.crebo, "start_date": d(1, 1, 2020)}

    def employer(name: str, region: Region, **recognition: Any) -> Organisation:
        created: Organisation = OrganisationFactory.create(name=name, region=region, employer=True)
        if recognition.get("start_date") is not None:
            RecognitionFactory.create(employer=created, **recognition)
        return created

    # ESKA: placement 1 Feb: counts from February.
    _placed(w.eska, at(2, 1), w)
    # E2: two placements on 1 Mar: counts once, from March.
    e2 = employer("Bakkerij Hilvers", w.groningen, **recognised)
    _placed(e2, at(3, 1), w)
    _placed(e2, at(3, 1, 15), w)
    # E3: placement 10 Apr, recognised until 31 May: counts through May, not on 30 June.
    e3 = employer("2-Switch", w.groningen, crebo=w.qualification.crebo, start_date=d(1, 1, 2020), end_date=d(5, 31))
    _placed(e3, at(4, 10), w)
    # E4: recognised only from 1 July: never counted.
    e4 = employer("Taveerne", w.groningen, crebo=w.qualification.crebo, start_date=d(7, 1))
    _placed(e4, at(5, 15), w)
    # E5: placement before the period only: no.
    e5 = employer("Mantel Fietstechniek", w.groningen, **recognised)
    _placed(e5, at(12, 20, year=YEAR - 1), w)
    # E6: in Drenthe: no.
    e6 = employer("Bakkerij Zuidenveld", w.drenthe, **recognised)
    _placed(e6, at(2, 1), w)
    # E7: placement 30 June 23:30 local time: counts in June.
    e7 = employer("Hoveniersbedrijf Noord", w.groningen, **recognised)
    _placed(e7, at(6, 30, 23, 30), w)
    # E8: never recognised: no.
    e8 = employer("Schoonmaak Stad", w.groningen, start_date=None)
    _placed(e8, at(3, 3), w)


def _report(group: Group, due: datetime.date, submitted: datetime.datetime | None) -> ProgressReport:
    return ProgressReport.objects.create(
        group=group,
        due_on=due,
        status=ReportStatus.SUBMITTED if submitted else ReportStatus.DUE,
        submitted_at=submitted,
        progress="Voortgang" if submitted else "",
    )


def _reports(w: Metrics) -> None:
    # r1: a day early: on time.
    _report(w.working, d(1, 31), at(1, 30, 10))
    # r2: at 23:30 local time on the due date (21:30 UTC): on time.
    _report(w.working, d(3, 14), at(3, 14, 23, 30))
    # r3: at 00:30 local time the day after (still the due date in UTC): late.
    _report(w.working, d(4, 25), at(4, 26, 0, 30))
    # r4: never came in, due date passed: late.
    _report(w.working, d(6, 6), None)
    # r5: the steering group's own, early: on time.
    _report(w.steering, d(5, 1), at(4, 20))
    # r6: due after the period (submitted within it): not counted.
    _report(w.working, d(7, 18), at(6, 20))
    # r7: another partnership's group: not counted.
    other = PartnershipFactory.create()
    _report(group(other, GroupKind.WORKING, name="Elders"), d(2, 1), at(1, 31))
