"""Signing up with a limited number of places: a waiting list, first come first served, and a
freed place going to the first who waits (who is told)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from werkplaats.meetings import services
from werkplaats.meetings.models import Registration, RegistrationStatus
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast, join

from .conftest import MakeEvent, client_for, soon

pytestmark = pytest.mark.usefixtures("english")


def test_a_member_gets_a_place_while_there_is_one(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=2)

    first = services.sign_up(event, user=c.member.user)
    second = services.sign_up(event, user=c.worker.user)

    assert (first.status, second.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED)


def test_when_full_people_join_the_waiting_list_in_order(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=1)
    services.sign_up(event, user=c.member.user)

    second = services.sign_up(event, user=c.worker.user)
    third = services.sign_up(event, user=c.steering_member.user)

    assert second.status == third.status == RegistrationStatus.WAITING
    assert list(event.registrations.waiting().values_list("user", flat=True)) == [
        c.worker.user.pk,
        c.steering_member.user.pk,
    ]


def test_without_a_limit_everyone_gets_a_place(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=None)
    for _i in range(5):
        services.sign_up(event, user=join(c.partnership).user)

    assert event.registrations.confirmed().count() == 5


def test_a_cancellation_gives_the_place_to_the_first_who_waits_and_tells_them(
    c: Cast, make_event: MakeEvent, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    event = make_event(capacity=1)
    services.sign_up(event, user=c.member.user)
    first_waiting = services.sign_up(event, user=c.worker.user)
    services.sign_up(event, user=c.steering_member.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_sign_up(event, user=c.member.user)

    first_waiting.refresh_from_db()
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert first_waiting.promoted_at is not None
    assert event.registrations.waiting().get().user == c.steering_member.user
    assert Notification.objects.filter(recipient=c.worker.user, key=f"event-promoted:{first_waiting.pk}").exists()
    assert [m.to for m in mailoutbox] == [[c.worker.user.email]]


def test_a_cancellation_from_the_waiting_list_moves_nobody_up(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=1)
    services.sign_up(event, user=c.member.user)
    services.sign_up(event, user=c.worker.user)

    services.cancel_sign_up(event, user=c.worker.user)

    assert list(event.registrations.active().values_list("user", "status")) == [
        (c.member.user.pk, RegistrationStatus.CONFIRMED)
    ]


def test_signing_up_again_after_cancelling_joins_the_back_of_the_queue(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=1)
    services.sign_up(event, user=c.member.user)
    services.sign_up(event, user=c.worker.user)
    services.cancel_sign_up(event, user=c.worker.user)
    services.sign_up(event, user=c.steering_member.user)

    again = services.sign_up(event, user=c.worker.user)

    assert again.status == RegistrationStatus.WAITING
    assert [r.user_id for r in event.registrations.waiting()] == [c.steering_member.user.pk, c.worker.user.pk]
    assert Registration.objects.filter(event=event, user=c.worker.user).count() == 2


def test_more_places_move_people_up_from_the_waiting_list(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=1)
    for member in (c.member, c.worker, c.steering_member):
        services.sign_up(event, user=member.user)

    fields = {name: getattr(event, name) for name in services.EDITABLE}
    services.update_event(event, by=c.manager.user, **{**fields, "capacity": 2})

    assert event.registrations.confirmed().count() == 2
    assert event.registrations.waiting().get().user == c.steering_member.user


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"signup_required": False, "capacity": None}, "This event needs no sign-up: just come."),
        ({"cancelled_at": timezone.now()}, "This event has been cancelled."),
        ({"signup_deadline": timezone.now() - datetime.timedelta(hours=1)}, "Sign-up for this event has closed."),
    ],
)
def test_sign_up_is_refused_when_it_is_not_open(
    c: Cast, make_event: MakeEvent, fields: dict[str, Any], message: str
) -> None:
    event = make_event(**fields)

    with pytest.raises(ValidationError) as caught:
        services.sign_up(event, user=c.member.user)

    assert caught.value.messages == [message]
    assert not event.registrations.exists()


def test_sign_up_closes_at_the_start(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(starts_at=timezone.now() - datetime.timedelta(minutes=5))

    with pytest.raises(ValidationError, match="closed"):
        services.sign_up(event, user=c.member.user)


def test_nobody_signs_up_twice(c: Cast, make_event: MakeEvent) -> None:
    event = make_event()
    services.sign_up(event, user=c.member.user)

    with pytest.raises(ValidationError, match="already"):
        services.sign_up(event, user=c.member.user)


def test_only_members_sign_up(c: Cast, make_event: MakeEvent) -> None:
    with pytest.raises(ValidationError, match="Only members"):
        services.sign_up(make_event(), user=c.outsider)


def test_cancelling_without_a_sign_up_says_so(c: Cast, make_event: MakeEvent) -> None:
    with pytest.raises(ValidationError, match="not signed up"):
        services.cancel_sign_up(make_event(), user=c.member.user)


# --- The pages ------------------------------------------------------------------------------


def test_a_member_signs_up_and_cancels_through_the_pages(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=1)
    client = client_for(c.member.user)
    sign_up = reverse("meetings:sign-up", kwargs={"slug": c.partnership.slug, "pk": event.pk})
    sign_off = reverse("meetings:sign-off", kwargs={"slug": c.partnership.slug, "pk": event.pk})

    confirm = client.get(sign_up)
    assert confirm.status_code == 200
    assert not event.registrations.exists()  # a GET only asks

    response = client.post(sign_up, follow=True)
    assert "You are signed up." in response.content.decode()
    assert event.registrations.confirmed().get().user == c.member.user

    response = client.post(sign_off, follow=True)
    assert "Your sign-up is cancelled." in response.content.decode()
    assert not event.registrations.active().exists()


def test_a_full_event_offers_the_waiting_list(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=1)
    services.sign_up(event, user=c.worker.user)
    client = client_for(c.member.user)
    detail = reverse("meetings:detail", kwargs={"slug": c.partnership.slug, "pk": event.pk})

    assert "Join the waiting list" in client.get(detail).content.decode()
    client.post(reverse("meetings:sign-up", kwargs={"slug": c.partnership.slug, "pk": event.pk}))

    assert "You are on the waiting list, number 1." in client.get(detail).content.decode()


def test_a_refused_sign_up_is_a_message_not_an_error(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(signup_required=False)
    client = client_for(c.member.user)

    response = client.post(
        reverse("meetings:sign-up", kwargs={"slug": c.partnership.slug, "pk": event.pk}), follow=True
    )

    assert response.status_code == 200
    assert "This event needs no sign-up: just come." in response.content.decode()


def test_an_outsider_cannot_sign_up(c: Cast, make_event: MakeEvent) -> None:
    event = make_event()
    client = client_for(c.outsider)

    response = client.post(reverse("meetings:sign-up", kwargs={"slug": c.partnership.slug, "pk": event.pk}))

    assert response.status_code == 404
    assert not event.registrations.exists()


def test_names_of_those_signed_up_are_for_the_organiser_only(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=5)
    c.worker.user.name = "Wim Werkgever"
    c.worker.user.save()
    services.sign_up(event, user=c.worker.user)
    url = reverse("meetings:detail", kwargs={"slug": c.partnership.slug, "pk": event.pk})

    as_member = client_for(c.member.user).get(url).content.decode()
    as_manager = client_for(c.manager.user).get(url).content.decode()

    assert "1 of 5 places taken" in as_member
    assert "Wim Werkgever" not in as_member
    assert "Wim Werkgever" in as_manager


def test_an_event_in_the_past_keeps_its_sign_ups(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(starts_at=soon(days=1))
    services.sign_up(event, user=c.member.user)
    event.starts_at = timezone.now() - datetime.timedelta(hours=1)
    event.save()

    with pytest.raises(ValidationError, match="started"):
        services.cancel_sign_up(event, user=c.member.user)
