"""The partnership's overview: goals against targets, the latest scan beside the outcome
figures, open actions, overdue reports and recent successes.

Each app that has something to show names a panel in ``_panels``: a function that takes the
member's ``PartnershipAccess`` and returns the context of its template (or None to show
nothing), in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from .access import PartnershipAccess
from .models import GroupKind


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


PanelFunction = Callable[[PartnershipAccess], dict[str, Any] | None]


def _panels() -> list[tuple[str, PanelFunction]]:
    """(template, function) in the order the overview shows them: the goals across the page,
    then this year's outcomes beside the latest scan, then the work of the groups."""
    from werkplaats.agreements import dashboard as agreements
    from werkplaats.forum import dashboard as forum
    from werkplaats.goals import dashboard as goals
    from werkplaats.goals import outcomes
    from werkplaats.intervision import dashboard as intervision
    from werkplaats.learning import dashboard as learning
    from werkplaats.meetings import dashboard as meetings
    from werkplaats.reflections import dashboard as reflections
    from werkplaats.scans import dashboard as scans
    from werkplaats.stakeholders import dashboard as stakeholders
    from werkplaats.steering import dashboard as steering
    from werkplaats.successes import dashboard as successes

    return [
        ("goals/_dashboard_panel.html", goals.panel),
        ("goals/_outcomes_panel.html", outcomes.panel),
        ("scans/_dashboard_panel.html", scans.panel),
        ("steering/_dashboard_panel.html", steering.panel),
        ("successes/_dashboard_panel.html", successes.panel),
        ("agreements/_dashboard_panel.html", agreements.panel),
        ("reflections/_dashboard_panel.html", reflections.panel),
        ("stakeholders/_dashboard_panel.html", stakeholders.panel),
        ("meetings/_dashboard_panel.html", meetings.panel),
        ("forum/_dashboard_panel.html", forum.panel),
        ("learning/_dashboard_panel.html", learning.panel),
        ("intervision/_dashboard_panel.html", intervision.panel),
    ]


def core_panel(pa: PartnershipAccess) -> dict[str, Any]:
    partnership = pa.partnership
    today = timezone.localdate()
    groups = list(partnership.groups.open().order_by("kind", "name"))
    return {
        "groups": groups,
        "steering_groups": [g for g in groups if g.kind == GroupKind.STEERING],
        "partner_count": partnership.partners.active().count(),
        "member_count": partnership.members.active().count(),
        "open_actions": list(partnership.actions.open().select_related("owner", "group").order_by("due_on", "id")[:8]),
        "today": today,
    }


def dashboard(pa: PartnershipAccess) -> dict[str, Any]:
    panels = []
    for template, function in _panels():
        context = function(pa)
        if context is not None:
            panels.append(Panel(template=template, context=context))
    return {"core": core_panel(pa), "panels": panels}
