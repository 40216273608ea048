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
]
PERIOD_START = datetime.date(2025, 1, 1)
# The open request: the learner (first and last name) proposed to an employer's place.
REQUEST = ("Mohamed", "Benali", "2-switch", "25167")
CONSULTANT = "consultant@demo.nl"


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
    return added + _request()


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
