"""``{% work_sections trajectory user %}``: the compact sections on the trajectory page that lead
to the learning plan, reviews, hours, assessments and log. A fixed handful of queries."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Prefetch, Q

from werkplaats.trajectories import services
from werkplaats.trajectories.models import Level, Party, PlanApproval, Trajectory
from werkplaats.trajectories.work import hours_overview, review_status

register = template.Library()


@register.inclusion_tag("trajectories/work/_sections.html")
def work_sections(trajectory: Trajectory, user: Any) -> dict[str, Any]:
    current = (
        trajectory.plan_versions.prefetch_related(
            Prefetch("approvals", queryset=PlanApproval.objects.select_related("approved_by"))
        )
        .order_by("-number")
        .first()
    )
    approvals = []
    if current is not None:
        by_party = {a.party: a for a in current.approvals.all()}
        approvals = [{"party": party, "approval": by_party.get(party.value)} for party in Party]
    counts = trajectory.assessments.aggregate(
        mastered=Count("pk", filter=Q(level=Level.MASTERED)),
        developing=Count("pk", filter=Q(level=Level.DEVELOPING)),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
    )
    total = trajectory.qualification.work_processes().count() if trajectory.qualification is not None else 0
    return {
        "trajectory": trajectory,
        "current": current,
        "approvals": approvals,
        "review": review_status(trajectory, list(trajectory.reviews.order_by("-held_on", "-id")[:1])),
        "hours": hours_overview(trajectory, trajectory.hours.all(), current),
        "counts": counts,
        "total": total,
        "entries": list(trajectory.log_entries.select_related("author", "work_process").order_by("-created_at")[:3]),
        "party": services.party_of(user, trajectory),
    }
