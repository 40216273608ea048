"""What every benchmark needs: Django on a throw-away database, and the figures it prints.

A benchmark script runs as ``python benchmarks/<name>.py``, so this folder is on its path and
``from harness import …`` finds this module (``make bench`` runs only the scripts beside it)."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent


def setup_django(tmp: Path, **environment: str) -> None:
    """Django with a temporary SQLite file in ``tmp`` unless DATABASE_URL names another database;
    ``environment`` adds settings of the benchmark's own (environment variables)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'benchmark.sqlite3'}")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    # The pages are measured, not the second factor: production asks admins and coordinators
    # for an authenticator app first.
    os.environ.setdefault("WERKPLAATS_MFA_ENFORCED", "false")
    for name, value in environment.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()


def create_database() -> Any:
    """A fresh, migrated database; returns what is needed to drop it again (None for SQLite)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        return None
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"werkplaats_bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def drop_database(old_name: Any) -> None:
    from django.db import connection

    if old_name is not None:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def median_and_p95(timings_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(timings_ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
