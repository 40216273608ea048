"""The partnership's calendar: meetings of the partnership and its groups, and information
sessions for employers and candidates (seed 003: "lift mee met de informatiebijeenkomsten van de
mbo-opleidingen"), with sign-up, capacity, a waiting list and reminders; and each person's private
iCalendar feed.

Events are for the partnership's members, like every partnership page: every member sees every
event, a group meeting too (openness), but only the group's members sign up for a group meeting.
An information session can also be opened to guests: employers and candidates without an account
sign up on a public page (``GuestRegistration``), sharing the places and the waiting list with the
members. Their personal data is deleted 30 days after the session (see ``guest_tasks``).
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Group, Partnership

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser


class EventKind(models.TextChoices):
    PARTNERSHIP_MEETING = "partnership", _("partnership meeting")
    GROUP_MEETING = "group", _("group meeting")
    EMPLOYER_SESSION = "employer_session", _("information session for employers")
    CANDIDATE_SESSION = "candidate_session", _("information session for candidates")


INFORMATION_SESSIONS = (EventKind.EMPLOYER_SESSION, EventKind.CANDIDATE_SESSION)


def _counted(model: type[models.Model], status: str) -> Coalesce:
    """The number of ``model`` rows (sign-ups of members or guests) with ``status`` per event, as
    a subquery: two counts over two relations in one join would multiply each other."""
    rows = (
        model._default_manager.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1]), 0)


def taken(status: str) -> Any:
    """Members' and guests' sign-ups with ``status`` together: they share the places."""
    return _counted(Registration, status) + _counted(GuestRegistration, status)


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: AnyUser) -> EventQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def not_cancelled(self) -> EventQuerySet:
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, now: datetime.datetime | None = None) -> EventQuerySet:
        """Events that have not ended yet (a meeting in progress is still upcoming)."""
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now: datetime.datetime | None = None) -> EventQuerySet:
        return self.filter(ends_at__lte=now or timezone.now())

    def for_reader(self, user_id: int) -> EventQuerySet:
        """With the numbers of places taken (``confirmed_count``) and waiting (``waiting_count``),
        members and guests together, and the reader's own sign-up status (``my_status``), in the
        query that fetches them."""
        mine = Registration.objects.active().filter(event=OuterRef("pk"), user_id=user_id).values("status")[:1]
        return self.select_related("group", "organiser").annotate(
            confirmed_count=taken(RegistrationStatus.CONFIRMED),
            waiting_count=taken(RegistrationStatus.WAITING),
            my_status=Subquery(mine),
        )

    def open_to_guests(self) -> EventQuerySet:
        """Information sessions whose public sign-up page is on."""
        return self.filter(guest_signup=True, kind__in=INFORMATION_SESSIONS)


class Event(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="events", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("group"),
        help_text=_("For a group meeting: the group that meets."),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    location = models.CharField(
        _("address"), max_length=300, blank=True, help_text=_("Where the meeting takes place, if in person.")
    )
    online_url = models.URLField(
        _("online link"), max_length=500, blank=True, help_text=_("The link to join online, if online.")
    )
    description = models.TextField(_("description"), blank=True)
    signup_required = models.BooleanField(
        _("sign-up required"), default=False, help_text=_("Members sign up, so the organiser knows who comes.")
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("The most people who can come; when it is full, others join a waiting list. Empty: no limit."),
    )
    signup_deadline = models.DateTimeField(
        _("sign up before"), null=True, blank=True, help_text=_("Empty: until the start.")
    )
    guest_signup = models.BooleanField(
        _("open sign-up for guests"),
        default=False,
        help_text=_(
            "Employers and candidates without an account sign up on a public page. Only for information "
            "sessions with sign-up."
        ),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    # The address of the public sign-up page: random, so nobody finds a session by counting, and
    # apart from ``uid`` (which every member's calendar holds) so it can be given out on its own.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The UID of the event in calendars: random, so it gives nothing away, and stable across edits.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # iCalendar SEQUENCE: raised on every change a calendar should pick up.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["partnership", "starts_at"], name="event_partnership_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(kind="group", group__isnull=False) | (~Q(kind="group") & Q(group__isnull=True)),
                name="event_group_for_group_meeting",
                violation_error_message=_("A group meeting needs a group; other events have none."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1, signup_required=True),
                name="event_capacity_needs_signup",
                violation_error_message=_("Places can only be limited when members sign up."),
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__isnull=True)
                | Q(signup_deadline__lte=models.F("starts_at"), signup_required=True),
                name="event_signup_deadline_before_start",
                violation_error_message=_("The sign-up deadline must be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(guest_signup=False)
                | Q(guest_signup=True, signup_required=True, kind__in=["employer_session", "candidate_session"]),
                name="event_guests_for_information_sessions",
                violation_error_message=_("Only information sessions with sign-up can be opened to guests."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    def get_public_url(self) -> str:
        """The public sign-up page for guests (it exists only while ``guest_signup`` is on)."""
        return reverse("meetings:guest-page", kwargs={"public_id": self.public_id})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_information_session(self) -> bool:
        return self.kind in INFORMATION_SESSIONS

    @property
    def is_open_to_guests(self) -> bool:
        return self.guest_signup and self.is_information_session

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def signup_closes_at(self) -> datetime.datetime:
        return self.signup_deadline or self.starts_at

    def signup_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.signup_required and not self.is_cancelled and now < self.signup_closes_at()


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("signed up")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("signed_up_at", "pk")

    def visible_to(self, user: AnyUser) -> RegistrationQuerySet:
        return self.filter(event__partnership__in=Partnership.objects.visible_to(user))


class Registration(models.Model):
    """A member's sign-up for an event: a place, or a place on the waiting list. Cancelling keeps
    the row (status cancelled); signing up again makes a new one, at the back of the queue."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Claimed by the reminder task before it sends the e-mail (see tasks.send_reminders).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="registration_once_per_event",
                violation_error_message=_("You have signed up for this event already."),
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="registration_cancelled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class GuestRegistrationQuerySet(models.QuerySet["GuestRegistration"]):
    def active(self) -> GuestRegistrationQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self) -> GuestRegistrationQuerySet:
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self) -> GuestRegistrationQuerySet:
        """The guests on the waiting list, first come first served (members wait in the same
        queue: see ``services.waiting_list``)."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("signed_up_at", "pk")

    def not_purged(self) -> GuestRegistrationQuerySet:
        return self.filter(purged_at__isnull=True)

    def visible_to(self, user: AnyUser) -> GuestRegistrationQuerySet:
        return self.filter(event__partnership__in=Partnership.objects.visible_to(user))


class GuestRegistration(models.Model):
    """The sign-up of someone outside the partnership (an employer, a candidate) for an
    information session, made on its public page without an account. Like a member's sign-up it
    takes a place or a place on the waiting list; cancelling keeps the row.

    The guest cancels with the private link in the confirmation e-mail: its token is the
    credential, and only the token's SHA-256 is kept (as for the calendar feed). 30 days after
    the session the personal fields are emptied (``purged_at``); the row stays, so the numbers
    remain."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guests", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    # The language of the page the guest signed up on: their e-mails are written in it.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    consent_at = models.DateTimeField(_("agreed to the use of the data"))
    cancel_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Claimed by the reminder job before it sends the e-mail (see guest_tasks.remind_guests).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data deleted"), null=True, blank=True)

    objects = GuestRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("guest sign-up")
        verbose_name_plural = _("guest sign-ups")
        ordering = ["signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=Q(status__in=["confirmed", "waiting"], purged_at__isnull=True),
                name="guest_registration_once_per_event",
                violation_error_message=_("This e-mail address has signed up for this event already."),
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="guest_registration_cancelled_has_date",
            ),
            models.CheckConstraint(
                condition=Q(purged_at__isnull=True, name__gt="")
                | Q(purged_at__isnull=False, name="", email="", organisation="", phone="", cancel_token_hash=None),
                name="guest_registration_purged_has_no_personal_data",
            ),
        ]

    def __str__(self) -> str:
        # No name or e-mail: this text goes into the audit log, which is never purged.
        return f"guest {self.pk} @ {self.event}"

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's private iCalendar feed. The token in its address is the credential; only its
    SHA-256 is kept, so the address is shown once, when it is made, and a leaked database gives
    no working address. Revoking deletes the row; renewing replaces the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("person")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last read by a calendar"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"
