"""Planning, changing and cancelling events: who may, what is checked, what people are told."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from werkplaats.meetings import services
from werkplaats.meetings.models import Event, EventKind, RegistrationStatus
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast, cast

from .conftest import MakeEvent, client_for, soon

pytestmark = pytest.mark.usefixtures("english")


def _fields(**overrides: Any) -> dict[str, Any]:
    start = soon(days=10, hour=14)
    fields: dict[str, Any] = {
        "kind": EventKind.EMPLOYER_SESSION,
        "group": None,
        "title": "Informatiebijeenkomst praktijkleren voor werkgevers",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "location": "Noorderpoort, Sylviuslaan 1, Groningen",
        "online_url": "",
        "description": "Wat levert praktijkleren op?",
        "signup_required": True,
        "capacity": 20,
        "signup_deadline": start - datetime.timedelta(days=2),
        "organiser": None,
    }
    fields.update(overrides)
    return fields


def _post_data(fields: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, value in fields.items():
        if isinstance(value, datetime.datetime):
            data[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        elif value is None or value is False:
            continue
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = value
    return data


# --- Services -------------------------------------------------------------------------------


def test_the_manager_plans_an_information_session(c: Cast) -> None:
    event = services.create_event(c.partnership, by=c.manager.user, **_fields())

    assert event.organiser == c.manager.user
    assert event.sequence == 0
    assert event.starts_at.tzinfo is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": soon(days=10, hour=13)}, "ends_at"),
        ({"location": "", "online_url": ""}, "location"),
        ({"signup_required": False, "signup_deadline": None}, "capacity"),
        ({"signup_deadline": soon(days=11)}, "signup_deadline"),
        ({"kind": EventKind.GROUP_MEETING, "group": None}, "group"),
        ({"starts_at": soon(days=-1), "ends_at": soon(days=-1, hour=12)}, "starts_at"),
    ],
)
def test_bad_input_is_refused_at_its_field(c: Cast, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_event(c.partnership, by=c.manager.user, **_fields(**overrides))

    assert field in caught.value.message_dict
    assert not Event.objects.exists()


def test_a_group_of_another_partnership_is_refused(c: Cast) -> None:
    other = cast()

    with pytest.raises(ValidationError) as caught:
        services.create_event(
            c.partnership, by=c.manager.user, **_fields(kind=EventKind.GROUP_MEETING, group=other.working)
        )

    assert "group" in caught.value.message_dict


def test_a_change_raises_the_sequence_and_a_new_start_means_a_new_reminder(c: Cast, make_event: MakeEvent) -> None:
    event = make_event()
    registration = services.sign_up(event, user=c.member.user)
    registration.reminded_at = timezone.now()
    registration.save()
    fields = {name: getattr(event, name) for name in services.EDITABLE}

    services.update_event(event, by=c.manager.user, **{**fields, "title": "Nieuwe titel"})
    event.refresh_from_db()
    registration.refresh_from_db()
    assert (event.sequence, event.title) == (1, "Nieuwe titel")
    assert registration.reminded_at is not None

    later = event.starts_at + datetime.timedelta(days=1)
    services.update_event(
        event, by=c.manager.user, **{**fields, "starts_at": later, "ends_at": later + datetime.timedelta(hours=1)}
    )
    event.refresh_from_db()
    registration.refresh_from_db()
    assert event.sequence == 2
    assert registration.reminded_at is None


def test_an_unchanged_save_keeps_the_sequence(c: Cast, make_event: MakeEvent) -> None:
    event = make_event()
    services.update_event(event, by=c.manager.user, **{name: getattr(event, name) for name in services.EDITABLE})

    event.refresh_from_db()
    assert event.sequence == 0


def test_places_cannot_drop_below_those_signed_up(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(capacity=5)
    services.sign_up(event, user=c.member.user)
    services.sign_up(event, user=c.worker.user)
    fields = {name: getattr(event, name) for name in services.EDITABLE}

    with pytest.raises(ValidationError) as caught:
        services.update_event(event, by=c.manager.user, **{**fields, "capacity": 1})

    assert caught.value.message_dict["capacity"] == ["2 people have signed up already: give at least that many places."]


def test_cancelling_tells_everyone_who_signed_up_or_waits(
    c: Cast, make_event: MakeEvent, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    event = make_event(capacity=1)
    services.sign_up(event, user=c.member.user)
    services.sign_up(event, user=c.worker.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event, by=c.manager.user, reason="De zaal is niet beschikbaar.")

    event.refresh_from_db()
    assert event.is_cancelled
    assert event.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([c.member.user.email, c.worker.user.email])
    assert "De zaal is niet beschikbaar." in mailoutbox[0].body
    assert Notification.objects.filter(key=f"event-cancelled:{event.pk}").count() == 2
    assert set(event.registrations.values_list("status", flat=True)) == {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    }  # the history stays


def test_an_event_is_cancelled_once(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(cancelled_at=timezone.now())

    with pytest.raises(ValidationError, match="already"):
        services.cancel_event(event, by=c.manager.user)


# --- Who may plan ---------------------------------------------------------------------------


def test_a_group_coordinator_plans_meetings_of_that_group_only(c: Cast) -> None:
    client = client_for(c.worker.user)  # coordinates the working group
    url = reverse("meetings:add", kwargs={"slug": c.partnership.slug})

    page = client.get(url).content.decode()
    assert c.working.name in page
    assert c.steering.name not in page

    client.post(url, _post_data(_fields(kind=EventKind.EMPLOYER_SESSION)))
    assert not Event.objects.exists()  # not a choice for a coordinator

    response = client.post(
        url,
        _post_data(
            _fields(
                kind=EventKind.GROUP_MEETING,
                group=c.working,
                signup_required=False,
                capacity=None,
                signup_deadline=None,
            )
        ),
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.group, event.organiser) == (c.working, c.worker.user)

    steering_meeting = Event.objects.create(
        partnership=c.partnership,
        kind=EventKind.GROUP_MEETING,
        group=c.steering,
        title="Stuurgroep",
        starts_at=soon(),
        ends_at=soon(hour=12),
        location="Stadhuis",
    )
    assert client.get(reverse("meetings:edit", kwargs={"slug": c.partnership.slug, "pk": event.pk})).status_code == 200
    assert (
        client.get(reverse("meetings:edit", kwargs={"slug": c.partnership.slug, "pk": steering_meeting.pk})).status_code
        == 403
    )


def test_the_trio_on_planning(c: Cast, make_event: MakeEvent) -> None:
    event = make_event()
    urls = [
        reverse("meetings:add", kwargs={"slug": c.partnership.slug}),
        reverse("meetings:edit", kwargs={"slug": c.partnership.slug, "pk": event.pk}),
        reverse("meetings:cancel", kwargs={"slug": c.partnership.slug, "pk": event.pk}),
    ]

    assert [client_for(c.manager.user).get(u).status_code for u in urls] == [200, 200, 200]
    assert [client_for(c.member.user).get(u).status_code for u in urls] == [403, 403, 403]
    assert [client_for(c.outsider).get(u).status_code for u in urls] == [404, 404, 404]
    assert client_for(c.member.user).post(urls[2]).status_code == 403
    assert not Event.objects.get().is_cancelled


def test_the_trio_on_reading(c: Cast, make_event: MakeEvent) -> None:
    event = make_event()
    urls = [
        reverse("meetings:list", kwargs={"slug": c.partnership.slug}),
        reverse("meetings:past", kwargs={"slug": c.partnership.slug}),
        reverse("meetings:detail", kwargs={"slug": c.partnership.slug, "pk": event.pk}),
        reverse("meetings:ics", kwargs={"slug": c.partnership.slug, "pk": event.pk}),
    ]

    assert [client_for(c.member.user).get(u).status_code for u in urls] == [200] * 4
    assert [client_for(c.outsider).get(u).status_code for u in urls] == [404] * 4


def test_an_event_of_another_partnership_is_a_404(c: Cast) -> None:
    other = cast()
    event = Event.objects.create(
        partnership=other.partnership,
        kind=EventKind.PARTNERSHIP_MEETING,
        title="Elders",
        starts_at=soon(),
        ends_at=soon(hour=12),
        location="Assen",
    )

    response = client_for(c.manager.user).get(
        reverse("meetings:detail", kwargs={"slug": c.partnership.slug, "pk": event.pk})
    )

    assert response.status_code == 404


# --- Forms: bad input -----------------------------------------------------------------------


def test_the_form_shows_each_problem_at_its_field(c: Cast) -> None:
    client = client_for(c.manager.user)
    data = _post_data(_fields(signup_required=False, signup_deadline=None))
    data["ends_at"] = data["starts_at"]
    data["online_url"] = "javascript:alert(1)"

    response = client.post(reverse("meetings:add", kwargs={"slug": c.partnership.slug}), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in page
    assert not Event.objects.exists()

    data["online_url"] = ""
    page = client.post(reverse("meetings:add", kwargs={"slug": c.partnership.slug}), data).content.decode()
    assert "The end must be after the start." in page
    assert "Places can only be limited when members sign up." in page
    assert not Event.objects.exists()


def test_a_time_that_does_not_exist_is_refused(c: Cast) -> None:
    """The hour skipped when summer time starts (last Sunday of March, 02:00-03:00)."""
    year = timezone.localdate().year + 1
    sunday = max(datetime.date(year, 3, d) for d in range(25, 32) if datetime.date(year, 3, d).weekday() == 6)
    data = _post_data(_fields())
    data["starts_at"] = f"{sunday.isoformat()}T02:30"
    data["ends_at"] = f"{sunday.isoformat()}T04:00"
    data.pop("signup_deadline")

    response = client_for(c.manager.user).post(reverse("meetings:add", kwargs={"slug": c.partnership.slug}), data)

    assert response.status_code == 200
    assert "utrecht-form-field--invalid" in response.content.decode()
    assert not Event.objects.exists()


def test_a_planned_event_appears_in_the_calendar_in_its_month(c: Cast) -> None:
    client = client_for(c.manager.user)
    response = client.post(reverse("meetings:add", kwargs={"slug": c.partnership.slug}), _post_data(_fields()))
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()

    page = client.get(reverse("meetings:list", kwargs={"slug": c.partnership.slug})).content.decode()

    assert event.title in page
    assert timezone.localtime(event.starts_at).strftime("%B %Y") in page
