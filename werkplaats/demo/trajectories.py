"""Demo trajectories: about forty learners of the demo region in every state, with their events
spread over the past year, so that lead times, timelines and caseloads look real. Every learner,
trainer and coach here is fictional.

The trajectories are made through the services, as users would make them, with the events
dated in the past through ``transition(at=…)``; what the services date "now" (plan approvals,
confirmations) is moved back afterwards. Placed trajectories are at employers recognised for
their qualification (``recognitions.py``) on their start date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.services import add_membership
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import services
from werkplaats.trajectories.models import (
    MAIN_PATH,
    FollowUp,
    IntendedOutcome,
    Learner,
    LearningPlanVersion,
    Level,
    PlanApproval,
    PracticeHours,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)

from .data import DEMO_PASSWORD

# Workplace trainers and a coach the demo users do not already provide: e-mail: (name, slug, role).
PEOPLE: dict[str, tuple[str, str, str]] = {
    "trainer.eska@demo.nl": ("Jolanda Veenstra", "eska", Role.WORKPLACE_TRAINER),
    "trainer.2switch@demo.nl": ("Rutger Kamphuis", "2-switch", Role.WORKPLACE_TRAINER),
    "trainer.taveerne@demo.nl": ("Miranda Zijlstra", "taveerne-de-bijland", Role.WORKPLACE_TRAINER),
    "trainer.mantel@demo.nl": ("Gert Hoving", "mantel-fietstechniek", Role.WORKPLACE_TRAINER),
    "coach.hondsrug@demo.nl": ("Wilma Boelens", "hondsrug-vakschool", Role.SCHOOL_STAFF),
}

# employer slug: (the trainer's e-mail, the crebo it is recognised for)
EMPLOYERS: dict[str, tuple[str, str]] = {
    "eska": ("trainer.eska@demo.nl", "25499"),
    "hilvers-bakkerij": ("trainer@demo.nl", "25173"),
    "2-switch": ("trainer.2switch@demo.nl", "25167"),
    "taveerne-de-bijland": ("trainer.taveerne@demo.nl", "25252"),
    "mantel-fietstechniek": ("trainer.mantel@demo.nl", "25231"),
    "bakkerij-zuidenveld": ("trainer2@demo.nl", "25173"),
}

PATH = MAIN_PATH
# How long each state usually lasts, relative to the others: spreads the events of one trajectory.
WEIGHT: dict[str, float] = {
    Status.INTAKE: 1.0,
    Status.SEARCHING: 1.5,
    Status.PLACED: 2.5,
    Status.IN_PROGRESS: 1.0,
    Status.ASSESSMENT: 8.0,
    Status.COMPLETED: 2.0,
    Status.PAUSED: 1.5,
    Status.STOPPED: 1.5,
}


@dataclass(frozen=True)
class Spec:
    first_name: str
    last_name: str
    born: datetime.date
    group: str
    status: str
    days_ago: int  # referred this many days ago
    in_state: int  # days in the present state
    employer: str = ""
    crebo: str = ""
    route: str = Route.PRAKTIJKLEREN
    outcome: str = IntendedOutcome.PRACTICE_CERTIFICATE
    last_before: str = ""  # the state before pausing or stopping
    stop_reason: str = ""
    reason: str = ""
    login: str = ""  # the demo user who is this learner
    referred_by: str = ""
    drenthe: bool = False


D = datetime.date
P, G = TargetGroup.PARTICIPATIEWET, TargetGroup
BBL, DIPLOMA = Route.BBL, IntendedOutcome.DIPLOMA
SW, ESL, EMP = TargetGroup.SHELTERED_WORK, TargetGroup.EARLY_SCHOOL_LEAVER, TargetGroup.EMPLOYEE
HILVERS, MANTEL, TAVERNE = "hilvers-bakkerij", "mantel-fietstechniek", "taveerne-de-bijland"

SPECS: tuple[Spec, ...] = (
    # Referred
    Spec("Fatima", "El Idrissi", D(1987, 3, 14), G.NEWCOMER, Status.REFERRED, 6, 6, crebo="25498"),
    Spec("Jeroen", "Wiersma", D(2004, 11, 2), ESL, Status.REFERRED, 12, 12, crebo="25500"),
    Spec("Monique", "Kuiper", D(1971, 7, 29), G.WW, Status.REFERRED, 3, 3, crebo="25499"),
    Spec("Sevda", "Yilmaz", D(1993, 1, 8), P, Status.REFERRED, 20, 20, crebo="25173", referred_by="iederz"),
    # Intake
    Spec("Daan", "Postma", D(2003, 5, 21), ESL, Status.INTAKE, 30, 18, crebo="25499"),
    Spec("Ingrid", "Dijkstra", D(1968, 9, 3), G.WW, Status.INTAKE, 45, 25, crebo="25498"),
    Spec("Yonas", "Tesfay", D(1996, 12, 30), G.NEWCOMER, Status.INTAKE, 22, 10, crebo="25252"),
    Spec("Bas", "Hoekstra", D(1985, 4, 17), SW, Status.INTAKE, 60, 35, crebo="25231", referred_by="iederz"),
    # Looking for a workplace
    Spec("Lotte", "Bakker", D(1999, 2, 11), P, Status.SEARCHING, 70, 30, crebo="25499"),
    Spec("Mohamed", "Benali", D(1990, 8, 5), P, Status.SEARCHING, 95, 48, crebo="25167"),
    Spec("Anneke", "de Haan", D(1976, 6, 23), G.WW, Status.SEARCHING, 50, 12, crebo="25500"),
    Spec("Ruben", "Smit", D(2005, 10, 9), ESL, Status.SEARCHING, 120, 75, crebo="25452"),
    Spec("Olena", "Kovalenko", D(1982, 1, 27), G.NEWCOMER, Status.SEARCHING, 40, 9, crebo="25498"),
    # Placed
    Spec("Kevin", "Oosterhof", D(1995, 3, 2), P, Status.PLACED, 80, 5, HILVERS, "25173"),
    Spec("Marloes", "Veldman", D(1988, 12, 12), G.WW, Status.PLACED, 65, 9, TAVERNE, "25252"),
    Spec("Tim", "Brouwer", D(2002, 7, 7), ESL, Status.PLACED, 90, 3, MANTEL, "25231"),
    Spec("Nadia", "Haddou", D(1991, 4, 19), P, Status.PLACED, 55, 12, "2-switch", "25167"),
    # Learning at work
    Spec(
        "Sanne", "Mulder", D(1998, 9, 15), P, Status.IN_PROGRESS, 170, 100, HILVERS, "25173",
        login="learner@demo.nl",
    ),
    Spec("Erwin", "Scholten", D(1979, 5, 30), G.WW, Status.IN_PROGRESS, 150, 70, "eska", "25499"),
    Spec("Priya", "Ramdin", D(1994, 2, 3), P, Status.IN_PROGRESS, 200, 120, "eska", "25499"),
    Spec("Hendrik", "Jonker", D(1966, 11, 21), SW, Status.IN_PROGRESS, 130, 60, HILVERS, "25173"),
    Spec("Amira", "Mansour", D(1997, 6, 14), G.NEWCOMER, Status.IN_PROGRESS, 110, 45, TAVERNE, "25252"),
    Spec("Jesse", "van Dijk", D(2001, 3, 25), ESL, Status.IN_PROGRESS, 140, 80, MANTEL, "25231"),
    Spec("Wendy", "Prins", D(1983, 10, 1), P, Status.IN_PROGRESS, 100, 40, "2-switch", "25167"),
    Spec("Arjen", "Meijer", D(1986, 8, 8), P, Status.IN_PROGRESS, 160, 90, "eska", "25499", route=BBL, outcome=DIPLOMA),
    # Assessment
    Spec("Esther", "Vos", D(1975, 12, 5), G.WW, Status.ASSESSMENT, 230, 14, "eska", "25499"),
    Spec("Ahmet", "Demir", D(1989, 7, 18), P, Status.ASSESSMENT, 250, 30, "eska", "25499"),
    Spec("Iris", "Zwart", D(2000, 1, 30), ESL, Status.ASSESSMENT, 190, 7, "eska", "25499"),
    Spec("Johan", "Boer", D(1970, 4, 4), EMP, Status.ASSESSMENT, 210, 21, "eska", "25499", route=BBL, outcome=DIPLOMA),
    # Completed with a praktijkverklaring, issued by the school (nine valid ones in Groningen:
    # the next one issued there reaches the region's and the school's first milestone, 10)
    Spec("Henk", "Visser", D(1974, 3, 9), G.WW, Status.COMPLETED, 330, 200, "eska", "25499"),
    Spec("Merel", "Jansen", D(1998, 6, 2), P, Status.COMPLETED, 300, 160, "2-switch", "25498"),
    Spec("Yusuf", "Aydin", D(1991, 9, 17), G.NEWCOMER, Status.COMPLETED, 290, 130, "eska", "25499"),
    Spec("Karin", "Bosma", D(1969, 12, 24), G.WW, Status.COMPLETED, 270, 110, "eska", "25499"),
    Spec("Stefan", "de Vries", D(2001, 5, 5), ESL, Status.COMPLETED, 260, 95, "2-switch", "25498"),
    Spec("Rianne", "Smits", D(1986, 7, 21), P, Status.COMPLETED, 240, 70, "2-switch", "25498"),
    Spec("Tarik", "El Amrani", D(1995, 2, 28), P, Status.COMPLETED, 230, 50, "eska", "25499"),
    Spec("Ellen", "Postma", D(1977, 10, 13), G.WW, Status.COMPLETED, 220, 35, "2-switch", "25498"),
    Spec("Nicole", "Wolters", D(1990, 1, 19), SW, Status.COMPLETED, 200, 20, "eska", "25499"),
    # Completed: outcomes that are not a praktijkverklaring (that one is completed by issuing it)
    Spec("Laura", "Hofman", D(1992, 9, 9), EMP, Status.COMPLETED, 330, 40, "eska", "25499", route=BBL, outcome=DIPLOMA),
    Spec("Sjoerd", "Kok", D(1984, 2, 14), EMP, Status.COMPLETED, 300, 25, "eska", "25499", route=BBL, outcome=DIPLOMA),
    Spec(
        "Marieke", "Boonstra", D(1980, 5, 12), EMP, Status.COMPLETED, 280, 60, "eska",
        route=Route.STAFF_DEVELOPMENT, outcome=IntendedOutcome.OWN_GOALS,
    ),
    Spec(
        "Thomas", "Bos", D(2003, 8, 19), G.STUDENT, Status.COMPLETED, 200, 30, TAVERNE,
        route=Route.WORKPLACE_LEARNING, outcome=IntendedOutcome.OWN_GOALS,
    ),
    # Paused
    Spec("Gerda", "Huisman", D(1965, 10, 28), G.WW, Status.PAUSED, 75, 20, crebo="25498", last_before=Status.INTAKE,
         reason="Mantelzorg voor haar moeder; over twee maanden verder."),
    Spec("Rachid", "Amrani", D(1993, 12, 1), P, Status.PAUSED, 115, 33, crebo="25499", last_before=Status.SEARCHING,
         reason="Herstel na een operatie."),
    Spec("Linda", "Schuurman", D(1987, 3, 3), P, Status.PAUSED, 180, 26, HILVERS, "25173",
         last_before=Status.IN_PROGRESS, reason="Zwangerschapsverlof."),
    # Stopped
    Spec("Dennis", "Mol", D(1990, 6, 6), P, Status.STOPPED, 100, 80, crebo="25500", last_before=Status.REFERRED,
         stop_reason=StopReason.MOVED, reason="Verhuisd naar Zwolle; overgedragen aan de gemeente daar."),
    Spec("Chantal", "Koster", D(1999, 11, 11), ESL, Status.STOPPED, 160, 100, crebo="25252",
         last_before=Status.INTAKE, stop_reason=StopReason.MOTIVATION, reason="Kwam drie keer niet op afspraken."),
    Spec("Pieter", "de Groot", D(1972, 1, 16), G.WW, Status.STOPPED, 240, 60, crebo="25452",
         last_before=Status.SEARCHING, stop_reason=StopReason.NO_PLACE,
         reason="Geen erkend leerbedrijf binnen reisafstand gevonden."),
    Spec("Samira", "Bouzid", D(1996, 4, 27), P, Status.STOPPED, 210, 45, "2-switch", "25167",
         last_before=Status.IN_PROGRESS, stop_reason=StopReason.FOUND_WORK,
         reason="Vaste baan gevonden bij een supermarkt."),
    # Drenthe: a second region, for consultant2@demo.nl and trainer2@demo.nl
    Spec("Jan", "Hofstee", D(1978, 8, 31), G.WW, Status.IN_PROGRESS, 140, 75, "bakkerij-zuidenveld", "25173",
         drenthe=True),
)  # fmt: skip


@dataclass
class _Cast:
    organisations: dict[str, Organisation]
    users: dict[str, User]
    qualifications: dict[str, Qualification]

    def user(self, email: str) -> User:
        return self.users[email]


def _cast() -> _Cast:
    slugs = {
        "gemeente-groningen",
        "gemeente-emmen",
        "iederz",
        "noorderpoort",
        "hondsrug-vakschool",
        *EMPLOYERS,
        *(slug for _name, slug, _role in PEOPLE.values()),
    }
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    missing = sorted(slugs - set(organisations))
    if missing:
        raise RuntimeError(f"Load the demo organisations first; missing: {', '.join(missing)}")
    for email, (name, slug, role) in PEOPLE.items():
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(email, DEMO_PASSWORD, name=name)
        if not person.memberships.active().filter(organisation=organisations[slug]).exists():
            add_membership(person, organisations[slug], roles=[role])
    emails = {*PEOPLE, "consultant@demo.nl", "consultant2@demo.nl", "school@demo.nl", "trainer@demo.nl"}
    emails |= {"trainer2@demo.nl", "learner@demo.nl"}
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    if emails - set(users):
        raise RuntimeError(f"Load the demo users first; missing: {', '.join(sorted(emails - set(users)))}")
    crebos = {s.crebo for s in SPECS if s.crebo}
    qualifications = {q.crebo: q for q in Qualification.objects.current().filter(crebo__in=crebos).order_by("pk")}
    if crebos - set(qualifications):
        raise RuntimeError(f"Load the qualification catalogue first; missing: {sorted(crebos - set(qualifications))}")
    return _Cast(organisations, users, qualifications)


def _steps(spec: Spec) -> list[str]:
    """The states the trajectory went through after referral, in order."""
    if spec.status in (Status.PAUSED, Status.STOPPED):
        return [*PATH[1 : PATH.index(spec.last_before) + 1], spec.status]
    return list(PATH[1 : PATH.index(spec.status) + 1])


def _times(spec: Spec, steps: list[str], now: datetime.datetime) -> tuple[datetime.datetime, list[datetime.datetime]]:
    """When the trajectory was referred, and when each step happened: the last one ``in_state``
    days ago, the others spread by the usual length of the state they left."""
    referred = now - datetime.timedelta(days=spec.days_ago, hours=3)
    if not steps:
        return referred, []
    last = now - datetime.timedelta(days=spec.in_state, hours=1)
    weights = [WEIGHT[s] for s in steps]
    times, done = [], 0.0
    for weight in weights:
        done += weight
        times.append(referred + (last - referred) * (done / sum(weights)))
    times[-1] = last
    return referred, times


@transaction.atomic
def load_trajectories() -> int:
    """Create the demo trajectories. Idempotent: a learner who is already there (by
    organisation, name and date of birth) is left as they are. Returns how many trajectories
    were added. Needs ``load_demo`` to have run (organisations, users, catalogue, register)."""
    cast = _cast()
    now = timezone.now()
    added = 0
    for spec in SPECS:
        organisation = cast.organisations["gemeente-emmen" if spec.drenthe else "gemeente-groningen"]
        if Learner.objects.filter(
            organisation=organisation, first_name=spec.first_name, last_name=spec.last_name, date_of_birth=spec.born
        ).exists():
            continue
        _create(spec, cast, organisation, now)
        added += 1
    return added


def _create(spec: Spec, cast: _Cast, organisation: Organisation, now: datetime.datetime) -> Trajectory:
    consultant = cast.user("consultant2@demo.nl" if spec.drenthe else "consultant@demo.nl")
    school = cast.organisations["hondsrug-vakschool" if spec.drenthe else "noorderpoort"]
    coach = cast.user("coach.hondsrug@demo.nl" if spec.drenthe else "school@demo.nl")
    steps = _steps(spec)
    referred, times = _times(spec, steps, now)

    learner = services.register_learner(
        organisation,
        by=consultant,
        first_name=spec.first_name,
        last_name=spec.last_name,
        date_of_birth=spec.born,
        target_group=spec.group,
        language_level="A2" if spec.group == TargetGroup.NEWCOMER else "",
        referring_organisation=cast.organisations[spec.referred_by] if spec.referred_by else None,
    )
    Learner.objects.filter(pk=learner.pk).update(created_at=referred)
    if spec.login:
        learner.user = cast.user(spec.login)
        learner.save(update_fields=["user"])

    placed_at = times[steps.index(Status.PLACED)] if Status.PLACED in steps else None
    fields: dict[str, object] = {
        "route": spec.route,
        "intended_outcome": spec.outcome,
        "qualification": cast.qualifications.get(spec.crebo),
        "school": school,
        "school_coach": coach,
        "consultant": consultant,
        "created_at": referred,
    }
    trainer = None
    if spec.employer:
        trainer = cast.user(EMPLOYERS[spec.employer][0])
        start = timezone.localdate(placed_at) + datetime.timedelta(days=7) if placed_at else None
        fields |= {
            "employer": cast.organisations[spec.employer],
            "workplace_trainer": trainer,
            "planned_start": start,
            "planned_end": start + datetime.timedelta(days=182) if start else None,
        }
    trajectory = services.create_trajectory(learner, by=consultant, **fields)

    for index, (to, at) in enumerate(zip(steps, times, strict=True)):
        if to == Status.PLACED:
            assert trainer is not None
            _agree_plan(trajectory, consultant=consultant, trainer=trainer, coach=coach, at=at, login=spec.login)
        if to == Status.COMPLETED and spec.outcome == IntendedOutcome.PRACTICE_CERTIFICATE:
            trajectory = _issue(trajectory, coach=coach, at=at, correct=spec.last_name == REISSUED)
            continue
        if to == Status.COMPLETED:
            trajectory = services.transition(
                trajectory, to, by=consultant, at=at, outcome=FollowUp.WORK_SAME_EMPLOYER, reason=""
            )
            continue
        trajectory = services.transition(
            trajectory,
            to,
            by=coach if to == Status.ASSESSMENT else consultant,
            at=at,
            reason=spec.reason if to in (Status.PAUSED, Status.STOPPED) else "",
            stop_reason=spec.stop_reason if to == Status.STOPPED else "",
        )
        if to == Status.IN_PROGRESS:
            following = times[index + 1] if index + 1 < len(times) else now
            assert trainer is not None
            _learn(trajectory, trainer=trainer, coach=coach, since=at, until=following, now=now)
    return trajectory


# The learner whose first praktijkverklaring was revoked for a mistake and issued again.
REISSUED = "Bosma"


def _issue(trajectory: Trajectory, *, coach: User, at: datetime.datetime, correct: bool) -> Trajectory:
    """Issue the praktijkverklaring as the school would have on the day of ``at``, and date the
    completion then. With ``correct``, the first one is revoked a week later and issued again."""
    from werkplaats.certificates import services as certificates

    day = timezone.localdate(at)
    certificate = certificates.issue(trajectory, by=coach, on=day)
    TrajectoryEvent.objects.filter(trajectory=trajectory, to_status=Status.COMPLETED).update(at=at)
    Trajectory.objects.filter(pk=trajectory.pk).update(
        status_changed_at=at, outcome_at_completion=FollowUp.WORK_SAME_EMPLOYER
    )
    if correct:
        later = min(day + datetime.timedelta(days=7), timezone.localdate())
        certificates.revoke(
            certificate,
            by=coach,
            on=later,
            reason="Een werkproces stond er ten onrechte op; een gecorrigeerde praktijkverklaring is uitgegeven.",
        )
        certificates.issue(trajectory, by=coach, on=later)
    trajectory.refresh_from_db()
    return trajectory


def _agree_plan(
    trajectory: Trajectory, *, consultant: User, trainer: User, coach: User, at: datetime.datetime, login: str
) -> None:
    qualification = trajectory.qualification
    chosen = list(qualification.work_processes()[:4]) if qualification is not None else []
    learner_goals = "Vast werk vinden en laten zien wat ik kan."
    if trajectory.intended_outcome == IntendedOutcome.OWN_GOALS:
        learner_goals = "Mijn begeleidingsvaardigheden verbeteren en reflecteren op mijn eigen werk."
    version = services.propose_plan(
        trajectory,
        by=consultant,
        based_on=None,
        work_processes=chosen,
        learner_goals=learner_goals,
        workplace_goals="Zelfstandig meedraaien in het team, op tijd en volgens de werkinstructies.",
        school_goals="De gekozen werkprocessen aantonen in de praktijk.",
        activities="Vier dagen per week meewerken; elke week een kort gesprek met de praktijkopleider.",
        support="Jobcoach in de eerste zes weken.",
        hours_per_week=Decimal("24.0"),
        assessment_method="Beoordeling in de praktijk door de praktijkopleider, bevestigd door de school.",
        start_date=trajectory.planned_start,
        end_date=trajectory.planned_end,
        early_termination="Na overleg tussen de drie partijen, met een maand bedenktijd.",
    )
    learner_side = User.objects.get(email=login) if login else consultant
    for person in (learner_side, trainer, coach):
        services.approve_plan(version, by=person)
    agreed = at - datetime.timedelta(days=2)
    LearningPlanVersion.objects.filter(pk=version.pk).update(
        created_at=agreed - datetime.timedelta(days=5), agreed_at=agreed
    )
    PlanApproval.objects.filter(version=version).update(at=agreed)


def _learn(
    trajectory: Trajectory,
    *,
    trainer: User,
    coach: User,
    since: datetime.datetime,
    until: datetime.datetime,
    now: datetime.datetime,
) -> None:
    """Hours, assessments, a log entry and a progress review while learning at work."""
    first_day = timezone.localdate(since)
    last_day = min(timezone.localdate(until), timezone.localdate(now))
    monday = first_day + datetime.timedelta(days=(7 - first_day.weekday()) % 7)
    weeks = 0
    while monday + datetime.timedelta(days=6) < last_day and weeks < 6:
        entry = services.log_hours(trajectory, by=trainer, week_start=monday, hours=Decimal(20 + 2 * (weeks % 3)))
        if weeks < 4:
            services.approve_hours(entry, by=trainer)
            PracticeHours.objects.filter(pk=entry.pk).update(approved_at=_at(monday + datetime.timedelta(days=7)))
        monday += datetime.timedelta(weeks=1)
        weeks += 1
    if trajectory.qualification is not None:
        days = max((last_day - first_day).days, 1)
        levels = (Level.MASTERED, Level.MASTERED, Level.DEVELOPING) if days > 30 else (Level.DEVELOPING,)
        for offset, (work_process, level) in enumerate(
            zip(trajectory.qualification.work_processes()[:3], levels, strict=False)
        ):
            on = first_day + datetime.timedelta(days=min(days - 1, 10 * (offset + 1)))
            assessment = services.assess_work_process(
                trajectory,
                work_process,
                by=trainer,
                level=level,
                on=on,
                evidence_note="Gezien in de praktijk; foto's van het werk in het dossier.",
            )
            if level == Level.MASTERED:
                services.confirm_assessment(assessment, by=coach)
                WorkProcessAssessment.objects.filter(pk=assessment.pk).update(confirmed_at=_at(on))
        services.add_log_entry(
            trajectory, by=trainer, text="Werkt nauwkeurig en vraagt om hulp als iets niet duidelijk is."
        )
    held_on = first_day + datetime.timedelta(weeks=3)
    if held_on < last_day:
        services.record_review(
            trajectory,
            by=coach,
            held_on=held_on,
            attendees="Deelnemer, praktijkopleider, begeleider van de school",
            progress="Goed op weg; de werkprocessen uit het leerplan komen aan bod.",
            agreements="Over zes weken opnieuw; tot dan meer zelfstandig werken.",
        )


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
