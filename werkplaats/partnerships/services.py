"""Writes that shape a partnership: founding it, its partners and its members."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkplaats.notifications.services import notify
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Membership, Organisation, Region, Role

from .models import MemberRole, Partner, Partnership, PartnershipMember, PartnershipMemberQuerySet, perspective_of
from .signals import partner_left


def can_found_partnership(user: Any) -> bool:
    """Coordinators found partnerships (for their own organisation, which becomes the first partner)."""
    return bool(get_access(user).organisation_ids(Role.COORDINATOR))


RESERVED_SLUGS = {"new"}  # /partnerships/new/ founds one


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "partnership"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Partnership.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def found_partnership(
    *,
    by: Any,
    organisation: Organisation,
    name: str,
    kind: str,
    regions: Iterable[Region] = (),
    vision: str = "",
    ambition: str = "",
    started_on: datetime.date | None = None,
) -> Partnership:
    """A new partnership with ``organisation`` as its first partner and its founder as manager."""
    if not get_access(by).has_role(organisation, Role.COORDINATOR):
        raise PermissionDenied
    partnership = Partnership.objects.create(
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        vision=vision,
        ambition=ambition,
        started_on=started_on,
        created_by=by,
    )
    partnership.regions.set(regions)
    partner = Partner.objects.create(partnership=partnership, organisation=organisation)
    PartnershipMember.objects.create(
        partnership=partnership,
        user=by,
        partner=partner,
        role=MemberRole.MANAGER,
        perspective=perspective_of(organisation),
    )
    return partnership


@transaction.atomic
def add_partner(partnership: Partnership, *, organisation: Organisation, contribution: str = "") -> Partner:
    if partnership.partners.active().filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("This organisation is already a partner.")})
    return Partner.objects.create(partnership=partnership, organisation=organisation, contribution=contribution)


def _active_managers(partnership: Partnership) -> PartnershipMemberQuerySet:
    return partnership.members.active().filter(role=MemberRole.MANAGER)


@transaction.atomic
def end_partner(partner: Partner, *, by: Any = None, on: datetime.date | None = None) -> None:
    """The organisation leaves; its representatives stay members, without a partner to speak for."""
    if partner.left_on is not None:
        return
    partner.left_on = on or timezone.localdate()
    partner.save(update_fields=["left_on"])
    partner.representatives.active().update(partner=None)
    partner_left.send(sender=Partner, partnership=partner.partnership, partner=partner, by=by)


def candidates(partnership: Partnership) -> list[Any]:
    """People who can be added: those working for an active partner organisation (not only as
    learners), who are not members yet."""
    from werkplaats.accounts.models import User

    organisation_ids = partnership.partners.active().values("organisation_id")
    working = (
        Membership.objects.active()
        .filter(organisation_id__in=organisation_ids)
        .exclude(
            pk__in=Membership.objects.active()
            .filter(role_set__role=Role.LEARNER)
            .exclude(role_set__role__in=[r for r in Role.values if r != Role.LEARNER])
        )
    )
    current = partnership.members.active().values("user_id")
    return list(
        User.objects.filter(is_active=True, pk__in=working.values("user_id"))
        .exclude(pk__in=current)
        .order_by("name", "email")
    )


@transaction.atomic
def add_member(
    partnership: Partnership,
    *,
    user: Any,
    role: str,
    partner: Partner | None = None,
    level: str = "",
    perspective: str = "",
    position: str = "",
) -> PartnershipMember:
    if partnership.members.active().filter(user=user).exists():
        raise ValidationError({"user": _("This person is already a member of the partnership.")})
    if partner is not None and (partner.partnership_id != partnership.pk or partner.left_on is not None):
        raise ValidationError({"partner": _("Choose one of the partnership's current partners.")})
    if (
        partner is not None
        and not Membership.objects.active().filter(user=user, organisation=partner.organisation).exists()
    ):
        raise ValidationError(
            {
                "partner": _("%(name)s does not work for %(organisation)s.")
                % {"name": user, "organisation": partner.organisation}
            }
        )
    member = PartnershipMember.objects.create(
        partnership=partnership,
        user=user,
        partner=partner,
        role=role,
        level=level,
        perspective=perspective or perspective_of(partner.organisation if partner else None),
        position=position,
    )

    def message() -> str:
        return _("You are now a member of %(partnership)s (%(role)s).") % {
            "partnership": partnership.name,
            "role": MemberRole(role).label,
        }

    notify([user], message=message, url=partnership.get_absolute_url(), key=f"partnership-member:{member.pk}")
    return member


def _keeps_a_manager(member: PartnershipMember, *, new_role: str | None = None, leaving: bool = False) -> None:
    if not member.is_manager or (new_role == MemberRole.MANAGER and not leaving):
        return
    others = _active_managers(member.partnership).exclude(pk=member.pk)
    if not others.exists():
        raise ValidationError({"role": _("A partnership needs at least one manager. Make someone else manager first.")})


@transaction.atomic
def change_member(member: PartnershipMember, **changes: Any) -> PartnershipMember:
    member = PartnershipMember.objects.select_for_update().get(pk=member.pk)
    if "role" in changes:
        _keeps_a_manager(member, new_role=changes["role"])
    partner = changes.get("partner", member.partner)
    if partner is not None and partner.partnership_id != member.partnership_id:
        raise ValidationError({"partner": _("Choose one of the partnership's current partners.")})
    for name, value in changes.items():
        setattr(member, name, value)
    member.save()
    return member


@transaction.atomic
def end_member(member: PartnershipMember, *, on: datetime.date | None = None) -> None:
    """The person leaves the partnership and its groups; what they wrote stays."""
    member = PartnershipMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        return
    _keeps_a_manager(member, leaving=True)
    on = on or timezone.localdate()
    member.left_on = on
    member.save(update_fields=["left_on"])
    member.group_memberships.active().update(left_on=on)
