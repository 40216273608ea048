"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

The world's partnership gets a learning community (coordinated by nobody; the manager writes
for it as the partnership's manager) with a meeting, a knowledge entry and a result, and an
action-research project in its practice cycle with an experiment and someone involved. The
consultant and the administrator are members outside the community: they read, and get a 403
on every page that writes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from werkplaats.learning.models import (
    CommunityResult,
    Experiment,
    Involved,
    KnowledgeEntry,
    Meeting,
    Phase,
    ResearchProject,
)
from werkplaats.partnerships.models import Group, GroupKind
from werkplaats.partnerships.tests.url_access import manager, partnership_of

DAY = datetime.date(2026, 3, 2)


def community(w: Any) -> Group:
    partnership = partnership_of(w)
    found, _created = Group.objects.get_or_create(
        partnership=partnership,
        kind=GroupKind.LEARNING_COMMUNITY,
        name="Leergemeenschap Leren in de praktijk",
        defaults={"theme": "Begeleiding op de werkplek"},
    )
    return found


def meeting(w: Any) -> Meeting:
    found, _created = Meeting.objects.get_or_create(
        group=community(w), title="Eerste bijeenkomst", defaults={"held_on": DAY}
    )
    return found


def knowledge(w: Any) -> KnowledgeEntry:
    found, _created = KnowledgeEntry.objects.get_or_create(
        group=community(w), title="Leren op de werkplek", defaults={"kind": "source", "reference": "Boek, 2020"}
    )
    return found


def result(w: Any) -> CommunityResult:
    found, _created = CommunityResult.objects.get_or_create(
        group=community(w), title="Handreiking begeleiding", defaults={"achieved_on": DAY}
    )
    return found


def project(w: Any) -> ResearchProject:
    """In its practice cycle, every time (a step back by an earlier request is undone)."""
    group = community(w)
    found, _created = ResearchProject.objects.get_or_create(
        partnership=group.partnership,
        group=group,
        title="Wat helpt een nieuwe praktijkopleider?",
        defaults={"phase": Phase.PRACTICE, "problem_statement": "Nieuwe praktijkopleiders haken af."},
    )
    if found.phase != Phase.PRACTICE:
        ResearchProject.objects.filter(pk=found.pk).update(phase=Phase.PRACTICE)
        found.refresh_from_db()
    return found


def experiment(w: Any) -> Experiment:
    found, _created = Experiment.objects.get_or_create(
        project=project(w), title="Maatjes voor nieuwe opleiders", defaults={"starts_on": DAY}
    )
    return found


def involved(w: Any) -> Involved:
    found, _created = Involved.objects.get_or_create(
        project=project(w), name="Praktijkopleiders van de bakkerij", defaults={"role": "colleagues"}
    )
    return found


def _slug(w: Any) -> str:
    return partnership_of(w).slug


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "learning:list": lambda w: {"slug": _slug(w)},
    "learning:community": lambda w: {"slug": _slug(w), "pk": community(w).pk},
    "learning:community-edit": lambda w: {"slug": _slug(w), "pk": community(w).pk},
    "learning:meeting-add": lambda w: {"slug": _slug(w), "pk": community(w).pk},
    "learning:knowledge-add": lambda w: {"slug": _slug(w), "pk": community(w).pk},
    "learning:result-add": lambda w: {"slug": _slug(w), "pk": community(w).pk},
    "learning:meeting": lambda w: {"slug": _slug(w), "pk": meeting(w).pk},
    "learning:meeting-edit": lambda w: {"slug": _slug(w), "pk": meeting(w).pk},
    "learning:knowledge-remove": lambda w: {"slug": _slug(w), "pk": knowledge(w).pk},
    "learning:result-remove": lambda w: {"slug": _slug(w), "pk": result(w).pk},
    "learning:project-add": lambda w: {"slug": _slug(w)},
    "learning:project": lambda w: {"slug": _slug(w), "pk": project(w).pk},
    "learning:phase-edit": lambda w: {"slug": _slug(w), "pk": project(w).pk, "phase": Phase.PROBLEM.value},
    "learning:project-back": lambda w: {"slug": _slug(w), "pk": project(w).pk},
    "learning:experiment-add": lambda w: {"slug": _slug(w), "pk": project(w).pk},
    "learning:experiment-edit": lambda w: {"slug": _slug(w), "pk": experiment(w).pk},
    "learning:involved-add": lambda w: {"slug": _slug(w), "pk": project(w).pk},
    "learning:involved-remove": lambda w: {"slug": _slug(w), "pk": involved(w).pk},
}

# Everything that writes is for the community's (or the project group's) members, its
# coordinator and the partnership's manager; reading is for every member.
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    name: manager
    for name in KWARGS
    if name not in {"learning:list", "learning:community", "learning:meeting", "learning:project"}
}
