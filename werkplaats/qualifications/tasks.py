from django_tasks import task

from werkplaats.audit.context import acting_as, system_actor


@task()
def run_catalogue_import(run_id: int) -> str:
    from .services import execute_import_run

    with acting_as(system_actor("catalogue import")):
        run = execute_import_run(run_id)
    return run.status
