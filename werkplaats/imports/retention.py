"""Retention of uploaded files (AVG art. 5(1)(e)): an uploaded file holds learners' names, dates
of birth and more, so after the retention period the file and every copy of its rows (the
rejected rows, the preview's sample, the error messages that quote cells) are removed. The job
keeps its status and counts, so the list of imports still says what was imported."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from werkplaats.audit.models import Action as AuditAction
from werkplaats.audit.recorder import record

from .models import BUSY_STATES, ImportJob, ImportJobQuerySet

DEFAULT_RETENTION_DAYS = 30
PURGED_FIELDS = ("data", "rejected", "preview", "errors")


def retention_days() -> int:
    return int(getattr(settings, "WERKPLAATS_IMPORT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def removed_message() -> str:
    days = retention_days()
    return ngettext(
        "The uploaded file was removed after %(days)d day; upload it again to import it.",
        "The uploaded file was removed after %(days)d days; upload it again to import it.",
        days,
    ) % {"days": days}


def jobs_due_for_purge(*, now: datetime.datetime | None = None) -> ImportJobQuerySet:
    """Imports uploaded longer ago than the retention period and not yet purged. One being
    checked or imported is left alone: the worker is reading its file."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    return ImportJob.objects.filter(created_at__lt=cutoff, purged_at__isnull=True).exclude(status__in=BUSY_STATES)


def purge_expired_imports(now: datetime.datetime | None = None) -> int:
    """Remove the file and its rows from every import past the retention period; returns how many.
    One transaction per import, so one failure does not hold back the others."""
    now = now or timezone.now()
    purged = 0
    for job_id in list(jobs_due_for_purge(now=now).values_list("pk", flat=True)):
        if _purge(job_id, now=now):
            purged += 1
    return purged


@transaction.atomic
def _purge(job_id: int, *, now: datetime.datetime) -> bool:
    # Lock the row and ask again: the owner may have started a check or a run meanwhile
    # (``choose_mapping`` and ``start_run`` in turn refuse a purged job).
    job = (
        jobs_due_for_purge(now=now)
        .select_for_update()
        .only("pk", "organisation_id", "kind", "file_name", "preview")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        return False
    preview_counts = (job.preview or {}).get("counts")
    # ImportJob is not audited field by field (no signals to keep), so one UPDATE clears it all.
    ImportJob.objects.filter(pk=job.pk).update(
        data=b"",
        rejected=None,
        preview={"counts": preview_counts} if preview_counts else {},
        errors=[],
        purged_at=now,
    )
    record(
        AuditAction.UPDATE,
        job,
        changes={"purged_at": [None, now.isoformat()], "removed": list(PURGED_FIELDS)},
        subject_organisation_id=job.organisation_id,
    )
    return True
