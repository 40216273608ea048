"""Fill the database with a synthetic country of praktijkleren, to see the dashboards at scale.

    manage.py generate_scale_data                              # national size: takes minutes
    manage.py generate_scale_data --employers 25000 --learners 100000 --assessments 1000000
    manage.py generate_scale_data --until 2026-06-30 --seed 7  # the same options give the same rows

Safety: the command refuses to run when the database already holds a generated dataset (give
``--replace`` to remove that dataset first) and when it holds other data, such as the demo or real
records (give ``--yes`` to add the generated dataset beside it). Everything is written in one
transaction: when something fails, nothing is left behind.
"""

from __future__ import annotations

import datetime
import sys
import time
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from werkplaats.insights import scale


class ProgressBar:
    """A progress bar on stderr: redrawn in place on a terminal; elsewhere (a log file) a line at
    every tenth of a stage."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.perf_counter()
        self.label = ""
        self.drawn = 0.0
        self.last: tuple[str, int] = ("", -1)
        self.tenth = -1

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            if self.label and self.tty:
                self.stream.write("\n")
            self.label = label
            self.drawn = 0.0
            self.tenth = -1
        share = min(done / total, 1.0) if total else 1.0
        now = time.perf_counter()
        if (label, done) == self.last:
            return
        if self.tty and share < 1 and now - self.drawn < 0.2:
            return
        if not self.tty and int(share * 10) == self.tenth:
            return
        self.drawn, self.last, self.tenth = now, (label, done), int(share * 10)
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = f"{label:<20} [{bar}] {share:4.0%} {done:>12,}/{total:<12,} {now - self.started:6.0f} s"
        self.stream.write(("\r" + line) if self.tty else (line + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.label and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--until: {text!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Generate a synthetic, deterministic dataset of praktijkleren at national scale: organisations in the real "
        "labour-market regions, users, recognitions, learners, trajectories with their events, funding, "
        "assessments, certificates and revocations. Refuses a database that holds a generated dataset already "
        "(--replace removes it first) or other data (--yes adds the dataset beside it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = scale.ScaleOptions()
        parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed (default %(default)s)")
        parser.add_argument(
            "--regions",
            type=int,
            default=defaults.regions,
            help="labour-market regions used, the first by CBS code (default %(default)s: all)",
        )
        parser.add_argument("--schools", type=int, default=defaults.schools, help="mbo schools (default %(default)s)")
        parser.add_argument("--employers", type=int, default=defaults.employers, help="employers (default %(default)s)")
        parser.add_argument(
            "--learners",
            type=int,
            default=defaults.learners,
            help="learners, one trajectory each and a second one for a few (default %(default)s)",
        )
        parser.add_argument(
            "--assessments",
            type=int,
            default=defaults.assessments,
            help="work-process assessments in total, over the trajectories that reached a workplace "
            "(default %(default)s; kept within what those trajectories allow)",
        )
        parser.add_argument(
            "--years", type=int, default=defaults.years, help="years of history before --until (default %(default)s)"
        )
        parser.add_argument("--until", type=_date, default=None, help="reference date YYYY-MM-DD (default today)")
        parser.add_argument(
            "--chunk", type=int, default=defaults.chunk, help="rows per insert batch (default %(default)s)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="remove a dataset generated earlier before generating this one"
        )
        parser.add_argument(
            "--yes", action="store_true", help="add the dataset even though the database holds other data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        settings_ = scale.ScaleOptions(
            seed=options["seed"],
            regions=options["regions"],
            schools=options["schools"],
            employers=options["employers"],
            learners=options["learners"],
            assessments=options["assessments"],
            years=options["years"],
            until=options["until"],
            chunk=options["chunk"],
        )
        problems = settings_.problems()
        if problems:
            raise CommandError("\n".join(problems))
        if scale.generated_dataset_exists() and not options["replace"]:
            raise CommandError(
                "The database already holds a generated dataset. Give --replace to remove it and generate a new one."
            )
        if scale.other_data_exists() and not options["yes"]:
            raise CommandError(
                "The database holds other data (organisations or learners that were not generated). "
                "Give --yes to add the generated dataset beside it."
            )
        bar = ProgressBar(sys.stderr) if verbosity >= 1 else None
        started = time.perf_counter()
        try:
            with transaction.atomic():
                if options["replace"] and scale.generated_dataset_exists():
                    removed = scale.delete_generated()
                    if verbosity >= 1:
                        self.stdout.write(f"Removed the earlier generated dataset ({removed:,} rows).")
                result = scale.generate(settings_, progress=bar)
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"The database refused the dataset, nothing was written: {exc}") from exc
        finally:
            if bar is not None:
                bar.close()
        if verbosity >= 1:
            self._summary(result, time.perf_counter() - started)

    def _summary(self, result: scale.ScaleResult, seconds: float) -> None:
        width = max(len(name) for name in result.counts)
        self.stdout.write("Generated:")
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>12,}")
        if result.assessments_adjusted:
            fewest, most = result.assessments_possible
            self.stdout.write(
                self.style.WARNING(
                    f"  {result.assessments_requested:,} assessments were asked for; these trajectories allow "
                    f"{fewest:,} to {most:,}, so {result.counts.get('assessments', 0):,} were made."
                )
            )
        self.stdout.write(f"Elapsed: {seconds:.1f} s")
