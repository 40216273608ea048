from django_tasks import task

from werkplaats.audit.context import Actor, acting_as, system_actor
from werkplaats.core.scheduling import schedule_daily


@task()
def process_import(job_id: int, step: str) -> str:
    """Check (``step`` "check") or write ("run") an uploaded file, as the person who uploaded it."""
    from .models import ImportJob
    from .services import check_job, run_job

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    user = job.created_by
    actor = Actor(user=user, organisation_id=job.organisation_id, label=user.email if user else "system: import")
    with acting_as(actor):
        job = check_job(job_id) if step == "check" else run_job(job_id)
    return job.status


def run_purge() -> int:
    from .retention import purge_expired_imports

    with acting_as(system_actor("import retention")):
        return purge_expired_imports()


@task()
def purge_imports_past_retention() -> int:
    """Runs daily on the worker, then queues tomorrow's run. Cron can run
    ``manage.py purge_expired_imports`` instead."""
    purged = run_purge()
    schedule_daily(purge_imports_past_retention)
    return purged
