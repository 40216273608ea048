"""Reflection sessions (seed 002: "Reflecteer. Sta als stuurgroep en andere betrokkenen regelmatig
stil bij bovenstaande factoren. Zitten we nog op de goede weg? Is iedereen nog betrokken en
geïnspireerd? Gaan we er nog voor met elkaar?").

A partnership keeps its own prompt sets, each in one language and for one purpose: reflection
sessions, or annual and development conversations (seed 004's questions about professional space).
A set can start from one of the built-in sets (``starting_sets``). A session copies the prompts of the set it is planned
with, so that changing the set later never changes what was asked in a past session. Each
participant answers each prompt; the answers are shared, with names, among the participants. The
manager or the session's organiser closes it with a summary and follow-up actions (on the
partnership's action list, origin "reflection")."""

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


class PromptSetQuerySet(models.QuerySet["PromptSet"]):
    def visible_to(self, user: AnyUser) -> PromptSetQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def own_language_first(self, language: str) -> PromptSetQuerySet:
        """The sets in ``language`` first, then the other languages; by name within each."""
        return self.alias(
            other_language=models.Case(
                models.When(language=language, then=0), default=1, output_field=models.IntegerField()
            )
        ).order_by("other_language", "language", "name", "id")


class PromptSetPurpose(models.TextChoices):
    REFLECTION = "reflection", _("reflection sessions")
    CONVERSATION = "conversation", _("annual and development conversations")


class PromptSet(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="prompt_sets", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    purpose = models.CharField(
        _("used for"), max_length=20, choices=PromptSetPurpose.choices, default=PromptSetPurpose.REFLECTION
    )
    # The key of the built-in set it was started from (see starting_sets), so that a built-in
    # set is added once per language even after it was renamed; empty for a set of its own.
    built_in = models.CharField(_("built-in set"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = PromptSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("prompt set")
        verbose_name_plural = _("prompt sets")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "language", "name"],
                name="prompt_set_name_once_per_language",
                violation_error_message=_("The partnership already has a prompt set with this name in this language."),
            ),
            models.UniqueConstraint(
                fields=["partnership", "built_in", "language"],
                condition=~Q(built_in=""),
                name="prompt_set_built_in_once_per_language",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Prompt(models.Model):
    prompt_set = models.ForeignKey(PromptSet, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("prompt"), max_length=300)

    class Meta:
        verbose_name = _("prompt")
        verbose_name_plural = _("prompts")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["prompt_set", "position"], name="prompt_position_once_per_set"),
        ]

    def __str__(self) -> str:
        return self.text


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CLOSED = "closed", _("closed")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.PLANNED: {SessionStatus.CLOSED},
    SessionStatus.CLOSED: set(),
}


class ReflectionSessionQuerySet(models.QuerySet["ReflectionSession"]):
    def visible_to(self, user: AnyUser) -> ReflectionSessionQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def planned(self) -> ReflectionSessionQuerySet:
        return self.filter(status=SessionStatus.PLANNED)

    def closed(self) -> ReflectionSessionQuerySet:
        return self.filter(status=SessionStatus.CLOSED)


class ReflectionSession(models.Model):
    """A moment at which a group, or the whole partnership, stops to reflect."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="reflection_sessions", verbose_name=_("partnership")
    )
    title = models.CharField(_("title"), max_length=200)
    scheduled_on = models.DateField(_("date"))
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reflection_sessions",
        verbose_name=_("group"),
        help_text=_("Its members take part; empty: every member of the partnership."),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("organiser")
    )
    prompt_set_name = models.CharField(_("prompt set"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    summary = models.TextField(_("summary"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("planned"), default=timezone.now)

    objects = ReflectionSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflection session")
        verbose_name_plural = _("reflection sessions")
        ordering = ["-scheduled_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(summary="")),
                name="reflection_session_closed_with_summary",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status", "scheduled_on"], name="reflection_session_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:session", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.PLANNED


class SessionPrompt(models.Model):
    """A prompt as it was asked in one session: a copy, so later edits of the set leave it be."""

    session = models.ForeignKey(ReflectionSession, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("prompt"), max_length=300)

    class Meta:
        verbose_name = _("prompt of a session")
        verbose_name_plural = _("prompts of a session")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="session_prompt_position_once"),
        ]

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    """One participant's answer to one prompt, shown to the other participants with their name."""

    prompt = models.ForeignKey(SessionPrompt, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("participant")
    )
    text = models.TextField(_("answer"))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["prompt__position", "author__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "author"], name="answer_once_per_prompt"),
            models.CheckConstraint(condition=~Q(text=""), name="answer_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.prompt}"
