from __future__ import annotations

from typing import Any

from django import template

from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import IntendedOutcome, Status, Trajectory

from .. import services
from ..record import can_download_record

register = template.Library()


@register.inclusion_tag("certificates/_trajectory_panel.html", takes_context=True)
def certificate_panel(context: dict[str, Any], trajectory: Trajectory) -> dict[str, Any]:
    """The praktijkverklaring part of a trajectory page: its certificates, and for the school's
    staff in the assessment phase the way to issue one."""
    user = context["request"].user
    certificates = list(trajectory.certificates.select_related("revocation").order_by("-issued_at"))
    wanted = trajectory.intended_outcome == IntendedOutcome.PRACTICE_CERTIFICATE
    school = services.is_issuing_school_staff(user, trajectory)
    can_issue_now = school and wanted and trajectory.status in (Status.ASSESSMENT, Status.COMPLETED)
    problems = services.issue_problems(trajectory) if can_issue_now else []
    return {
        "trajectory": trajectory,
        "certificates": certificates,
        "show": wanted or bool(certificates),
        "is_school": school,
        "can_issue": can_issue_now and not problems,
        "problems": problems if trajectory.status == Status.ASSESSMENT else [],
        "in_assessment": trajectory.status == Status.ASSESSMENT,
        "is_the_learner": trajectory_services.is_the_learner(user, trajectory),
        "can_download_record": can_download_record(user, trajectory),
    }
