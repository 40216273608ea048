"""The register's cast: an employer in Groningen, the people who keep its register (a coordinator
and school staff in Groningen), one with too low a role (a consultant, from the root conftest) and
an outsider (a coordinator in Drenthe, from the root conftest)."""

from __future__ import annotations

from typing import cast

import pytest

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.qualifications.models import Qualification

from .factories import employer as make_employer
from .factories import qualification


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read the messages of services and imports in English, the source language."""


@pytest.fixture
def bakery(groningen: Region) -> Organisation:
    return make_employer(groningen, "Bakkerij Bolhuis", slug="bakkerij-bolhuis", kvk_number="12345678")


@pytest.fixture
def uitvoerend_bakker(db: None) -> Qualification:
    return qualification("25173", "Uitvoerend bakker")


@pytest.fixture
def verkoper(db: None) -> Qualification:
    return qualification("25167", "Verkoper")


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return member_of(organisation, Role.COORDINATOR, email="coordinator@haren.example.nl")


@pytest.fixture
def school_staff(groningen: Region) -> User:
    school = cast(
        Organisation, OrganisationFactory(name="Noorderpoort Test", kind=OrganisationKind.MBO_SCHOOL, region=groningen)
    )
    return member_of(school, Role.SCHOOL_STAFF, email="docent@school.example.nl")
