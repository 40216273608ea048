"""The daily erasure of learners whose retention period ended."""

from __future__ import annotations

from django_tasks import task

from werkplaats.audit.context import acting_as, system_actor
from werkplaats.core.scheduling import schedule_daily

from .services import erase_expired_learners


def run_erasure() -> int:
    with acting_as(system_actor("retention")):
        return erase_expired_learners()


@task()
def erase_learners_past_retention() -> int:
    """Runs daily on the worker, then queues tomorrow's run. Cron can run
    ``manage.py erase_learners_past_retention`` instead."""
    erased = run_erasure()
    schedule_daily(erase_learners_past_retention)
    return erased
