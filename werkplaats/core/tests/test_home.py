from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of

HOME = reverse("core:home")


def _home(client: Client, user: User) -> Any:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response


def _html(client: Client, user: User) -> str:
    return _home(client, user).content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, db: None) -> None:
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_home_page_shows_a_section_per_role(client: Client, organisation: Organisation) -> None:
    html = _html(client, member_of(organisation, Role.CONSULTANT, Role.LEARNER))

    assert 'id="home-consultant"' in html
    assert 'id="home-learner"' in html
    assert 'id="home-admin"' not in html


def test_an_administrator_sees_how_many_people_work_for_the_organisation(
    client: Client, organisation: Organisation, org_admin: User, consultant: User
) -> None:
    response = _home(client, org_admin)

    assert response.context["member_count"] == 2


def test_a_coordinator_sees_the_size_of_the_region(client: Client, organisation: Organisation) -> None:
    response = _home(client, member_of(organisation, Role.COORDINATOR))

    assert response.context["region"] == organisation.region
    assert response.context["region_organisation_count"] == 1


def test_someone_without_an_organisation_is_told_to_ask_for_an_invitation(client: Client, db: None) -> None:
    html = _html(client, UserFactory.create())

    assert 'id="no-organisation"' in html
