"""Partnerships (samenwerkingsverbanden, professionele werkplaatsen): who takes part, in which
role, and the groups through which the partnership steers itself.

A partnership is not an organisation's tenant: it spans organisations. Its pages are for its
members only (``Partnership.objects.visible_to``), whatever roles they hold in their own
organisations; platform administrators are no exception.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.models import Organisation, OrganisationKind, Region

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class PartnershipKind(models.TextChoices):
    PROFESSIONAL_WORKPLACE = "professional_workplace", _("professional workplace (professionele werkplaats)")
    PRAKTIJKLEREN_NETWORK = "praktijkleren_network", _("regional praktijkleren network")
    TRAINING_PARTNERSHIP = "training_partnership", _("training partnership of school and workplace")
    OTHER = "other", _("other partnership")


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def visible_to(self, user: AnyUser) -> PartnershipQuerySet:
        """Partnerships in which the user is an active member. Nobody else sees them, not even
        platform administrators: reflections, scans and tensions are the members' own business."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            pk__in=PartnershipMember.objects.active().filter(user_id=user.pk).values("partnership_id"),
            is_active=True,
        )


class Partnership(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=PartnershipKind.choices)
    regions = models.ManyToManyField(
        Region,
        related_name="partnerships",
        blank=True,
        verbose_name=_("labour-market regions"),
        help_text=_("The regions the partnership works in. Figures computed from trajectories count these regions."),
    )
    vision = models.TextField(_("vision"), blank=True, help_text=_("Why the partners work together."))
    ambition = models.TextField(_("shared ambition"), blank=True, help_text=_("What the partners want to achieve."))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", kwargs={"slug": self.slug})

    def school_ids(self) -> list[int]:
        """The partner organisations that are schools (for figures per school)."""
        from werkplaats.organisations.models import SCHOOL_KINDS

        return [
            p.organisation_id
            for p in self.partners.active().select_related("organisation")
            if p.organisation.kind in SCHOOL_KINDS
        ]


class Perspective(models.TextChoices):
    """From where a member looks at the partnership; scan results are split by it."""

    EDUCATION = "education", _("education")
    WORK_FIELD = "work_field", _("work field")
    PUBLIC = "public", _("public organisation")
    LEARNERS = "learners", _("learners")
    OTHER = "other", _("other")


def perspective_of(organisation: Organisation | None) -> str:
    """The usual perspective of someone who represents ``organisation``."""
    if organisation is None:
        return Perspective.OTHER
    if organisation.is_school:
        return Perspective.EDUCATION
    if organisation.kind in (OrganisationKind.EMPLOYER, OrganisationKind.SW_COMPANY):
        return Perspective.WORK_FIELD
    if organisation.kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.UWV, OrganisationKind.SBB):
        return Perspective.PUBLIC
    return Perspective.OTHER


class PartnerQuerySet(models.QuerySet["Partner"]):
    def active(self) -> PartnerQuerySet:
        return self.filter(left_on__isnull=True)


class Partner(models.Model):
    """An organisation that takes part in a partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="partners", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("organisation")
    )
    contribution = models.TextField(
        _("contribution"), blank=True, help_text=_("What the organisation brings to the partnership and wants from it.")
    )
    joined_on = models.DateField(_("joined on"), default=datetime.date.today)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=Q(left_on__isnull=True),
                name="partner_once_per_partnership",
                violation_error_message=_("This organisation is already a partner."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.partnership})"


class Level(models.TextChoices):
    """The level at which a representative works for the partnership (seed 002)."""

    STRATEGIC = "strategic", _("strategic")
    TACTICAL = "tactical", _("tactical")
    OPERATIONAL = "operational", _("operational")


class MemberRole(models.TextChoices):
    """Roles inside the partnership (seed 003). A manager (beheerder) coordinates the partnership
    in Werkplaats: adds partners and members, sets up groups and goals, opens scan rounds."""

    INTERNAL = "internal", _("internal member")
    EXTERNAL = "external", _("external member")
    MANAGER = "manager", _("manager (coordinator)")
    AMBASSADOR = "ambassador", _("ambassador")


MEMBER_ROLE_DESCRIPTIONS = {
    MemberRole.INTERNAL: _("Works in one of the partner organisations and takes part in the partnership's work."),
    MemberRole.EXTERNAL: _("Takes part from outside the partner organisations, for example as an adviser."),
    MemberRole.MANAGER: _("Coordinates the partnership: partners, members, groups, goals, agreements and scans."),
    MemberRole.AMBASSADOR: _("Tells others about the partnership and brings in new employers and people."),
}


class PartnershipMemberQuerySet(models.QuerySet["PartnershipMember"]):
    def active(self) -> PartnershipMemberQuerySet:
        return self.filter(left_on__isnull=True)

    def visible_to(self, user: AnyUser) -> PartnershipMemberQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class PartnershipMember(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="members", verbose_name=_("partnership")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partnership_memberships",
        verbose_name=_("person"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("represents"),
        help_text=_("The partner organisation this person speaks for; empty for an external member."),
    )
    role = models.CharField(_("role in the partnership"), max_length=20, choices=MemberRole.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective.choices)
    position = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("For example: director, teacher, team leader.")
    )
    joined_on = models.DateField(_("joined on"), default=datetime.date.today)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = PartnershipMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership member")
        verbose_name_plural = _("partnership members")
        ordering = ["user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"],
                condition=Q(left_on__isnull=True),
                name="partnership_member_once",
                violation_error_message=_("This person is already a member of the partnership."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partnership}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def is_manager(self) -> bool:
        return self.role == MemberRole.MANAGER and self.left_on is None


class GroupKind(models.TextChoices):
    STEERING = "steering", _("steering group")
    WORKING = "working", _("working group / temporary working unit")
    LEARNING_COMMUNITY = "learning_community", _("professional learning community")


class GroupQuerySet(models.QuerySet["Group"]):
    def open(self) -> GroupQuerySet:
        return self.filter(closed_on__isnull=True)

    def visible_to(self, user: AnyUser) -> GroupQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Group(models.Model):
    """A steering group, a working group (temporary working unit: theme, assignment with a
    concrete measurable result, a term, a coordinator, accountable to a group at a cadence) or a
    professional learning community."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="groups", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    assignment = models.TextField(_("assignment"), blank=True, help_text=_("What the group is asked to do."))
    result = models.TextField(
        _("result"),
        blank=True,
        help_text=_("The concrete, measurable result by which the group knows its assignment is done."),
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    accountable_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accountable_groups",
        verbose_name=_("accounts to"),
        help_text=_("The group it reports its progress to, usually the steering group."),
    )
    report_every_weeks = models.PositiveSmallIntegerField(
        _("reports every (weeks)"), null=True, blank=True, help_text=_("How often the group reports its progress.")
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(
        _("closing note"), blank=True, help_text=_("What was achieved and how it is anchored in everyday work.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="group_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(report_every_weeks__isnull=True) | Q(report_every_weeks__gte=1),
                name="group_report_cadence_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class GroupMemberQuerySet(models.QuerySet["GroupMember"]):
    def active(self) -> GroupMemberQuerySet:
        return self.filter(left_on__isnull=True)


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("group"))
    member = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="group_memberships", verbose_name=_("member")
    )
    quality = models.CharField(
        _("chosen for"), max_length=200, blank=True, help_text=_("The quality this person brings to the group.")
    )
    joined_on = models.DateField(_("joined on"), default=datetime.date.today)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                condition=Q(left_on__isnull=True),
                name="group_member_once",
                violation_error_message=_("This person is already in the group."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.user} in {self.group}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class ActionOrigin(models.TextChoices):
    """Where an action was agreed: the action list links back to it."""

    MANUAL = "manual", _("agreed in a meeting")
    PROGRESS_REPORT = "progress_report", _("steering group decision on a progress report")
    REFLECTION = "reflection", _("reflection session")
    SCAN = "scan", _("health scan")


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: datetime.date | None = None) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def visible_to(self, user: AnyUser) -> ActionQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Action(models.Model):
    """An agreed action with an owner and a due date: the partnership's decision and action list."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="actions", verbose_name=_("partnership")
    )
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnership_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("group")
    )
    origin = models.CharField(_("agreed in"), max_length=20, choices=ActionOrigin.choices, default=ActionOrigin.MANUAL)
    origin_id = models.PositiveIntegerField(null=True, blank=True, help_text="The id of the report, session or round.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("agreed by")
    )
    created_at = models.DateTimeField(_("agreed"), default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.status == ActionStatus.OPEN
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )


class ReportStatus(models.TextChoices):
    DUE = "due", _("due")
    SUBMITTED = "submitted", _("submitted")
    ANSWERED = "answered", _("answered by the steering group")


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def visible_to(self, user: AnyUser) -> ProgressReportQuerySet:
        return self.filter(group__partnership__in=Partnership.objects.visible_to(user))

    def unsubmitted(self) -> ProgressReportQuerySet:
        return self.filter(submitted_at__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> ProgressReportQuerySet:
        return self.unsubmitted().filter(due_on__lt=today or timezone.localdate())


class ProgressReport(models.Model):
    """A working group's account to the group it is accountable to (usually the steering group):
    progress against its assignment and the partnership's goals, obstacles, what it needs, next
    steps; and the steering group's decision or response.

    A report exists from the moment it is due (the cadence creates it); ``submitted_at`` says
    whether and when it came in, so "on time" is ``submitted_at`` on or before ``due_on``."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reports", verbose_name=_("group"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE)
    progress = models.TextField(_("progress on the assignment"), blank=True)
    goals_progress = models.TextField(_("contribution to the partnership's goals"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    needs = models.TextField(_("what the group needs"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decision = models.TextField(_("decision or response of the steering group"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "due_on"], name="progress_report_once_per_due_date"),
            models.CheckConstraint(
                condition=Q(status="due", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False, decided_at__isnull=True)
                | Q(status="answered", submitted_at__isnull=False, decided_at__isnull=False),
                name="progress_report_status_matches_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.due_on}"

    @property
    def on_time(self) -> bool | None:
        """Whether it came in by the end of its due date; None while it has not come in."""
        if self.submitted_at is None:
            return None
        return timezone.localdate(self.submitted_at) <= self.due_on

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.submitted_at is None and self.due_on < (today or timezone.localdate())
