"""Partnerships for tests: ``partnership_with(...)`` builds one with people in every role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
from factory.django import DjangoModelFactory

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.partnerships.models import (
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
    Partner,
    Partnership,
    PartnershipKind,
    PartnershipMember,
    perspective_of,
)


class PartnershipFactory(DjangoModelFactory[Partnership]):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    kind = PartnershipKind.PRAKTIJKLEREN_NETWORK


def partner(partnership: Partnership, organisation: Organisation | None = None) -> Partner:
    organisation = organisation or OrganisationFactory.create()
    found = partnership.partners.active().filter(organisation=organisation).first()
    return found or Partner.objects.create(partnership=partnership, organisation=organisation)


def join(
    partnership: Partnership,
    user: User | None = None,
    *,
    role: str = MemberRole.INTERNAL,
    organisation: Organisation | None = None,
    perspective: str = "",
    **fields: Any,
) -> PartnershipMember:
    """Make ``user`` (or a new person working for ``organisation``) a member of ``partnership``."""
    if user is None:
        organisation = organisation or OrganisationFactory.create()
        user = member_of(organisation, Role.MEMBER)
    represented = partner(partnership, organisation) if organisation is not None else None
    return PartnershipMember.objects.create(
        partnership=partnership,
        user=user,
        partner=represented,
        role=role,
        perspective=perspective or perspective_of(organisation),
        **fields,
    )


def group(partnership: Partnership, kind: str = GroupKind.WORKING, *members: PartnershipMember, **fields: Any) -> Group:
    fields.setdefault("name", f"{GroupKind(kind).label} {Group.objects.count() + 1}")
    created = Group.objects.create(partnership=partnership, kind=kind, **fields)
    for member in members:
        GroupMember.objects.create(group=created, member=member)
    return created


@dataclass(frozen=True)
class Cast:
    """A partnership with a manager, a steering group, a working group and an ordinary member,
    and an outsider who belongs to none of it."""

    partnership: Partnership
    manager: PartnershipMember
    steering_member: PartnershipMember
    worker: PartnershipMember  # in the working group
    member: PartnershipMember  # in no group
    steering: Group
    working: Group
    outsider: User


def cast(**partnership_fields: Any) -> Cast:
    partnership = PartnershipFactory.create(**partnership_fields)
    school = OrganisationFactory.create(kind="mbo_school", name=f"School of {partnership.name}")
    municipality = OrganisationFactory.create(name=f"Municipality of {partnership.name}")
    employer = OrganisationFactory.create(employer=True, name=f"Employer of {partnership.name}")
    manager = join(partnership, role=MemberRole.MANAGER, organisation=municipality)
    steering_member = join(partnership, organisation=school)
    worker = join(partnership, organisation=employer)
    member = join(partnership, organisation=school)
    steering = group(partnership, GroupKind.STEERING, manager, steering_member, name="Stuurgroep")
    working = group(
        partnership,
        GroupKind.WORKING,
        worker,
        name="Werkgroep werkgevers",
        accountable_to=steering,
        report_every_weeks=6,
        coordinator=worker.user,
    )
    return Cast(
        partnership=partnership,
        manager=manager,
        steering_member=steering_member,
        worker=worker,
        member=member,
        steering=steering,
        working=working,
        outsider=member_of(OrganisationFactory.create(), Role.COORDINATOR, Role.ADMIN),
    )


def represented(member: PartnershipMember) -> Partner:
    """The partner ``member`` speaks for (every member of ``cast()`` speaks for one)."""
    assert member.partner is not None
    return member.partner
