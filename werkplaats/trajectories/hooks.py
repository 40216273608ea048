"""How trajectories take part in the recognition register: open trajectories depend on a
recognition, and placed trajectories take places."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from werkplaats.recognitions.models import Recognition
from werkplaats.recognitions.search import register_placement_counter
from werkplaats.recognitions.services import Dependent, register_dependents_provider

from .models import NON_MBO_ROUTES, Status, Trajectory

# States in which a trajectory holds a place at its employer.
HOLDING_A_PLACE = (Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT)
# States in which a withdrawal matters to the people responsible.
DEPENDING = (Status.SEARCHING, Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT, Status.PAUSED)


def trajectories_depending_on(recognition: Recognition, from_date: datetime.date) -> Iterable[Dependent]:
    trajectories = (
        Trajectory.objects.filter(employer_id=recognition.employer_id, qualification__crebo=recognition.crebo)
        .filter(status__in=DEPENDING)
        .exclude(route__in=NON_MBO_ROUTES)
        .select_related("learner", "consultant", "workplace_trainer", "school_coach")
    )
    for trajectory in trajectories:
        recipients = tuple(
            p for p in (trajectory.consultant, trajectory.workplace_trainer, trajectory.school_coach) if p is not None
        )
        yield Dependent(
            description=_("the trajectory of %(learner)s") % {"learner": trajectory.learner.full_name},
            url=reverse("trajectories:detail", kwargs={"pk": trajectory.pk}),
            recipients=recipients,
        )


def places_taken(employer_ids: Iterable[int], crebos: Iterable[str], day: datetime.date) -> dict[tuple[int, str], int]:
    rows = (
        Trajectory.objects.filter(
            employer_id__in=list(employer_ids), qualification__crebo__in=list(crebos), status__in=HOLDING_A_PLACE
        )
        .values("employer_id", "qualification__crebo")
        .annotate(n=Count("pk"))
    )
    return {(row["employer_id"], row["qualification__crebo"]): row["n"] for row in rows}


def _link_learner(sender: Any, invitation: Any, user: Any, **kwargs: Any) -> None:
    from .services import link_learner_login

    link_learner_login(invitation, user)


def connect() -> None:
    from werkplaats.organisations.signals import invitation_accepted

    register_dependents_provider(trajectories_depending_on)
    register_placement_counter(places_taken)
    invitation_accepted.connect(_link_learner, dispatch_uid="trajectories_link_learner_login")
