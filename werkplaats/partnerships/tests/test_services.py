from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.organisations.models import OrganisationKind, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.partnerships import services
from werkplaats.partnerships.models import (
    GroupMember,
    MemberRole,
    Partnership,
    PartnershipKind,
    PartnershipMember,
    Perspective,
    perspective_of,
)

from .factories import cast, join, represented

pytestmark = pytest.mark.django_db


def test_a_coordinator_founds_a_partnership_and_becomes_its_manager() -> None:
    municipality = OrganisationFactory.create(name="Gemeente Groningen")
    coordinator = member_of(municipality, Role.COORDINATOR)

    partnership = services.found_partnership(
        by=coordinator, organisation=municipality, name="Praktijkleren Groningen", kind=PartnershipKind.OTHER
    )

    assert partnership.slug == "praktijkleren-groningen"
    assert list(partnership.partners.values_list("organisation__name", flat=True)) == ["Gemeente Groningen"]
    member = PartnershipMember.objects.get(partnership=partnership)
    assert (member.user, member.role, member.perspective) == (coordinator, MemberRole.MANAGER, Perspective.PUBLIC)
    assert list(Partnership.objects.visible_to(coordinator)) == [partnership]


def test_only_a_coordinator_of_the_organisation_founds_for_it() -> None:
    municipality = OrganisationFactory.create()
    consultant = member_of(municipality, Role.CONSULTANT)

    with pytest.raises(PermissionDenied):
        services.found_partnership(by=consultant, organisation=municipality, name="X", kind=PartnershipKind.OTHER)
    assert not Partnership.objects.exists()


def test_slugs_are_unique_and_never_the_found_page() -> None:
    municipality = OrganisationFactory.create()
    coordinator = member_of(municipality, Role.COORDINATOR)

    first = services.found_partnership(by=coordinator, organisation=municipality, name="New", kind="other")
    second = services.found_partnership(by=coordinator, organisation=municipality, name="New", kind="other")

    assert (first.slug, second.slug) == ("new-2", "new-3")


def test_the_perspective_follows_the_kind_of_organisation() -> None:
    assert perspective_of(OrganisationFactory.build(kind=OrganisationKind.MBO_SCHOOL)) == Perspective.EDUCATION
    assert perspective_of(OrganisationFactory.build(kind=OrganisationKind.EMPLOYER)) == Perspective.WORK_FIELD
    assert perspective_of(OrganisationFactory.build(kind=OrganisationKind.UWV)) == Perspective.PUBLIC
    assert perspective_of(None) == Perspective.OTHER


def test_only_people_of_partner_organisations_are_candidates() -> None:
    c = cast()
    school = represented(c.member).organisation
    colleague = member_of(school, Role.SCHOOL_STAFF)
    learner = member_of(school, Role.LEARNER)
    stranger = member_of(OrganisationFactory.create(), Role.COORDINATOR)

    people = services.candidates(c.partnership)

    assert colleague in people
    assert learner not in people  # a learner of the school is not its representative
    assert stranger not in people
    assert c.member.user not in people  # already a member


def test_a_member_must_work_for_the_partner_they_represent() -> None:
    c = cast()
    stranger = member_of(OrganisationFactory.create(), Role.MEMBER)

    with pytest.raises(ValidationError) as raised:
        services.add_member(c.partnership, user=stranger, role=MemberRole.INTERNAL, partner=represented(c.member))

    assert "partner" in raised.value.message_dict
    assert not PartnershipMember.objects.filter(user=stranger).exists()


def test_adding_someone_twice_is_refused_at_the_field() -> None:
    c = cast()

    with pytest.raises(ValidationError) as raised:
        services.add_member(c.partnership, user=c.member.user, role=MemberRole.INTERNAL)

    assert "user" in raised.value.message_dict


def test_the_last_manager_cannot_leave_or_step_down() -> None:
    c = cast()

    with pytest.raises(ValidationError):
        services.end_member(c.manager)
    with pytest.raises(ValidationError):
        services.change_member(c.manager, role=MemberRole.INTERNAL)

    services.change_member(c.member, role=MemberRole.MANAGER)
    services.end_member(c.manager)
    c.manager.refresh_from_db()
    assert c.manager.left_on is not None


def test_leaving_ends_the_group_memberships_and_the_access() -> None:
    c = cast()

    services.end_member(c.worker)

    assert not GroupMember.objects.active().filter(member=c.worker).exists()
    assert GroupMember.objects.filter(member=c.worker).exists()  # the history stays
    assert not Partnership.objects.visible_to(c.worker.user).exists()


def test_when_a_partner_leaves_its_people_stay_without_a_partner() -> None:
    c = cast()
    partner = represented(c.worker)

    services.end_partner(partner)

    c.worker.refresh_from_db()
    assert c.worker.partner is None and c.worker.is_active
    assert not c.partnership.partners.active().filter(pk=partner.pk).exists()


def test_a_partner_cannot_be_added_twice() -> None:
    c = cast()

    with pytest.raises(ValidationError) as raised:
        services.add_partner(c.partnership, organisation=represented(c.member).organisation)

    assert "organisation" in raised.value.message_dict


def test_inactive_users_and_former_members_see_nothing() -> None:
    c = cast()
    former = join(c.partnership)
    services.end_member(former)
    c.member.user.is_active = False
    c.member.user.save()

    assert not Partnership.objects.visible_to(former.user).exists()
    assert not Partnership.objects.visible_to(c.member.user).exists()
    assert not Partnership.objects.visible_to(c.outsider).exists()


def test_a_new_member_is_told_in_their_own_language() -> None:
    from werkplaats.notifications.models import Notification

    c = cast()
    colleague = member_of(represented(c.member).organisation, Role.SCHOOL_STAFF, language="en")

    member = services.add_member(c.partnership, user=colleague, role=MemberRole.AMBASSADOR)

    notification = Notification.objects.get(recipient=colleague)
    assert notification.message == f"You are now a member of {c.partnership.name} (ambassador)."
    assert notification.url == c.partnership.get_absolute_url()
    assert notification.key == f"partnership-member:{member.pk}"
