"""Before a task worker starts: hand back the tasks it was running when it was killed.

The database backend marks a task RUNNING when a worker claims it and never looks at it again, so
a worker killed mid-task (out of memory, SIGKILL, a crash of the machine) leaves its task RUNNING
for good: a certificate batch would wait forever. Each worker runs with a fixed ``--worker-id``;
this command, run just before that worker starts again, puts the tasks whose last claim was that
worker's back to READY. Running them again is safe: a certificate batch issues each certificate
once and a notification e-mail is claimed before it is sent (tests/test_faults.py); an invitation
e-mail is sent again with a new link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue(worker_id: str) -> int:
    """Put the RUNNING tasks last claimed by ``worker_id`` back to READY; returns how many."""
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        orphans = [task.pk for task in running if task.worker_ids and task.worker_ids[-1] == worker_id]
        return DBTaskResult.objects.filter(pk__in=orphans).update(status=TaskResultStatus.READY, started_at=None)


class Command(BaseCommand):
    help = "Put the tasks a killed worker was running back in the queue; run it before that worker starts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-id", required=True, help="the --worker-id the worker runs with")

    def handle(self, *args: Any, **options: Any) -> None:
        count = requeue(options["worker_id"])
        self.stdout.write(f"{count} task(s) of worker {options['worker_id']} back in the queue")
