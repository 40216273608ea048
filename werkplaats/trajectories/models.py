"""Learners and their trajectories (praktijkleren and other routes), from referral to assessment,
with the three-party learning plan and everything that happens along the way."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Role
from werkplaats.qualifications.models import Qualification, WorkProcess

from .files import private_storage

# Sent after ``QuerySet.update()`` changed trajectories, their learners, events or funding
# sources, which sends no ``post_save``: ``ids`` holds the trajectories concerned. Stored copies
# (the dashboard's facts) listen to it.
trajectories_changed = Signal()


_M = TypeVar("_M", bound=models.Model)


class UpdateSignalling(models.QuerySet[_M]):
    """``update()`` that sends ``trajectories_changed`` with the trajectories whose rows (or whose
    learners', events' or funding's rows) it changed. The ids are read before the update: it may
    change what the filter matches. Without listeners it costs nothing extra."""

    trajectory_ids_from = "trajectory_id"

    def update(self, **kwargs: Any) -> int:
        if not trajectories_changed.has_listeners():
            return super().update(**kwargs)
        ids = {pk for pk in self.order_by().values_list(self.trajectory_ids_from, flat=True) if pk is not None}
        count = super().update(**kwargs)
        if ids:
            trajectories_changed.send(sender=self.model, ids=ids)
        return count


# --- Learners ---------------------------------------------------------------------------------


class TargetGroup(models.TextChoices):
    PARTICIPATIEWET = "participatiewet", _("Participatiewet (social assistance)")
    WW = "ww", _("WW (unemployment benefit)")
    SHELTERED_WORK = "sheltered_work", _("sheltered work (beschut werk / SW)")
    EARLY_SCHOOL_LEAVER = "early_school_leaver", _("early school leaver (VSV)")
    NEWCOMER = "newcomer", _("status holder or newcomer")
    EMPLOYEE = "employee", _("employee (werkende)")
    STUDENT = "student", _("student")
    OTHER = "other", _("other")


class LanguageLevel(models.TextChoices):
    UNKNOWN = "", _("not known")
    A0 = "A0", "A0"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class LearnerQuerySet(UpdateSignalling["Learner"]):
    trajectory_ids_from = "trajectories"

    def visible_to(self, user: Any) -> LearnerQuerySet:
        """Consultants and coordinators see the learners their organisation holds (coordinators:
        their region); school staff and workplace trainers see learners with a trajectory at their
        school or company; a learner sees only themself."""
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        visible_trajectories = Trajectory.objects.visible_to(user)
        return self.filter(
            Q(organisation_id__in=access.organisation_ids(Role.CONSULTANT))
            | Q(organisation__region_id__in=access.region_ids(Role.COORDINATOR))
            | Q(pk__in=visible_trajectories.values("learner_id"))
        ).distinct()


class Learner(models.Model):
    """A participant (deelnemer). Personal data kept to the minimum the process needs."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="learners",
        verbose_name=_("organisation"),
        help_text=_("The organisation that registered the learner and holds the record."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    target_group = models.CharField(_("target group"), max_length=30, choices=TargetGroup.choices)
    language_level = models.CharField(
        _("Dutch language level"), max_length=2, choices=LanguageLevel.choices, blank=True, default=""
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_learners",
        verbose_name=_("referred by"),
    )
    support_needs = models.TextField(
        _("support needs"),
        blank=True,
        help_text=_("Sensitive: only the people working on this learner's trajectory see it. Never exported."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learner",
        verbose_name=_("login"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="learner_org_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("trajectories:learner", kwargs={"pk": self.pk})

    def audit_repr(self) -> str:
        """How the audit log names this record: by number, never by name, as the log is kept
        longer than the learner's data and outlives an erasure."""
        return f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# --- Trajectories -----------------------------------------------------------------------------


class Route(models.TextChoices):
    BOL = "bol", _("BOL (school-based, with work placements)")
    BBL = "bbl", _("BBL (work-based, a job with school one day a week)")
    THIRD_ROUTE = "derde_leerweg", _("third learning route (derde leerweg)")
    PRAKTIJKLEREN = "praktijkleren", _("praktijkleren (learning at work, praktijkverklaring)")
    WORKPLACE_LEARNING = "werkplekleren", _("hbo/wo work placement (werkplekleren)")
    STAFF_DEVELOPMENT = "professionalisering", _("professional development of staff")


# Routes outside mbo: the qualification is optional and the recognition guard does not apply.
NON_MBO_ROUTES = frozenset({Route.WORKPLACE_LEARNING, Route.STAFF_DEVELOPMENT})


class IntendedOutcome(models.TextChoices):
    DIPLOMA = "diploma", _("diploma")
    CERTIFICATE = "certificaat", _("certificate (certificaat)")
    PRACTICE_CERTIFICATE = "praktijkverklaring", _("praktijkverklaring")
    OWN_GOALS = "eigen_doelen", _("own goals")


class Status(models.TextChoices):
    REFERRED = "aangemeld", _("referred")
    INTAKE = "intake", _("intake")
    SEARCHING = "zoeken", _("looking for a workplace")
    PLACED = "geplaatst", _("placed")
    IN_PROGRESS = "in_uitvoering", _("learning at work")
    ASSESSMENT = "beoordeling", _("assessment")
    COMPLETED = "afgerond", _("completed")
    PAUSED = "gepauzeerd", _("paused")
    STOPPED = "gestopt", _("stopped")


FINAL_STATES = frozenset({Status.COMPLETED, Status.STOPPED})
# The main path through the states, in order (pausing and stopping step off it).
MAIN_PATH: tuple[str, ...] = (
    Status.REFERRED,
    Status.INTAKE,
    Status.SEARCHING,
    Status.PLACED,
    Status.IN_PROGRESS,
    Status.ASSESSMENT,
    Status.COMPLETED,
)
OPEN_STATES = frozenset(set(Status) - FINAL_STATES)

# Every allowed change of state. Resuming a paused trajectory returns it to the state it was
# paused in (see services.transition), so PAUSED lists every state it can return to.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REFERRED: frozenset({Status.INTAKE, Status.PAUSED, Status.STOPPED}),
    Status.INTAKE: frozenset({Status.SEARCHING, Status.PAUSED, Status.STOPPED}),
    Status.SEARCHING: frozenset({Status.PLACED, Status.PAUSED, Status.STOPPED}),
    Status.PLACED: frozenset({Status.IN_PROGRESS, Status.SEARCHING, Status.PAUSED, Status.STOPPED}),
    Status.IN_PROGRESS: frozenset({Status.ASSESSMENT, Status.PAUSED, Status.STOPPED}),
    Status.ASSESSMENT: frozenset({Status.COMPLETED, Status.IN_PROGRESS, Status.PAUSED, Status.STOPPED}),
    Status.PAUSED: frozenset(
        {Status.REFERRED, Status.INTAKE, Status.SEARCHING, Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT}
        | {Status.STOPPED}
    ),
    Status.COMPLETED: frozenset(),
    Status.STOPPED: frozenset(),
}


class StopReason(models.TextChoices):
    FOUND_WORK = "found_work", _("found work elsewhere")
    OTHER_EDUCATION = "other_education", _("went on to other education")
    HEALTH = "health", _("health")
    MOTIVATION = "motivation", _("motivation or attendance")
    EMPLOYER_ENDED = "employer_ended", _("the employer ended the placement")
    NO_PLACE = "no_place", _("no suitable workplace found")
    MOVED = "moved", _("moved away")
    OTHER = "other", _("other")


class FollowUp(models.TextChoices):
    WORK_SAME_EMPLOYER = "work_same_employer", _("work with that employer")
    OTHER_WORK = "other_work", _("other work")
    FURTHER_EDUCATION = "further_education", _("further education")
    NONE = "none", _("none")
    UNKNOWN = "unknown", _("unknown")


class TrajectoryQuerySet(UpdateSignalling["Trajectory"]):
    trajectory_ids_from = "pk"

    def open(self) -> TrajectoryQuerySet:
        return self.exclude(status__in=FINAL_STATES)

    def visible_to(self, user: Any) -> TrajectoryQuerySet:
        """Consultants: their organisation's learners. School staff: where their school is the
        school. Workplace trainers: at their company. Coordinators: their region. Learners: their
        own. Everything else does not exist for the user (404)."""
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        regions = access.region_ids(Role.COORDINATOR)
        ways = [
            ("learner__organisation_id__in", access.organisation_ids(Role.CONSULTANT)),
            ("school_id__in", access.organisation_ids(Role.SCHOOL_STAFF)),
            ("employer_id__in", access.organisation_ids(Role.WORKPLACE_TRAINER)),
            ("learner__organisation__region_id__in", regions),
            ("school__region_id__in", regions),
            ("employer__region_id__in", regions),
        ]
        # Only the ways the user has: an empty list matches nothing, and leaving it out spares
        # every query of this set its joins (and Python the compiling of them).
        visible = Q(learner__user_id=access.user_id)
        for lookup, ids in ways:
            if ids:
                visible |= Q(**{lookup: ids})
        return self.filter(visible)

    def for_page(self) -> TrajectoryQuerySet:
        """With the learner and the parties loaded: what every trajectory page shows."""
        return self.select_related(
            "learner__organisation",
            "qualification",
            "school",
            "employer",
            "workplace_trainer",
            "school_coach",
            "consultant",
        )


# The fields whose change can change the region that counts a trajectory.
REGION_SOURCES = frozenset({"learner", "learner_id", "employer", "employer_id", "school", "school_id"})


class Trajectory(models.Model):
    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="trajectories", verbose_name=_("learner")
    )
    route = models.CharField(_("learning route"), max_length=30, choices=Route.choices)
    intended_outcome = models.CharField(_("intended outcome"), max_length=30, choices=IntendedOutcome.choices)
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
        verbose_name=_("qualification"),
        help_text=_("The version of the qualification the learner works towards."),
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="school_trajectories",
        verbose_name=_("school"),
    )
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employer_trajectories",
        verbose_name=_("employer"),
    )
    workplace_trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trained_trajectories",
        verbose_name=_("workplace trainer"),
    )
    school_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coached_trajectories",
        verbose_name=_("school coach"),
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consulted_trajectories",
        verbose_name=_("consultant"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    status = models.CharField(_("state"), max_length=20, choices=Status.choices, default=Status.REFERRED, db_index=True)
    status_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    review_interval_weeks = models.PositiveSmallIntegerField(
        _("progress review every (weeks)"), default=6, help_text=_("How often the three parties meet.")
    )
    stop_reason = models.CharField(_("reason for stopping"), max_length=20, choices=StopReason.choices, blank=True)
    outcome_at_completion = models.CharField(
        _("outcome at completion"), max_length=30, choices=FollowUp.choices, blank=True
    )
    outcome_after_six_months = models.CharField(
        _("outcome six months later"), max_length=30, choices=FollowUp.choices, blank=True
    )
    aftercare_checked_on = models.DateField(_("aftercare checked on"), null=True, blank=True)
    # Stored for counting (dashboards): kept by ``save`` and by ``regions.py`` when an organisation
    # or a learner moves.
    region = models.ForeignKey(
        "organisations.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The region that counts it: the learner's organisation's, else the employer's or the school's."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="trajectory_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_weeks__gte=1) & Q(review_interval_weeks__lte=52),
                name="trajectory_review_interval_1_52",
            ),
        ]
        indexes = [
            models.Index(fields=["employer", "status"], name="trajectory_employer_status_idx"),
            models.Index(fields=["school", "status"], name="trajectory_school_status_idx"),
            # The dashboard: a region's trajectories registered, and completed or stopped, in a period.
            models.Index(fields=["region", "created_at"], name="trajectory_region_created_idx"),
            models.Index(fields=["region", "status", "status_changed_at"], name="trajectory_region_status_idx"),
        ]

    def __str__(self) -> str:
        what = self.qualification.name if self.qualification_id and self.qualification else self.get_route_display()
        return f"{self.learner}: {what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Stores the region that counts the trajectory whenever its learner, employer or school may
        have changed (one query)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not REGION_SOURCES.isdisjoint(update_fields):
            from .regions import region_of

            self.region_id = region_of(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "region"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("trajectories:detail", kwargs={"pk": self.pk})

    def audit_repr(self) -> str:
        return f"#{self.pk}"

    def get_route_short_display(self) -> str:
        """The learning route's name without the explanation in brackets, for narrow columns:
        "BBL", not "BBL (beroepsbegeleidende leerweg: ...)"."""
        return str(self.get_route_display()).split(" (")[0]

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATES

    @property
    def needs_recognition(self) -> bool:
        return self.route not in NON_MBO_ROUTES


class EventKind(models.TextChoices):
    CREATED = "created", _("registered")
    TRANSITION = "transition", _("change of state")
    EMPLOYER_CHANGE = "employer_change", _("change of employer")


class TrajectoryEvent(models.Model):
    """Append-only record of what happened to a trajectory. Lead times come from these rows,
    never from editable fields."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.TRANSITION)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = UpdateSignalling.as_manager()

    class Meta:
        verbose_name = _("trajectory event")
        verbose_name_plural = _("trajectory events")
        ordering = ["at", "id"]
        # The dashboard's time per state walks each trajectory's events in this order.
        indexes = [models.Index(fields=["trajectory", "at", "id"], name="trajectory_event_order_idx")]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Trajectory events are append-only.")
        super().save(*args, **kwargs)


class FundingKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    UWV = "uwv", _("UWV")
    SUBSIDY = "subsidy_praktijkleren", _("subsidy praktijkleren derde leerweg")
    SECTOR_FUND = "sector_fund", _("sector fund (O&O-fonds)")
    EMPLOYER = "employer", _("employer")
    OTHER = "other", _("other")


class FundingSource(models.Model):
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="funding_sources")
    kind = models.CharField(_("source"), max_length=30, choices=FundingKind.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = UpdateSignalling.as_manager()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="funding_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


# --- The three-party learning plan ------------------------------------------------------------


class Party(models.TextChoices):
    LEARNER = "learner", _("learner")
    WORKPLACE = "workplace", _("workplace")
    SCHOOL = "school", _("school")


class LearningPlanVersion(models.Model):
    """One version of the negotiated learning plan. Any change makes a new version, which needs
    the three approvals again; a version is agreed when the learner (or the consultant on their
    behalf), the workplace trainer and the school each approved it, or when a copy signed
    outside the platform is uploaded."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    learner_goals = models.TextField(_("goals of the learner"), blank=True)
    workplace_goals = models.TextField(_("goals of the workplace"), blank=True)
    school_goals = models.TextField(_("goals of the school"), blank=True)
    work_processes = models.ManyToManyField(WorkProcess, blank=True, related_name="+", verbose_name=_("work processes"))
    activities = models.TextField(_("agreed activities"), blank=True)
    support = models.TextField(_("support"), blank=True)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True)
    assessment_method = models.TextField(_("assessment method"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    early_termination = models.TextField(_("conditions for ending early"), blank=True)
    signed_copy = models.FileField(
        _("copy signed outside the platform"), upload_to="plans/%Y/", storage=private_storage, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)

    class Meta:
        verbose_name = _("learning plan version")
        verbose_name_plural = _("learning plan versions")
        ordering = ["trajectory", "-number"]
        constraints = [models.UniqueConstraint(fields=["trajectory", "number"], name="plan_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.trajectory} v{self.number}"

    def audit_repr(self) -> str:
        return f"#{self.trajectory_id} v{self.number}"

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None


class PlanApproval(models.Model):
    version = models.ForeignKey(LearningPlanVersion, on_delete=models.CASCADE, related_name="approvals")
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of_learner = models.BooleanField(
        _("on behalf of the learner"), default=False, help_text=_("The consultant approved for the learner.")
    )
    at = models.DateTimeField(_("approved"), default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [models.UniqueConstraint(fields=["version", "party"], name="plan_approval_once_per_party")]

    def __str__(self) -> str:
        return f"{self.version}: {self.party}"

    def audit_repr(self) -> str:
        return f"#{self.version.trajectory_id} v{self.version.number}: {self.party}"


# --- Along the way ----------------------------------------------------------------------------


class ProgressReview(models.Model):
    """A tripartite progress meeting (voortgangsgesprek)."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("who attended"))
    progress = models.TextField(_("progress per goal and work process"), blank=True)
    agreements = models.TextField(_("agreements"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.trajectory} {self.held_on}"

    def audit_repr(self) -> str:
        return f"#{self.trajectory_id} {self.held_on}"


class PracticeHours(models.Model):
    """Hours learnt at work in one week: the attendance evidence subsidies ask for."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="hours")
    week_start = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("practice hours")
        verbose_name_plural = _("practice hours")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "week_start"], name="hours_once_per_week"),
            models.CheckConstraint(condition=Q(hours__gte=0) & Q(hours__lte=80), name="hours_0_to_80"),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory} {self.week_start}: {self.hours}"

    def audit_repr(self) -> str:
        return f"#{self.trajectory_id} {self.week_start}: {self.hours}"


class Level(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    DEVELOPING = "developing", _("developing")
    MASTERED = "mastered", _("mastered")


class WorkProcessAssessment(models.Model):
    """Where a learner stands on one work process: recorded by the workplace trainer, mastered
    ones confirmed by the school."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="assessments")
    work_process = models.ForeignKey(WorkProcess, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.NOT_STARTED)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence_note = models.TextField(_("evidence"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by the school"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("work-process assessment")
        verbose_name_plural = _("work-process assessments")
        ordering = ["work_process__core_task__part", "work_process__core_task__position", "work_process__position"]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "work_process"], name="assessment_once_per_work_process"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(level="mastered"), name="assessment_confirm_only_mastered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory}: {self.work_process.code} {self.level}"

    def audit_repr(self) -> str:
        return f"#{self.trajectory_id}: {self.work_process.code} {self.level}"


class EvidenceFile(models.Model):
    assessment = models.ForeignKey(WorkProcessAssessment, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    def audit_repr(self) -> str:
        return f"#{self.pk}"  # a file's name may name the learner


class LogEntry(models.Model):
    """The learner's evidence and reflection log, visible to the three parties."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="log_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("text"))
    work_process = models.ForeignKey(
        WorkProcess, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("work process")
    )
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]

    def audit_repr(self) -> str:
        return f"#{self.pk}"


class PageStamp(models.Model):
    """A counter per trajectory that the database raises on every write to a row the trajectory
    page shows (triggers of migration 0005), and one per shared table under negative numbers.
    Written by those triggers only; read by ``pagecache``."""

    trajectory_id = models.BigIntegerField(primary_key=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("page stamp")
        verbose_name_plural = _("page stamps")

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.n}"
