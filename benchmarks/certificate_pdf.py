"""How long does drawing a praktijkverklaring as a PDF take?

    .venv/bin/python benchmarks/certificate_pdf.py                  # 12 work processes, 30 runs, SQLite
    .venv/bin/python benchmarks/certificate_pdf.py 3 12 40 --runs 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/werkplaats .venv/bin/python benchmarks/certificate_pdf.py

For each size it builds a fresh database (a temporary SQLite file, or with DATABASE_URL a throw-away
``werkplaats_bench_<pid>`` database next to the given one, dropped afterwards), issues one praktijkverklaring
with that many confirmed mastered work processes (spread over core tasks of four work processes each) through
``certificates.services.issue``, draws it ``--warmup`` times to warm the font caches, as a running worker has
them, and then ``--runs`` times with ``certificates.pdf.render``. It prints the median and 95th percentile in
milliseconds, the size of the PDF and its number of pages.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import create_database, drop_database, median_and_p95, setup_django


def issue_certificate(work_processes: int, serial: int) -> Any:
    """A learner in the assessment phase with ``work_processes`` mastered and confirmed, and the
    praktijkverklaring the school issues for them."""
    import datetime

    from django.utils import timezone

    from werkplaats.accounts.models import User
    from werkplaats.certificates import services
    from werkplaats.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind, Region, Role
    from werkplaats.qualifications.models import (
        CorePart,
        CoreTask,
        Qualification,
        QualificationFile,
        Source,
        WorkProcess,
    )
    from werkplaats.trajectories.models import (
        IntendedOutcome,
        Learner,
        Level,
        Route,
        Status,
        TargetGroup,
        Trajectory,
        WorkProcessAssessment,
    )

    def member(organisation: Organisation, role: str, email: str, name: str) -> User:
        user = User.objects.create_user(email, None, name=name)
        membership = Membership.objects.create(user=user, organisation=organisation)
        MembershipRole.objects.create(membership=membership, role=role)
        return user

    region, _created = Region.objects.get_or_create(code="AM01", defaults={"name": "Groningen"})
    municipality = Organisation.objects.create(name=f"Gemeente Haren {serial}", slug=f"haren-{serial}", region=region)
    school = Organisation.objects.create(
        name=f"Noorderpoort {serial}",
        slug=f"noorderpoort-{serial}",
        kind=OrganisationKind.MBO_SCHOOL,
        region=region,
        city="Groningen",
    )
    employer = Organisation.objects.create(
        name=f"Kinderopvang De Zonnebloem {serial}",
        slug=f"zonnebloem-{serial}",
        kind=OrganisationKind.EMPLOYER,
        kvk_number=f"{12_345_000 + serial}",
        region=region,
    )
    staff = member(school, Role.SCHOOL_STAFF, f"staff{serial}@school.example.nl", "Sander de Vries")
    trainer = member(employer, Role.WORKPLACE_TRAINER, f"trainer{serial}@employer.example.nl", "Tineke Opleider")

    file = QualificationFile.objects.create(
        dossier_crebo=f"2{serial:04d}",
        name="Pedagogisch werk",
        version_number=1,
        source=Source.KD_XML,
        content_hash=f"bench-{serial}",
    )
    qualification = Qualification.objects.create(
        file=file, crebo=f"3{serial:04d}", name="Pedagogisch medewerker kinderopvang", level=3
    )
    processes = []
    for index in range(work_processes):
        if index % 4 == 0:
            number = index // 4 + 1
            core_task = CoreTask.objects.create(
                file=file,
                part=CorePart.BASIS,
                code=f"B1-K{number}",
                title=f"Begeleidt kinderen in hun ontwikkeling en bij hun dagelijkse activiteiten ({number})",
                position=number,
            )
        processes.append(
            WorkProcess.objects.create(
                core_task=core_task,
                code=f"{core_task.code}-W{index % 4 + 1}",
                title="Stemt de begeleiding af op de behoeften van het kind en evalueert die met de ouders",
                position=index % 4 + 1,
            )
        )

    learner = Learner.objects.create(
        organisation=municipality,
        first_name="Noor Anna",
        last_name="van der Jansen-Bakker",
        date_of_birth=datetime.date(1990, 5, 1),
        target_group=TargetGroup.PARTICIPATIEWET,
    )
    trajectory = Trajectory.objects.create(
        learner=learner,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
        qualification=qualification,
        school=school,
        employer=employer,
        workplace_trainer=trainer,
        school_coach=staff,
        status=Status.ASSESSMENT,
    )
    day = timezone.localdate() - datetime.timedelta(days=7)
    WorkProcessAssessment.objects.bulk_create(
        WorkProcessAssessment(
            trajectory=trajectory,
            work_process=process,
            level=Level.MASTERED,
            assessed_on=day,
            assessed_by=trainer,
            confirmed_by=staff,
            confirmed_at=timezone.now(),
        )
        for process in processes
    )
    return services.issue(trajectory, by=staff, language="nl")


def measure(certificate: Any, runs: int, warmup: int) -> tuple[float, float, int, int]:
    """Median and p95 in ms, the PDF's size in bytes and its number of pages."""
    import pypdf

    from werkplaats.certificates import pdf

    for _ in range(warmup):
        data = pdf.render(certificate)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        data = pdf.render(certificate)
        timings.append((time.perf_counter() - start) * 1000)
    median, p95 = median_and_p95(timings)
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    return median, p95, len(data), pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[12], help="numbers of work processes (default 12)")
    parser.add_argument("--runs", type=int, default=30, help="drawings per measurement (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="drawings before measuring (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(
            Path(tmp),
            WERKPLAATS_PRIVATE_DIR=str(Path(tmp) / "private"),
            # Issuing queues the PDF for the worker; here the benchmark draws it itself.
            TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        )
        from django.db import connection

        old_name = create_database()
        try:
            print(f"Certificate PDF: {connection.vendor}, {args.runs} runs after {args.warmup} warm-ups per line")
            print(f"{'work processes':>14} {'median ms':>10} {'p95 ms':>8} {'PDF bytes':>10} {'pages':>6}")
            for serial, size in enumerate(args.sizes, start=1):
                certificate = issue_certificate(size, serial)
                median, p95, size_bytes, pages = measure(certificate, args.runs, args.warmup)
                print(f"{size:>14} {median:>10.1f} {p95:>8.1f} {size_bytes:>10} {pages:>6}")
        finally:
            drop_database(old_name)


if __name__ == "__main__":
    main()
