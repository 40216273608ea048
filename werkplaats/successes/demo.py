"""Demo successes: what the Groningen network and the professionele werkplaats celebrated.

The certificate milestones are not made here: they come from the demo's praktijkverklaringen
when a region or school reaches a round number (the timeline reads them live)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.partnerships.models import GroupKind, MemberRole, Partnership

from .models import Success


def _author(partnership: Partnership, n: int = 0) -> User | None:
    members = list(partnership.members.active().select_related("user").order_by("role", "pk"))
    managers = [m for m in members if m.role == MemberRole.MANAGER]
    others = [m for m in members if m.role != MemberRole.MANAGER]
    ordered = managers + others
    return ordered[n % len(ordered)].user if ordered else None


def _log(
    partnership: Partnership, title: str, description: str, days_ago: int, *, author_index: int = 0, kind: str = ""
) -> None:
    if partnership.successes.filter(title=title).exists():
        return
    group = partnership.groups.filter(kind=kind).order_by("pk").first() if kind else None
    Success.objects.create(
        partnership=partnership,
        title=title,
        description=description,
        happened_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        group=group,
        created_by=_author(partnership, author_index),
    )


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    _log(
        groningen,
        "Convenant getekend",
        "Gemeenten, UWV, Noorderpoort, Alfa-college en het Werkgeversservicepunt hebben het convenant "
        "Praktijkleren Groningen ondertekend in het Provinciehuis.",
        150,
        kind=GroupKind.STEERING,
    )
    _log(
        groningen,
        "Eerste werkgeversontbijt met 20 bedrijven",
        "Twintig werkgevers uit de zorg, techniek en logistiek schoven aan bij het ontbijt in Hoogezand. "
        "Zes van hen willen een kandidaat voor een praktijkverklaring plaatsen.",
        75,
        author_index=1,
        kind=GroupKind.WORKING,
    )
    _log(
        groningen,
        "Tien nieuwe erkende leerbedrijven in Oost-Groningen",
        "Dankzij de werkgroep zijn tien werkgevers in Oost-Groningen nu erkend leerbedrijf voor "
        "logistiek en schoonmaak.",
        30,
        author_index=2,
        kind=GroupKind.WORKING,
    )
    _log(
        groningen,
        "Intake binnen twee weken voor iedere kandidaat",
        "Sinds de nieuwe afspraken met het Werkgeversservicepunt krijgt iedere aangemelde kandidaat "
        "binnen twee weken een intakegesprek.",
        12,
        author_index=1,
    )
    _log(
        werkplaats,
        "Eerste onderzoeksopdracht van studenten opgeleverd",
        "Vier studenten Sociaal Werk presenteerden hun onderzoek naar wachttijden bij het sociaal "
        "team aan de wijkteams van de gemeente.",
        40,
        kind=GroupKind.WORKING,
    )
