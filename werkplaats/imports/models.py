"""Bulk imports of learners, employers, recognitions and trajectories, and the column mappings
organisations keep for them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation


class ImportKind(models.TextChoices):
    LEARNERS = "learners", _("learners")
    EMPLOYERS = "employers", _("employers")
    RECOGNITIONS = "recognitions", _("recognitions")
    TRAJECTORIES = "trajectories", _("trajectories")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("all or nothing: any error and nothing is imported")
    VALID_ONLY = "valid", _("only the valid rows; download the rejected rows with their errors")


class DuplicateAction(models.TextChoices):
    MERGE = "merge", _("merge: fill in the existing record with the file's non-empty values")
    SKIP = "skip", _("skip: leave the existing record as it is")


class JobStatus(models.TextChoices):
    MAPPING = "mapping", _("choose the columns")
    CHECKING = "checking", _("checking")
    CHECKED = "checked", _("checked, waiting for your choice")
    RUNNING = "running", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("rejected")


BUSY_STATES = frozenset({JobStatus.CHECKING, JobStatus.RUNNING})


class MappingTemplateQuerySet(models.QuerySet["MappingTemplate"]):
    def visible_to(self, user: Any) -> MappingTemplateQuerySet:
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        return self.filter(organisation_id__in=access.organisation_ids())


class MappingTemplate(models.Model):
    """Which column of a file holds which field, saved under a name for the next upload."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_templates", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of records"), max_length=20, choices=ImportKind.choices)
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MappingTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"],
                name="imports_template_unique_name",
                violation_error_message=_("Your organisation already has a mapping with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """An import holds the uploaded file (personal data): only the person who uploaded it
        (while still a member of the organisation) and platform administrators see it."""
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        return self.filter(created_by_id=access.user_id, organisation_id__in=access.organisation_ids())


class ImportJob(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of records"), max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_jobs"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False)
    headers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    status = models.CharField(_("state"), max_length=20, choices=JobStatus.choices, default=JobStatus.MAPPING)
    mode = models.CharField(_("how to import"), max_length=10, choices=ImportMode.choices, blank=True)
    duplicates = models.CharField(
        _("duplicates"), max_length=10, choices=DuplicateAction.choices, default=DuplicateAction.SKIP
    )
    preview = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    rejected = models.BinaryField(null=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set when the retention period removed the file and its rows; the counts stay.
    purged_at = models.DateTimeField(_("file removed"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="imports_job_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", kwargs={"pk": self.pk})

    @property
    def is_busy(self) -> bool:
        return self.status in BUSY_STATES

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def percent(self) -> int:
        return round(100 * self.progress / self.total) if self.total else 0
