"""Fixtures for the apps' tests: two regions, organisation A with an administrator and a
consultant, and an outsider who holds strong roles in another organisation elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, RegionFactory, member_of


@pytest.fixture
def english() -> Iterator[None]:
    """Read messages raised outside a request in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def groningen(db: None) -> Region:
    return RegionFactory.create(code="AM01", name="Groningen")


@pytest.fixture
def drenthe(db: None) -> Region:
    return RegionFactory.create(code="AM03", name="Drenthe")


@pytest.fixture
def organisation(groningen: Region) -> Organisation:
    return OrganisationFactory.create(name="Gemeente Haren", region=groningen)


@pytest.fixture
def other_organisation(drenthe: Region) -> Organisation:
    return OrganisationFactory.create(name="Gemeente Coevorden", region=drenthe)


@pytest.fixture
def org_admin(organisation: Organisation) -> User:
    return member_of(organisation, Role.ADMIN, email="beheer@haren.example.nl")


@pytest.fixture
def consultant(organisation: Organisation) -> User:
    return member_of(organisation, Role.CONSULTANT, email="consulent@haren.example.nl")


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    return member_of(other_organisation, Role.ADMIN, Role.COORDINATOR, email="beheer@coevorden.example.nl")


@pytest.fixture
def platform_admin(db: None) -> User:
    return User.objects.create_superuser("platform@example.nl", "kalibreer-de-draaibank-7")
