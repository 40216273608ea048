"""Praktijkverklaringen: issued once, never edited, verifiable by anyone who holds one.

A certificate keeps its own copy of everything it states (names, qualification, work processes,
employer, school), so that later changes to those records never change what was certified. The
only later facts are its stored PDF (a pure function of the row, see ``pdf``) and, in its own
table, a revocation."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories.files import private_storage
from werkplaats.trajectories.models import Learner, Trajectory

# Crockford's base 32: no I, L, O or U, so a code read off paper is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """The stored form of a code as someone typed it: upper case, without dashes or spaces, with
    the letters that look like digits read as those digits. Not a code: an empty string."""
    cleaned = "".join(ch for ch in str(text).upper() if ch not in "- \t").translate(_READ_AS)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class ImmutableError(Exception):
    """An issued certificate cannot be changed or deleted; revoke it instead."""


class CertificateSequence(models.Model):
    """The last number issued in a year. Issuing locks the year's row until its transaction
    ends, so numbers follow each other without gaps, also when schools issue at the same time."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate number sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user: Any) -> CertificateQuerySet:
        """Whoever sees the trajectory sees its certificate: the learner, the consultant's
        organisation, the school, the employer and the region's coordinators."""
        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        return self.filter(trajectory__in=Trajectory.objects.visible_to(user))

    def counted_for(self, user: Any) -> CertificateQuerySet:
        """What the counts page counts for ``user``: the certificates of the regions they
        coordinate (everything for platform administrators)."""
        access = get_access(user)
        if access.is_platform_admin:
            return self.all()
        return self.filter(region_id__in=access.region_ids(Role.COORDINATOR))

    def valid(self) -> CertificateQuerySet:
        return self.filter(revocation__isnull=True)

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) - {"pdf", "pdf_sha256"}:
            raise ImmutableError("An issued certificate cannot be changed.")
        return super().update(**kwargs)

    def pseudonymise_holder(self, learner_id: int, *, first_name: str, last_name: str, date_of_birth: Any) -> int:
        """At the erasure of the learner's personal data: their certificates name the pseudonym
        instead, and their stored PDFs (which name the learner) are dropped. The one change the
        database allows an issued certificate (migration 0006), and only to the pseudonym."""
        return models.QuerySet.update(
            self.filter(learner_id=learner_id),
            learner_first_name=first_name,
            learner_last_name=last_name,
            learner_date_of_birth=date_of_birth,
            pdf="",
            pdf_sha256="",
        )

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Certificate]:
        if kwargs.get("update_conflicts"):  # an upsert would overwrite an issued certificate
            raise ImmutableError("An issued certificate cannot be changed.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("An issued certificate cannot be deleted; revoke it.")


class Certificate(models.Model):
    """One praktijkverklaring: what a learner showed to master at a recognised employer."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("trajectory")
    )
    # For counting and access; what the certificate says is in the copied fields below.
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+", verbose_name=_("learner"))
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="+", verbose_name=_("qualification")
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("employer"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The region that counts it: the learner's organisation's, else the employer's or the school's."),
    )
    issued_on = models.DateField(_("date of issue"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")

    # What the certificate states, copied when it was issued.
    learner_first_name = models.CharField(_("first name"), max_length=100)
    learner_last_name = models.CharField(_("last name"), max_length=150)
    learner_date_of_birth = models.DateField(_("date of birth"))
    qualification_name = models.CharField(_("qualification"), max_length=200)
    crebo = models.CharField(_("crebo"), max_length=5)
    level = models.PositiveSmallIntegerField(_("level"))
    dossier_crebo = models.CharField(_("qualification file"), max_length=5)
    dossier_version = models.CharField(_("version of the qualification file"), max_length=100)
    work_processes = models.JSONField(
        _("mastered work processes"),
        help_text=_("Per core task: its code and title, and the work processes with code and title."),
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_kvk = models.CharField(_("KvK number"), max_length=8)
    trainer_name = models.CharField(_("workplace trainer"), max_length=200)
    school_name = models.CharField(_("school"), max_length=200)
    signatory_name = models.CharField(_("signed for the school by"), max_length=200)
    place = models.CharField(_("place of issue"), max_length=100)

    pdf = models.FileField(_("PDF"), upload_to="certificates/", storage=private_storage, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("praktijkverklaring")
        verbose_name_plural = _("praktijkverklaringen")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="certificate_unique_sequence"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="certificate_level_1_to_4"),
        ]
        indexes = [
            # A region's certificates of a period. On PostgreSQL the index also holds every column
            # the counts page groups by, so that a vacuumed table answers from the index alone (an
            # index-only scan).
            models.Index(
                fields=["region", "issued_on"],
                name="certificate_counts_idx",
                include=[
                    "id",
                    "level",
                    "school",
                    "school_name",
                    "employer",
                    "employer_name",
                    "crebo",
                    "qualification_name",
                ],
            ),
            models.Index(fields=["school", "issued_on"], name="certificate_school_date_idx"),
            # The certificates of a period, of any region or of some: the region is compared in the
            # index, so that only the certificates counted are read from the table. Also what the
            # planner chooses while the table's visibility map is not (yet) set, when it would
            # rather not read a region's certificates by the index above.
            models.Index(fields=["issued_on", "region"], name="certificate_date_region_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - {"pdf", "pdf_sha256"}:
                raise ImmutableError("An issued certificate cannot be changed.")
        else:
            kwargs["force_insert"] = True  # a new object with an issued one's id would overwrite it
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", kwargs={"number": self.number})

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("An issued certificate cannot be deleted; revoke it.")

    @property
    def learner_name(self) -> str:
        return f"{self.learner_first_name} {self.learner_last_name}".strip()

    @property
    def public_name(self) -> str:
        """Initials and surname: what the public verification page shows."""
        initials = "".join(f"{part[0].upper()}." for part in self.learner_first_name.split() if part)
        return f"{initials} {self.learner_last_name}".strip()

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    @property
    def verify_path(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.grouped_code})

    @property
    def verify_url(self) -> str:
        return settings.WERKPLAATS_BASE_URL.rstrip("/") + self.verify_path

    @property
    def work_process_codes(self) -> list[str]:
        return [wp["code"] for core_task in self.work_processes for wp in core_task["work_processes"]]

    @property
    def revoked(self) -> Revocation | None:
        try:
            return self.revocation
        except Revocation.DoesNotExist:
            return None


class RevocationQuerySet(models.QuerySet["Revocation"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("A revocation cannot be changed.")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Revocation]:
        if kwargs.get("update_conflicts"):
            raise ImmutableError("A revocation cannot be changed.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A revocation cannot be undone.")


class Revocation(models.Model):
    """A certificate withdrawn by the school that issued it or a coordinator. The certificate and
    its PDF stay as they were; the verification page says it was revoked, and when."""

    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="revocation")
    reason = models.TextField(_("reason"))
    revoked_on = models.DateField(_("revoked on"))
    revoked_at = models.DateTimeField(_("revoked"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("revoked by")
    )

    objects = RevocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.certificate}: {self.revoked_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("A revocation cannot be changed.")
        kwargs["force_insert"] = True  # a new object with an existing one's id would overwrite it
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A revocation cannot be undone.")


class MilestoneScope(models.TextChoices):
    REGION = "region", _("region")
    SCHOOL = "school", _("school")


class Milestone(models.Model):
    """A round number of certificates reached by a region or a school: a success to celebrate."""

    scope = models.CharField(_("for"), max_length=10, choices=MilestoneScope.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    count = models.PositiveIntegerField(_("number of certificates"))
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="+", verbose_name=_("the certificate that reached it")
    )
    reached_at = models.DateTimeField(_("reached"), default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["-reached_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "count"], name="milestone_once_per_region"),
            models.UniqueConstraint(fields=["school", "count"], name="milestone_once_per_school"),
            models.CheckConstraint(
                condition=(Q(scope="region") & Q(region__isnull=False) & Q(school__isnull=True))
                | (Q(scope="school") & Q(school__isnull=False) & Q(region__isnull=True)),
                name="milestone_region_or_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region or self.school}: {self.count}"

    @property
    def subject(self) -> Region | Organisation | None:
        return self.region if self.scope == MilestoneScope.REGION else self.school


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("stopped by an error")


class IssueBatch(models.Model):
    """Several certificates issued in one action by school staff, by the task worker. Each
    trajectory is issued on its own: one refusal does not stop the others."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    issued_on = models.DateField(_("date of issue"))
    trajectory_ids = models.JSONField(default=list)
    results = models.JSONField(
        default=list, help_text="Per trajectory: its id, the certificate number or the problems, in order."
    )

    class Meta:
        verbose_name = _("batch of certificates")
        verbose_name_plural = _("batches of certificates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.school}: {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:batch", kwargs={"pk": self.pk})

    @property
    def progress(self) -> int:
        """How many trajectories are done: one result each."""
        return len(self.results)

    @property
    def total(self) -> int:
        return len(self.trajectory_ids)

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
