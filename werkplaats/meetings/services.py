"""The rules of the calendar: planning, changing and cancelling events, signing up with a limited
number of places and a waiting list, guests signing up for information sessions, and the private
calendar feed.

Members and guests share an event's places and its one waiting list, first come first served.

Places are handed out under a lock on the event's row (``select_for_update``): two members who
ask for the last place at the same moment are served one after the other, so the second finds the
event full and joins the waiting list. (SQLite has no row locks; it serialises writers on the
whole database file instead, which has the same effect for this purpose.)

Who may plan an event is the view's business (``can_plan`` and ``can_manage`` below answer it):
the partnership's manager plans any event, a group's coordinator the meetings of that group. Who
may sign up is a rule of its own (``may_sign_up``): every member sees a group meeting, but only the
group's members take part.
"""

from __future__ import annotations

import datetime
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group, GroupMember, MemberRole, Partnership, PartnershipMember

from .models import (
    ACTIVE_STATUSES,
    INFORMATION_SESSIONS,
    CalendarFeed,
    Event,
    EventKind,
    GuestRegistration,
    Registration,
    RegistrationStatus,
    hash_token,
)

EDITABLE = (
    "kind",
    "group",
    "title",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "description",
    "signup_required",
    "capacity",
    "signup_deadline",
    "guest_signup",
    "organiser",
)

# 32 random bytes: 256 bits, well over the 128 an unguessable address needs.
TOKEN_BYTES = 32


# --- Who may do what --------------------------------------------------------------------------


def can_plan(pa: PartnershipAccess) -> bool:
    """May plan events: the manager (any event), a group's coordinator (its meetings)."""
    return pa.is_manager or bool(pa.coordinated_group_ids)


def can_manage(pa: PartnershipAccess, event: Event) -> bool:
    """May change or cancel ``event`` and see who signed up."""
    if event.kind == EventKind.GROUP_MEETING and event.group_id is not None:
        return pa.leads(event.group_id)
    return pa.is_manager


def can_see_guests(pa: PartnershipAccess, event: Event) -> bool:
    """May see and export the guests of ``event`` (personal data of people outside the
    partnership): its organiser and the partnership's managers."""
    return pa.is_manager or (event.organiser_id is not None and event.organiser_id == pa.user_id)


def may_sign_up(event: Event, user: Any) -> bool:
    """Whether ``user`` may take part in ``event``: every member of the partnership; for a group
    meeting only the group's active members, its coordinator, the organiser and the partnership's
    managers (the others see the meeting, but it is not theirs to join)."""
    member = PartnershipMember.objects.active().filter(partnership_id=event.partnership_id, user_id=user.pk)
    if event.kind != EventKind.GROUP_MEETING or event.group_id is None:
        return member.exists()
    if user.pk == event.organiser_id or (event.group is not None and user.pk == event.group.coordinator_id):
        return member.exists()
    in_group = GroupMember.objects.active().filter(group_id=event.group_id, member=OuterRef("pk"))
    return member.filter(Q(role=MemberRole.MANAGER) | Q(Exists(in_group))).exists()


def plannable_groups(pa: PartnershipAccess) -> Any:
    groups = Group.objects.open().filter(partnership=pa.partnership).order_by("kind", "name")
    return groups if pa.is_manager else groups.filter(pk__in=pa.coordinated_group_ids)


# --- Events -----------------------------------------------------------------------------------


def _is_member(partnership: Partnership, user: Any) -> bool:
    return PartnershipMember.objects.active().filter(partnership=partnership, user_id=user.pk).exists()


def _problems(partnership: Partnership, fields: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = fields["kind"]
    group = fields.get("group")
    if kind == EventKind.GROUP_MEETING:
        if group is None:
            add("group", _("Choose the group that meets."))
        elif group.partnership_id != partnership.pk or not group.is_open:
            add("group", _("Choose an open group of this partnership."))
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        add("ends_at", _("The end must be after the start."))
    if not fields.get("location") and not fields.get("online_url"):
        add("location", _("Give an address, an online link or both."))
    capacity, deadline = fields.get("capacity"), fields.get("signup_deadline")
    if not fields.get("signup_required"):
        if capacity is not None:
            add("capacity", _("Places can only be limited when members sign up. Tick 'sign-up required'."))
        if deadline is not None:
            add("signup_deadline", _("A sign-up deadline needs sign-up. Tick 'sign-up required'."))
    if capacity is not None and capacity < 1:
        add("capacity", _("Give at least one place, or leave it empty for no limit."))
    if deadline is not None and starts_at is not None and deadline > starts_at:
        add("signup_deadline", _("The sign-up deadline must be before the start."))
    if fields.get("guest_signup"):
        if kind not in INFORMATION_SESSIONS:
            add("guest_signup", _("Only information sessions can be opened to guests."))
        elif not fields.get("signup_required"):
            add("guest_signup", _("Guests sign up, so sign-up must be on too. Tick 'sign-up required'."))
    organiser = fields.get("organiser")
    if organiser is not None and not _is_member(partnership, organiser):
        add("organiser", _("The organiser must be a member of the partnership."))
    return errors


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: fields.get(name) for name in EDITABLE}
    cleaned["location"] = (cleaned["location"] or "").strip()
    cleaned["online_url"] = (cleaned["online_url"] or "").strip()
    cleaned["description"] = (cleaned["description"] or "").strip()
    cleaned["signup_required"] = bool(cleaned["signup_required"])
    cleaned["guest_signup"] = bool(cleaned["guest_signup"])
    if cleaned["kind"] != EventKind.GROUP_MEETING:
        cleaned["group"] = None
    return cleaned


@transaction.atomic
def create_event(partnership: Partnership, *, by: Any, **fields: Any) -> Event:
    """Plan an event; the organiser is the planner unless someone else is named."""
    cleaned = _clean(fields)
    cleaned["organiser"] = cleaned["organiser"] or by
    errors = _problems(partnership, cleaned)
    if cleaned["starts_at"] is not None and cleaned["starts_at"] <= timezone.now():
        errors.setdefault("starts_at", []).append(_("An event cannot start in the past."))
    if errors:
        raise ValidationError(errors)
    return Event.objects.create(partnership=partnership, created_by=by, **cleaned)


@transaction.atomic
def update_event(event: Event, *, by: Any, **fields: Any) -> Event:
    """Change an event. Calendars see the change (SEQUENCE goes up); a later start means a new
    reminder; more places move people up from the waiting list."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise ValidationError(_("A cancelled event cannot be changed."))
    cleaned = _clean(fields)
    cleaned["organiser"] = cleaned["organiser"] or locked.organiser
    errors = _problems(locked.partnership, cleaned)
    signed_up = _places_taken(locked)
    waiting = _someone_waits(locked)
    if cleaned["capacity"] is not None and cleaned["capacity"] < signed_up:
        errors.setdefault("capacity", []).append(
            _("%(count)s people have signed up already: give at least that many places.") % {"count": signed_up}
        )
    if not cleaned["signup_required"] and (signed_up or waiting):
        errors.setdefault("signup_required", []).append(
            _("People have signed up already: sign-up stays on. Cancel the event to call it off.")
        )
    if cleaned["kind"] not in INFORMATION_SESSIONS and locked.guests.active().exists():
        errors.setdefault("kind", []).append(
            _("Guests have signed up: it stays an information session. Cancel the event to call it off.")
        )
    if errors:
        raise ValidationError(errors)
    changed = [name for name in EDITABLE if getattr(locked, name) != cleaned[name]]
    if not changed:
        return locked
    moved = "starts_at" in changed
    for name in changed:
        setattr(locked, name, cleaned[name])
    locked.sequence += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*changed, "sequence", "updated_at"])
    if moved:
        # The reminder is for the day before the (new) start.
        locked.registrations.active().update(reminded_at=None)
        locked.guests.active().update(reminded_at=None)
    _fill_places(locked)
    return locked


@transaction.atomic
def cancel_event(event: Event, *, by: Any, reason: str = "") -> Event:
    """Call an event off. It stays in the calendar as cancelled (calendars show it struck
    through), and everyone who signed up or waits is told."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise ValidationError(_("This event has been cancelled already."))
    if locked.ends_at <= timezone.now():
        raise ValidationError(_("This event is over; it can no longer be cancelled."))
    now = timezone.now()
    locked.cancelled_at = now
    locked.cancelled_by = by
    locked.cancel_reason = (reason or "").strip()
    locked.sequence += 1
    locked.updated_at = now
    locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "sequence", "updated_at"])

    from . import guest_tasks, tasks

    transaction.on_commit(lambda: tasks.notify_event_cancelled.enqueue(locked.pk))
    transaction.on_commit(lambda: guest_tasks.notify_guests_of_cancellation.enqueue(locked.pk))
    return locked


# --- Sign-up ----------------------------------------------------------------------------------


@transaction.atomic
def sign_up(event: Event, *, user: Any) -> Registration:
    """Sign ``user`` up: a place if one is free, else a place on the waiting list."""
    # The lock makes concurrent sign-ups for this event wait for each other (see the module doc).
    locked = Event.objects.select_for_update().get(pk=event.pk)
    now = timezone.now()
    if not locked.signup_required:
        raise ValidationError(_("This event needs no sign-up: just come."))
    if locked.is_cancelled:
        raise ValidationError(_("This event has been cancelled."))
    if now >= locked.signup_closes_at():
        raise ValidationError(_("Sign-up for this event has closed."))
    if not _is_member(locked.partnership, user):
        raise ValidationError(_("Only members of the partnership can sign up."))
    if not may_sign_up(locked, user):
        assert locked.group is not None  # only a group meeting is for some members
        raise ValidationError(
            _("This meeting is for the members of %(group)s: only they can sign up.") % {"group": locked.group.name}
        )
    if locked.registrations.active().filter(user_id=user.pk).exists():
        raise ValidationError(_("You have signed up for this event already."))
    return Registration.objects.create(
        event=locked,
        user=user,
        status=RegistrationStatus.CONFIRMED if _has_free_place(locked) else RegistrationStatus.WAITING,
        signed_up_at=now,
    )


@transaction.atomic
def cancel_sign_up(event: Event, *, user: Any) -> Registration:
    """Take back ``user``'s sign-up; a freed place goes to the first on the waiting list."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    registration = locked.registrations.active().filter(user_id=user.pk).first()
    if registration is None:
        raise ValidationError(_("You have not signed up for this event."))
    if locked.has_started():
        raise ValidationError(_("This event has started; your sign-up can no longer be cancelled."))
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    _fill_places(locked)
    return registration


# --- Places, shared by members and guests -----------------------------------------------------

AnySignUp = Registration | GuestRegistration


def _places_taken(event: Event) -> int:
    return event.registrations.confirmed().count() + event.guests.confirmed().count()


def _someone_waits(event: Event) -> bool:
    return event.registrations.waiting().exists() or event.guests.waiting().exists()


def _has_free_place(event: Event) -> bool:
    """Whether a newcomer gets a place rather than a place in the queue: there is a free place and
    nobody waits for one already. The caller holds the lock on ``event``."""
    return event.capacity is None or (_places_taken(event) < event.capacity and not _someone_waits(event))


def _queue_order(entry: AnySignUp) -> tuple[datetime.datetime, bool, int]:
    # Members before guests only when they signed up at the very same moment.
    return (entry.signed_up_at, isinstance(entry, GuestRegistration), entry.pk)


def waiting_list(event: Event) -> list[AnySignUp]:
    """The one waiting list of members and guests, first come first served."""
    return sorted([*event.registrations.waiting(), *event.guests.waiting()], key=_queue_order)


def place_in_queue(entry: AnySignUp) -> int | None:
    """Where ``entry`` stands on its event's waiting list (1 is next), or None if it has a place."""
    if entry.status != RegistrationStatus.WAITING:
        return None
    ahead = [other for other in waiting_list(entry.event) if _queue_order(other) < _queue_order(entry)]
    return len(ahead) + 1


def _fill_places(event: Event) -> list[AnySignUp]:
    """Move people (members and guests) up from the waiting list into free places, first come
    first served, and tell them. The caller holds the lock on ``event``."""
    if event.is_cancelled or event.has_started():
        return []
    promoted = waiting_list(event)
    if event.capacity is not None:
        free = event.capacity - _places_taken(event)
        if free <= 0:
            return []
        promoted = promoted[:free]
    now = timezone.now()
    for entry in promoted:
        entry.status = RegistrationStatus.CONFIRMED
        entry.promoted_at = now
        entry.save(update_fields=["status", "promoted_at"])

    from . import guest_tasks, tasks

    for entry in promoted:
        if isinstance(entry, GuestRegistration):
            transaction.on_commit(partial(guest_tasks.notify_guest_promoted.enqueue, entry.pk))
        else:
            transaction.on_commit(partial(tasks.notify_promoted.enqueue, entry.pk))
    return promoted


# --- Guests: information sessions opened to people without an account -------------------------


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def sign_up_guest(
    event: Event,
    *,
    name: str,
    email: str,
    organisation: str = "",
    phone: str = "",
    language: str,
    consent: bool,
) -> GuestRegistration:
    """Sign a guest up for an information session opened to guests: a place if one is free, else
    a place on the (shared) waiting list. The confirmation e-mail, with the private link to
    cancel, goes out after the commit; ``language`` is the language of the page they used."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    now = timezone.now()
    if not locked.is_open_to_guests:
        raise ValidationError(_("Guests cannot sign up for this event."))
    if locked.is_cancelled:
        raise ValidationError(_("This event has been cancelled."))
    if now >= locked.signup_closes_at():
        raise ValidationError(_("Sign-up for this event has closed."))
    name, email = " ".join(name.split()), email.strip().lower()
    organisation, phone = " ".join(organisation.split()), phone.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give your name.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address, so we can send you the confirmation.")]
    if locked.kind == EventKind.EMPLOYER_SESSION and not organisation:
        errors["organisation"] = [_("Give the name of your company or organisation.")]
    if not consent:
        errors["consent"] = [_("We can only sign you up if you agree to this use of your data.")]
    if not errors and locked.guests.active().filter(email__iexact=email).exists():
        errors["email"] = [
            _(
                "%(email)s has signed up for this event already. The confirmation e-mail has a link to "
                "cancel, should you not be able to come."
            )
            % {"email": email}
        ]
    if errors:
        raise ValidationError(errors)
    guest = GuestRegistration.objects.create(
        event=locked,
        status=RegistrationStatus.CONFIRMED if _has_free_place(locked) else RegistrationStatus.WAITING,
        name=name,
        email=email,
        organisation=organisation,
        phone=phone,
        language=_language(language),
        consent_at=now,
        signed_up_at=now,
    )

    from . import guest_tasks

    transaction.on_commit(lambda: guest_tasks.send_guest_confirmation.enqueue(guest.pk))
    return guest


@transaction.atomic
def issue_guest_token(guest: GuestRegistration) -> str | None:
    """A fresh cancel token for an active guest sign-up (replacing any earlier one), or None when
    there is nothing to cancel any more. Returns the raw token; only its hash is stored. Made by
    the worker as it sends the e-mail, so the task queue never holds it."""
    locked = GuestRegistration.objects.select_for_update().filter(pk=guest.pk).first()
    if locked is None or locked.status not in ACTIVE_STATUSES or locked.is_purged:
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    locked.cancel_token_hash = hash_token(token)
    locked.save(update_fields=["cancel_token_hash"])
    return token


def guest_for_token(token: str) -> GuestRegistration | None:
    """The active guest sign-up whose cancel link holds ``token``; None otherwise."""
    if not token or len(token) > 100:
        return None
    return (
        GuestRegistration.objects.active()
        .not_purged()
        .select_related("event__partnership")
        .filter(cancel_token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def cancel_guest_sign_up(guest: GuestRegistration) -> GuestRegistration:
    """Take back a guest's sign-up; a freed place goes to the first on the waiting list. The
    cancel link works once: its token is forgotten."""
    locked_event = Event.objects.select_for_update().get(pk=guest.event_id)
    locked = GuestRegistration.objects.get(pk=guest.pk)  # read under the event's lock
    if locked.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This sign-up has been cancelled already."))
    if locked_event.has_started():
        raise ValidationError(_("This event has started; your sign-up can no longer be cancelled."))
    locked.status = RegistrationStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancel_token_hash = None
    locked.save(update_fields=["status", "cancelled_at", "cancel_token_hash"])
    _fill_places(locked_event)
    return locked


def guest_list(event: Event) -> list[GuestRegistration]:
    """The guests who come or wait: those with a place first, each group in order of sign-up."""
    guests = event.guests.active().not_purged()
    return sorted(guests, key=lambda g: (g.status != RegistrationStatus.CONFIRMED, g.signed_up_at, g.pk))


# --- The private calendar feed ----------------------------------------------------------------


@transaction.atomic
def renew_feed(user: Any) -> str:
    """Give ``user`` a new feed address (the old one, if any, stops working). Returns the token:
    it is shown once and only its hash is kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_token(token), "created_at": timezone.now(), "last_used_at": None}
    )
    return token


@transaction.atomic
def revoke_feed(user: Any) -> bool:
    """Stop ``user``'s feed address from working. Returns whether there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


USED_EVERY = datetime.timedelta(hours=1)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose address holds ``token``, for an active user; None otherwise. Notes when a
    calendar last read it (at most once an hour, so polling calendars cause few writes)."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > USED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
