"""The rules of the calendar: planning, changing and cancelling events, signing up with a limited
number of places and a waiting list, and the private calendar feed.

Places are handed out under a lock on the event's row (``select_for_update``): two members who
ask for the last place at the same moment are served one after the other, so the second finds the
event full and joins the waiting list. (SQLite has no row locks; it serialises writers on the
whole database file instead, which has the same effect for this purpose.)

Who may plan an event is the view's business (``can_plan`` and ``can_manage`` below answer it):
the partnership's manager plans any event, a group's coordinator the meetings of that group.
"""

from __future__ import annotations

import datetime
import secrets
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group, Partnership, PartnershipMember

from .models import CalendarFeed, Event, EventKind, Registration, RegistrationStatus, hash_token

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
    signed_up = locked.registrations.confirmed().count()
    waiting = locked.registrations.waiting().exists()
    if cleaned["capacity"] is not None and cleaned["capacity"] < signed_up:
        errors.setdefault("capacity", []).append(
            _("%(count)s people have signed up already: give at least that many places.") % {"count": signed_up}
        )
    if not cleaned["signup_required"] and (signed_up or waiting):
        errors.setdefault("signup_required", []).append(
            _("People have signed up already: sign-up stays on. Cancel the event to call it off.")
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

    from . import tasks

    transaction.on_commit(lambda: tasks.notify_event_cancelled.enqueue(locked.pk))
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
    if locked.registrations.active().filter(user_id=user.pk).exists():
        raise ValidationError(_("You have signed up for this event already."))
    confirmed = locked.registrations.confirmed().count()
    queue = locked.registrations.waiting().exists()
    free = locked.capacity is None or (confirmed < locked.capacity and not queue)
    return Registration.objects.create(
        event=locked,
        user=user,
        status=RegistrationStatus.CONFIRMED if free else RegistrationStatus.WAITING,
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


def _fill_places(event: Event) -> list[Registration]:
    """Move people up from the waiting list into free places, first come first served, and tell
    them. The caller holds the lock on ``event``."""
    if event.is_cancelled or event.has_started():
        return []
    waiting = event.registrations.waiting()
    if event.capacity is not None:
        free = event.capacity - event.registrations.confirmed().count()
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])

    from . import tasks

    for registration in promoted:
        transaction.on_commit(partial(tasks.notify_promoted.enqueue, registration.pk))
    return promoted


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
