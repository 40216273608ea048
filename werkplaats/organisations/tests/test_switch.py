from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.middleware import SESSION_KEY
from werkplaats.organisations.models import Membership, Organisation, Role
from werkplaats.organisations.services import end_membership
from werkplaats.organisations.tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def second(consultant: User, organisation: Organisation) -> Organisation:
    """A second organisation the consultant works for, in the same region."""
    second = OrganisationFactory.create(name="Alfa-college", region=organisation.region)
    MembershipFactory.create(user=consultant, organisation=second, roles=[Role.SCHOOL_STAFF])
    return second


@pytest.fixture
def consultant_client(client: Client, consultant: User) -> Client:
    client.force_login(consultant)
    return client


def _switch(client: Client, organisation: Organisation, next: str = "/") -> str:
    response = client.post(reverse("organisations:switch"), {"organisation": organisation.pk, "next": next})
    assert response.status_code == 302
    return response["Location"]


def test_the_first_organisation_by_name_is_active_at_first(consultant_client: Client, second: Organisation) -> None:
    response = consultant_client.get(reverse("core:home"))

    assert response.context["organisation"] == second  # "Alfa-college" sorts before "Gemeente Haren"


def test_a_member_of_two_organisations_switches_to_the_other(
    consultant_client: Client, organisation: Organisation, second: Organisation
) -> None:
    _switch(consultant_client, organisation)

    response = consultant_client.get(reverse("core:home"))
    assert response.context["organisation"] == organisation
    assert response.context["roles"] == {Role.CONSULTANT}


def test_nobody_can_switch_to_an_organisation_they_are_not_in(
    consultant_client: Client, second: Organisation, other_organisation: Organisation
) -> None:
    _switch(consultant_client, other_organisation)

    assert SESSION_KEY not in consultant_client.session
    assert consultant_client.get(reverse("core:home")).context["organisation"] == second


def test_a_switch_without_an_organisation_changes_nothing(consultant_client: Client, second: Organisation) -> None:
    response = consultant_client.post(reverse("organisations:switch"), {"organisation": "abc"})

    assert response.status_code == 302
    assert SESSION_KEY not in consultant_client.session


def test_after_switching_the_user_returns_to_the_page_they_were_on(
    consultant_client: Client, organisation: Organisation, second: Organisation
) -> None:
    assert _switch(consultant_client, organisation, next="/organisations/") == "/organisations/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/", "javascript:alert(1)"]
)
def test_switching_refuses_to_redirect_to_another_site(
    consultant_client: Client, organisation: Organisation, second: Organisation, target: str
) -> None:
    assert _switch(consultant_client, organisation, next=target) == reverse("core:home")


def test_an_ended_membership_is_no_longer_the_active_organisation(
    consultant_client: Client,
    organisation: Organisation,
    second: Organisation,
    org_admin: User,
    consultant: User,
) -> None:
    _switch(consultant_client, organisation)
    end_membership(Membership.objects.active().get(user=consultant, organisation=organisation), by=org_admin)

    assert consultant_client.get(reverse("core:home")).context["organisation"] == second
