"""The recognition register: which employer is an erkend leerbedrijf for which qualification,
from when to when, and who at SBB is their fixed contact."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.models import Organisation, OrganisationKind


class RecognitionSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    IMPORT = "import", _("imported from a file")
    SBB = "sbb", _("SBB register")


class RecognitionStatus(models.TextChoices):
    UPCOMING = "upcoming", _("not yet valid")
    VALID = "valid", _("valid")
    ENDED = "ended", _("ended")
    WITHDRAWN = "withdrawn", _("withdrawn")


def valid_on_condition(day: datetime.date, prefix: str = "") -> Q:
    """The validity rule as a condition: started on or before ``day`` and not ended before it.
    ``prefix`` reaches recognitions through a relation (``"recognitions__"`` from an employer)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def register_employers(user: Any) -> models.QuerySet[Organisation]:
    """Employers whose register page the user may read: the register is reference information,
    so every logged-in user reads every employer's page (managing it is another matter)."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=OrganisationKind.EMPLOYER)


class LearningCompany(models.Model):
    """An employer in its role of learning company: SBB identifiers and the fixed SBB adviser
    (seed 003: "organiseer vaste contactpersonen bij het SBB")."""

    employer = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="learning_company",
        limit_choices_to={"kind": OrganisationKind.EMPLOYER},
        verbose_name=_("employer"),
    )
    sbb_company_id = models.CharField(_("SBB learning-company ID"), max_length=20, blank=True)
    sbb_adviser_name = models.CharField(_("SBB adviser"), max_length=150, blank=True)
    sbb_adviser_email = models.EmailField(_("SBB adviser's e-mail address"), blank=True)
    sbb_adviser_phone = models.CharField(_("SBB adviser's phone number"), max_length=30, blank=True)
    offer = models.TextField(
        _("what the company offers"),
        blank=True,
        help_text=_("For example support for specific target groups, hours, or how many trainers are available."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("learning company")
        verbose_name_plural = _("learning companies")

    def __str__(self) -> str:
        return str(self.employer)


class RecognitionQuerySet(models.QuerySet["Recognition"]):
    def valid_on(self, day: datetime.date) -> RecognitionQuerySet:
        """Recognitions in force on ``day``: started, and not ended before it."""
        return self.filter(valid_on_condition(day))

    def for_crebo(self, crebo: str) -> RecognitionQuerySet:
        return self.filter(crebo=crebo)

    def visible_to(self, user: Any) -> RecognitionQuerySet:
        """The register is shared reference information for everyone working in Werkplaats:
        it says which companies may train for which qualification, nothing about people."""
        return self.all() if user is not None and user.is_authenticated else self.none()


class Recognition(models.Model):
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="recognitions",
        limit_choices_to={"kind": OrganisationKind.EMPLOYER},
        verbose_name=_("employer"),
    )
    crebo = models.CharField(
        _("crebo"), max_length=5, help_text=_("The qualification the company is recognised for (5 digits).")
    )
    start_date = models.DateField(_("recognised from"))
    end_date = models.DateField(_("recognised until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RecognitionSource.choices)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    places_offered = models.PositiveSmallIntegerField(
        _("places offered"), default=1, help_text=_("How many learners the company can train at the same time.")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["employer__name", "crebo", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "crebo", "start_date"], name="recognition_unique_period_start"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="recognition_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["crebo", "start_date", "end_date"], name="recognition_crebo_dates_idx"),
            # The employers recognised for a qualification on a date, read from the index alone:
            # the suggestions count those that offer no place.
            models.Index(
                fields=["crebo", "start_date", "end_date", "employer"],
                condition=Q(withdrawn_at__isnull=True),
                name="recognition_current_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer}: {self.crebo}"

    def status_on(self, day: datetime.date) -> RecognitionStatus:
        """Withdrawn wins over the dates: the register must say that SBB (or a coordinator)
        ended it, even while the last days of the period still run."""
        if self.withdrawn_at is not None:
            return RecognitionStatus.WITHDRAWN
        if day < self.start_date:
            return RecognitionStatus.UPCOMING
        if self.end_date is not None and self.end_date < day:
            return RecognitionStatus.ENDED
        return RecognitionStatus.VALID

    def overlaps(self, start_date: datetime.date, end_date: datetime.date | None) -> bool:
        return periods_overlap(self.start_date, self.end_date, start_date, end_date)


def periods_overlap(
    start_a: datetime.date, end_a: datetime.date | None, start_b: datetime.date, end_b: datetime.date | None
) -> bool:
    """Do two periods share at least one day? An open end runs on for ever."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)
