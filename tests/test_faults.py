"""Faults: the database going away in the middle of a request, and a task worker killed in the
middle of its work.

(a) The connection is dropped right after the first write of a request that writes several
    rows: on PostgreSQL the server really ends the session (``pg_terminate_backend`` from a
    second connection); on SQLite, whose test database lives in memory and would vanish with its
    connection, every statement after that write fails as a lost connection does. The visitor
    gets the project's error page without a traceback, and nothing of the request is stored.
(b) The real worker (``manage.py db_worker``, a subprocess on the test database: on PostgreSQL
    the test database itself, on SQLite a file copy of it) is killed with SIGKILL in the middle
    of a certificate batch and of a run of notification e-mails, then started again. The task
    it was running stays claimed by the dead worker (django-tasks' database backend does not
    hand it out again), so the restart first runs ``manage.py requeue_orphaned_tasks`` with the
    worker's id, as ``make worker`` and deploy/ do. Then: exactly one certificate per trajectory
    with unique numbers, and no recipient with two e-mails.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from test_url_access import World, _trajectory
from test_url_access import world as world  # the fixture, found by its name

from werkplaats.certificates import batches
from werkplaats.certificates.models import Certificate, IssueBatch
from werkplaats.certificates.tests.world import another_ready_trajectory, build
from werkplaats.notifications.models import MailStatus, Notification
from werkplaats.notifications.tasks import deliver_notifications
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories.models import Status, Trajectory, TrajectoryEvent

ROOT = Path(__file__).resolve().parent.parent
WORKER_ID = "fault-test-worker"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WRITES = ("INSERT", "UPDATE", "DELETE")


def _row_counts() -> dict[str, int]:
    tables = sorted(set(connection.introspection.table_names()) - {"django_session"})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The table names come from the database itself, quoted.
        sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


# --- (a) The database connection dropped mid-request -------------------------------------------


class DropAfterFirstWrite:
    """An execute wrapper: the first write of the request goes through, then the connection is gone."""

    def __init__(self) -> None:
        self.writes = 0
        self.dropped = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if self.dropped:
            raise OperationalError("server closed the connection unexpectedly")
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith(WRITES):
            self.writes += 1
            self._drop(context["connection"])
        return result

    def _drop(self, db: Any) -> None:
        self.dropped = True
        if db.vendor != "postgresql":
            return
        # Really end the session, from outside, as a restarting server or a broken network does.
        settings = db.settings_dict
        pid = db.connection.info.backend_pid
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        self.dropped = False  # from now on the server refuses by itself

    @property
    def fired(self) -> bool:
        return self.writes > 0


def _reconnect() -> None:
    try:
        connection.close()
    except Exception:  # the session is already gone on the server's side
        connection.connection = None


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_mid_request_shows_the_error_page_and_stores_nothing(world: World) -> None:
    trajectory = _trajectory(world)
    client = Client(raise_request_exception=False)
    client.force_login(world.consultant)
    url = reverse("trajectories:transition", args=[trajectory.pk, Status.INTAKE.value])
    posted = {"expected_version": trajectory.version, "reason": "Intakegesprek gepland"}
    before = _row_counts()

    fault = DropAfterFirstWrite()
    with connection.execute_wrapper(fault):
        response = client.post(url, posted)
    _reconnect()

    assert fault.fired
    assert response.status_code in (500, 503)
    page = response.content.decode()
    assert "Er ging iets mis" in page and "Something went wrong" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert _row_counts() == before
    trajectory.refresh_from_db()
    assert trajectory.status == Status.REFERRED

    # The same request without the fault does write several rows: the test hit a real multi-write.
    response = client.post(url, posted)
    assert response.status_code == 302
    assert TrajectoryEvent.objects.filter(trajectory=trajectory, to_status=Status.INTAKE).count() == 1
    assert Trajectory.objects.get(pk=trajectory.pk).version == trajectory.version + 1


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_while_registering_a_learner_stores_nothing(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.consultant)
    url = reverse("trajectories:learner-register")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    posted = {
        form.add_prefix("first_name"): "Fatima",
        form.add_prefix("last_name"): "El Amrani",
        form.add_prefix("date_of_birth"): "1999-04-03",
        form.add_prefix("target_group"): "ww",
        form.add_prefix("language_level"): "",
        form.add_prefix("email"): "fatima@example.nl",
    }
    before = _row_counts()

    fault = DropAfterFirstWrite()
    with connection.execute_wrapper(fault):
        response = client.post(url, posted)
    _reconnect()

    if not fault.fired:  # the form refused the data: nothing was written at all
        pytest.fail(f"the registration was refused, so no write was interrupted: {response.status_code}")
    assert response.status_code in (500, 503)
    assert "Traceback" not in response.content.decode()
    assert _row_counts() == before


# --- (b) A worker killed mid-task ---------------------------------------------------------------

SLOW_MAIL = '''
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    """Writes each e-mail to its own file, slowly, as a distant mail server answers."""

    def send_messages(self, messages):
        time.sleep(0.15)
        return super().send_messages(messages)
'''

SETTINGS = """
from config.settings import *  # noqa: F403

EMAIL_BACKEND = "robust_slow_mail.SlowFileBackend"
EMAIL_FILE_PATH = {mail!r}
"""


class Worker:
    """``manage.py db_worker`` on the test database, as a subprocess."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        (tmp / "robust_slow_mail.py").write_text(SLOW_MAIL)
        (tmp / "robust_worker_settings.py").write_text(SETTINGS.format(mail=str(tmp / "mail")))
        (tmp / "mail").mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "robust_worker_settings",
            "DATABASE_URL": database_url,
            "WERKPLAATS_TESTING": "false",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "WERKPLAATS_PRIVATE_DIR": str(tmp / "private"),
            "CONN_MAX_AGE": "0",
        }
        self.log = tmp / "worker.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.05",
                    "--no-startup-delay",
                    "--no-reload",
                    "--worker-id",
                    WORKER_ID,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches every process of it
            )

    def requeue(self) -> int:
        """What a restart does first (``make worker``, deploy/): the project's command that hands
        back the tasks this worker was running when it died."""
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "requeue_orphaned_tasks", "--worker-id", WORKER_ID],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout.split()[0])

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Shared:
    """The test database as the worker sees it: PostgreSQL's test database, or a file copy of
    SQLite's in-memory one (the worker's writes are read back from the copy)."""

    def __init__(self, tmp: Path) -> None:
        self.file: Path | None = None
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.file = tmp / "worker.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)
            self.url = f"sqlite:///{self.file}"
        else:
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        for _attempt in range(50):
            try:
                with sqlite3.connect(self.file, timeout=5) as db:
                    return db.execute(sql.replace("%s", "?"), params).fetchall()
            except sqlite3.OperationalError:  # the worker holds the write lock a moment
                time.sleep(0.05)
        raise AssertionError("the worker's database stayed locked")

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return
        with sqlite3.connect(self.file, timeout=10) as db:
            db.execute(sql.replace("%s", "?"), params)


def _wait(what: str, condition: Callable[[], bool], seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"waited {seconds} s in vain for {what}")


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_issues_each_certificate_of_a_batch_once(tmp_path: Path) -> None:
    world = build()
    trajectories = [world.trajectory] + [another_ready_trajectory(world, f"Leerling{i}") for i in range(29)]
    with override_settings(TASKS=DB_TASKS):
        batch = batches.start_batch(
            world.school,
            by=world.school_staff,
            on=timezone.localdate(),
            trajectory_ids=[t.pk for t in trajectories],
        )
    shared = Shared(tmp_path)
    worker = Worker(tmp_path, shared.url)
    certificates = Certificate._meta.db_table
    count_sql = f"SELECT COUNT(*) FROM {certificates}"  # noqa: S608
    try:
        worker.start()
        _wait("the first certificate", lambda: shared.rows(count_sql)[0][0] >= 1)
        worker.kill()
        issued_at_kill = shared.rows(count_sql)[0][0]
        assert issued_at_kill < len(trajectories), "the batch finished before the worker was killed"

        assert worker.requeue() == 1
        worker.start()
        batch_table = IssueBatch._meta.db_table
        _wait(
            "the batch to finish",
            lambda: shared.rows(f"SELECT status FROM {batch_table} WHERE id = %s", (batch.pk,))[0][0] == "done",  # noqa: S608
        )
    finally:
        worker.stop()

    per_trajectory = shared.rows(f"SELECT trajectory_id, COUNT(*) FROM {certificates} GROUP BY trajectory_id")  # noqa: S608
    assert sorted(t for t, _n in per_trajectory) == sorted(t.pk for t in trajectories)
    assert all(n == 1 for _t, n in per_trajectory), per_trajectory
    numbers = [n for (n,) in shared.rows(f"SELECT number FROM {certificates}")]  # noqa: S608
    assert len(numbers) == len(set(numbers)) == len(trajectories)


def _sent(mail: Path) -> collections.Counter[str]:
    """E-mails per recipient in the file backend's files (one file per connection, many e-mails each)."""
    return collections.Counter(
        address
        for path in mail.iterdir()
        for address in re.findall(r"^To: (\S+)$", path.read_text(errors="replace"), re.MULTILINE)
    )


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_sends_no_notification_e_mail_twice(tmp_path: Path) -> None:
    organisation = OrganisationFactory.create()
    people = [member_of(organisation, Role.MEMBER, email=f"lid{i}@example.nl") for i in range(30)]
    notifications = [
        Notification.objects.create(
            recipient=person,
            message="Er is een nieuw verslag",
            key="robust-test",
            email_subject="Nieuw verslag",
            email_body="Er is een nieuw verslag.",
            mail_status=MailStatus.PENDING,
        )
        for person in people
    ]
    with override_settings(TASKS=DB_TASKS):
        deliver_notifications.enqueue([n.pk for n in notifications])
    shared = Shared(tmp_path)
    worker = Worker(tmp_path, shared.url)
    mail = tmp_path / "mail"
    table = DBTaskResult._meta.db_table
    try:
        worker.start()
        _wait("the first e-mails", lambda: sum(_sent(mail).values()) >= 3)
        worker.kill()
        assert sum(_sent(mail).values()) < len(people), "every e-mail went before the worker was killed"

        assert worker.requeue() == 1
        worker.start()
        _wait(
            "the e-mail task to finish",
            lambda: shared.rows(f"SELECT status FROM {table}")[0][0] == "SUCCESSFUL",  # noqa: S608
        )
    finally:
        worker.stop()

    sent = _sent(mail)
    assert sent, "no e-mail was written"
    assert max(sent.values()) == 1, {address: n for address, n in sent.items() if n > 1}
    # A kill between claiming and sending loses that one e-mail rather than sending it twice
    # (README, notifications): the notification itself stays in the app.
    assert len(sent) >= len(people) - 1
