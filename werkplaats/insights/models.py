"""What the dashboard reads: one narrow row per trajectory (``TrajectoryFact``), kept equal to its
sources by ``facts.py``.

A region's dashboard counts tens of thousands of trajectories. Read from the trajectories
themselves, every table joined learners, qualifications, funding sources and events, and read rows
spread over the whole (wide) table: seconds nationally. A fact holds what those joins gave, so
that the figures of a period come from one index of a few megabytes (see ``figures.py``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from werkplaats.trajectories.models import MAIN_PATH, Status, Trajectory

# The funnel: the main path through the states.
FUNNEL = MAIN_PATH

# The columns the dashboard groups its counts by (figures.GROUPINGS), in a fixed order.
GROUPED_COLUMNS = (
    "school_id",
    "employer_id",
    "crebo",
    "level",
    "route",
    "target_group",
    "funding",
    "furthest",
    "stop_reason",
    "outcome_at_completion",
    "outcome_after_six_months",
)

# The states whose time the dashboard shows, with the column holding the seconds spent in them.
STAY_COLUMNS = {
    Status.REFERRED: "referred_seconds",
    Status.INTAKE: "intake_seconds",
    Status.SEARCHING: "searching_seconds",
    Status.PLACED: "placed_seconds",
    Status.IN_PROGRESS: "in_progress_seconds",
    Status.ASSESSMENT: "assessment_seconds",
    Status.PAUSED: "paused_seconds",
}


def _stay() -> models.FloatField:
    return models.FloatField(null=True, blank=True)


class TrajectoryFact(models.Model):
    """A trajectory as the dashboard counts it. Written only by ``facts.py`` (never by hand): the
    ids of organisations are plain numbers, so that a fact is one narrow row. Not shown anywhere
    (its fields have no labels to translate)."""

    trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, primary_key=True, related_name="fact")
    region_id = models.IntegerField(null=True)  # Trajectory.region: the region that counts it
    learner_organisation_id = models.IntegerField(null=True)
    school_id = models.IntegerField(null=True)
    employer_id = models.IntegerField(null=True)
    crebo = models.CharField(max_length=5, blank=True)
    level = models.PositiveSmallIntegerField(null=True)
    route = models.CharField(max_length=30)
    target_group = models.CharField(max_length=30)
    # The kinds of funding, one bit each in the order of FundingKind; 0: none recorded.
    funding = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=20)
    ended_at = models.DateTimeField(null=True)  # None while it runs
    stop_reason = models.CharField(max_length=20, blank=True)
    outcome_at_completion = models.CharField(max_length=30, blank=True)
    outcome_after_six_months = models.CharField(max_length=30, blank=True)
    # The furthest state of the main path reached (its position in figures.FUNNEL); -1: none.
    furthest = models.SmallIntegerField(default=-1)
    # Seconds spent in each state, every stay until the next event added up; None: no such stay.
    referred_seconds = _stay()
    intake_seconds = _stay()
    searching_seconds = _stay()
    placed_seconds = _stay()
    in_progress_seconds = _stay()
    assessment_seconds = _stay()
    paused_seconds = _stay()

    class Meta:
        verbose_name = _("trajectory fact")
        verbose_name_plural = _("trajectory facts")
        indexes = [
            # A region's trajectories of a period: those still running (ended_at NULL) or ended
            # since its start. On PostgreSQL the index holds every column the figures group and
            # count by, so that they are read from the index alone (an index-only scan).
            models.Index(
                fields=["region_id", "ended_at"],
                name="fact_region_ended_idx",
                include=["created_at", "status", *GROUPED_COLUMNS, *STAY_COLUMNS.values()],
            ),
            models.Index(fields=["learner_organisation_id", "ended_at"], name="fact_registrar_ended_idx"),
            models.Index(fields=["school_id", "ended_at"], name="fact_school_ended_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id}"
