from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Membership, Organisation, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of


def _visible(user: User | AnonymousUser) -> set[Organisation]:
    return set(Organisation.objects.visible_to(user))


def test_a_member_sees_their_own_organisation_only(
    organisation: Organisation, consultant: User, other_organisation: Organisation
) -> None:
    OrganisationFactory.create(region=organisation.region)

    assert _visible(consultant) == {organisation}


def test_a_coordinator_sees_every_organisation_in_their_region(
    organisation: Organisation, groningen: Region, other_organisation: Organisation
) -> None:
    neighbour = OrganisationFactory.create(region=groningen)
    coordinator = member_of(organisation, Role.COORDINATOR)

    assert _visible(coordinator) == {organisation, neighbour}


def test_a_coordinator_does_not_see_another_region(organisation: Organisation, outsider: User) -> None:
    assert organisation not in _visible(outsider)


def test_an_anonymous_visitor_sees_no_organisation(organisation: Organisation) -> None:
    assert _visible(AnonymousUser()) == set()


def test_a_platform_administrator_sees_every_organisation(
    organisation: Organisation, other_organisation: Organisation, platform_admin: User
) -> None:
    assert _visible(platform_admin) == {organisation, other_organisation}


def test_a_member_of_a_deactivated_organisation_loses_access(organisation: Organisation, consultant: User) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)

    assert _visible(User.objects.get(pk=consultant.pk)) == set()


def test_a_deactivated_user_sees_nothing(organisation: Organisation, consultant: User) -> None:
    User.objects.filter(pk=consultant.pk).update(is_active=False)

    assert _visible(User.objects.get(pk=consultant.pk)) == set()


def test_a_member_sees_colleagues_but_not_members_elsewhere(
    organisation: Organisation, consultant: User, org_admin: User, outsider: User
) -> None:
    users = set(Membership.objects.visible_to(consultant).values_list("user__email", flat=True))

    assert users == {consultant.email, org_admin.email}


def test_the_organisation_list_shows_only_visible_organisations(
    client: Client, organisation: Organisation, other_organisation: Organisation, consultant: User
) -> None:
    client.force_login(consultant)

    response = client.get(reverse("organisations:list"))

    assert list(response.context["page"].object_list) == [organisation]
    assert other_organisation.name not in response.content.decode()


def test_the_organisation_list_searches_by_kvk_number(client: Client, groningen: Region, platform_admin: User) -> None:
    bakery = OrganisationFactory.create(employer=True, kvk_number="90000001", region=groningen)
    OrganisationFactory.create(employer=True, region=groningen)
    client.force_login(platform_admin)

    response = client.get(reverse("organisations:list"), {"q": "90000001"})

    assert list(response.context["page"].object_list) == [bakery]


def test_a_member_sees_the_members_of_their_organisation(
    client: Client, organisation: Organisation, consultant: User, org_admin: User
) -> None:
    client.force_login(consultant)

    response = client.get(organisation.get_absolute_url())

    assert {m.user for m in response.context["memberships"]} == {consultant, org_admin}
    assert response.context["can_manage"] is False


def test_only_an_admin_sees_the_open_invitations_and_management_links(
    client: Client, organisation: Organisation, org_admin: User
) -> None:
    client.force_login(org_admin)

    response = client.get(organisation.get_absolute_url())

    assert response.context["can_manage"] is True
    assert reverse("organisations:invite", args=[organisation.slug]) in response.content.decode()


def test_a_learner_sees_their_own_membership_but_not_the_other_people(
    organisation: Organisation, consultant: User, org_admin: User
) -> None:
    learner = member_of(organisation, Role.LEARNER)
    member_of(organisation, Role.LEARNER, email="other.learner@example.nl")

    users = set(Membership.objects.visible_to(learner).values_list("user__email", flat=True))

    assert users == {learner.email}


def test_the_organisation_page_shows_a_learner_no_member_list(
    client: Client, organisation: Organisation, consultant: User
) -> None:
    member_of(organisation, Role.LEARNER, email="other.learner@example.nl")
    client.force_login(member_of(organisation, Role.LEARNER))

    response = client.get(organisation.get_absolute_url())

    assert response.status_code == 200
    assert response.context["show_members"] is False
    assert "other.learner@example.nl" not in response.content.decode()
    assert consultant.email not in response.content.decode()


def test_staff_still_see_the_learners_among_the_members(
    client: Client, organisation: Organisation, consultant: User
) -> None:
    learner = member_of(organisation, Role.LEARNER)
    client.force_login(consultant)

    response = client.get(organisation.get_absolute_url())

    assert response.context["show_members"] is True
    assert learner in {m.user for m in response.context["memberships"]}
