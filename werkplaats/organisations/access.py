"""Who may do what, in one place.

Every view asks this module (through a model's ``visible_to(user)`` queryset or the helpers
below) instead of inspecting memberships itself. Another organisation's object is a 404 (the
queryset does not contain it); a role that is too low for an action is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from .models import Membership, Organisation

_CACHE_ATTR = "_werkplaats_access"


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_authenticated: bool
    is_platform_admin: bool
    memberships: tuple[Membership, ...] = field(default=())

    def roles_in(self, organisation: Organisation | int) -> frozenset[str]:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        for membership in self.memberships:
            if membership.organisation_id == org_id:
                return frozenset(membership.roles)
        return frozenset()

    def has_role(self, organisation: Organisation | int, *roles: str) -> bool:
        return bool(self.roles_in(organisation) & set(roles))

    def has_any_role(self, *roles: str) -> bool:
        return any(membership.has_role(*roles) for membership in self.memberships)

    def organisation_ids(self, *roles: str) -> set[int]:
        """Organisations the user belongs to (with one of ``roles``, when given)."""
        return {m.organisation_id for m in self.memberships if not roles or m.has_role(*roles)}

    def learner_only_ids(self) -> set[int]:
        """Organisations where the user is nothing but a learner. There they see their own
        membership and not the other people: who else takes part as a learner (on benefits, in
        sheltered work) is personal data."""
        from .models import Role

        return {m.organisation_id for m in self.memberships if m.roles == [Role.LEARNER]}

    def sees_members_of(self, organisation: Organisation | int) -> bool:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        return self.is_platform_admin or org_id not in self.learner_only_ids()

    def region_ids(self, *roles: str) -> set[int]:
        """Regions of the organisations where the user holds one of ``roles``."""
        return {
            m.organisation.region_id
            for m in self.memberships
            if m.organisation.region_id is not None and (not roles or m.has_role(*roles))
        }


def get_access(user: Any) -> Access:
    """The user's active memberships and roles, loaded once per user object (two queries)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        access = Access(user_id=None, is_authenticated=False, is_platform_admin=False)
    else:
        from .models import Membership

        memberships = tuple(
            Membership.objects.active()
            .filter(user=user, organisation__is_active=True)
            .select_related("organisation", "organisation__region")
            .prefetch_related("role_set")
            .order_by("organisation__name")
        )
        access = Access(
            user_id=user.pk,
            is_authenticated=True,
            is_platform_admin=bool(user.is_superuser),
            memberships=memberships,
        )
    if user is not None:
        setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: Any) -> None:
    """Drop the cached access, e.g. after the user's memberships changed."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def require_role(user: Any, organisation: Organisation, *roles: str) -> None:
    """Raise PermissionDenied (403) unless the user holds one of ``roles`` in ``organisation``.

    Platform administrators pass. Call this after fetching ``organisation`` through
    ``visible_to``, so an outsider has already had a 404.
    """
    access = get_access(user)
    if access.is_platform_admin or access.has_role(organisation, *roles):
        return
    raise PermissionDenied


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    from .models import Role

    access = get_access(user)
    return access.is_platform_admin or access.has_role(organisation, Role.ADMIN)


def can_read_audit_log(user: Any) -> bool:
    """Platform administrators and the administrators of any organisation (they read its entries)."""
    from .models import Role

    access = get_access(user)
    return access.is_platform_admin or bool(access.organisation_ids(Role.ADMIN))
