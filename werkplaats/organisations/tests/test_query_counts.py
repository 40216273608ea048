"""List and detail pages run a fixed number of queries, however many rows they show."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.organisations.services import invite_member
from werkplaats.organisations.tests.factories import MunicipalityFactory, OrganisationFactory, member_of

# A ceiling that leaves room for small changes but not for a query per row.
MAX_QUERIES = 15


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_organisations(region: Region, count: int) -> None:
    for _ in range(count):
        OrganisationFactory.create(region=region, municipality=MunicipalityFactory.create(region=region))


def _add_members_and_invitations(organisation: Organisation, admin: User, count: int) -> None:
    for n in range(count):
        member_of(organisation, Role.CONSULTANT, Role.LEARNER)
        invite_member(organisation, email=f"invitee{n}-{count}@example.nl", roles=[Role.MEMBER], by=admin)


@pytest.fixture
def coordinator_client(client: Client, organisation: Organisation) -> Client:
    client.force_login(member_of(organisation, Role.COORDINATOR, Role.ADMIN))
    return client


def test_the_organisation_list_does_not_grow_with_its_rows(
    coordinator_client: Client, groningen: Region, django_assert_max_num_queries: Any
) -> None:
    url = reverse("organisations:list")
    _add_organisations(groningen, 5)
    few = _queries(coordinator_client, url)

    _add_organisations(groningen, 45)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(coordinator_client, url)

    assert many == few, (few, many)


def test_the_organisation_page_does_not_grow_with_its_members(
    coordinator_client: Client, organisation: Organisation, org_admin: User, django_assert_max_num_queries: Any
) -> None:
    url = organisation.get_absolute_url()
    _add_members_and_invitations(organisation, org_admin, 5)
    few = _queries(coordinator_client, url)

    _add_members_and_invitations(organisation, org_admin, 45)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(coordinator_client, url)

    assert many == few, (few, many)
