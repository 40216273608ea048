from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Membership, Organisation, Role
from werkplaats.organisations.services import add_membership, change_roles, end_membership
from werkplaats.organisations.tests.factories import member_of

pytestmark = pytest.mark.usefixtures("english")


def _membership(user: User, organisation: Organisation) -> Membership:
    return Membership.objects.active().get(user=user, organisation=organisation)


def _roles(user: User, organisation: Organisation) -> set[str]:
    return set(_membership(user, organisation).role_set.values_list("role", flat=True))


# --- add_membership ------------------------------------------------------------------------


def test_add_membership_gives_a_person_the_roles(organisation: Organisation) -> None:
    user = UserFactory.create()

    add_membership(user, organisation, roles=[Role.CONSULTANT, Role.LEARNER])

    assert _roles(user, organisation) == {Role.CONSULTANT, Role.LEARNER}


def test_add_membership_merges_roles_into_the_existing_membership(organisation: Organisation) -> None:
    user = member_of(organisation, Role.CONSULTANT)

    add_membership(user, organisation, roles=[Role.COORDINATOR, Role.CONSULTANT])

    assert Membership.objects.filter(user=user, organisation=organisation).count() == 1
    assert _roles(user, organisation) == {Role.CONSULTANT, Role.COORDINATOR}


def test_add_membership_refuses_an_unknown_role(organisation: Organisation) -> None:
    with pytest.raises(ValidationError):
        add_membership(UserFactory.create(), organisation, roles=["emperor"])
    assert not Membership.objects.filter(organisation=organisation).exists()


def test_add_membership_needs_at_least_one_role(organisation: Organisation) -> None:
    with pytest.raises(ValidationError):
        add_membership(UserFactory.create(), organisation, roles=[])


def test_a_new_membership_gives_access_at_once(organisation: Organisation) -> None:
    user = UserFactory.create()
    assert get_access(user).organisation_ids() == set()

    add_membership(user, organisation, roles=[Role.MEMBER])

    assert get_access(user).organisation_ids() == {organisation.pk}


# --- change_roles --------------------------------------------------------------------------


def test_an_admin_changes_the_roles_of_a_member(organisation: Organisation, org_admin: User, consultant: User) -> None:
    change_roles(_membership(consultant, organisation), roles=[Role.COORDINATOR], by=org_admin)

    assert _roles(consultant, organisation) == {Role.COORDINATOR}


def test_a_member_who_is_not_admin_cannot_change_roles(
    organisation: Organisation, org_admin: User, consultant: User
) -> None:
    with pytest.raises(PermissionDenied):
        change_roles(_membership(org_admin, organisation), roles=[Role.LEARNER], by=consultant)
    assert _roles(org_admin, organisation) == {Role.ADMIN}


def test_an_admin_of_another_organisation_cannot_change_roles(
    organisation: Organisation, consultant: User, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        change_roles(_membership(consultant, organisation), roles=[Role.ADMIN], by=outsider)


def test_a_platform_administrator_may_change_roles(
    organisation: Organisation, consultant: User, platform_admin: User
) -> None:
    change_roles(_membership(consultant, organisation), roles=[Role.LEARNER], by=platform_admin)

    assert _roles(consultant, organisation) == {Role.LEARNER}


def test_the_last_admin_cannot_drop_the_admin_role(organisation: Organisation, org_admin: User) -> None:
    with pytest.raises(ValidationError, match="at least one administrator"):
        change_roles(_membership(org_admin, organisation), roles=[Role.CONSULTANT], by=org_admin)
    assert _roles(org_admin, organisation) == {Role.ADMIN}


def test_an_admin_may_drop_the_admin_role_when_another_admin_remains(
    organisation: Organisation, org_admin: User
) -> None:
    member_of(organisation, Role.ADMIN)

    change_roles(_membership(org_admin, organisation), roles=[Role.CONSULTANT], by=org_admin)

    assert _roles(org_admin, organisation) == {Role.CONSULTANT}


def test_the_roles_of_an_ended_membership_cannot_be_changed(
    organisation: Organisation, org_admin: User, consultant: User
) -> None:
    membership = end_membership(_membership(consultant, organisation), by=org_admin)

    with pytest.raises(ValidationError):
        change_roles(membership, roles=[Role.ADMIN], by=org_admin)


def test_change_roles_refuses_an_empty_choice(organisation: Organisation, org_admin: User, consultant: User) -> None:
    with pytest.raises(ValidationError):
        change_roles(_membership(consultant, organisation), roles=[], by=org_admin)
    assert _roles(consultant, organisation) == {Role.CONSULTANT}


# --- end_membership ------------------------------------------------------------------------


def test_an_admin_ends_a_membership(organisation: Organisation, org_admin: User, consultant: User) -> None:
    end_membership(_membership(consultant, organisation), by=org_admin)

    assert not Membership.objects.active().filter(user=consultant, organisation=organisation).exists()
    assert Membership.objects.get(user=consultant, organisation=organisation).ended_at is not None


def test_an_ended_membership_gives_no_access(organisation: Organisation, org_admin: User, consultant: User) -> None:
    end_membership(_membership(consultant, organisation), by=org_admin)

    assert not Organisation.objects.visible_to(User.objects.get(pk=consultant.pk)).exists()


def test_a_member_who_is_not_admin_cannot_end_a_membership(
    organisation: Organisation, org_admin: User, consultant: User
) -> None:
    with pytest.raises(PermissionDenied):
        end_membership(_membership(org_admin, organisation), by=consultant)
    assert _membership(org_admin, organisation).is_active


def test_the_last_admin_cannot_be_ended(organisation: Organisation, org_admin: User) -> None:
    with pytest.raises(ValidationError, match="at least one administrator"):
        end_membership(_membership(org_admin, organisation), by=org_admin)
    assert _membership(org_admin, organisation).is_active


def test_an_admin_may_be_ended_when_another_admin_remains(organisation: Organisation, org_admin: User) -> None:
    other_admin = member_of(organisation, Role.ADMIN)

    end_membership(_membership(org_admin, organisation), by=other_admin)

    assert not Membership.objects.active().filter(user=org_admin).exists()


def test_someone_whose_membership_ended_can_join_again(
    organisation: Organisation, org_admin: User, consultant: User
) -> None:
    end_membership(_membership(consultant, organisation), by=org_admin)

    add_membership(consultant, organisation, roles=[Role.LEARNER])

    assert _roles(consultant, organisation) == {Role.LEARNER}
    assert Membership.objects.filter(user=consultant, organisation=organisation).count() == 2
