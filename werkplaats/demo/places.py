"""Coordinates for the demo region, so that "within N km" searches have something to measure.

They are approximate place centres, moved a few hundred metres apart for each organisation in the same town so
that distances differ: not addresses. Groningen ≈ 53.2194 N 6.5665 E, Sappemeer ≈ 53.1622 N 6.7897 E,
Assen ≈ 52.9925 N 6.5649 E, Emmen ≈ 52.7858 N 6.8976 E.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction

from werkplaats.organisations.models import Municipality, Organisation

# Municipality name: the centre of its main place.
MUNICIPALITIES: dict[str, tuple[str, str]] = {
    "Groningen": ("53.21940", "6.56650"),
    "Hoogezand-Sappemeer": ("53.16220", "6.78970"),
    "Assen": ("52.99250", "6.56490"),
    "Emmen": ("52.78580", "6.89760"),
}

# Organisation slug (see data.py): the town centre plus a small offset.
ORGANISATIONS: dict[str, tuple[str, str]] = {
    "gemeente-groningen": ("53.21940", "6.56650"),
    "iederz": ("53.20650", "6.58420"),
    "noorderpoort": ("53.22810", "6.54190"),
    "alfa-college": ("53.20480", "6.55130"),
    "terra": ("53.23720", "6.57390"),
    "svo-vakopleiding-food": ("53.19880", "6.57010"),
    "hilvers-bakkerij": ("53.22360", "6.55320"),
    "2-switch": ("53.21050", "6.59870"),
    "vrp-klimatechniek": ("53.24310", "6.60480"),
    "mantel-fietstechniek": ("53.21520", "6.56030"),
    "doeleman-buiteninrichtingen": ("53.19240", "6.61330"),
    "vajo-tuinaanleg": ("53.24890", "6.53760"),
    "taveerne-de-bijland": ("53.22780", "6.57810"),
    "eska": ("53.16540", "6.78210"),
    "drenthe-college": ("52.99810", "6.55420"),
    "gemeente-emmen": ("52.78580", "6.89760"),
    "hondsrug-vakschool": ("52.77930", "6.90870"),
    "bakkerij-zuidenveld": ("52.79260", "6.88420"),
}


def _set(rows: Iterable[Municipality | Organisation], coordinates: Mapping[str, tuple[str, str]], key: str) -> int:
    changed = 0
    for row in rows:
        latitude, longitude = (Decimal(value) for value in coordinates[getattr(row, key)])
        if row.latitude != latitude or row.longitude != longitude:
            row.latitude, row.longitude = latitude, longitude
            row.save(update_fields=["latitude", "longitude"])
            changed += 1
    return changed


@transaction.atomic
def load_places() -> int:
    """Set the demo coordinates; returns how many rows changed. Idempotent: a second run changes nothing,
    and organisations or municipalities that do not exist are skipped."""
    return _set(Municipality.objects.filter(name__in=list(MUNICIPALITIES)), MUNICIPALITIES, "name") + _set(
        Organisation.objects.filter(slug__in=list(ORGANISATIONS)), ORGANISATIONS, "slug"
    )
