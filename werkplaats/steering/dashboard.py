"""The steering panel of the partnership's overview: overdue reports and reports awaiting the
steering group's decision, in a fixed number of queries (five, with the three of
``ensure_due_reports`` at most)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import ProgressReport, ReportStatus

from . import services

SHOWN = 5


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    today = timezone.localdate()
    services.ensure_due_reports(today, partnership=pa.partnership)
    reports = ProgressReport.objects.filter(group__partnership=pa.partnership).select_related("group")
    overdue = list(reports.overdue(today).order_by("due_on", "pk")[: SHOWN + 1])
    awaiting = list(reports.filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "pk")[: SHOWN + 1])
    if not overdue and not awaiting and not pa.partnership.groups.filter(accountable_to__isnull=False).exists():
        return None  # nobody reports here: nothing to show
    return {
        "overdue": overdue[:SHOWN],
        "overdue_count": len(overdue) if len(overdue) <= SHOWN else reports.overdue(today).count(),
        "awaiting": awaiting[:SHOWN],
        "awaiting_count": len(awaiting)
        if len(awaiting) <= SHOWN
        else reports.filter(status=ReportStatus.SUBMITTED).count(),
        "today": today,
    }
