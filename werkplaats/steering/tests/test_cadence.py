"""The cadence: which reports a group owes, from when, and that creating them is idempotent."""

from __future__ import annotations

import datetime

import pytest

from werkplaats.partnerships.models import ProgressReport
from werkplaats.partnerships.tests.factories import Cast
from werkplaats.steering import services

D = datetime.date


def _start(c: Cast, starts_on: datetime.date, **fields: object) -> None:
    c.working.starts_on = starts_on
    for name, value in fields.items():
        setattr(c.working, name, value)
    c.working.save()


def test_a_group_owes_a_report_every_n_weeks_from_its_start(c: Cast) -> None:
    _start(c, D(2025, 1, 6))

    assert services.due_dates(c.working, until=D(2025, 3, 31)) == [D(2025, 2, 17), D(2025, 3, 31)]


def test_without_a_start_the_cadence_counts_from_the_day_the_group_was_created(c: Cast) -> None:
    created = services.report_anchor(c.working)

    assert services.due_dates(c.working, until=created + datetime.timedelta(weeks=12)) == [
        created + datetime.timedelta(weeks=6),
        created + datetime.timedelta(weeks=12),
    ]


def test_no_report_is_owed_after_the_groups_end(c: Cast) -> None:
    _start(c, D(2025, 1, 6), ends_on=D(2025, 3, 1))

    assert services.due_dates(c.working, until=D(2025, 12, 31)) == [D(2025, 2, 17)]
    assert services.next_due_date(c.working, today=D(2025, 2, 18)) is None


def test_a_group_that_accounts_to_nobody_owes_no_reports(c: Cast) -> None:
    _start(c, D(2025, 1, 6), accountable_to=None)

    assert services.due_dates(c.working, until=D(2025, 12, 31)) == []
    assert services.ensure_due_reports(D(2025, 12, 31)) == 0


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2024, 12, 1), D(2025, 2, 17)),  # before the start: the first due date
        (D(2025, 1, 6), D(2025, 2, 17)),
        (D(2025, 2, 17), D(2025, 2, 17)),  # on a due date: that one
        (D(2025, 2, 18), D(2025, 3, 31)),
    ],
)
def test_the_next_due_date(c: Cast, today: datetime.date, expected: datetime.date) -> None:
    _start(c, D(2025, 1, 6))

    assert services.next_due_date(c.working, today=today) == expected


def test_reports_fall_due_a_week_before_their_due_date(c: Cast) -> None:
    _start(c, D(2025, 1, 6))

    assert services.ensure_due_reports(D(2025, 2, 9)) == 0  # eight days before
    assert services.ensure_due_reports(D(2025, 2, 10)) == 1  # seven days before

    report = ProgressReport.objects.get()
    assert (report.group, report.due_on, report.status) == (c.working, D(2025, 2, 17), "due")
    assert not report.is_overdue(D(2025, 2, 17))
    assert report.is_overdue(D(2025, 2, 18))


def test_creating_due_reports_is_idempotent_and_catches_up_missed_ones(c: Cast) -> None:
    _start(c, D(2025, 1, 6))

    assert services.ensure_due_reports(D(2025, 5, 12)) == 3  # 17 Feb, 31 Mar, 12 May
    assert services.ensure_due_reports(D(2025, 5, 12)) == 0
    assert services.ensure_due_reports(D(2025, 5, 13)) == 0

    assert list(ProgressReport.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        D(2025, 2, 17),
        D(2025, 3, 31),
        D(2025, 5, 12),
    ]


def test_a_row_that_another_run_inserted_meanwhile_is_skipped(c: Cast) -> None:
    """Two workers at once: the unique constraint decides, no error."""
    _start(c, D(2025, 1, 6))
    ProgressReport.objects.create(group=c.working, due_on=D(2025, 3, 31))

    assert services.ensure_due_reports(D(2025, 3, 31)) == 1
    assert ProgressReport.objects.count() == 2


def test_only_the_given_partnerships_reports_are_created(c: Cast) -> None:
    from werkplaats.partnerships.tests.factories import cast

    other = cast()
    for group in (c.working, other.working):
        group.starts_on = D(2025, 1, 6)
        group.save()

    assert services.ensure_due_reports(D(2025, 2, 17), partnership=c.partnership) == 1
    assert not ProgressReport.objects.filter(group=other.working).exists()


def test_a_closed_group_gets_no_more_due_dates(c: Cast) -> None:
    _start(c, D(2025, 1, 6))
    services.close_group(c.working, closing_note="Resultaat bereikt en geborgd.", on=D(2025, 3, 1))
    c.working.refresh_from_db()

    assert services.due_dates(c.working, until=D(2025, 12, 31)) == []
    assert services.next_due_date(c.working, today=D(2025, 3, 2)) is None
    assert services.ensure_due_reports(D(2025, 12, 31)) == 0
