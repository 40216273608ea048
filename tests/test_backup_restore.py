"""Backup and restore as docs/deployment.md describes them: scripts/backup.sh makes a pg_dump,
scripts/restore.sh restores it into a new, empty database, and the application then serves the
same data from it.

The data must be committed for pg_dump (another connection) to see it, hence a transactional
test on PostgreSQL. Both databases are read by a fresh process of the application (``PROBE``):
the rows of every table, the sequences, and pages rendered for a logged-in coordinator must be
the same in the original and in the restored database.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
BACKUP = BASE_DIR / "scripts" / "backup.sh"
RESTORE = BASE_DIR / "scripts" / "restore.sh"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore back up PostgreSQL; an SQLite database is a file to copy",
)
with_client_tools = pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None or shutil.which("psql") is None,
    reason="needs the PostgreSQL client tools (pg_dump, pg_restore, psql)",
)

# Run with ``python -c`` in the project folder, DATABASE_URL naming the database to read. Counts
# come first: logging in (to render the pages) writes a session and an audit entry.
PROBE = r"""
import html, json, os, re
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from werkplaats.accounts.models import User
from werkplaats.partnerships.models import Partnership

setup_test_environment()
tables = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        rows = "string_agg(md5(t::text), '' ORDER BY md5(t::text))"
        cursor.execute(f'SELECT count(*), md5(coalesce({rows}, \'\')) FROM "{table}" t')
        count, digest = cursor.fetchone()
        tables[table] = [count, digest]
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
    sequences = dict(cursor.fetchall())

user = User.objects.get(email="coordinator@demo.nl")
urls = ["/", "/organisations/", "/partnerships/", "/recognitions/", "/qualifications/", "/learning-companies/"]
urls += [p.get_absolute_url() for p in Partnership.objects.visible_to(user).order_by("slug")]
client = Client()
client.force_login(user)
pages = {}
for url in urls:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    body = response.content.decode()
    main = body[body.find("<main"):body.find("</main>")]
    main = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", main)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    pages[url] = [response.status_code, text]
print(json.dumps({"tables": tables, "sequences": sequences, "pages": pages}))
"""


def _database_url(name: str) -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or ""
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{credentials}@{quote(host, safe='')}{port}/{quote(name, safe='')}"


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url}


def _run(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed arguments)
        args, cwd=BASE_DIR, env=_env(database_url), capture_output=True, text=True, check=False, timeout=300
    )


def _probe(database_url: str) -> dict[str, Any]:
    result = _run([sys.executable, "-c", PROBE], database_url)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _drop_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _create_empty_database(name: str) -> None:
    _drop_database(name)  # left over from an interrupted run
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')


@pytest.fixture
def restored_name() -> Any:
    name = f"{connection.settings_dict['NAME']}_restored"
    yield name
    _drop_database(name)


@on_postgresql
@with_client_tools
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_serves_the_same_data(tmp_path: Path, restored_name: str) -> None:
    from werkplaats.demo.services import load_demo

    started = time.monotonic()
    load_demo(trajectories=False)
    loaded = time.monotonic()
    original = _database_url(connection.settings_dict["NAME"])
    dump = tmp_path / "werkplaats.dump"

    backup = _run(["bash", str(BACKUP), str(dump)], original)
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0
    assert dump.stat().st_mode & 0o077 == 0, "a backup holds personal data: readable by its owner only"

    _create_empty_database(restored_name)
    restore = _run(["bash", str(RESTORE), str(dump)], _database_url(restored_name))
    assert restore.returncode == 0, restore.stderr
    copied = time.monotonic()

    before, after = _probe(original), _probe(_database_url(restored_name))
    compared = time.monotonic()

    assert after["tables"] == before["tables"]
    assert after["sequences"] == before["sequences"]
    assert after["pages"] == before["pages"]
    # The comparison means something: the demo's rows are there and the pages show them.
    assert before["tables"]["organisations_organisation"][0] >= 19
    assert before["tables"]["audit_auditlogentry"][0] > 0
    assert all(status == 200 for status, _text in before["pages"].values()), before["pages"]
    assert "Gemeente Groningen" in before["pages"]["/organisations/"][1]
    assert len(before["pages"]) > 6, "the demo partnerships' pages are compared too"
    print(
        f"demo data {loaded - started:.1f} s, backup and restore {copied - loaded:.1f} s, "
        f"comparison {compared - copied:.1f} s"
    )


@on_postgresql
@with_client_tools
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    database_url = _database_url(connection.settings_dict["NAME"])
    dump = tmp_path / "small.dump"
    made = subprocess.run(  # noqa: S603 (fixed arguments)
        ["pg_dump", "--format=custom", "--schema-only", "--table=django_migrations", f"--file={dump}", database_url],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr

    result = _run(["bash", str(RESTORE), str(dump)], database_url)

    assert result.returncode != 0
    assert "is not empty" in result.stderr


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path: Path) -> None:
    target = tmp_path / "backup.dump"

    result = _run(["bash", str(BACKUP), str(target)], "sqlite:////tmp/werkplaats.sqlite3")

    assert result.returncode != 0
    assert "not a PostgreSQL address" in result.stderr
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [], "no partial file is left behind"


def test_backup_needs_a_database_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}

    result = subprocess.run(  # noqa: S603 (fixed arguments)
        ["bash", str(BACKUP), str(tmp_path / "b.dump")],  # noqa: S607
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    if shutil.which("pg_restore") is None or shutil.which("psql") is None:
        pytest.skip("needs the PostgreSQL client tools (pg_restore, psql)")
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("geen back-up\n")

    result = _run(["bash", str(RESTORE), str(not_a_dump)], "postgres://nobody@127.0.0.1:1/none")

    assert result.returncode != 0
    assert "is not a pg_dump archive" in result.stderr


def test_restore_says_how_to_use_it_without_a_file() -> None:
    result = _run(["bash", str(RESTORE)], "postgres://nobody@127.0.0.1:1/none")

    assert result.returncode != 0
    assert "name the backup file to restore" in result.stderr
    assert "DATABASE_URL=" in result.stderr
