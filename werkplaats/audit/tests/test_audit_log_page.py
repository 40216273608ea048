from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.audit.context import Actor, acting_as
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.audit.recorder import record
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.services import add_membership
from werkplaats.organisations.tests.factories import member_of

URL = reverse("audit:log")


def _record_for(organisation: Organisation, user: User, what: str) -> AuditLogEntry:
    with acting_as(Actor(user=user, organisation_id=organisation.pk, label=user.email)):
        return record(Action.EXPORT, user, object_repr=what, subject_organisation_id=organisation.pk)


@pytest.fixture
def entries(
    organisation: Organisation, other_organisation: Organisation, org_admin: User, outsider: User
) -> tuple[AuditLogEntry, AuditLogEntry]:
    return _record_for(organisation, org_admin, "haren.xlsx"), _record_for(
        other_organisation, outsider, "coevorden.xlsx"
    )


def _shown(client: Client, **params: str) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return {e.object_repr for e in response.context["page"].object_list}


def test_a_platform_administrator_reads_every_entry(
    client: Client, platform_admin: User, entries: tuple[AuditLogEntry, AuditLogEntry]
) -> None:
    client.force_login(platform_admin)

    assert {"haren.xlsx", "coevorden.xlsx"} <= _shown(client)


def test_an_organisation_administrator_reads_only_their_organisations_entries(
    client: Client, org_admin: User, entries: tuple[AuditLogEntry, AuditLogEntry]
) -> None:
    client.force_login(org_admin)

    shown = _shown(client)
    assert "haren.xlsx" in shown
    assert "coevorden.xlsx" not in shown


def test_entries_about_an_organisation_are_shown_to_its_administrator(
    client: Client, organisation: Organisation, org_admin: User, outsider: User
) -> None:
    """Someone else, acting for their own organisation, touched a record of organisation A."""
    with acting_as(Actor(user=outsider, organisation_id=None, label=outsider.email)):
        record(Action.VIEW, org_admin, object_repr="about haren", subject_organisation_id=organisation.pk)
    client.force_login(org_admin)

    assert "about haren" in _shown(client)


def test_a_member_without_the_admin_role_is_refused(
    client: Client, consultant: User, entries: tuple[AuditLogEntry, AuditLogEntry]
) -> None:
    client.force_login(consultant)

    assert client.get(URL).status_code == 403


def test_a_user_without_any_organisation_is_refused(client: Client, db: None) -> None:
    client.force_login(UserFactory.create())

    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_log_can_be_filtered_by_action(
    client: Client, org_admin: User, entries: tuple[AuditLogEntry, AuditLogEntry]
) -> None:
    client.force_login(org_admin)

    assert _shown(client, action=Action.EXPORT) == {"haren.xlsx"}


def test_the_log_can_be_filtered_by_who(
    client: Client, organisation: Organisation, org_admin: User, consultant: User
) -> None:
    _record_for(organisation, consultant, "by consultant")
    _record_for(organisation, org_admin, "by admin")
    client.force_login(org_admin)

    assert _shown(client, who="consulent@") == {"by consultant"}


@pytest.mark.parametrize("since", ["2024-13-45", "yesterday", "2024-02-30"])
def test_an_impossible_date_in_the_filter_is_ignored(
    client: Client, org_admin: User, entries: tuple[AuditLogEntry, AuditLogEntry], since: str
) -> None:
    client.force_login(org_admin)

    assert "haren.xlsx" in _shown(client, since=since)


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def _add_entries(organisation: Organisation, count: int) -> None:
    for n in range(count):
        _record_for(organisation, member_of(organisation, Role.MEMBER), f"export {n}")


def test_the_audit_log_page_does_not_grow_with_its_entries(
    client: Client, organisation: Organisation, org_admin: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(org_admin)
    _add_entries(organisation, 5)
    few = _queries(client)

    _add_entries(organisation, 45)
    with django_assert_max_num_queries(12):
        many = _queries(client)

    assert many == few, (few, many)


def test_the_menu_links_to_the_audit_log_for_whoever_may_read_it(
    client: Client, organisation: Organisation, other_organisation: Organisation
) -> None:
    """Also while working for an organisation where the person is not the administrator."""
    person = member_of(organisation, Role.CONSULTANT, name="Anna Admin-elders")
    add_membership(person, other_organisation, roles=[Role.ADMIN])
    client.force_login(person)
    client.post(reverse("organisations:switch"), {"organisation": organisation.pk})

    home = client.get(reverse("core:home"))

    assert home.context["active_organisation"] == organisation
    assert f'href="{URL}"' in home.content.decode()
    assert client.get(URL).status_code == 200


def test_the_menu_has_no_audit_log_link_for_someone_who_may_not_read_it(client: Client, consultant: User) -> None:
    client.force_login(consultant)

    assert f'href="{URL}"' not in client.get(reverse("core:home")).content.decode()
    assert client.get(URL).status_code == 403


def test_the_changed_fields_are_named_as_in_the_interface(
    client: Client, organisation: Organisation, platform_admin: User
) -> None:
    with acting_as(Actor(user=platform_admin, label=platform_admin.email)):
        record(
            Action.UPDATE, organisation, changes={"kvk_number": ["", "12345678"], "region_id": [1, 2], "gone": [1, 2]}
        )
    client.force_login(platform_admin)

    html = client.get(URL, {"action": Action.UPDATE}).content.decode()

    assert "KvK-nummer, arbeidsmarktregio, gone" in html
    assert "region_id" not in html
