"""Who may change the stakeholder map.

Every member of the partnership reads the map, its history and its export. The steering group
and the partnership's manager keep it: they add and remove stakeholders, relations and tensions,
because where the partnership puts its energy is a steering decision. A stakeholder's owner, the
member who maintains that relation, notices movement first, so they may also change that
stakeholder (its position, stance and engagement) and the tensions it is part of.
"""

from __future__ import annotations

from werkplaats.partnerships.access import PartnershipAccess

from .models import Stakeholder, Tension


def can_keep_map(pa: PartnershipAccess) -> bool:
    return pa.is_steering


def can_change_stakeholder(pa: PartnershipAccess, stakeholder: Stakeholder) -> bool:
    return can_keep_map(pa) or (stakeholder.owner_id is not None and stakeholder.owner_id == pa.member.pk)


def can_change_tension(pa: PartnershipAccess, tension: Tension) -> bool:
    return can_keep_map(pa) or pa.member.pk in (tension.first.owner_id, tension.second.owner_id)
