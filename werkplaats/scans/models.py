"""The LOS-in-PW health scan (seed 000): a partnership's members rate statements on the six
elements of *Lerend en Onderzoekend Samenwerken in Professionele Werkplaatsen*.

A partnership keeps its own statements (its scan template). Opening a round copies the active
statements into the round, so later edits of the template never change a past round. Each
member gives one response per round, changeable while the round is open. The response keeps
the member only to prevent a second response; closing the round erases that link, so that
afterwards nobody, not even the database, knows who gave which answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Partnership, PartnershipMember, Perspective

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser


class Element(models.TextChoices):
    """The six elements of the LOS-in-PW model, in the order of the model's picture."""

    LOS = "LOS", _("LOS: learning and researching together")
    GOC = "GOC", _("GOC: a boundary-crossing, development-oriented culture")
    LEA = "LEA", _("LEA: leadership and autonomy")
    SRI = "SRI", _("SRI: setting direction and (re)arranging together")
    VMM = "VMM", _("VMM: freeing up people and means")
    VOR = "VOR", _("VOR: shaping and maintaining relationships")


ELEMENT_DESCRIPTIONS = {
    Element.LOS: _(
        "Learning and researching together is the primary process of everyone involved: citizens, professionals, "
        "students and teachers learn from and with each other, from and during the work."
    ),
    Element.GOC: _(
        "A development-oriented culture that values crossing boundaries: personal ones, those of one's own "
        "organisation and those of one's profession, with a shared repertoire of values, views and actions."
    ),
    Element.LEA: _(
        "Connecting, shared leadership and professional autonomy create ownership, participation and commitment, "
        "built on equality, trust, room to experiment and reciprocity."
    ),
    Element.SRI: _(
        "Arranging the supporting processes, roles and structures together: a shared vision, explicit expectations "
        "and interests, and formal goals, conditions and approach."
    ),
    Element.VMM: _(
        "Freeing up suitable people and sufficient means, in a fitting mix of qualities and quantities, to start "
        "the collaboration and secure the shared ambition."
    ),
    Element.VOR: _(
        "Shaping, maintaining and strengthening equal relationships within and between organisations, at strategic, "
        "tactical and operational level, with openness and regard for the other's needs and perspective."
    ),
}

SCORE_MIN, SCORE_MAX = 1, 5


class StatementQuerySet(models.QuerySet["Statement"]):
    def active(self) -> StatementQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: AnyUser) -> StatementQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Statement(models.Model):
    """A statement of the partnership's scan template."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="scan_statements", verbose_name=_("partnership")
    )
    element = models.CharField(_("element"), max_length=3, choices=Element.choices)
    text = models.CharField(_("statement"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Statements not in use are left out of new scan rounds.")
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("scan statement")
        verbose_name_plural = _("scan statements")
        ordering = ["partnership", "element", "position", "id"]

    def __str__(self) -> str:
        return self.text


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ScanRoundQuerySet(models.QuerySet["ScanRound"]):
    def open(self) -> ScanRoundQuerySet:
        return self.filter(status=RoundStatus.OPEN)

    def closed(self) -> ScanRoundQuerySet:
        return self.filter(status=RoundStatus.CLOSED)

    def visible_to(self, user: AnyUser) -> ScanRoundQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class ScanRound(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="scan_rounds", verbose_name=_("partnership")
    )
    title = models.CharField(_("title"), max_length=120, help_text=_("For example: March 2026."))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closes_on = models.DateField(
        _("planned closing date"), null=True, blank=True, help_text=_("Shown to members; closing is done by hand.")
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = ScanRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("scan round")
        verbose_name_plural = _("scan rounds")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="open"),
                name="scan_round_one_open_per_partnership",
                violation_error_message=_("A scan round is already open."),
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="scan_round_status_matches_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scans:results", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RoundStatement(models.Model):
    """A statement as it was when the round opened."""

    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, related_name="statements", verbose_name=_("round"))
    element = models.CharField(_("element"), max_length=3, choices=Element.choices)
    text = models.CharField(_("statement"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.ForeignKey(
        Statement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("copied from")
    )

    class Meta:
        verbose_name = _("statement of a round")
        verbose_name_plural = _("statements of a round")
        ordering = ["round", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ScanResponse(models.Model):
    """One member's answers in a round. ``member`` only prevents a second response while the
    round is open; closing the round empties it. ``perspective`` is the member's perspective
    when they (last) answered."""

    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, related_name="responses", verbose_name=_("round"))
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respondent"),
    )
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective.choices)
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("scan response")
        verbose_name_plural = _("scan responses")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                name="scan_response_once_per_member",
                violation_error_message=_("You have already answered this round."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class ScanAnswer(models.Model):
    """A score for one statement; no score means "don't know"."""

    response = models.ForeignKey(
        ScanResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    statement = models.ForeignKey(
        RoundStatement, on_delete=models.CASCADE, related_name="answers", verbose_name=_("statement")
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan answer")
        verbose_name_plural = _("scan answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="scan_answer_once_per_statement"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="scan_answer_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.score}"


class ScanComment(models.Model):
    """A respondent's comment on one element, shown without a name after the round closes."""

    response = models.ForeignKey(
        ScanResponse, on_delete=models.CASCADE, related_name="comments", verbose_name=_("response")
    )
    element = models.CharField(_("element"), max_length=3, choices=Element.choices)
    text = models.TextField(_("comment"), max_length=2000)

    class Meta:
        verbose_name = _("scan comment")
        verbose_name_plural = _("scan comments")
        constraints = [models.UniqueConstraint(fields=["response", "element"], name="scan_comment_once_per_element")]

    def __str__(self) -> str:
        return self.text[:60]
