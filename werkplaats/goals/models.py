"""Goals with indicators: the measurable evaluation criteria a steering group steers on (seed 002:
"stuur op meetbare resultaten").

A goal belongs to a partnership and may be linked to groups, so that working groups can report
against it. Each indicator has a target, a direction and a period; its value is either entered
by hand (``IndicatorValue`` rows, with date and source) or computed live from platform data by
one of the metrics in ``metrics.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Group, Partnership

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser


class GoalQuerySet(models.QuerySet["Goal"]):
    def visible_to(self, user: AnyUser) -> GoalQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Goal(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="goals", verbose_name=_("partnership")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("What the partners want to achieve."))
    groups = models.ManyToManyField(
        Group,
        related_name="goals",
        blank=True,
        verbose_name=_("linked groups"),
        help_text=_("Groups that work on this goal and report against it; their members may enter values."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Goals are shown from low to high."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class IndicatorSource(models.TextChoices):
    """Where an indicator's value comes from: entered by hand, or one of the computed metrics
    (``metrics.METRICS`` holds their definitions under the same keys)."""

    ENTERED = "entered", _("entered by hand")
    CERTIFICATES_ISSUED = "certificates_issued", _("praktijkverklaringen issued (computed)")
    TRAJECTORIES_STARTED = "trajectories_started", _("trajectories started (computed)")
    MEDIAN_LEAD_TIME = "median_lead_time", _("median lead time (computed)")
    WITHIN_SIX_MONTHS = "within_six_months", _("share completed within 6 months (computed)")
    EMPLOYERS_ACTIVE = "employers_active", _("recognised employers active (computed)")
    REPORTS_ON_TIME = "reports_on_time", _("progress reports on time (computed)")


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def visible_to(self, user: AnyUser) -> IndicatorQuerySet:
        return self.filter(goal__partnership__in=Partnership.objects.visible_to(user))


class Indicator(models.Model):
    """A measurable evaluation criterion of a goal: a target for a period."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal"))
    name = models.CharField(_("indicator"), max_length=200)
    source = models.CharField(
        _("value"),
        max_length=30,
        choices=IndicatorSource.choices,
        default=IndicatorSource.ENTERED,
        help_text=_("Entered by hand, with a date and a source, or computed live from the platform's data."),
    )
    unit = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_("For example: praktijkverklaringen, days, %, students.")
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    cumulative = models.BooleanField(
        _("counts up over the period"),
        default=False,
        help_text=_(
            "For an entered number that only grows during the period (a total so far). Then the target is "
            "compared with the part of the period that has passed."
        ),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="indicator_period_ends_after_start",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
            models.CheckConstraint(condition=Q(source__in=IndicatorSource.values), name="indicator_source_known"),
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="indicator_direction_known"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_entered(self) -> bool:
        return self.source == IndicatorSource.ENTERED


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def visible_to(self, user: AnyUser) -> IndicatorValueQuerySet:
        return self.filter(indicator__goal__partnership__in=Partnership.objects.visible_to(user))


class IndicatorValue(models.Model):
    """A value of an entered indicator, as measured on a date, with where it comes from."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the number comes from, e.g. SBB-rapportage Q3.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["measured_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="indicator_value_once_per_day",
                violation_error_message=_("There is already a value for this date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"
