"""Information sessions opened to guests: employers and candidates without an account sign up on
a public page, share the places and the waiting list with the members, cancel with a private link
that works once, and appear (with their contact details) only to the organiser and the managers,
who open and download the list on the record."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.meetings import services
from werkplaats.meetings.models import Event, EventKind, GuestRegistration, RegistrationStatus, hash_token
from werkplaats.meetings.views_guests import GUEST_SIGNUP_RATE
from werkplaats.partnerships.tests.factories import Cast, join

from .conftest import MakeEvent, client_for, soon

pytestmark = pytest.mark.usefixtures("english")

CANCEL_LINK = re.compile(r"https?://\S+/events/cancel/([^/\s]+)/")


@pytest.fixture
def session(make_event: MakeEvent) -> Event:
    """An information session for employers, opened to guests, with 2 places."""
    return make_event(
        title="Werkgeversontbijt praktijkleren",
        description="Wat levert praktijkleren u op?",
        capacity=2,
        guest_signup=True,
    )


def guest_data(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "Annemiek Dijkstra",
        "email": "a.dijkstra@bloemenhuis.example.nl",
        "organisation": "Bloemenhuis Dijkstra",
        "phone": "050 311 2233",
        "consent": "on",
    }
    data.update(fields)
    return data


def sign_up_guest(event: Event, **fields: Any) -> GuestRegistration:
    data = guest_data(**fields)
    return services.sign_up_guest(
        event,
        name=data["name"],
        email=data["email"],
        organisation=data["organisation"],
        phone=data["phone"],
        language=data.get("language", "en"),
        consent=bool(data["consent"]),
    )


def english_visitor() -> Client:
    """A visitor without an account, who reads the site in English."""
    client = Client()
    client.cookies["werkplaats_language"] = "en"
    return client


def page_url(event: Event) -> str:
    return reverse("meetings:guest-page", kwargs={"public_id": event.public_id})


def cancel_token(message: Any) -> str:
    found = CANCEL_LINK.search(message.body)
    assert found is not None, message.body
    return found.group(1)


# --- Signing up -------------------------------------------------------------------------------


def test_a_guest_gets_a_place_and_a_confirmation_with_a_cancel_link(
    session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        guest = sign_up_guest(session, email="  A.Dijkstra@Bloemenhuis.example.NL ")

    guest.refresh_from_db()
    assert guest.status == RegistrationStatus.CONFIRMED
    assert guest.email == "a.dijkstra@bloemenhuis.example.nl"
    assert guest.consent_at is not None
    [message] = mailoutbox
    assert message.to == ["a.dijkstra@bloemenhuis.example.nl"]
    assert message.subject == "Signed up: Werkgeversontbijt praktijkleren"
    assert "You are signed up for Werkgeversontbijt praktijkleren" in message.body
    token = cancel_token(message)
    # Only the hash is kept, as for the calendar feed.
    assert guest.cancel_token_hash == hash_token(token)
    assert not GuestRegistration.objects.filter(cancel_token_hash=token).exists()


def test_guests_and_members_share_the_places_and_the_waiting_list(c: Cast, session: Event) -> None:
    member = services.sign_up(session, user=c.member.user)
    guest = sign_up_guest(session)
    waiting_guest = sign_up_guest(session, email="ruben@hofstede.example.nl")
    waiting_member = services.sign_up(session, user=c.worker.user)

    assert (member.status, guest.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED)
    assert waiting_guest.status == waiting_member.status == RegistrationStatus.WAITING
    assert services.waiting_list(session) == [waiting_guest, waiting_member]
    assert services.place_in_queue(waiting_member) == 2
    counted = Event.objects.filter(pk=session.pk).for_reader(c.member.user.pk).get()
    assert (counted.confirmed_count, counted.waiting_count) == (2, 2)  # type: ignore[attr-defined]


def test_a_member_who_cancels_gives_the_place_to_the_guest_who_waits_first(
    c: Cast, session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    services.sign_up(session, user=c.member.user)
    sign_up_guest(session)
    first = sign_up_guest(session, email="ruben@hofstede.example.nl", name="Ruben Hofstede")
    services.sign_up(session, user=c.worker.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_sign_up(session, user=c.member.user)

    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED and first.promoted_at is not None
    assert session.registrations.waiting().get().user == c.worker.user
    [message] = mailoutbox
    assert message.to == ["ruben@hofstede.example.nl"]
    assert message.subject == "A place came free: Werkgeversontbijt praktijkleren"


def test_a_guest_who_cancels_gives_the_place_to_the_member_who_waits_first(
    c: Cast, session: Event, django_capture_on_commit_callbacks: Any
) -> None:
    guest = sign_up_guest(session)
    services.sign_up(session, user=c.member.user)
    waiting = services.sign_up(session, user=c.worker.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_guest_sign_up(guest)

    waiting.refresh_from_db()
    guest.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert (guest.status, guest.cancel_token_hash) == (RegistrationStatus.CANCELLED, None)


def test_the_same_email_address_signs_up_once(session: Event) -> None:
    sign_up_guest(session)

    with pytest.raises(ValidationError) as caught:
        sign_up_guest(session, email="A.DIJKSTRA@bloemenhuis.example.nl", name="Iemand anders")

    assert "has signed up for this event already" in caught.value.message_dict["email"][0]
    assert session.guests.count() == 1


def test_the_database_refuses_a_second_active_sign_up_for_one_address(session: Event) -> None:
    first = sign_up_guest(session)

    with pytest.raises(IntegrityError), transaction.atomic():
        GuestRegistration.objects.create(
            event=session,
            status=RegistrationStatus.WAITING,
            name="Dubbel",
            email=first.email.upper(),
            language="nl",
            consent_at=timezone.now(),
        )


def test_after_cancelling_the_same_address_can_sign_up_again(session: Event) -> None:
    services.cancel_guest_sign_up(sign_up_guest(session))

    again = sign_up_guest(session)

    assert again.status == RegistrationStatus.CONFIRMED
    assert session.guests.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"guest_signup": False}, "Guests cannot sign up for this event."),
        ({"cancelled_at": timezone.now()}, "This event has been cancelled."),
        ({"signup_deadline": timezone.now() - datetime.timedelta(hours=1)}, "Sign-up for this event has closed."),
    ],
)
def test_a_guest_cannot_sign_up_when_it_is_not_open(
    make_event: MakeEvent, fields: dict[str, Any], message: str
) -> None:
    event = make_event(**{"guest_signup": True, **fields})

    with pytest.raises(ValidationError) as caught:
        sign_up_guest(event)

    assert caught.value.messages == [message]
    assert not event.guests.exists()


def test_employers_give_their_organisation_and_candidates_need_not(make_event: MakeEvent) -> None:
    employers = make_event(guest_signup=True)
    candidates = make_event(guest_signup=True, kind=EventKind.CANDIDATE_SESSION)

    with pytest.raises(ValidationError) as caught:
        sign_up_guest(employers, organisation="  ")
    guest = sign_up_guest(candidates, organisation="", phone="")

    assert list(caught.value.message_dict) == ["organisation"]
    assert (guest.organisation, guest.phone) == ("", "")


def test_without_consent_nobody_is_signed_up(session: Event) -> None:
    with pytest.raises(ValidationError) as caught:
        sign_up_guest(session, consent="")

    assert list(caught.value.message_dict) == ["consent"]
    assert not session.guests.exists()


def test_the_audit_log_records_guest_sign_ups_without_their_personal_data(session: Event) -> None:
    guest = sign_up_guest(session)

    entry = AuditLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(GuestRegistration), object_id=str(guest.pk), action=Action.CREATE
    )
    logged = f"{entry.object_repr} {entry.changes}"
    assert guest.email not in logged and guest.name not in logged and guest.phone not in logged
    assert "email" in entry.changes  # recorded as given, without its value


# --- Planning: which events open to guests ------------------------------------------------------


def _fields(**changes: Any) -> dict[str, Any]:
    start = soon(days=10)
    fields: dict[str, Any] = {
        "kind": EventKind.EMPLOYER_SESSION,
        "group": None,
        "title": "Werkgeversontbijt",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "location": "Groningen",
        "online_url": "",
        "description": "",
        "signup_required": True,
        "capacity": 20,
        "signup_deadline": None,
        "guest_signup": True,
        "organiser": None,
    }
    fields.update(changes)
    return fields


def test_an_information_session_with_sign_up_can_be_opened_to_guests(c: Cast) -> None:
    event = services.create_event(c.partnership, by=c.manager.user, **_fields())

    assert event.is_open_to_guests


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": EventKind.PARTNERSHIP_MEETING},
        {"signup_required": False, "capacity": None},
    ],
)
def test_only_information_sessions_with_sign_up_open_to_guests(c: Cast, changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_event(c.partnership, by=c.manager.user, **_fields(**changes))

    assert "guest_signup" in caught.value.message_dict
    assert not Event.objects.exists()


def test_a_session_with_guests_stays_an_information_session(c: Cast, session: Event) -> None:
    sign_up_guest(session)
    fields = {name: getattr(session, name) for name in services.EDITABLE}

    with pytest.raises(ValidationError) as caught:
        services.update_event(
            session, by=c.manager.user, **{**fields, "kind": EventKind.PARTNERSHIP_MEETING, "guest_signup": False}
        )

    assert "kind" in caught.value.message_dict


def test_fewer_places_than_members_and_guests_have_taken_is_refused(c: Cast, session: Event) -> None:
    services.sign_up(session, user=c.member.user)
    sign_up_guest(session)
    fields = {name: getattr(session, name) for name in services.EDITABLE}

    with pytest.raises(ValidationError, match="2 people have signed up already"):
        services.update_event(session, by=c.manager.user, **{**fields, "capacity": 1})


def test_the_planning_form_opens_a_session_to_guests(c: Cast) -> None:
    start = timezone.localtime(soon(days=10))
    response = client_for(c.manager.user).post(
        reverse("meetings:add", kwargs={"slug": c.partnership.slug}),
        {
            "kind": EventKind.CANDIDATE_SESSION,
            "title": "Leren in de praktijk",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Werkplein Groningen",
            "signup_required": "on",
            "guest_signup": "on",
        },
    )

    assert response.status_code == 302
    assert Event.objects.get(title="Leren in de praktijk").is_open_to_guests


def test_cancelling_the_session_tells_the_guests(
    c: Cast, session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    sign_up_guest(session)
    sign_up_guest(session, email="ruben@hofstede.example.nl")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(session, by=c.manager.user, reason="De zaal is niet beschikbaar.")

    told = sorted(m.to[0] for m in mailoutbox if m.subject.startswith("Cancelled:"))
    assert told == ["a.dijkstra@bloemenhuis.example.nl", "ruben@hofstede.example.nl"]
    assert all("De zaal is niet beschikbaar." in m.body for m in mailoutbox if m.subject.startswith("Cancelled:"))


# --- The public page ----------------------------------------------------------------------------


def test_the_public_page_shows_the_session_without_a_login(session: Event) -> None:
    response = english_visitor().get(page_url(session))

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Werkgeversontbijt praktijkleren", "Sylviuslaan 1, Groningen", "Wat levert praktijkleren u op?"):
        assert text in html
    assert 'name="email"' in html and 'name="consent"' in html
    assert "deleted 30 days after the session" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_session_not_opened_to_guests_has_no_public_page(make_event: MakeEvent) -> None:
    closed = make_event()

    assert Client().get(page_url(closed)).status_code == 404
    assert Client().get(reverse("meetings:guest-page", kwargs={"public_id": uuid.uuid4()})).status_code == 404


def test_a_guest_signs_up_on_the_public_page_in_its_language(
    session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = english_visitor().post(page_url(session), guest_data(), follow=True)

    assert "You are signed up. We have sent a confirmation to a.dijkstra@bloemenhuis.example.nl." in (
        response.content.decode()
    )
    guest = session.guests.get()
    assert (guest.name, guest.organisation, guest.phone, guest.language) == (
        "Annemiek Dijkstra",
        "Bloemenhuis Dijkstra",
        "050 311 2233",
        "en",
    )
    assert len(mailoutbox) == 1


def test_the_language_of_the_page_is_kept_for_the_emails(session: Event) -> None:
    Client().post(page_url(session), guest_data())  # no language chosen: the site's Dutch

    assert session.guests.get().language == "nl"


def test_mistakes_are_shown_on_the_form_and_nothing_is_kept(session: Event) -> None:
    response = english_visitor().post(
        page_url(session), guest_data(email="geen-adres", phone="bel me", consent="", organisation="")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert "We can only sign you up if you agree to this use of your data." in html
    assert "Enter a phone number in digits" in html
    assert not session.guests.exists()


def test_signing_up_twice_with_one_address_says_so(session: Event) -> None:
    visitor = english_visitor()
    visitor.post(page_url(session), guest_data())

    response = visitor.post(page_url(session), guest_data(name="Nogmaals"))

    assert response.status_code == 200
    assert "a.dijkstra@bloemenhuis.example.nl has signed up for this event already." in response.content.decode()
    assert session.guests.count() == 1


def test_a_full_session_offers_the_waiting_list_to_guests(c: Cast, session: Event) -> None:
    services.sign_up(session, user=c.member.user)
    services.sign_up(session, user=c.worker.user)
    visitor = english_visitor()

    assert "Join the waiting list" in visitor.get(page_url(session)).content.decode()
    response = visitor.post(page_url(session), guest_data(), follow=True)

    assert "The session is full, so you are on the waiting list." in response.content.decode()
    assert session.guests.get().status == RegistrationStatus.WAITING


def test_a_robot_filling_the_hidden_field_is_told_nothing_and_nothing_is_kept(
    session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = english_visitor().post(page_url(session), guest_data(homepage="http://spam.example"), follow=True)

    assert response.status_code == 200
    assert "We have sent a confirmation" in response.content.decode()
    assert not session.guests.exists()
    assert mailoutbox == []


def test_too_many_sign_ups_from_one_address_for_one_session_are_refused(session: Event, make_event: MakeEvent) -> None:
    session.capacity = None
    session.save()
    limit = int(GUEST_SIGNUP_RATE.split("/")[0])
    visitor = english_visitor()
    for i in range(limit):
        visitor.post(page_url(session), guest_data(email=f"gast{i}@example.nl"), REMOTE_ADDR="192.0.2.7")

    refused = visitor.post(page_url(session), guest_data(email="nog-een@example.nl"), REMOTE_ADDR="192.0.2.7")
    other_address = visitor.post(page_url(session), guest_data(email="elders@example.nl"), REMOTE_ADDR="192.0.2.8")
    other_session = make_event(guest_signup=True, title="Tweede ontbijt")
    same_address_elsewhere = visitor.post(
        page_url(other_session), guest_data(email="nog-een@example.nl"), REMOTE_ADDR="192.0.2.7"
    )

    assert refused.status_code == 429
    assert "Too many sign-ups for this session came from your internet address." in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert other_address.status_code == 302
    assert same_address_elsewhere.status_code == 302
    assert session.guests.count() == limit + 1
    assert not session.guests.filter(email="nog-een@example.nl").exists()


def test_a_cancelled_session_shows_no_form(make_event: MakeEvent) -> None:
    event = make_event(guest_signup=True, cancelled_at=timezone.now(), cancel_reason="Te weinig aanmeldingen.")

    html = english_visitor().get(page_url(event)).content.decode()

    assert "This session has been cancelled." in html and "Te weinig aanmeldingen." in html
    assert 'name="email"' not in html


# --- The cancel link ----------------------------------------------------------------------------


def _signed_up_with_link(
    session: Event, mailoutbox: list[Any], capture: Any, **fields: Any
) -> tuple[GuestRegistration, str]:
    with capture(execute=True):
        guest = sign_up_guest(session, **fields)
    return guest, cancel_token(mailoutbox[-1])


def test_the_cancel_link_works_once(
    c: Cast, session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    guest, token = _signed_up_with_link(session, mailoutbox, django_capture_on_commit_callbacks)
    url = reverse("meetings:guest-cancel", kwargs={"token": token})
    visitor = english_visitor()

    asked = visitor.get(url)
    guest.refresh_from_db()
    assert asked.status_code == 200 and guest.status == RegistrationStatus.CONFIRMED  # a GET only asks

    done = visitor.post(url, follow=True)
    guest.refresh_from_db()
    assert "Your sign-up is cancelled." in done.content.decode()
    assert guest.status == RegistrationStatus.CANCELLED

    assert visitor.get(url).status_code == 404
    assert visitor.post(url).status_code == 404


def test_a_wrong_token_is_a_404(session: Event) -> None:
    sign_up_guest(session)
    url = reverse("meetings:guest-cancel", kwargs={"token": "niet-het-goede-token"})

    assert Client().get(url).status_code == 404
    assert Client().post(url).status_code == 404
    assert session.guests.get().status == RegistrationStatus.CONFIRMED


def test_a_second_confirmation_replaces_the_first_link(
    session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from werkplaats.meetings import guest_tasks

    guest, first = _signed_up_with_link(session, mailoutbox, django_capture_on_commit_callbacks)
    guest_tasks.send_guest_confirmation.enqueue(guest.pk)
    second = cancel_token(mailoutbox[-1])

    assert services.guest_for_token(first) is None
    assert services.guest_for_token(second) == guest


def test_after_the_start_the_link_no_longer_cancels(
    session: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    guest, token = _signed_up_with_link(session, mailoutbox, django_capture_on_commit_callbacks)
    Event.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=10), signup_deadline=None
    )
    url = reverse("meetings:guest-cancel", kwargs={"token": token})

    page = english_visitor().get(url).content.decode()
    response = english_visitor().post(url)

    assert "your sign-up can no longer be cancelled" in page
    assert response.status_code == 200
    guest.refresh_from_db()
    assert guest.status == RegistrationStatus.CONFIRMED


# --- The guest list, for the organiser and the managers ----------------------------------------


def _detail(c: Cast, event: Event) -> str:
    return reverse("meetings:detail", kwargs={"slug": c.partnership.slug, "pk": event.pk})


def _export(c: Cast, event: Event) -> str:
    return reverse("meetings:guest-export", kwargs={"slug": c.partnership.slug, "pk": event.pk})


def test_the_organiser_and_the_managers_see_the_guests_and_the_others_do_not(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(guest_signup=True, organiser=c.steering_member.user, capacity=2)  # organiser, no manager
    sign_up_guest(event)

    as_organiser = client_for(c.steering_member.user).get(_detail(c, event)).content.decode()
    as_manager = client_for(c.manager.user).get(_detail(c, event)).content.decode()
    as_member = client_for(c.member.user).get(_detail(c, event)).content.decode()

    for page in (as_organiser, as_manager):
        assert "Annemiek Dijkstra" in page and "a.dijkstra@bloemenhuis.example.nl" in page and "050 311 2233" in page
    assert "Annemiek Dijkstra" not in as_member and "a.dijkstra@bloemenhuis.example.nl" not in as_member
    # Every member may pass the public address on to employers they know.
    assert page_url(event) in as_member
    assert "1 of 2 places taken" in as_member


def test_opening_the_guest_list_is_recorded(c: Cast, session: Event) -> None:
    sign_up_guest(session)

    client_for(c.manager.user).get(_detail(c, session))
    client_for(c.member.user).get(_detail(c, session))

    entry = AuditLogEntry.objects.get(
        action=Action.VIEW, content_type=ContentType.objects.get_for_model(Event), object_id=str(session.pk)
    )
    assert entry.actor == c.manager.user
    assert entry.changes == {"guests": 1}


def test_the_guest_list_downloads_as_csv_on_the_record(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(guest_signup=True, organiser=c.steering_member.user, capacity=1)
    sign_up_guest(event)
    sign_up_guest(event, name="=HYPERLINK(1)", email="ruben@hofstede.example.nl", organisation="Hofstede", phone="")

    response = client_for(c.steering_member.user).get(_export(c, event))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Status;Name;Organisation;E-mail address;Phone number;Signed up"
    assert lines[1].startswith("signed up;Annemiek Dijkstra;Bloemenhuis Dijkstra;a.dijkstra@bloemenhuis.example.nl;")
    assert lines[2].startswith("on the waiting list;'=HYPERLINK(1);Hofstede;ruben@hofstede.example.nl;;")
    entry = AuditLogEntry.objects.get(
        action=Action.EXPORT, content_type=ContentType.objects.get_for_model(Event), object_id=str(event.pk)
    )
    assert (entry.actor, entry.changes) == (c.steering_member.user, {"guests": 2})


def test_other_members_cannot_download_the_guest_list(c: Cast, session: Event) -> None:
    sign_up_guest(session)

    assert client_for(c.member.user).get(_export(c, session)).status_code == 403
    assert client_for(c.outsider).get(_export(c, session)).status_code == 404
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_a_coordinator_of_a_group_sees_no_guests_of_a_session_they_do_not_organise(c: Cast, session: Event) -> None:
    sign_up_guest(session)
    other = join(c.partnership)

    assert "Annemiek Dijkstra" not in client_for(c.worker.user).get(_detail(c, session)).content.decode()
    assert client_for(other.user).get(_export(c, session)).status_code == 403


def test_the_partnerships_name_on_the_public_page_is_shown_as_text(c: Cast, session: Event) -> None:
    c.partnership.name = "Praktijkleren <script>alert(1)</script>"
    c.partnership.save()

    html = english_visitor().get(page_url(session)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "Praktijkleren &lt;script&gt;" in html


def test_a_group_coordinator_plans_no_sessions_for_guests(c: Cast) -> None:
    page = client_for(c.worker.user).get(reverse("meetings:add", kwargs={"slug": c.partnership.slug}))

    assert page.status_code == 200
    assert 'name="guest_signup"' not in page.content.decode()
    assert (
        'name="guest_signup"'
        in client_for(c.manager.user).get(reverse("meetings:add", kwargs={"slug": c.partnership.slug})).content.decode()
    )
