"""Successes worth celebrating (seed 002: "begin met kleine stapjes en zorg voor successen … Vier
ook de behaalde successen!").

Members log the successes they see themselves. The round numbers of praktijkverklaringen that
the partnership's regions and partner schools reach are successes too, but they are not copied
here: the timeline reads them live from ``certificates.Milestone`` (see ``timeline``)."""

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


class SuccessQuerySet(models.QuerySet["Success"]):
    def visible_to(self, user: AnyUser) -> SuccessQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Success(models.Model):
    """A success a member logged: what happened, when, and who added it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="successes", verbose_name=_("partnership")
    )
    title = models.CharField(_("success"), max_length=200)
    description = models.TextField(_("what happened"), blank=True)
    happened_on = models.DateField(_("date"))
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successes",
        verbose_name=_("group"),
        help_text=_("The group that achieved it, if it was one group's work."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = SuccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("success")
        verbose_name_plural = _("successes")
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="success_has_a_title"),
        ]
        indexes = [models.Index(fields=["partnership", "happened_on"], name="success_partnership_date_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("successes:list", kwargs={"slug": self.partnership.slug})
