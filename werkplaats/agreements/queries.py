"""Reading agreements for the list, the detail page and the dashboard, in a fixed number of
queries whatever the number of agreements and versions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from werkplaats.partnerships.models import Partnership

from .models import Agreement, AgreementVersion, VersionStatus

# A revisit date this close (or already passed) is "due" on the dashboard.
REVISIT_NOTICE = datetime.timedelta(days=30)


def with_signature_counts(versions: QuerySet[AgreementVersion]) -> QuerySet[AgreementVersion]:
    """``signed_count``: the signatures of partners that are still active."""
    return versions.annotate(
        signed_count=Count("signatures", filter=Q(signatures__partner__left_on__isnull=True), distinct=True)
    )


def partner_count(partnership: Partnership) -> int:
    return partnership.partners.active().count()


@dataclass
class AgreementRow:
    agreement: Agreement
    in_force: AgreementVersion | None = None
    pending: AgreementVersion | None = None  # out for signature
    draft: AgreementVersion | None = None
    latest: AgreementVersion | None = None
    versions: list[AgreementVersion] = field(default_factory=list)

    def revisit_passed(self, today: datetime.date) -> bool:
        return self.in_force is not None and self.in_force.revisit_passed(today)


def agreement_rows(partnership: Partnership) -> list[AgreementRow]:
    """Every agreement of the partnership with its versions: two queries."""
    versions = with_signature_counts(AgreementVersion.objects.order_by("-number"))
    agreements = (
        Agreement.objects.filter(partnership=partnership)
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="all_versions"))
        .order_by("kind", "title", "id")
    )
    rows = []
    for agreement in agreements:
        agreement.partnership = partnership  # for the addresses, without a query per row
        row = AgreementRow(agreement=agreement, versions=list(agreement.all_versions))  # type: ignore[attr-defined]
        for version in row.versions:
            version.agreement = agreement
            if version.status == VersionStatus.IN_FORCE:
                row.in_force = version
            elif version.status == VersionStatus.OUT_FOR_SIGNATURE:
                row.pending = version
            elif version.status == VersionStatus.DRAFT:
                row.draft = version
        row.latest = row.versions[0] if row.versions else None
        rows.append(row)
    return rows


def dashboard_versions(partnership: Partnership) -> list[AgreementVersion]:
    """The versions in force and out for signature, with their agreements: one query."""
    return list(
        with_signature_counts(
            AgreementVersion.objects.filter(
                agreement__partnership=partnership,
                status__in=[VersionStatus.IN_FORCE, VersionStatus.OUT_FOR_SIGNATURE],
            )
        )
        .select_related("agreement", "agreement__partnership")
        .order_by("agreement__kind", "agreement__title", "number")
    )


def revisit_due(versions: list[AgreementVersion], today: datetime.date | None = None) -> list[AgreementVersion]:
    """Versions in force whose revisit date has passed or comes within REVISIT_NOTICE."""
    today = today or timezone.localdate()
    return sorted(
        (
            v
            for v in versions
            if v.status == VersionStatus.IN_FORCE
            and v.revisit_on is not None
            and v.revisit_on <= today + REVISIT_NOTICE
        ),
        key=lambda v: v.revisit_on or today,
    )
