from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.organisations.models import (
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    Region,
    Role,
)


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if not number:
            return text


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    # Region codes are four characters (CBS: AM01…AM35). A whole test session creates thousands
    # of regions, so the sequence counts in base 36 and wraps: within one test codes never repeat.
    code = factory.Sequence(lambda n: "T" + _base36(n % 36**3).rjust(3, "0"))
    name = factory.Sequence(lambda n: f"Region {n}")


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Municipality {n}")
    region = factory.SubFactory(RegionFactory)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.MUNICIPALITY
    region = factory.SubFactory(RegionFactory)

    class Params:
        employer = factory.Trait(
            kind=OrganisationKind.EMPLOYER,
            kvk_number=factory.Sequence(lambda n: f"{60000000 + n}"),
        )


class MembershipFactory(DjangoModelFactory[Membership]):
    """An active membership; pass ``roles=[...]`` (default: partnership member)."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def roles(membership: Membership, create: bool, extracted: Iterable[str] | None, **kwargs: Any) -> None:
        if create:
            for role in extracted or [Role.MEMBER]:
                MembershipRole.objects.create(membership=membership, role=role)


def member_of(organisation: Organisation, *roles: str, **user_fields: Any) -> User:
    """A new user with an active membership of ``organisation`` holding ``roles``."""
    user: User = UserFactory.create(**user_fields)
    MembershipFactory.create(user=user, organisation=organisation, roles=list(roles) or [Role.MEMBER])
    return user
