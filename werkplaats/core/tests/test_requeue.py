"""``manage.py requeue_orphaned_tasks``: only the tasks the given worker was running go back in the
queue (the killed worker's own restart; tests/test_faults.py kills a real one)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def _task(status: str, workers: list[str]) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        task_path="werkplaats.certificates.tasks.render_pdf",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        started_at=timezone.now() if status == TaskResultStatus.RUNNING else None,
        worker_ids=workers,
    )


@pytest.mark.django_db
def test_only_the_tasks_the_worker_was_running_go_back_in_the_queue() -> None:
    orphan = _task(TaskResultStatus.RUNNING, ["worker-b", "worker-a"])
    elsewhere = _task(TaskResultStatus.RUNNING, ["worker-a", "worker-b"])
    done = _task(TaskResultStatus.SUCCESSFUL, ["worker-a"])
    out = io.StringIO()

    call_command("requeue_orphaned_tasks", "--worker-id", "worker-a", stdout=out)

    assert out.getvalue().startswith("1 task(s) of worker worker-a back in the queue")
    orphan.refresh_from_db()
    assert (orphan.status, orphan.started_at) == (TaskResultStatus.READY, None)
    assert DBTaskResult.objects.get(pk=elsewhere.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
