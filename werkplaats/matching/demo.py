"""Demo learning places and one open request, so that the demo consultant sees suggestions.

Call ``load()`` from the demo loader after the recognitions and trajectories are loaded
(``werkplaats.demo.services._load``). Idempotent: what exists is left as it is.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation
from werkplaats.trajectories.models import Status, TargetGroup, Trajectory

from .models import LearningPlace, PlacementRequest
from .services import propose_place

G = TargetGroup
# Places count the learners placed there already (Eska trains seven at the moment; Bakkerij
# Zuidenveld is full, so that the suggestions show an employer left out for that reason).
# slug, crebo, places, hours per week, target groups supported, trainer available
PLACES: list[tuple[str, str, int, int, list[str], bool]] = [
    ("eska", "25499", 9, 32, [G.PARTICIPATIEWET, G.NEWCOMER], True),
    ("2-switch", "25167", 4, 24, [G.PARTICIPATIEWET, G.SHELTERED_WORK], True),
    ("2-switch", "25498", 2, 20, [G.NEWCOMER], True),
    ("hilvers-bakkerij", "25173", 4, 32, [G.PARTICIPATIEWET], True),
    ("bakkerij-zuidenveld", "25173", 1, 24, [], False),
    ("taveerne-de-bijland", "25252", 3, 28, [G.EARLY_SCHOOL_LEAVER], True),
    ("mantel-fietstechniek", "25231", 3, 32, [G.SHELTERED_WORK], True),
    ("doeleman-buiteninrichtingen", "25452", 2, 36, [G.EARLY_SCHOOL_LEAVER, G.WW], True),
    # Its recognition for 25167 ended in 2025: a round shows why it cannot take anyone.
    ("hilvers-bakkerij", "25167", 1, 32, [], True),
]
PERIOD_START = datetime.date(2025, 1, 1)
# The open request: the learner (first and last name) proposed to an employer's place.
REQUEST = ("Mohamed", "Benali", "2-switch", "25167")
CONSULTANT = "consultant@demo.nl"
COORDINATOR = "coordinator@demo.nl"

# A matching round in Groningen with a computed proposal waiting for review. The learners' rankings: (first
# name, last name) -> employer slugs, best first. Employers' answers: slug -> declined learners.
ROUND_NAME = "Start februari 2027"
ROUND_START = datetime.date(2027, 2, 1)
ROUND_PREFERENCES_UNTIL = datetime.date(2027, 1, 15)
ROUND_RANKINGS: dict[tuple[str, str], list[str]] = {
    ("Olena", "Kovalenko"): ["2-switch"],
    ("Mohamed", "Benali"): ["2-switch", "hilvers-bakkerij"],
    ("Lotte", "Bakker"): ["eska"],
    ("Ruben", "Smit"): ["doeleman-buiteninrichtingen"],
}
ROUND_DECLINED: dict[str, list[tuple[str, str]]] = {"doeleman-buiteninrichtingen": [("Ruben", "Smit")]}


@transaction.atomic
def load() -> int:
    """Create the demo places and the open request; returns how many rows were added."""
    employers = {o.slug: o for o in Organisation.objects.filter(slug__in={row[0] for row in PLACES})}
    added = 0
    for slug, crebo, capacity, hours, groups, trainer in PLACES:
        employer = employers.get(slug)
        if employer is None:
            continue
        _place, created = LearningPlace.objects.get_or_create(
            employer=employer,
            crebo=crebo,
            defaults={
                "capacity": capacity,
                "period_start": PERIOD_START,
                "hours_per_week": hours,
                "target_groups": [str(g) for g in groups],
                "trainer_available": trainer,
            },
        )
        added += created
    return added + _request() + _round()


def _request() -> int:
    first_name, last_name, slug, crebo = REQUEST
    trajectory = Trajectory.objects.filter(
        learner__first_name=first_name, learner__last_name=last_name, status=Status.SEARCHING
    ).first()
    place = LearningPlace.objects.filter(employer__slug=slug, crebo=crebo).first()
    consultant = User.objects.filter(email=CONSULTANT).first()
    if trajectory is None or place is None or consultant is None:
        return 0
    if PlacementRequest.objects.filter(trajectory=trajectory, place=place).exists():
        return 0
    try:
        propose_place(trajectory, place, by=consultant, message="Mohamed heeft ervaring in de winkel van zijn oom.")
    except ValidationError:
        return 0  # the demo changed (no recognition on the start date, no free place): no request then
    return 1


def _round() -> int:
    """The demo round, ranked and computed; 1 when it was added."""
    from . import rounds
    from .models import MatchingRound, RoundLearner, RoundPlace

    coordinator = User.objects.filter(email=COORDINATOR).first()
    consultant = User.objects.filter(email=CONSULTANT).first()
    region = Organisation.objects.filter(slug="gemeente-groningen").values_list("region", flat=True).first()
    if coordinator is None or consultant is None or region is None:
        return 0
    if MatchingRound.objects.filter(name=ROUND_NAME).exists():
        return 0
    from werkplaats.organisations.models import Region

    if not rounds._searching_in(Region.objects.get(pk=region)).exists():
        return 0  # the demo was loaded without trajectories: no round then

    matching_round = rounds.create_round(
        region=Region.objects.get(pk=region),
        name=ROUND_NAME,
        start_date=ROUND_START,
        preferences_until=ROUND_PREFERENCES_UNTIL,
        by=coordinator,
    )
    learners = {
        (row.trajectory.learner.first_name, row.trajectory.learner.last_name): row
        for row in RoundLearner.objects.filter(round=matching_round).select_related("trajectory__learner")
    }
    places = {
        (row.place.employer.slug, row.place.crebo): row
        for row in RoundPlace.objects.filter(round=matching_round).select_related("place__employer")
    }
    for name, slugs in ROUND_RANKINGS.items():
        learner = learners.get(name)
        if learner is None or learner.trajectory.qualification is None:
            continue
        crebo = learner.trajectory.qualification.crebo
        ranked = [places[(slug, crebo)].pk for slug in slugs if (slug, crebo) in places]
        rounds.save_learner_ranking(learner, {pk: rank for rank, pk in enumerate(ranked, 1)}, by=consultant)
    for slug, names in ROUND_DECLINED.items():
        for place in [p for (s, _crebo), p in places.items() if s == slug]:
            declined = {learners[n].pk: (None, True) for n in names if n in learners}
            if declined:
                rounds.save_employer_answers(place, declined, by=coordinator)
    rounds.compute(matching_round, by=coordinator)
    return 1
