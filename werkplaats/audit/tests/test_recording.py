"""Changes to organisations, memberships and roles are recorded with who, for whom and what."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import PASSWORD, UserFactory
from werkplaats.audit.context import Actor, acting_as
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind, Role
from werkplaats.organisations.services import add_membership


def _entries(obj: models.Model, action: str) -> list[AuditLogEntry]:
    return list(
        AuditLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), action=action
        ).order_by("id")
    )


def _entry(obj: models.Model, action: str) -> AuditLogEntry:
    [entry] = _entries(obj, action)
    return entry


@pytest.fixture
def as_org_admin(org_admin: User, organisation: Organisation) -> Iterator[User]:
    """Act as organisation A's administrator, working for organisation A."""
    with acting_as(Actor(user=org_admin, organisation_id=organisation.pk, label=org_admin.email)):
        yield org_admin


# --- Organisation --------------------------------------------------------------------------


def test_creating_an_organisation_is_recorded_with_its_fields(as_org_admin: User, organisation: Organisation) -> None:
    new = Organisation.objects.create(name="Bakkerij Bol", slug="bakkerij-bol", kind="employer", kvk_number="12345678")

    entry = _entry(new, Action.CREATE)
    assert entry.actor == as_org_admin
    assert entry.actor_label == as_org_admin.email
    assert entry.organisation_id == organisation.pk
    assert entry.subject_organisation_id == new.pk
    assert entry.changes["name"] == [None, "Bakkerij Bol"]
    assert entry.changes["kvk_number"] == [None, "12345678"]


def test_changing_an_organisation_records_only_the_changed_fields(
    organisation: Organisation, as_org_admin: User
) -> None:
    organisation.name = "Gemeente Groningen"
    organisation.kind = OrganisationKind.MUNICIPALITY
    organisation.save()

    entry = _entry(organisation, Action.UPDATE)
    assert entry.changes == {"name": ["Gemeente Haren", "Gemeente Groningen"]}
    assert entry.actor == as_org_admin


def test_saving_an_organisation_without_changes_records_nothing(organisation: Organisation, as_org_admin: User) -> None:
    organisation.save()

    assert _entries(organisation, Action.UPDATE) == []


def test_deleting_an_organisation_is_recorded(organisation: Organisation, platform_admin: User) -> None:
    pk = organisation.pk
    with acting_as(Actor(user=platform_admin, label=platform_admin.email)):
        organisation.delete()

    entry = AuditLogEntry.objects.get(action=Action.DELETE, object_id=str(pk), object_repr="Gemeente Haren")
    assert entry.actor == platform_admin
    assert entry.subject_organisation_id == pk


def test_work_outside_a_request_is_recorded_as_the_system(db: None) -> None:
    organisation = Organisation.objects.create(name="Terra", slug="terra", kind=OrganisationKind.MBO_SCHOOL)

    entry = _entry(organisation, Action.CREATE)
    assert entry.actor is None
    assert entry.actor_label == "system"


# --- Membership and roles ------------------------------------------------------------------


def test_adding_a_membership_records_the_membership_and_each_role(
    organisation: Organisation, as_org_admin: User
) -> None:
    user = UserFactory.create()

    membership = add_membership(user, organisation, roles=[Role.CONSULTANT, Role.LEARNER])

    entry = _entry(membership, Action.CREATE)
    assert entry.subject_organisation_id == organisation.pk
    assert entry.organisation_id == organisation.pk
    assert entry.changes["user_id"] == [None, user.pk]
    recorded_roles = {
        e.changes["role"][1]
        for e in AuditLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(MembershipRole), action=Action.CREATE
        )
        if e.subject_organisation_id == organisation.pk and e.changes["membership_id"][1] == membership.pk
    }
    assert recorded_roles == {Role.CONSULTANT, Role.LEARNER}


def test_changing_roles_on_the_member_page_records_who_did_it(
    client: Client, organisation: Organisation, org_admin: User, consultant: User
) -> None:
    membership = Membership.objects.get(user=consultant)
    old_role = membership.role_set.get()
    client.force_login(org_admin)

    client.post(
        reverse("organisations:member-edit", args=[organisation.slug, membership.pk]), {"roles": [Role.COORDINATOR]}
    )

    role_entries = AuditLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(MembershipRole))
    [created] = [e for e in role_entries.filter(action=Action.CREATE) if e.changes["role"][1] == Role.COORDINATOR]
    [deleted] = role_entries.filter(action=Action.DELETE)
    assert deleted.object_id == str(old_role.pk)
    for entry in (created, deleted):
        assert entry.actor == org_admin
        assert entry.organisation_id == organisation.pk
        assert entry.subject_organisation_id == organisation.pk
        assert entry.ip_address == "127.0.0.1"


def test_ending_a_membership_on_the_member_page_records_the_end(
    client: Client, organisation: Organisation, org_admin: User, consultant: User
) -> None:
    membership = Membership.objects.get(user=consultant)
    client.force_login(org_admin)

    client.post(reverse("organisations:member-end", args=[organisation.slug, membership.pk]))

    entry = _entry(membership, Action.UPDATE)
    assert entry.actor == org_admin
    assert list(entry.changes) == ["ended_at"]
    assert entry.changes["ended_at"][0] is None


# --- Passwords -----------------------------------------------------------------------------


def test_a_new_user_is_recorded_without_the_password(db: None) -> None:
    user = UserFactory.create()

    entry = _entry(user, Action.CREATE)
    assert entry.changes["email"] == [None, user.email]
    assert "password" not in entry.changes
    assert user.password not in json.dumps(entry.changes)


def test_a_password_change_never_puts_the_password_in_the_log(db: None) -> None:
    user = UserFactory.create()
    user.set_password("een-heel-nieuw-wachtwoord")
    user.name = "Nieuwe Naam"
    user.save()

    logged = json.dumps(list(AuditLogEntry.objects.values("changes", "object_repr")))
    assert "password" not in logged
    assert user.password not in logged
    assert PASSWORD not in logged


# --- Views of personal data ----------------------------------------------------------------


def test_opening_the_member_page_records_who_viewed_whom(
    client: Client, organisation: Organisation, org_admin: User, consultant: User
) -> None:
    membership = Membership.objects.get(user=consultant)
    client.force_login(org_admin)

    client.get(reverse("organisations:member-edit", args=[organisation.slug, membership.pk]))

    entry = _entry(consultant, Action.VIEW)
    assert entry.actor == org_admin
    assert entry.organisation_id == organisation.pk
    assert entry.subject_organisation_id == organisation.pk


def test_a_refused_member_page_records_no_view(
    client: Client, organisation: Organisation, org_admin: User, consultant: User
) -> None:
    membership = Membership.objects.get(user=org_admin)
    client.force_login(consultant)

    response = client.get(reverse("organisations:member-edit", args=[organisation.slug, membership.pk]))

    assert response.status_code == 403
    assert _entries(org_admin, Action.VIEW) == []
