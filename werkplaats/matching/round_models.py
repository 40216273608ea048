"""Batch matching rounds: the learners seeking a place in a region, the places offered there, both sides'
rankings, and the proposal the round computes (the learner-optimal stable matching)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Region, Role
from werkplaats.trajectories.models import Trajectory


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open for preferences")
    PUBLISHED = "published", _("published")


class MatchingRoundQuerySet(models.QuerySet["MatchingRound"]):
    def visible_to(self, user: Any) -> MatchingRoundQuerySet:
        """The region's coordinators; consultants and others who see a learner in the round; the staff of an
        employer with a place in it."""
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        from .models import EMPLOYER_ROLES

        return self.filter(
            Q(region_id__in=access.region_ids(Role.COORDINATOR))
            | Q(pk__in=RoundLearner.objects.filter(trajectory__in=Trajectory.objects.visible_to(user)).values("round"))
            | Q(
                pk__in=RoundPlace.objects.filter(
                    place__employer_id__in=access.organisation_ids(*EMPLOYER_ROLES)
                ).values("round")
            )
        )


class MatchingRound(models.Model):
    """One round of matching in a region: collect, rank, compute, review, publish."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(
        _("start date"),
        help_text=_("Learners start on this date: recognitions and the periods of places are checked on it."),
    )
    preferences_until = models.DateField(
        _("preferences until"),
        null=True,
        blank=True,
        help_text=_("Until when learners, consultants and employers give their preferences."),
    )
    status = models.CharField(_("state"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Any change to the lists or the rankings moves `changed_at`; the proposal is current while
    # computed_at >= changed_at.
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Figures of the last computation: both modes' total score, blocking pairs, differences.
    comparison = models.JSONField(_("comparison"), default=dict, blank=True)

    objects = MatchingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("matching:round", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_current(self) -> bool:
        """A proposal exists and nothing changed since it was computed."""
        return self.computed_at is not None and self.computed_at >= self.changed_at


class Outcome(models.TextChoices):
    """Why a learner got the place they got, or none."""

    MATCHED = "matched", _("matched")
    NOT_SEARCHING = "not_searching", _("no longer looking for a workplace")
    NO_QUALIFICATION = "no_qualification", _("no qualification chosen")
    NO_PLACES = "no_places", _("no place in this round for the qualification")
    NO_CHOICES = "no_choices", _("no places ranked")
    NONE_ACCEPTABLE = "none_acceptable", _("none of the ranked places can take this learner")
    OUTRANKED = "outranked", _("the ranked places went to candidates the employers ranked higher")


class ChoiceNote(models.TextChoices):
    """Why one ranked place did not become the learner's."""

    DECLINED = "declined", _("the employer declined")
    NOT_RECOGNISED = "not_recognised", _("not recognised for the qualification on the start date")
    PERIOD = "period", _("not offered on the start date")
    NO_ROOM = "no_room", _("no free place in this round")
    OTHER_QUALIFICATION = "other_qualification", _("a place for another qualification")
    FILLED = "filled", _("filled by candidates the employer ranked higher")
    MATCHED = "matched", _("matched here")
    NOT_NEEDED = "not_needed", _("ranked lower than the place the learner got")


class PlaceNote(models.TextChoices):
    """Why a place keeps empty seats after the round."""

    FULL = "full", _("all places filled")
    NOT_RECOGNISED = "not_recognised", _("not recognised for the qualification on the start date")
    PERIOD = "period", _("not offered on the start date")
    NO_ROOM = "no_room", _("no free place in this round")
    NO_CANDIDATES = "no_candidates", _("no learner ranked this place")
    DECLINED_ALL = "declined_all", _("the employer declined every candidate")
    FEWER_CANDIDATES = "fewer_candidates", _("fewer acceptable candidates than places")
    CANDIDATES_ELSEWHERE = "candidates_elsewhere", _("the other candidates got a place they ranked higher")


class RoundPlace(models.Model):
    """A learning place taking part in a round, with the number of learners it takes in this round."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="places", verbose_name=_("round"))
    place = models.ForeignKey(
        "matching.LearningPlace", on_delete=models.CASCADE, related_name="+", verbose_name=_("learning place")
    )
    capacity = models.PositiveSmallIntegerField(_("places in this round"))
    ranked_at = models.DateTimeField(_("candidates ranked"), null=True, blank=True)
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Results of the last computation.
    usable = models.PositiveSmallIntegerField(_("usable places"), default=0)
    filled = models.PositiveSmallIntegerField(_("filled"), default=0)
    note = models.CharField(_("note"), max_length=30, choices=PlaceNote.choices, blank=True)

    class Meta:
        verbose_name = _("place in a round")
        verbose_name_plural = _("places in a round")
        ordering = ["place__employer__name", "place__crebo"]
        constraints = [models.UniqueConstraint(fields=["round", "place"], name="round_place_once")]

    def __str__(self) -> str:
        return str(self.place)

    @property
    def empty(self) -> int:
        return max(0, self.usable - self.filled)


class RoundLearner(models.Model):
    """A trajectory looking for a place in a round, with the result of the last computation."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="learners", verbose_name=_("round"))
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="matching_rounds", verbose_name=_("trajectory")
    )
    ranked_at = models.DateTimeField(_("places ranked"), null=True, blank=True)
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed = models.ForeignKey(
        RoundPlace,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matched",
        verbose_name=_("proposed place"),
    )
    optimal = models.ForeignKey(
        RoundPlace,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place in the highest-score assignment"),
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    # [[round place id, ChoiceNote], ...] in the learner's order, from the last computation.
    notes = models.JSONField(_("notes per ranked place"), default=list, blank=True)
    request = models.ForeignKey(
        "matching.PlacementRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placement request"),
    )

    class Meta:
        verbose_name = _("learner in a round")
        verbose_name_plural = _("learners in a round")
        ordering = ["trajectory__learner__last_name", "trajectory__learner__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "trajectory"], name="round_learner_once")]

    def __str__(self) -> str:
        return str(self.trajectory.learner)


class LearnerChoice(models.Model):
    """A place the learner (with their consultant) finds acceptable, and its rank (1 = first choice)."""

    learner = models.ForeignKey(RoundLearner, on_delete=models.CASCADE, related_name="choices")
    place = models.ForeignKey(RoundPlace, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "place"], name="learner_choice_once"),
            models.UniqueConstraint(fields=["learner", "rank"], name="learner_choice_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.rank}. {self.place_id}"


class EmployerChoice(models.Model):
    """The employer's answer about one candidate: a rank (1 = first choice), or not acceptable. Candidates
    without an answer follow the ranked ones, by score."""

    place = models.ForeignKey(RoundPlace, on_delete=models.CASCADE, related_name="answers")
    learner = models.ForeignKey(RoundLearner, on_delete=models.CASCADE, related_name="answers")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    declined = models.BooleanField(_("not acceptable"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "learner"], name="employer_choice_once"),
            models.CheckConstraint(
                condition=Q(declined=False) | Q(rank__isnull=True), name="employer_choice_declined_unranked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_id}: {'-' if self.declined else self.rank} {self.learner_id}"
