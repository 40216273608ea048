"""Learning places offered by employers, what a learner looks for, and the requests that
propose a learner to an employer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Municipality, Organisation, OrganisationKind, Role
from werkplaats.trajectories.models import Learner, Trajectory

# Employer staff who answer requests for their company's places.
EMPLOYER_ROLES = (Role.WORKPLACE_TRAINER, Role.ADMIN)


class LearningPlaceQuerySet(models.QuerySet["LearningPlace"]):
    def visible_to(self, user: Any) -> LearningPlaceQuerySet:
        """What a company offers says nothing about people: everyone logged in may read it,
        like the register of recognised learning companies."""
        return self.all() if user is not None and user.is_authenticated else self.none()


class LearningPlace(models.Model):
    """The places an employer offers for one qualification: how many learners at the same time,
    in which period, and what the company can offer them."""

    employer = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="learning_places",
        limit_choices_to={"kind": OrganisationKind.EMPLOYER},
        verbose_name=_("employer"),
    )
    crebo = models.CharField(_("qualification (crebo)"), max_length=5)
    capacity = models.PositiveSmallIntegerField(_("places"), help_text=_("How many learners at the same time."))
    period_start = models.DateField(_("available from"))
    period_end = models.DateField(_("available until"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    target_groups = models.JSONField(
        _("target groups the company supports"),
        default=list,
        blank=True,
        help_text=_("Target groups the company has experience with and can give extra support."),
    )
    trainer_available = models.BooleanField(_("a workplace trainer is available"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LearningPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning place")
        verbose_name_plural = _("learning places")
        ordering = ["employer__name", "crebo"]
        constraints = [
            # One offer per employer and qualification: placed trajectories (which know the
            # employer and qualification, not the place) then count against exactly one offer.
            models.UniqueConstraint(fields=["employer", "crebo"], name="learning_place_once_per_qualification"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="learning_place_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["crebo", "period_start"], name="learning_place_crebo_idx")]

    def __str__(self) -> str:
        return f"{self.employer}: {self.crebo}"


class LearnerPreference(models.Model):
    """What the learner looks for in a place; used to rank suggestions, never to exclude."""

    learner = models.OneToOneField(
        Learner, on_delete=models.CASCADE, related_name="matching_preference", verbose_name=_("learner")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lives in"),
        help_text=_("Distances are measured from here; without it, from the learner's organisation."),
    )
    max_distance_km = models.PositiveSmallIntegerField(
        _("travels at most (km)"), null=True, blank=True, help_text=_("Places further away rank lower.")
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week wanted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("learner's preference")
        verbose_name_plural = _("learners' preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__lte=60),
                name="learner_preference_hours_at_most_60",
            ),
        ]

    def __str__(self) -> str:
        return str(self.learner)

    def audit_repr(self) -> str:
        return f"#{self.learner_id}"


class RequestStatus(models.TextChoices):
    PROPOSED = "proposed", _("waiting for the employer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_REQUEST_STATES = frozenset({RequestStatus.PROPOSED, RequestStatus.ACCEPTED})

ALLOWED_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.PROPOSED: frozenset({RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN}),
    RequestStatus.ACCEPTED: frozenset({RequestStatus.WITHDRAWN}),
    RequestStatus.DECLINED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
}


class PlacementRequestQuerySet(models.QuerySet["PlacementRequest"]):
    def open(self) -> PlacementRequestQuerySet:
        return self.filter(status__in=OPEN_REQUEST_STATES)

    def visible_to(self, user: Any) -> PlacementRequestQuerySet:
        """Those who see the trajectory, and the employer's staff who answer the request."""
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        return self.filter(
            Q(trajectory__in=Trajectory.objects.visible_to(user))
            | Q(employer_id__in=access.organisation_ids(*EMPLOYER_ROLES))
        )


class PlacementRequest(models.Model):
    """A consultant asks an employer to take a learner on one of its places. Accepting does not
    place the learner: the consultant confirms the placement through the trajectory."""

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="placement_requests", verbose_name=_("trajectory")
    )
    employer = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="placement_requests", verbose_name=_("employer")
    )
    place = models.ForeignKey(
        LearningPlace, on_delete=models.PROTECT, related_name="requests", verbose_name=_("learning place")
    )
    status = models.CharField(
        _("state"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PROPOSED, db_index=True
    )
    message = models.TextField(_("message to the employer"), blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the request was declined or withdrawn."))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = PlacementRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement request")
        verbose_name_plural = _("placement requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "place"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="placement_request_one_open_per_place",
            ),
        ]
        indexes = [models.Index(fields=["employer", "status"], name="placement_request_employer_idx")]

    def __str__(self) -> str:
        return f"{self.trajectory_id} → {self.employer}"

    def get_absolute_url(self) -> str:
        return reverse("matching:request", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATES


# The batch matching rounds live in their own module; Django finds models through this one.
from .round_models import (  # noqa: E402
    ChoiceNote,
    EmployerChoice,
    LearnerChoice,
    MatchingRound,
    Outcome,
    PlaceNote,
    RoundLearner,
    RoundPlace,
    RoundStatus,
)

__all__ = [
    "EMPLOYER_ROLES",
    "ChoiceNote",
    "EmployerChoice",
    "LearnerChoice",
    "LearnerPreference",
    "LearningPlace",
    "MatchingRound",
    "Outcome",
    "PlaceNote",
    "PlacementRequest",
    "RequestStatus",
    "RoundLearner",
    "RoundPlace",
    "RoundStatus",
]

# The counts the suggestions read, kept up to date by counts.py.
from .count_models import PlaceCounts  # noqa: E402

__all__ += ["PlaceCounts"]
