"""Certificate numbers: PV-<year>-<sequence>, counting from 1 in every year, without gaps, also
when schools issue at the same moment (each on a connection of its own, on PostgreSQL)."""

from __future__ import annotations

import datetime
import types
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.core.tests.threads import run_together
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import Status, Trajectory

from .. import services, tasks
from ..models import Certificate, CertificateSequence, Milestone, MilestoneScope
from .world import CertificateWorld, another_ready_trajectory

pytestmark = pytest.mark.usefixtures("english")


class Rollback(Exception):
    pass


def test_numbers_follow_each_other_within_a_year(world: CertificateWorld) -> None:
    year = timezone.localdate().year
    second = another_ready_trajectory(world, "Sam")

    first_certificate = services.issue(world.trajectory, by=world.school_staff)
    second_certificate = services.issue(second, by=world.school_staff)

    assert first_certificate.number == f"PV-{year}-000001"
    assert second_certificate.number == f"PV-{year}-000002"
    assert (first_certificate.year, first_certificate.sequence) == (year, 1)
    assert (second_certificate.year, second_certificate.sequence) == (year, 2)
    assert CertificateSequence.objects.get(year=year).last == 2


def test_every_year_starts_at_one(world: CertificateWorld) -> None:
    today = timezone.localdate()
    last_year = datetime.date(today.year - 1, 12, 31)
    second, third = another_ready_trajectory(world, "Sam"), another_ready_trajectory(world, "Kim")

    old = services.issue(world.trajectory, by=world.school_staff, on=last_year)
    new = services.issue(second, by=world.school_staff, on=today)
    newer = services.issue(third, by=world.school_staff, on=today)

    assert old.number == f"PV-{today.year - 1}-000001"
    assert new.number == f"PV-{today.year}-000001"
    assert newer.number == f"PV-{today.year}-000002"
    assert dict(CertificateSequence.objects.values_list("year", "last")) == {today.year - 1: 1, today.year: 2}


def test_an_issue_that_fails_after_taking_its_number_leaves_no_gap(
    world: CertificateWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Trajectory:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(trajectory_services, "transition", broken)
    with pytest.raises(RuntimeError):
        services.issue(world.trajectory, by=world.school_staff)
    monkeypatch.undo()
    assert not Certificate.objects.exists()
    assert not CertificateSequence.objects.filter(last__gt=0).exists()

    certificate = services.issue(world.trajectory, by=world.school_staff)

    assert certificate.sequence == 1


def test_an_issue_rolled_back_with_the_callers_transaction_leaves_no_gap(world: CertificateWorld) -> None:
    with pytest.raises(Rollback), transaction.atomic():
        services.issue(world.trajectory, by=world.school_staff)
        raise Rollback
    assert world.work.refresh().status == Status.ASSESSMENT

    certificate = services.issue(world.trajectory, by=world.school_staff)

    assert certificate.sequence == 1
    assert CertificateSequence.objects.get(year=certificate.year).last == 1


# --- At the same moment, on PostgreSQL --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and serialises all writers on one file lock",
)
def test_twenty_schools_issuing_at_once_get_twenty_numbers_without_gaps(
    world: CertificateWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    trajectories = [world.trajectory] + [another_ready_trajectory(world, f"Leerling {n}") for n in range(1, 20)]
    drawn: list[int] = []
    # The PDFs are drawn after the commit; that is not what this test is about.
    monkeypatch.setattr(tasks, "render_certificate_pdf", types.SimpleNamespace(enqueue=drawn.append))
    staff_pk, today = world.school_staff.pk, timezone.localdate()

    def issue(index: int) -> Certificate:
        by = User.objects.get(pk=staff_pk)
        return services.issue(Trajectory(pk=trajectories[index].pk), by=by, on=today)

    results = run_together(20, issue)

    assert all(isinstance(r, Certificate) for r in results), results
    sequences = sorted(r.sequence for r in results)
    assert sequences == list(range(1, 21))
    assert len({r.number for r in results}) == 20
    assert CertificateSequence.objects.get(year=today.year).last == 20
    assert Trajectory.objects.filter(pk__in=[t.pk for t in trajectories], status=Status.COMPLETED).count() == 20
    assert sorted(drawn) == sorted(r.pk for r in results)
    # Each count is seen by exactly one certificate, so the 10th is celebrated once per scope.
    milestones = sorted(Milestone.objects.values_list("scope", "count"))
    assert milestones == [(MilestoneScope.REGION, 10), (MilestoneScope.SCHOOL, 10)]
