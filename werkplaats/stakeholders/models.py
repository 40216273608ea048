"""The stakeholder map (partnerschapskaart): who has a stake in the partnership, how much
influence and interest they have, where they stand, how they are engaged, how they relate to
each other and where their interests clash (botsende belangen).

Positions are kept over time: every change of influence, interest, stance or engagement appends
a ``StakeholderSnapshot``, so the map can show where a stakeholder was on an earlier date.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.models import Organisation
from werkplaats.partnerships.models import Partnership, PartnershipMember

from .charts import HIGH_FROM as CHART_HIGH_FROM
from .charts import SCALE

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

SCALE_MIN = 1
SCALE_MAX = SCALE
# On the 1-5 scales, 3 and up counts as high: the grid's dividing lines lie between 2 and 3.
HIGH_FROM = CHART_HIGH_FROM


class StakeholderKind(models.TextChoices):
    ORGANISATION = "organisation", _("organisation")
    GROUP = "group", _("group of people")


class Stance(models.TextChoices):
    """Where the stakeholder stands towards the partnership's aims."""

    SUPPORTIVE = "supportive", _("supportive")
    NEUTRAL = "neutral", _("neutral")
    CRITICAL = "critical", _("critical")
    OPPOSED = "opposed", _("opposed")


class Engagement(models.TextChoices):
    """The engagement ladder, from the least to the most involvement."""

    INFORM = "inform", _("inform")
    CONSULT = "consult", _("consult")
    INVOLVE = "involve", _("involve")
    COLLABORATE = "collaborate", _("collaborate")
    CO_OWN = "co_own", _("co-own")


ENGAGEMENT_STEPS = {value: step for step, value in enumerate(Engagement.values, start=1)}


class Quadrant(models.TextChoices):
    """The four quadrants of the power/interest grid and what to do with who is in them."""

    MANAGE_CLOSELY = "manage_closely", _("manage closely")  # high influence, high interest
    KEEP_SATISFIED = "keep_satisfied", _("keep satisfied")  # high influence, low interest
    KEEP_INFORMED = "keep_informed", _("keep informed")  # low influence, high interest
    MONITOR = "monitor", _("monitor")  # low influence, low interest


def quadrant_of(influence: int, interest: int) -> Quadrant:
    high_influence, high_interest = influence >= HIGH_FROM, interest >= HIGH_FROM
    if high_influence:
        return Quadrant.MANAGE_CLOSELY if high_interest else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if high_interest else Quadrant.MONITOR


class RelationKind(models.TextChoices):
    FUNDS = "funds", _("funds")
    WORKS_WITH = "works_with", _("works with")
    REPRESENTS = "represents", _("represents")
    SUPERVISES = "supervises", _("supervises")
    REFERS = "refers", _("refers people to")
    OTHER = "other", _("other relation")


class TensionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DISCUSSED = "discussed", _("being discussed")
    RESOLVED = "resolved", _("resolved")


def _scale(prefix: str, field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": SCALE_MIN, f"{field}__lte": SCALE_MAX}),
        name=f"{prefix}_{field}_1_to_5",
        violation_error_message=_("Choose a value from 1 to 5."),
    )


class StakeholderQuerySet(models.QuerySet["Stakeholder"]):
    def active(self) -> StakeholderQuerySet:
        return self.filter(removed_at__isnull=True)

    def visible_to(self, user: AnyUser) -> StakeholderQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Stakeholder(models.Model):
    """An organisation or a group of people with a stake in the partnership.

    Removing a stakeholder hides it (``removed_at``) with its relations, tensions and history,
    rather than deleting rows that others refer to."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=StakeholderKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation in Werkplaats"),
        help_text=_("Optional: the organisation as it is registered in Werkplaats."),
    )
    interests = models.TextField(
        _("interests"), blank=True, help_text=_("What the stakeholder wants from, or fears about, the partnership.")
    )
    influence = models.PositiveSmallIntegerField(
        _("influence"), help_text=_("From 1 (hardly any) to 5 (decisive) on the partnership's course.")
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"), help_text=_("From 1 (hardly any) to 5 (very high) in what the partnership does.")
    )
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices, default=Stance.NEUTRAL)
    engagement = models.CharField(
        _("current engagement"), max_length=20, choices=Engagement.choices, default=Engagement.INFORM
    )
    desired_engagement = models.CharField(
        _("desired engagement"), max_length=20, choices=Engagement.choices, default=Engagement.INFORM
    )
    owner = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relation owner"),
        help_text=_("The member who maintains the relation with this stakeholder."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("removed by")
    )

    objects = StakeholderQuerySet.as_manager()

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["name", "id"]
        constraints = [
            _scale("stakeholder", "influence"),
            _scale("stakeholder", "interest"),
            models.UniqueConstraint(
                fields=["partnership", "name"],
                condition=Q(removed_at__isnull=True),
                name="stakeholder_name_once_per_map",
                violation_error_message=_("The map already has a stakeholder with this name."),
            ),
            models.CheckConstraint(
                condition=Q(kind="organisation") | Q(organisation__isnull=True),
                name="stakeholder_only_organisations_link",
                violation_error_message=_("Only an organisation can be linked to an organisation in Werkplaats."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.influence, self.interest)

    @property
    def engagement_gap(self) -> int:
        """Steps up (positive) or down the ladder from the current to the desired engagement."""
        return ENGAGEMENT_STEPS[self.desired_engagement] - ENGAGEMENT_STEPS[self.engagement]


# The fields whose every change is kept as a snapshot.
TRACKED_FIELDS = ("influence", "interest", "stance", "engagement", "desired_engagement")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a snapshot."""


class SnapshotQuerySet(models.QuerySet["StakeholderSnapshot"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Stakeholder snapshots cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Stakeholder snapshots cannot be deleted.")

    def visible_to(self, user: AnyUser) -> SnapshotQuerySet:
        return self.filter(stakeholder__partnership__in=Partnership.objects.visible_to(user))

    def as_of(self, moment: datetime.datetime) -> dict[int, StakeholderSnapshot]:
        """The latest snapshot of each stakeholder recorded at or before ``moment``, by
        stakeholder id: where each stood then. One query."""
        latest: dict[int, StakeholderSnapshot] = {}
        for snapshot in self.filter(recorded_at__lte=moment).order_by("stakeholder_id", "recorded_at", "id"):
            latest[snapshot.stakeholder_id] = snapshot
        return latest


class StakeholderSnapshot(models.Model):
    """Where a stakeholder stood from ``recorded_at`` on, and who recorded it. Append-only."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("stakeholder")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    influence = models.PositiveSmallIntegerField(_("influence"))
    interest = models.PositiveSmallIntegerField(_("interest"))
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    engagement = models.CharField(_("current engagement"), max_length=20, choices=Engagement.choices)
    desired_engagement = models.CharField(_("desired engagement"), max_length=20, choices=Engagement.choices)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("stakeholder snapshot")
        verbose_name_plural = _("stakeholder snapshots")
        ordering = ["-recorded_at", "-id"]
        constraints = [_scale("stakeholder_snapshot", "influence"), _scale("stakeholder_snapshot", "interest")]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} @ {self.recorded_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Stakeholder snapshots cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Stakeholder snapshots cannot be deleted.")

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.influence, self.interest)


class RelationQuerySet(models.QuerySet["Relation"]):
    def active(self) -> RelationQuerySet:
        """Relations between stakeholders that are both still on the map."""
        return self.filter(source__removed_at__isnull=True, target__removed_at__isnull=True)

    def visible_to(self, user: AnyUser) -> RelationQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Relation(models.Model):
    """A directed relation: ``source`` funds / works with / represents / supervises ``target``."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stakeholder_relations", verbose_name=_("partnership")
    )
    source = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="relations_out", verbose_name=_("from")
    )
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="relations_in", verbose_name=_("to"))
    kind = models.CharField(_("kind of relation"), max_length=20, choices=RelationKind.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = RelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["source__name", "target__name", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="stakeholder_relation_not_to_self",
                violation_error_message=_("A stakeholder cannot have a relation with itself."),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="stakeholder_relation_once",
                violation_error_message=_("This relation is already on the map."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"


class TensionQuerySet(models.QuerySet["Tension"]):
    def active(self) -> TensionQuerySet:
        """Tensions between stakeholders that are both still on the map."""
        return self.filter(first__removed_at__isnull=True, second__removed_at__isnull=True)

    def unresolved(self) -> TensionQuerySet:
        return self.exclude(status=TensionStatus.RESOLVED)

    def visible_to(self, user: AnyUser) -> TensionQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Tension(models.Model):
    """Clashing interests (botsende belangen) between two stakeholders."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stakeholder_tensions", verbose_name=_("partnership")
    )
    first = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="tensions_as_first", verbose_name=_("stakeholder")
    )
    second = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="tensions_as_second", verbose_name=_("with stakeholder")
    )
    title = models.CharField(_("what clashes"), max_length=200)
    note = models.TextField(_("note"), blank=True, help_text=_("Both interests, and what has been tried."))
    status = models.CharField(_("status"), max_length=20, choices=TensionStatus.choices, default=TensionStatus.OPEN)
    raised_on = models.DateField(_("noticed on"), default=datetime.date.today)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("tension")
        verbose_name_plural = _("tensions")
        ordering = ["status", "-raised_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=models.F("second")),
                name="stakeholder_tension_two_stakeholders",
                violation_error_message=_("A tension is between two different stakeholders."),
            ),
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_on__isnull=False)
                | (~Q(status="resolved") & Q(resolved_on__isnull=True)),
                name="stakeholder_tension_resolved_has_date",
                violation_error_message=_("A resolved tension has a date of resolution, an unresolved one none."),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("raised_on")),
                name="stakeholder_tension_resolved_after_raised",
                violation_error_message=_("A tension cannot be resolved before it was noticed."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != TensionStatus.RESOLVED
