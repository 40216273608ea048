from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.trajectories.models import Learner


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("at the learner's request")
    RETENTION = "retention", _("the retention period ended")


class Erasure(models.Model):
    """A learner whose personal data was cleared or pseudonymised. The learner row stays (with its
    trajectories' dates and states, for the counts and lead times) under a pseudonym."""

    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="erasure", verbose_name=_("learner"))
    reason = models.CharField(_("reason"), max_length=20, choices=ErasureReason.choices)
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.erased_at:%Y-%m-%d}"


class LearnerRecord(Learner):
    """The learners on the management site, where platform administrators erase them."""

    class Meta:
        proxy = True
        verbose_name = _("learner (privacy)")
        verbose_name_plural = _("learners (privacy)")
