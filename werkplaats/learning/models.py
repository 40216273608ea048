"""Professional learning communities and action research (seed 004, "professionele ruimte").

A professional learning community (PLG) is a ``partnerships.Group`` of kind
LEARNING_COMMUNITY. This app adds what such a community does: its theme linked to the
partnership's goals (``Community``), its meetings with agenda, notes and decisions (a decision
can become an action on the partnership's action list), a shared knowledge list (what we know,
who is expert) and the results it makes visible to the partnership.

Action research (``ResearchProject``) belongs to a learning community or a working unit and
follows the cycle of seed 004: problem statement and research questions, a theory cycle
(existing knowledge, sources, experts, conclusions), a working hypothesis, a practice cycle
(experiments and what worked), reflection, and the result with what changes in practice. The
project moves through the phases one at a time; each move is recorded in ``PhaseChange``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Action, Group, Partnership

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser


def _visible_groups(user: AnyUser) -> models.QuerySet[Group]:
    return Group.objects.filter(partnership__in=Partnership.objects.visible_to(user))


# --- Learning communities -------------------------------------------------------------------


class CommunityQuerySet(models.QuerySet["Community"]):
    def visible_to(self, user: AnyUser) -> CommunityQuerySet:
        return self.filter(group__partnership__in=Partnership.objects.visible_to(user))


class Community(models.Model):
    """What a learning community adds to its group: the partnership goals its theme serves.
    Created on first use; a learning community without one simply has no linked goals."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="learning_community", verbose_name=_("group")
    )
    goals = models.ManyToManyField(
        "goals.Goal",
        related_name="learning_communities",
        blank=True,
        verbose_name=_("partnership goals"),
        help_text=_("The goals of the partnership that the community's theme serves."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning community")
        verbose_name_plural = _("learning communities")

    def __str__(self) -> str:
        return str(self.group)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        return self.filter(group__in=_visible_groups(user))


class Meeting(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="learning_meetings", verbose_name=_("group")
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:meeting", kwargs={"slug": self.group.partnership.slug, "pk": self.pk})


class Decision(models.Model):
    """A decision taken in a meeting; with an owner and a due date it is also an action on the
    partnership's action list (``action``)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting"))
    text = models.CharField(_("decision"), max_length=300)
    action = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_decision",
        verbose_name=_("action"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class KnowledgeKind(models.TextChoices):
    SOURCE = "source", _("source (literature, website, report)")
    EXPERT = "expert", _("expert")
    PRACTICE = "practice", _("practice example")


class KnowledgeEntryQuerySet(models.QuerySet["KnowledgeEntry"]):
    def visible_to(self, user: AnyUser) -> KnowledgeEntryQuerySet:
        return self.filter(group__in=_visible_groups(user))


class KnowledgeEntry(models.Model):
    """One line of the shared knowledge list: what we know and who is expert."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="knowledge", verbose_name=_("group"))
    kind = models.CharField(_("kind"), max_length=10, choices=KnowledgeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("link or reference"),
        max_length=500,
        blank=True,
        help_text=_("A web address, a book or article reference, or how to reach an expert from outside."),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member who is expert"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = KnowledgeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")
        ordering = ["kind", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="expert") | Q(expert__isnull=False) | ~Q(reference=""),
                name="learning_expert_entry_names_someone",
                violation_error_message=_("Name the member who is expert, or how to reach the expert."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return self.reference.startswith(("https://", "http://"))


class ResultQuerySet(models.QuerySet["CommunityResult"]):
    def visible_to(self, user: AnyUser) -> ResultQuerySet:
        return self.filter(group__in=_visible_groups(user))


class CommunityResult(models.Model):
    """A result the community makes visible to the partnership (seed 004: "zichtbaar maken")."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="learning_results", verbose_name=_("group"))
    achieved_on = models.DateField(_("date"))
    title = models.CharField(_("result"), max_length=200)
    description = models.TextField(_("what it means for the partnership"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-achieved_on", "-id"]

    def __str__(self) -> str:
        return self.title


# --- Action research ------------------------------------------------------------------------


class Phase(models.TextChoices):
    """The cycle of seed 004, in order."""

    PROBLEM = "problem", _("problem statement and research questions")
    THEORY = "theory", _("theory cycle")
    HYPOTHESIS = "hypothesis", _("working hypothesis")
    PRACTICE = "practice", _("practice cycle")
    REFLECTION = "reflection", _("reflection")
    RESULT = "result", _("result and change in practice")
    COMPLETED = "completed", _("completed")


PHASES: list[str] = list(Phase.values)

# Forward one phase at a time; back one phase to go round the cycle again (for example from the
# practice cycle back to the hypothesis when an experiment shows it does not hold).
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    phase: {p for p in (PHASES[i - 1] if i > 0 else None, PHASES[i + 1] if i + 1 < len(PHASES) else None) if p}
    for i, phase in enumerate(PHASES)
}

# The fields each phase edits, and those among them that must be filled before moving on.
PHASE_FIELDS: dict[str, tuple[str, ...]] = {
    Phase.PROBLEM: ("problem_statement", "research_questions"),
    Phase.THEORY: ("existing_knowledge", "sources", "experts_consulted", "theory_conclusions"),
    Phase.HYPOTHESIS: ("working_hypothesis",),
    Phase.PRACTICE: ("practice_conclusions",),
    Phase.REFLECTION: ("reflection",),
    Phase.RESULT: ("result", "practice_changes"),
    Phase.COMPLETED: (),
}
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    Phase.PROBLEM: ("problem_statement", "research_questions"),
    Phase.THEORY: ("existing_knowledge", "theory_conclusions"),
    Phase.HYPOTHESIS: ("working_hypothesis",),
    Phase.PRACTICE: ("practice_conclusions",),
    Phase.REFLECTION: ("reflection",),
    Phase.RESULT: ("result", "practice_changes"),
    Phase.COMPLETED: (),
}


class ResearchProjectQuerySet(models.QuerySet["ResearchProject"]):
    def visible_to(self, user: AnyUser) -> ResearchProjectQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class ResearchProject(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="research_projects", verbose_name=_("partnership")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="research_projects",
        verbose_name=_("group"),
        help_text=_("The learning community or working unit that does the research."),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("Usually the main question."))
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, default=Phase.PROBLEM)
    problem_statement = models.TextField(
        _("problem statement"), blank=True, help_text=_("The problem or question from your own practice.")
    )
    research_questions = models.TextField(
        _("research questions"), blank=True, help_text=_("The questions through which you analyse the problem.")
    )
    existing_knowledge = models.TextField(
        _("existing knowledge"), blank=True, help_text=_("What do we know already, and what knowledge is available?")
    )
    sources = models.TextField(_("sources"), blank=True, help_text=_("Literature, reports and data you consulted."))
    experts_consulted = models.TextField(
        _("experts consulted"), blank=True, help_text=_("Who is expert, and what did they tell you?")
    )
    theory_conclusions = models.TextField(_("conclusions from the theory cycle"), blank=True)
    working_hypothesis = models.TextField(
        _("working hypothesis"), blank=True, help_text=_("What would a better practice look like, and why?")
    )
    practice_conclusions = models.TextField(
        _("what worked"), blank=True, help_text=_("Across the experiments: what worked, what did not, and why.")
    )
    reflection = models.TextField(
        _("reflection"),
        blank=True,
        help_text=_("Looking back with everyone involved: does the hypothesis hold, what did we learn?"),
    )
    result = models.TextField(_("result"), blank=True)
    practice_changes = models.TextField(
        _("what changes in practice"), blank=True, help_text=_("What you will do differently from now on.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ResearchProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("action-research project")
        verbose_name_plural = _("action-research projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=PHASES),
                name="learning_project_phase_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:project", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def phase_index(self) -> int:
        return PHASES.index(self.phase)

    @property
    def is_completed(self) -> bool:
        return self.phase == Phase.COMPLETED

    def reached(self, phase: str) -> bool:
        """Whether the project has come as far as ``phase`` (its phases up to now are editable)."""
        return PHASES.index(phase) <= self.phase_index


class PhaseChange(models.Model):
    """Append-only: who moved the project from which phase to which, and when."""

    project = models.ForeignKey(
        ResearchProject, on_delete=models.CASCADE, related_name="phase_changes", verbose_name=_("project")
    )
    from_phase = models.CharField(_("from"), max_length=12, choices=Phase.choices)
    to_phase = models.CharField(_("to"), max_length=12, choices=Phase.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_phase} → {self.to_phase}"


class Experiment(models.Model):
    """A small try-out in practice (seed 004: "proefjes in de praktijk")."""

    project = models.ForeignKey(
        ResearchProject, on_delete=models.CASCADE, related_name="experiments", verbose_name=_("project")
    )
    title = models.CharField(_("what was tried"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    description = models.TextField(_("how it was done"), blank=True)
    data_collected = models.TextField(
        _("data collected"), blank=True, help_text=_("What you observed, counted or asked, and from whom.")
    )
    what_worked = models.TextField(_("what worked"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="learning_experiment_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class InvolvedRole(models.TextChoices):
    LEARNERS = "learners", _("learners")
    PARENTS = "parents", _("parents")
    COLLEAGUES = "colleagues", _("colleagues")
    RESIDENTS = "residents", _("residents or clients")
    OTHER = "other", _("other")


class Involved(models.Model):
    """Someone involved in the research who need not have an account (seed 004: "alle
    belanghebbenden, zoals leerlingen, ouders, collega's, worden in het onderzoek betrokken")."""

    project = models.ForeignKey(
        ResearchProject, on_delete=models.CASCADE, related_name="involved", verbose_name=_("project")
    )
    name = models.CharField(
        _("who"), max_length=200, help_text=_("A person or a group, for example: parents of class 2B.")
    )
    role = models.CharField(_("as"), max_length=12, choices=InvolvedRole.choices)
    how = models.CharField(_("how they are involved"), max_length=300, blank=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("person or group involved")
        verbose_name_plural = _("people and groups involved")
        ordering = ["role", "name", "id"]

    def __str__(self) -> str:
        return self.name
