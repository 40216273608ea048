"""Guided intervision (seed 004: "Via begeleide intervisiegesprekken onderzoeken zij concrete
situaties"): a small group of 4 to 8 participants who take turns bringing in a case from their
own work, guided by a facilitator who is not one of them.

What is said in intervision stays in the group. A group's sessions, their work questions and notes
are for its current participants and its facilitator only: not for the partnership's manager who
set the group up, not for coordinators, not for platform administrators. Everyone else gets a 404,
so even the existence of a session is hidden. Whoever leaves the group loses access at once; the
sessions stay, with their case contributor, for those who remain.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Partnership, PartnershipMember

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser

MIN_PARTICIPANTS = 4
MAX_PARTICIPANTS = 8


class MethodQuerySet(models.QuerySet["Method"]):
    def active(self) -> MethodQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: AnyUser) -> MethodQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Method(models.Model):
    """An intervision method the partnership works with (incident method, Balint method, …).

    A method that is taken off the list is archived, not deleted: past sessions keep theirs."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="intervision_methods", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("on the list"), default=True)

    objects = MethodQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervision method")
        verbose_name_plural = _("intervision methods")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="intervision_method_once_per_partnership",
                violation_error_message=_("The partnership already has a method with this name."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="intervision_method_named"),
        ]

    def __str__(self) -> str:
        return self.name


class IntervisionGroupQuerySet(models.QuerySet["IntervisionGroup"]):
    def visible_to(self, user: AnyUser) -> IntervisionGroupQuerySet:
        """Groups of partnerships the user is a member of: their names, not their sessions."""
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def with_access(self, user: AnyUser) -> IntervisionGroupQuerySet:
        """Groups whose sessions ``user`` may open: as a current participant or the facilitator,
        and still a member of the partnership."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.visible_to(user).taken_part_by(user.pk)

    def taken_part_by(self, user_id: int) -> IntervisionGroupQuerySet:
        """Groups in which ``user_id`` is a current participant or the facilitator (the caller has
        checked that the user is a member of the partnership)."""
        participating = Participant.objects.current().filter(member__user_id=user_id).values("group_id")
        return self.filter(Q(pk__in=participating) | Q(facilitator__user_id=user_id, facilitator__left_on__isnull=True))

    def without_active_facilitator(self) -> IntervisionGroupQuerySet:
        """Groups whose facilitator left the partnership or can no longer log in: nobody manages
        them until the partnership's manager appoints a new facilitator."""
        return self.filter(Q(facilitator__left_on__isnull=False) | Q(facilitator__user__is_active=False))


class IntervisionGroup(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="intervision_groups", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=200)
    facilitator = models.ForeignKey(
        PartnershipMember,
        on_delete=models.PROTECT,
        related_name="facilitated_intervision_groups",
        verbose_name=_("facilitator"),
        help_text=_("Guides the sessions and keeps the group together. Not a participant."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = IntervisionGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervision group")
        verbose_name_plural = _("intervision groups")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="intervision_group_name_once_per_partnership",
                violation_error_message=_("The partnership already has an intervision group with this name."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="intervision_group_named"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("intervision:group", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def has_active_facilitator(self) -> bool:
        """The facilitator is still a member of the partnership and can still log in (the
        counterpart of ``without_active_facilitator``)."""
        return self.facilitator.left_on is None and self.facilitator.user.is_active


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def current(self) -> ParticipantQuerySet:
        """Still in the group, and still a member of the partnership."""
        return self.filter(left_on__isnull=True, member__left_on__isnull=True)

    def former(self) -> ParticipantQuerySet:
        return self.exclude(left_on__isnull=True, member__left_on__isnull=True)


class Participant(models.Model):
    """One person's place in an intervision group, from joining to leaving. A rejoin is a new row,
    so the history of who was in the group when stays readable."""

    group = models.ForeignKey(
        IntervisionGroup, on_delete=models.CASCADE, related_name="participants", verbose_name=_("group")
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="intervision_participations",
        verbose_name=_("participant"),
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervision participant")
        verbose_name_plural = _("intervision participants")
        ordering = ["member__user__name", "member__user__email", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                condition=Q(left_on__isnull=True),
                name="intervision_participant_once",
                violation_error_message=_("This person already takes part in the group."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="intervision_participant_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.user} in {self.group}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None and self.member.left_on is None


class IntervisionSessionQuerySet(models.QuerySet["IntervisionSession"]):
    def visible_to(self, user: AnyUser) -> IntervisionSessionQuerySet:
        """Only the sessions of groups the user now takes part in or facilitates."""
        return self.filter(group__in=IntervisionGroup.objects.with_access(user))

    def upcoming(self, today: datetime.date | None = None) -> IntervisionSessionQuerySet:
        return self.filter(held_on__gte=today or timezone.localdate())


class IntervisionSession(models.Model):
    group = models.ForeignKey(
        IntervisionGroup, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("group")
    )
    held_on = models.DateField(_("date"))
    case_contributor = models.ForeignKey(
        PartnershipMember,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case contributor"),
        help_text=_("The participant who brings in a situation from their own work."),
    )
    work_question = models.TextField(
        _("work question"), blank=True, help_text=_("What the case contributor wants to find out or learn.")
    )
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("method"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = IntervisionSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervision session")
        verbose_name_plural = _("intervision sessions")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["group", "held_on"], name="intervision_session_date_idx")]

    def __str__(self) -> str:
        # Never the work question or the notes: this text ends up in the audit log.
        return _("Intervision session of %(date)s") % {"date": date_format(self.held_on, "j F Y")}

    def get_absolute_url(self) -> str:
        return reverse(
            "intervision:session", kwargs={"slug": self.group.partnership.slug, "group": self.group_id, "pk": self.pk}
        )
