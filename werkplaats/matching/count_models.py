"""What the suggestions count for each learning place, stored so that a search over thousands of
places reads them instead of counting trajectories and requests every time. ``counts.py`` keeps each
row equal to a fresh count whenever a trajectory, request or place changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.models import Organisation


class PlaceCounts(models.Model):
    """One row per learning place. ``accepted`` and ``placed`` are the place's own; ``completed``
    and ``stopped`` are the employer's (every qualification), repeated on each of its places."""

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

    class Meta:
        verbose_name = _("learning place counts")
        verbose_name_plural = _("learning place counts")

    def __str__(self) -> str:
        return f"{self.place_id}: {self.accepted}/{self.placed}/{self.completed}/{self.stopped}"
