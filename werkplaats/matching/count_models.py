"""What the suggestions need to know of each learning place beyond the place itself, stored so that a
search over thousands of places reads one row per place instead of counting trajectories and requests
and looking up employers and recognitions every time. ``counts.py`` keeps each row equal to a fresh
count whenever a trajectory, request, place, recognition, employer or municipality changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.models import Organisation, Region


class PlaceCounts(models.Model):
    """One row per learning place. ``accepted`` and ``placed`` are the place's own; ``completed``
    and ``stopped`` are the employer's (every qualification), repeated on each of its places, as are
    the employer's facts (active, name, region, coordinates) and its recognitions for the place's
    qualification."""

    place = models.OneToOneField(
        "matching.LearningPlace",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="counts",
        verbose_name=_("learning place"),
    )
    # The place's employer, so that all rows of an employer are found (and replaced) at once.
    employer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("employer"))
    # The place's qualification: the suggestions find the rows of their qualification through it
    # rather than reading the whole table.
    crebo = models.CharField(_("qualification (crebo)"), max_length=5, db_index=True)
    accepted = models.PositiveIntegerField(
        _("accepted, not yet placed"), default=0, help_text=_("Accepted requests whose learner is not placed yet.")
    )
    placed = models.PositiveIntegerField(
        _("placed"), default=0, help_text=_("Trajectories placed at the employer for the place's qualification.")
    )
    completed = models.PositiveIntegerField(_("completed at the employer"), default=0)
    stopped = models.PositiveIntegerField(_("stopped at the employer"), default=0)
    # The employer's facts that the suggestions filter, score and sort by.
    active = models.BooleanField(_("employer active"), default=True)
    employer_name = models.CharField(_("employer name"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer's region"),
    )
    # The employer's coordinates, or else its municipality's.
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    # The employer's recognitions for the place's qualification that were not withdrawn. Their periods
    # never overlap; when there is exactly one (nearly always), its period is stored too.
    recognitions = models.PositiveSmallIntegerField(_("recognitions"), default=0)
    recognition_start = models.DateField(_("recognised from"), null=True, blank=True)
    recognition_end = models.DateField(_("recognised until"), null=True, blank=True)

    class Meta:
        verbose_name = _("learning place counts")
        verbose_name_plural = _("learning place counts")

    def __str__(self) -> str:
        return f"{self.place_id}: {self.accepted}/{self.placed}/{self.completed}/{self.stopped}"
