"""The partnership's calendar: meetings of the partnership and its groups, and information
sessions for employers and candidates (seed 003: "lift mee met de informatiebijeenkomsten van de
mbo-opleidingen"), with sign-up, capacity, a waiting list and reminders; and each person's private
iCalendar feed.

Events are for the partnership's members only, like every partnership page: an information
session for employers is announced to the members, who bring the employers along (people outside
the partnership cannot sign up themselves).
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
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
        """With the numbers of places taken (``confirmed_count``) and waiting (``waiting_count``)
        and the reader's own sign-up status (``my_status``), in the query that fetches them."""
        mine = Registration.objects.active().filter(event=OuterRef("pk"), user_id=user_id).values("status")[:1]
        return self.select_related("group", "organiser").annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
            my_status=Subquery(mine),
        )


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
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
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
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_information_session(self) -> bool:
        return self.kind in (EventKind.EMPLOYER_SESSION, EventKind.CANDIDATE_SESSION)

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
