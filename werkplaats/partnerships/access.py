"""Who may do what inside a partnership, in one place.

Every partnership page fetches its partnership through ``partnership_access(request, slug)``:
a non-member gets a 404 (the partnership does not exist for them), a member gets a
``PartnershipAccess`` that answers the capability questions. A capability the member lacks is a
403 through ``require``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Group, GroupKind, GroupMember, Partnership, PartnershipMember

_CACHE_ATTR = "_werkplaats_partnership_access"


@dataclass(frozen=True)
class PartnershipAccess:
    partnership: Partnership
    member: PartnershipMember
    group_ids: frozenset[int]  # open groups the member belongs to
    steering_group_ids: frozenset[int]  # the partnership's open steering groups
    coordinated_group_ids: frozenset[int]  # open groups the member coordinates

    @property
    def user_id(self) -> int:
        return self.member.user_id

    @property
    def is_manager(self) -> bool:
        """Coordinates the partnership (the beheerder role)."""
        return self.member.is_manager

    @property
    def is_steering(self) -> bool:
        """Sits on a steering group (or manages the partnership): decides on progress reports."""
        return self.is_manager or bool(self.group_ids & self.steering_group_ids)

    def in_group(self, group: Group | int) -> bool:
        group_id = group if isinstance(group, int) else group.pk
        return group_id in self.group_ids

    def leads(self, group: Group | int) -> bool:
        """Manages the group: the partnership's manager or the group's coordinator."""
        group_id = group if isinstance(group, int) else group.pk
        return self.is_manager or group_id in self.coordinated_group_ids

    def reports_for(self, group: Group | int) -> bool:
        """May write the group's progress report: its members, its coordinator, the manager."""
        return self.leads(group) or self.in_group(group)

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied


def partnership_access(request: HttpRequest, slug: str) -> PartnershipAccess:
    """The partnership ``slug`` and what the requesting user may do in it; 404 for non-members.

    Three queries, once per request."""
    cached: dict[str, PartnershipAccess] = getattr(request, _CACHE_ATTR, {})
    if slug in cached:
        return cached[slug]
    user: Any = request.user
    partnership = Partnership.objects.visible_to(user).filter(slug=slug).first()
    if partnership is None:
        raise Http404
    member = PartnershipMember.objects.active().get(partnership=partnership, user_id=user.pk)
    groups = list(Group.objects.open().filter(partnership=partnership).values_list("pk", "kind", "coordinator_id"))
    mine = set(
        GroupMember.objects.active()
        .filter(member=member, group__partnership=partnership, group__closed_on__isnull=True)
        .values_list("group_id", flat=True)
    )
    access = PartnershipAccess(
        partnership=partnership,
        member=member,
        group_ids=frozenset(mine),
        steering_group_ids=frozenset(pk for pk, kind, _c in groups if kind == GroupKind.STEERING),
        coordinated_group_ids=frozenset(pk for pk, _k, coordinator in groups if coordinator == user.pk),
    )
    cached[slug] = access
    setattr(request, _CACHE_ATTR, cached)
    return access
