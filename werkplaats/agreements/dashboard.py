"""The agreements panel of the partnership's overview: what is in force, what awaits
signatures, and which revisit dates are due. Three queries, whatever the number of agreements."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from werkplaats.partnerships.access import PartnershipAccess

from .models import Agreement, VersionStatus
from .queries import dashboard_versions, partner_count, revisit_due


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    partnership = pa.partnership
    today = timezone.localdate()
    versions = dashboard_versions(partnership)
    if not versions and not pa.is_manager and not Agreement.objects.filter(partnership=partnership).exists():
        return None
    return {
        "in_force": [v for v in versions if v.status == VersionStatus.IN_FORCE],
        "awaiting": [v for v in versions if v.status == VersionStatus.OUT_FOR_SIGNATURE],
        "revisit_due": revisit_due(versions, today),
        "partner_count": partner_count(partnership),
        "today": today,
    }
