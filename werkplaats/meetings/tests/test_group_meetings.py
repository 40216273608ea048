"""A group meeting is in everyone's calendar (openness), but only the group's members take part:
they, the group's coordinator, the organiser and the partnership's managers sign up; the others
read "for members of <group>" instead of a sign-up button."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from werkplaats.meetings import services
from werkplaats.meetings.models import Event, EventKind, RegistrationStatus
from werkplaats.partnerships.models import GroupMember
from werkplaats.partnerships.tests.factories import Cast, join

from .conftest import MakeEvent, client_for

pytestmark = pytest.mark.usefixtures("english")

FOR_MEMBERS = "For members of Werkgroep werkgevers: only they sign up for this meeting."


@pytest.fixture
def meeting(c: Cast, make_event: MakeEvent) -> Event:
    """A meeting of the working group (``c.worker`` is its member and coordinator), with sign-up,
    organised by the manager."""
    return make_event(kind=EventKind.GROUP_MEETING, group=c.working, title="Werkgroep: werkgeverslijst")


def _detail(c: Cast, event: Event) -> str:
    return reverse("meetings:detail", kwargs={"slug": c.partnership.slug, "pk": event.pk})


def _sign_up_url(c: Cast, event: Event) -> str:
    return reverse("meetings:sign-up", kwargs={"slug": c.partnership.slug, "pk": event.pk})


def test_every_member_sees_a_group_meeting_in_the_calendar(c: Cast, meeting: Event) -> None:
    client = client_for(c.member.user)  # in no group

    calendar = client.get(reverse("meetings:list", kwargs={"slug": c.partnership.slug}))
    page = client.get(_detail(c, meeting))

    assert meeting.title in calendar.content.decode()
    assert page.status_code == 200
    assert meeting.title in page.content.decode()


def test_a_member_of_the_group_signs_up(c: Cast, meeting: Event) -> None:
    plain_member = join(c.partnership)
    GroupMember.objects.create(group=c.working, member=plain_member)

    registration = services.sign_up(meeting, user=plain_member.user)

    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("who", ["manager", "organiser", "coordinator"])
def test_the_manager_the_organiser_and_the_coordinator_sign_up_without_being_in_the_group(
    c: Cast, make_event: MakeEvent, who: str
) -> None:
    organiser = c.steering_member.user  # not in the working group
    event = make_event(kind=EventKind.GROUP_MEETING, group=c.working, organiser=organiser)
    if who == "coordinator":
        # The coordinator leads the group without being one of its members.
        GroupMember.objects.filter(group=c.working, member=c.worker).update(left_on=timezone.localdate())
    user = {"manager": c.manager.user, "organiser": organiser, "coordinator": c.worker.user}[who]

    assert services.may_sign_up(event, user)
    assert services.sign_up(event, user=user).status == RegistrationStatus.CONFIRMED


def test_another_member_of_the_partnership_is_refused_with_a_clear_message(c: Cast, meeting: Event) -> None:
    with pytest.raises(ValidationError) as caught:
        services.sign_up(meeting, user=c.member.user)

    assert caught.value.messages == ["This meeting is for the members of Werkgroep werkgevers: only they can sign up."]
    assert not meeting.registrations.exists()


def test_someone_who_left_the_group_can_no_longer_sign_up(c: Cast, meeting: Event) -> None:
    leaver = join(c.partnership)
    GroupMember.objects.create(group=c.working, member=leaver, left_on=timezone.localdate())

    assert not services.may_sign_up(meeting, leaver.user)
    with pytest.raises(ValidationError, match="only they can sign up"):
        services.sign_up(meeting, user=leaver.user)


def test_other_events_stay_open_to_every_member(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(kind=EventKind.PARTNERSHIP_MEETING)

    assert services.may_sign_up(event, c.member.user)
    assert not services.may_sign_up(event, c.outsider)


def test_the_page_says_who_the_meeting_is_for_instead_of_the_button(c: Cast, meeting: Event) -> None:
    as_outsider_of_the_group = client_for(c.member.user).get(_detail(c, meeting)).content.decode()
    as_group_member = client_for(c.worker.user).get(_detail(c, meeting)).content.decode()

    assert FOR_MEMBERS in as_outsider_of_the_group
    assert _sign_up_url(c, meeting) not in as_outsider_of_the_group
    assert FOR_MEMBERS not in as_group_member
    assert _sign_up_url(c, meeting) in as_group_member


def test_the_sign_up_page_offers_no_button_to_others(c: Cast, meeting: Event) -> None:
    page = client_for(c.member.user).get(_sign_up_url(c, meeting)).content.decode()

    assert FOR_MEMBERS in page
    assert 'type="submit"' not in page.split('id="main"', 1)[1]


def test_a_sign_up_sent_anyway_is_refused_with_the_message(c: Cast, meeting: Event) -> None:
    response = client_for(c.member.user).post(_sign_up_url(c, meeting), follow=True)

    assert response.status_code == 200
    assert "This meeting is for the members of Werkgroep werkgevers: only they can sign up." in (
        response.content.decode()
    )
    assert not meeting.registrations.exists()
