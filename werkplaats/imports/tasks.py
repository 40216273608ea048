from django_tasks import task

from werkplaats.audit.context import Actor, acting_as


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
