"""The mbo qualification catalogue: qualification files (kwalificatiedossiers) in versions,
their qualifications, core tasks (kerntaken) and work processes (werkprocessen)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    KD_XML = "kd_xml", _("SBB qualification file (KD-XML)")
    CREBO_LIST = "crebo_list", _("crebo list (CSV)")


class QualificationFile(models.Model):
    """One version of a kwalificatiedossier. A newer import of the same dossier adds a version;
    old versions stay, because trajectories and certificates point at the version they use."""

    dossier_crebo = models.CharField(_("dossier crebo"), max_length=5, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=200, blank=True)
    version_number = models.PositiveIntegerField(_("version"))
    version_label = models.CharField(_("version label"), max_length=100, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    is_current = models.BooleanField(_("current version"), default=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification file")
        verbose_name_plural = _("qualification files")
        ordering = ["dossier_crebo", "-version_number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier_crebo", "version_number"], name="qualfile_unique_version"),
            models.UniqueConstraint(fields=["dossier_crebo", "content_hash"], name="qualfile_unique_content"),
            models.UniqueConstraint(
                fields=["dossier_crebo"], condition=Q(is_current=True), name="qualfile_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.dossier_crebo}) v{self.version_number}"


class QualificationQuerySet(models.QuerySet["Qualification"]):
    def current(self) -> QualificationQuerySet:
        return self.filter(file__is_current=True)

    def search(self, text: str) -> QualificationQuerySet:
        text = text.strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(Q(crebo__startswith=text) | Q(file__dossier_crebo__startswith=text))
        query = Q()
        for word in text.split()[:8]:
            query &= Q(name__icontains=word) | Q(file__name__icontains=word)
        return self.filter(query)

    def visible_to(self, user: Any) -> QualificationQuerySet:
        """The catalogue is public reference data: every logged-in user reads all of it."""
        return self.all() if user is not None and user.is_authenticated else self.none()

    def with_work_process_count(self) -> QualificationQuerySet:
        """Annotate ``work_process_count``: the file's basisdeel plus the qualification's own profiel,
        counted in one subquery so that a page of rows costs one query."""
        processes = (
            WorkProcess.objects.filter(core_task__file_id=OuterRef("file_id"))
            .filter(Q(core_task__qualification__isnull=True) | Q(core_task__qualification_id=OuterRef("pk")))
            .order_by()
            .values("core_task__file_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(work_process_count=Coalesce(Subquery(processes, output_field=models.IntegerField()), 0))


class Qualification(models.Model):
    file = models.ForeignKey(
        QualificationFile, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("qualification file")
    )
    crebo = models.CharField(_("crebo"), max_length=5, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=[(n, str(n)) for n in range(1, 5)])
    kind = models.CharField(_("kind of programme"), max_length=100, blank=True)
    domain = models.CharField(_("domain"), max_length=200, blank=True)
    routes = models.CharField(_("learning routes"), max_length=20, blank=True)
    profile_number = models.PositiveSmallIntegerField(_("profile number"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    end_of_intake = models.DateField(_("end of intake"), null=True, blank=True)
    end_of_programme = models.DateField(_("end of programme"), null=True, blank=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["name", "crebo"]
        constraints = [
            models.UniqueConstraint(fields=["file", "crebo"], name="qualification_unique_crebo_per_file"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="qualification_level_1_to_4"),
        ]
        indexes = [models.Index(fields=["level", "name"], name="qualification_level_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.crebo})"

    def get_absolute_url(self) -> str:
        return reverse("qualifications:detail", kwargs={"pk": self.pk})

    def core_tasks(self) -> models.QuerySet[CoreTask]:
        """The dossier's basisdeel plus this qualification's own profiel, in code order."""
        return CoreTask.objects.filter(file_id=self.file_id).filter(
            Q(qualification__isnull=True) | Q(qualification=self)
        )

    def work_processes(self) -> models.QuerySet[WorkProcess]:
        return WorkProcess.objects.filter(core_task__in=self.core_tasks()).select_related("core_task")


class CorePart(models.TextChoices):
    BASIS = "basis", _("basic part (basisdeel)")
    PROFILE = "profile", _("profile part (profieldeel)")


class CoreTask(models.Model):
    file = models.ForeignKey(QualificationFile, on_delete=models.CASCADE, related_name="core_tasks")
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profile_core_tasks",
        help_text=_("Empty for the basic part, which every qualification of the file shares."),
    )
    part = models.CharField(_("part"), max_length=10, choices=CorePart.choices)
    code = models.CharField(_("code"), max_length=12)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("core task")
        verbose_name_plural = _("core tasks")
        ordering = ["part", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["file", "code"], name="coretask_unique_code_per_file")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class WorkProcess(models.Model):
    core_task = models.ForeignKey(CoreTask, on_delete=models.CASCADE, related_name="work_processes")
    code = models.CharField(_("code"), max_length=16, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("work process")
        verbose_name_plural = _("work processes")
        ordering = ["core_task__part", "core_task__position", "position"]
        constraints = [models.UniqueConstraint(fields=["core_task", "code"], name="workprocess_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("rejected")


class ImportRun(models.Model):
    """An import of one or more catalogue files, run by the task worker, with its report."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file_names = models.JSONField(_("files"), default=list)
    stored_paths = models.JSONField(default=list, editable=False)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return ", ".join(self.file_names) or str(self.pk)

    def get_absolute_url(self) -> str:
        return reverse("qualifications:import-detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
