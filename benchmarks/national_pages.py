"""How fast are the pages at the size of the whole country (PostgreSQL)?

    .venv/bin/python benchmarks/national_pages.py                  # the national dataset, 30 requests per page
    .venv/bin/python benchmarks/national_pages.py --runs 50 --seconds 20
    .venv/bin/python benchmarks/national_pages.py --database-url postgres://postgres@db:5432/werkplaats_national

It uses the database of ``--database-url`` (created and migrated when missing) and, when that holds no
generated dataset yet, fills it with ``manage.py generate_scale_data`` at national size (35 regions, 60
schools, 250,000 employers, 1,000,000 learners, 10,000,000 assessments; about ten minutes, once).
Then, in this process through Django's test client (every middleware, the templates, the database; no
network), it requests each page ``--runs`` times after three warm-up requests and prints the median and
95th percentile in milliseconds and the queries per request:

- the regional dashboard of the region with the most trajectories, as its coordinator: this year up to
  the dataset's last day, and the same compared with the year before;
- the caseload of the consultant with the most trajectories, and the page of one of their trajectories
  (the one with the most events and assessments): as served again while nothing on it changed
  (kept, ``werkplaats/trajectories/pagecache.py``), and rendered afresh, as the first request
  after a change is;
- the learning-company search for the most common qualification in that region;
- the certificate counts of that region, as its coordinator.

Last, for ``--seconds`` each, it requests the trajectory page, a bare view that answers "hello" (both
as the same logged-in consultant, through the same middleware) and the trajectory page rendered
afresh on every request, in twenty alternating turns (the machine's speed drifts, and so the drift
falls on all three alike), and prints the requests per second of each and their ratios. Without a
reachable PostgreSQL server it says why and exits with status 0 (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import argparse
import datetime
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from harness import ROOT, median_and_p95, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/werkplaats_national"
TARGETS_MS = {"page": 100.0, "dashboard": 250.0}  # p95, from the issue


def prepare_database(url: str) -> str:
    """Create the database when missing; returns a problem, or "" when it is reachable."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return "psycopg is not installed"
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    server: dict[str, Any] = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
    }
    if parts.password:
        server["password"] = unquote(parts.password)
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        return f"no PostgreSQL server at {parts.hostname}:{parts.port or 5432} ({str(exc).strip().splitlines()[0]})"
    return ""


def timed(client: Any, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection

    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    median, p95 = median_and_p95(timings)
    return median, p95, len(executed)


def throughput(requests: dict[str, Callable[[], Any]], seconds: float, slices: int = 20) -> dict[str, float]:
    """Requests per second of each of ``requests``, ``seconds`` each, in ``slices`` alternating
    turns: this machine's speed drifts within a minute, and in turns the drift falls on all alike."""
    for request in requests.values():
        for _ in range(3):
            request()
    done = dict.fromkeys(requests, 0)
    spent = dict.fromkeys(requests, 0.0)
    for _ in range(slices):
        for name, request in requests.items():
            start = time.perf_counter()
            while time.perf_counter() - start < seconds / slices:
                request()
                done[name] += 1
            spent[name] += time.perf_counter() - start
    return {name: done[name] / spent[name] for name in requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per throughput run (default 10)")
    args = parser.parse_args()

    problem = prepare_database(args.database_url)
    if problem:
        print(f"national_pages: skipped, {problem}")
        return
    os.environ["DATABASE_URL"] = args.database_url
    setup_django(Path(ROOT), ALLOWED_HOSTS="testserver,127.0.0.1,localhost", SECURE_SSL_REDIRECT="false")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path, reverse

    from werkplaats.certificates.models import Certificate
    from werkplaats.insights import scale
    from werkplaats.organisations.models import Membership, Role
    from werkplaats.trajectories.models import Trajectory

    # Production settings (DEBUG off), but static files named as in development: the manifest of
    # collectstatic is not what is measured.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    import config.wsgi  # noqa: F401 - the application loaded as a WSGI server loads it (see there)

    if not scale.generated_dataset_exists():
        print("Generating the national dataset (generate_scale_data); this takes about ten minutes, once")
        call_command("generate_scale_data", "--yes", verbosity=1)
    # What autovacuum does in time on a live database (this server may have it off): the visibility
    # maps that let the dashboard and the counts read covering indexes alone, and fresh statistics.
    # Minutes the first time after generating, quick when nothing changed.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")

    last = Certificate.objects.order_by("-issued_on").values_list("issued_on", flat=True).first()
    until = last or datetime.date.today()
    # The region with the most trajectories, counted as the dashboard counts them.
    busiest = (
        Trajectory.objects.order_by()
        .values("learner__organisation__region")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "the dataset has no trajectories"
    region_id = busiest["learner__organisation__region"]
    coordinator = (
        Membership.objects.filter(
            organisation__region_id=region_id, role_set__role=Role.COORDINATOR, ended_at__isnull=True
        )
        .select_related("user", "organisation__region")
        .first()
    )
    assert coordinator is not None, "the dataset has no coordinator in that region"
    top = (
        Trajectory.objects.filter(consultant__isnull=False, learner__organisation__region_id=region_id)
        .order_by()
        .values("consultant")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert top is not None, "the dataset has no trajectories with a consultant"
    consultant_id = top["consultant"]
    trajectory = (
        Trajectory.objects.filter(consultant_id=consultant_id)
        .annotate(events_n=Count("events", distinct=True), assessments_n=Count("assessments", distinct=True))
        .order_by("-assessments_n", "-events_n", "pk")
        .first()
    )
    assert trajectory is not None
    crebo = (
        Trajectory.objects.filter(learner__organisation__region_id=region_id, qualification__isnull=False)
        .order_by()
        .values("qualification__crebo")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("qualification__crebo", flat=True)
        .first()
    )

    region = coordinator.organisation.region
    january = until.replace(month=1, day=1)
    this_year = {"scope": f"r{region_id}", "date_from": january, "date_to": until}
    year_before = {
        "compare_from": january.replace(year=until.year - 1),
        "compare_to": until.replace(year=until.year - 1),
    }
    pages = [
        ("dashboard", "dashboard, this year", coordinator.user, reverse("insights:dashboard"), this_year),
        (
            "dashboard",
            "dashboard, compared with last year",
            coordinator.user,
            reverse("insights:dashboard"),
            {**this_year, **year_before},
        ),
        ("page", "caseload", None, reverse("trajectories:caseload"), {}),
        ("page", "trajectory page (kept)", None, reverse("trajectories:detail", kwargs={"pk": trajectory.pk}), {}),
        (
            "afresh",
            "trajectory page (rendered afresh)",
            None,
            reverse("trajectories:detail", kwargs={"pk": trajectory.pk}),
            {},
        ),
        (
            "page",
            "learning-company search",
            None,
            reverse("learning_companies:search"),
            {"q": crebo, "region": region_id},
        ),
        ("page", "certificate counts", coordinator.user, reverse("certificates:counts"), {}),
    ]
    consultant_client = Client()
    consultant_client.force_login(type(coordinator.user).objects.get(pk=consultant_id))
    coordinator_client = Client()
    coordinator_client.force_login(coordinator.user)
    counts = {
        "trajectories": Trajectory.objects.count(),
        "in the region": busiest["n"],
        "of the consultant": top["n"],
    }
    version = getattr(connection, "pg_version", 0) // 10000
    print(
        f"national_pages: PostgreSQL {version}, {counts['trajectories']:,} trajectories; "
        f"region {region} ({counts['in the region']:,}), consultant's caseload {counts['of the consultant']:,}, "
        f"{args.runs} requests per page, load {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"{'page':<38} {'median ms':>10} {'p95 ms':>10} {'queries':>8} {'target p95':>11}")
    for kind, name, user, url, query in pages:
        client = coordinator_client if user is not None else consultant_client
        full = f"{url}?{urlencode(query)}" if query else url
        if kind == "afresh":  # every request renders the page, as the first one after a change does
            with override_settings(WERKPLAATS_PAGE_CACHE_SECONDS=0):
                median, p95, queries = timed(client, full, args.runs)
            kind = "page"
        else:
            median, p95, queries = timed(client, full, args.runs)
        target = TARGETS_MS[kind]
        verdict = "ok" if p95 <= target else "over"
        print(f"{name:<38} {median:>10.1f} {p95:>10.1f} {queries:>8} {f'<= {target:.0f} ({verdict})':>11}")

    def hello(request: Any) -> HttpResponse:
        return HttpResponse("hello")

    class HelloUrls:
        urlpatterns = [path("hello/", hello), path("", include(settings.ROOT_URLCONF))]

    with override_settings(ROOT_URLCONF=HelloUrls):
        detail = reverse("trajectories:detail", kwargs={"pk": trajectory.pk})

        def afresh() -> Any:
            with override_settings(WERKPLAATS_PAGE_CACHE_SECONDS=0):
                return consultant_client.get(detail)

        rates = throughput(
            {
                "page": lambda: consultant_client.get(detail),
                "hello": lambda: consultant_client.get("/hello/"),
                "afresh": afresh,
            },
            args.seconds,
        )
    page_rate, hello_rate, afresh_rate = rates["page"], rates["hello"], rates["afresh"]
    print(
        f"throughput ({args.seconds:.0f} s each in 20 alternating turns, one process): "
        f"trajectory page {page_rate:.1f} req/s, "
        f"bare view {hello_rate:.1f} req/s, ratio {100 * page_rate / hello_rate:.1f}% (target >= 40%); "
        f"rendered afresh on every request {afresh_rate:.1f} req/s, {100 * afresh_rate / hello_rate:.1f}%"
    )


if __name__ == "__main__":
    main()
