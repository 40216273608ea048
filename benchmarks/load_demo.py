"""Many people at once on the demo: does every page keep answering, and how fast?

    .venv/bin/python benchmarks/load_demo.py                       # 200 users for 5 minutes
    .venv/bin/python benchmarks/load_demo.py --users 20 --seconds 30
    .venv/bin/python benchmarks/load_demo.py --database-url sqlite:////tmp/load.sqlite3

It prepares a database with the demo data (``--database-url``, created, migrated and filled with
``manage.py load_demo`` when needed; by default a PostgreSQL database of its own on 127.0.0.1, or a
SQLite file when no PostgreSQL server answers), starts gunicorn on a free port of 127.0.0.1 with
that database, and lets ``--users`` simulated people of mixed roles (the demo accounts of the
README: coordinator, consultant, school staff, workplace trainer, learner) work for ``--seconds``:
each one logs in through the login form, then walks its pages as a person does, following the
links the pages show it (never logging out, downloading or changing anything), with a pause of
``--think`` seconds on average between two requests (15: a person reads a page before the next
click). Users start at ``--spawn-rate`` a second (2; at most over the first half of the run): a
login costs a deliberately slow password hash.

Only the standard library is used for the clients (threads with ``http.client``, one keep-alive
connection and one session per user). At the end it prints the requests and failures (any answer
that is not 2xx or 3xx, or no answer within ``--timeout`` seconds) and the median and 95th
percentile per page (paths with numbers and slugs folded together), stops gunicorn and exits 1
when a request failed. When it cannot run (no gunicorn, no database) it says why and exits 0.

The login rate limit per client address is off for the run (every simulated user comes from
127.0.0.1, which the limit of 30 logins a minute would refuse); nothing else is changed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/werkplaats_load_demo"
PASSWORD = "werkplaats"  # noqa: S105 (the demo accounts' published password)

# The mix of people: consultants and trainers are the many, coordinators the few.
ROLES = [
    ("consultant@demo.nl", 30),
    ("trainer@demo.nl", 20),
    ("school@demo.nl", 20),
    ("learner@demo.nl", 20),
    ("coordinator@demo.nl", 10),
]

# Links a person does not follow while looking around: leaving, files, settings that change things.
SKIP = re.compile(
    r"logout|/accounts/|/admin/|/api/|download|export|\.csv|\.xlsx|\.pdf|\.zip|/static/|/media/|/language/|"
    r"/switch/|/read/|/new/|/add/|/edit/|/delete/|/remove/|/revoke/|/import",
)

SETTINGS = """
from config.settings import *  # noqa: F403

# Every simulated user logs in from 127.0.0.1: the per-address login limit would refuse them.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": None}  # noqa: F405
"""


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.csrf = values.get("value") or ""


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def add(self, page: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if problem:
                self.failures[page] += 1
                if len(self.examples) < 20:
                    self.examples.append(problem)


def page_of(path: str) -> str:
    """The page a path belongs to: numbers and slugs folded, the query left out."""
    path = urllib.parse.urlsplit(path).path
    parts = []
    for part in path.split("/"):
        if part.isdigit():
            part = "<n>"
        elif "-" in part and not part.startswith("<") and any(c.isdigit() for c in part):
            part = "<code>"
        parts.append(part)
    path = "/".join(parts)
    # Organisation, partnership and employer slugs.
    return re.sub(r"/(organisations|partnerships|learning-companies|employers)/[^/<]+", r"/\1/<slug>", path)


class User(threading.Thread):
    def __init__(
        self, email: str, port: int, until: float, start_at: float, args: argparse.Namespace, results: Results
    ):
        super().__init__(daemon=True)
        self.email, self.port, self.until, self.start_at = email, port, until, start_at
        self.args, self.results = args, results
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.random = random.Random()  # noqa: S311 (think times, not secrets)

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "nl", "User-Agent": "werkplaats-load-demo"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.args.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def timed(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str] | None:
        started = time.perf_counter()
        try:
            status, location, text = self._request(method, path, body)
        except Exception as exc:  # no answer in time, a reset connection: a failure
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            self.results.add(f"{method} {page_of(path)}", time.perf_counter() - started, f"{path}: {exc!r}")
            return None
        problem = None if 200 <= status < 400 else f"{method} {path}: {status}"
        self.results.add(f"{method} {page_of(path)}", time.perf_counter() - started, problem)
        return status, location, text

    def think(self) -> None:
        time.sleep(self.random.uniform(0.2, 1.8) * self.args.think)

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        answer = self.timed("GET", "/accounts/login/")
        if answer is None:
            return
        parser = Links()
        parser.feed(answer[2])
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": parser.csrf, "login": self.email, "password": PASSWORD})
        answer = self.timed("POST", "/accounts/login/", form)
        if answer is None or answer[0] != 302:
            return
        here = "/"
        links: list[str] = []
        while time.monotonic() < self.until:
            answer = self.timed("GET", here)
            if answer is not None:
                status, location, text = answer
                if status in (301, 302, 303) and location.startswith("/") and not SKIP.search(location):
                    answer = self.timed("GET", location)
                    text = answer[2] if answer else ""
                parser = Links()
                parser.feed(text)
                found = [
                    link
                    for link in parser.links
                    if link.startswith("/") and not link.startswith("//") and not SKIP.search(link)
                ]
                links = found or links
            self.think()
            # Mostly onwards from here; now and then back to the start page.
            here = self.random.choice(links) if links and self.random.random() < 0.85 else "/"
            here = here.split("#", 1)[0] or "/"
        if self.conn is not None:
            self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_ready(url: str) -> str | None:
    """Create the database when missing; None when it can be used, else the reason."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        return f"no PostgreSQL at {parts.hostname}:{parts.port or 5432} ({exc.__class__.__name__})"
    return None


def prepare(env: dict[str, str]) -> str | None:
    for command in (["migrate", "--noinput"], ["load_demo"]):
        done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
            [str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
        )
        if done.returncode != 0:
            return f"manage.py {' '.join(command)} failed:\n{done.stderr[-2000:]}"
    return None


def wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end and process.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz/", headers={"Host": f"127.0.0.1:{port}"})
            if conn.getresponse().status < 500:
                return True
        except OSError:
            time.sleep(0.3)
    return False


def report(results: Results, seconds: float, users: int) -> int:
    total = sum(len(t) for t in results.times.values())
    failed = sum(results.failures.values())
    print(f"\n{users} users for {seconds:.0f} s: {total} requests ({total / seconds:.1f}/s), {failed} failed")
    print(f"{'page':<64} {'requests':>8} {'failed':>6} {'median ms':>9} {'p95 ms':>7}")
    for page, times in sorted(results.times.items(), key=lambda item: -len(item[1])):
        ordered = sorted(times)
        p95 = ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]
        print(
            f"{page[:64]:<64} {len(times):>8} {results.failures.get(page, 0):>6} "
            f"{statistics.median(times) * 1000:>9.0f} {p95 * 1000:>7.0f}"
        )
    everything = sorted(t for times in results.times.values() for t in times)
    if everything:
        p95 = everything[max(0, int(len(everything) * 0.95 + 0.5) - 1)]
        print(
            f"{'all pages':<64} {total:>8} {failed:>6} {statistics.median(everything) * 1000:>9.0f} {p95 * 1000:>7.0f}"
        )
    for example in results.examples:
        print("  failed:", example)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--think", type=float, default=15.0, help="mean seconds between two requests of a user")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users starting per second")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a request counts as failed")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    if not GUNICORN.exists():
        print("load_demo: gunicorn is not installed in .venv (make install); not run.")
        return 0
    url = args.database_url
    work = Path(tempfile.mkdtemp(prefix="werkplaats-load-"))
    if url.startswith("postgres"):
        problem = postgres_ready(url)
        if problem:
            url = f"sqlite:///{work / 'load.sqlite3'}"
            print(f"load_demo: {problem}; using SQLite at {url}")
    (work / "load_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": os.pathsep.join([str(work), str(ROOT)]),
        "WERKPLAATS_TESTING": "false",
        "WERKPLAATS_PRIVATE_DIR": str(work / "private"),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    print(f"load_demo: preparing {url} (migrate, load_demo)…", flush=True)
    problem = prepare(env)
    if problem:
        print(f"load_demo: cannot prepare the database; not run.\n{problem}")
        shutil.rmtree(work, ignore_errors=True)
        return 0

    port = free_port()
    log = (work / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 (gunicorn of .venv, fixed arguments)
        [
            str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
            "--timeout", str(int(args.timeout * 2)), "--keep-alive", "30",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        if not wait_for(port, server):
            print(f"load_demo: gunicorn did not start; not run:\n{(work / 'gunicorn.log').read_text()[-2000:]}")
            return 0
        print(
            f"load_demo: gunicorn on 127.0.0.1:{port} ({args.workers} workers, {args.threads} threads each); "
            f"{args.users} users for {args.seconds:.0f} s…",
            flush=True,
        )
        results = Results()
        emails = [email for email, weight in ROLES for _i in range(weight)]
        began = time.monotonic()
        until = began + args.seconds
        ramp = min(args.seconds / 2, args.users / args.spawn_rate)
        people = [
            User(emails[i % len(emails)], port, until, began + ramp * i / max(1, args.users), args, results)
            for i in range(args.users)
        ]
        for person in people:
            person.start()
        for person in people:
            person.join(max(1.0, until - time.monotonic() + args.timeout + 5))
        return report(results, time.monotonic() - began, args.users)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
