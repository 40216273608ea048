"""The computed indicators against the hand-counted world of ``world.py``: periods (with their
edges in local time), regions, the partner school, revoked certificates, paused time, recognitions
that end, and reports that come in late or never."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from werkplaats.goals import metrics
from werkplaats.goals.metrics import Evaluator, Scope
from werkplaats.goals.models import IndicatorSource

from .world import END, START, YEAR, Metrics, build, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db: None) -> Metrics:
    return build()


@pytest.fixture
def scope(w: Metrics) -> Scope:
    return Scope.of(w.partnership)


def _series(key: str, scope: Scope, start: datetime.date = START, end: datetime.date = END) -> list[Decimal | None]:
    return [p.value for p in Evaluator(scope).series(key, start, end)]


def test_the_scope_is_the_regions_and_the_partner_schools(w: Metrics, scope: Scope) -> None:
    assert scope.region_ids == (w.groningen.pk,)
    assert scope.school_ids == (w.noorderpoort.pk,)  # the municipality is a partner, but no school


# --- 1. Praktijkverklaringen issued ----------------------------------------------------------


def test_certificates_issued_counts_the_region_and_the_partner_school_and_leaves_out_revoked(
    scope: Scope,
) -> None:
    # c1 (15 Jan), c2 (10 Mar) in Groningen; c7 by the partner school (5 Apr). Not: c3 revoked,
    # c4 the day before, c5 the day after, c6 in Drenthe at another school.
    assert metrics.certificates_issued(scope, START, END) == 3


def test_certificates_issued_per_month_are_cumulative(scope: Scope) -> None:
    assert _series(IndicatorSource.CERTIFICATES_ISSUED, scope) == [1, 1, 2, 3, 3, 3]


def test_certificates_issued_includes_the_edges_of_the_period(scope: Scope) -> None:
    assert metrics.certificates_issued(scope, d(12, 31, YEAR - 1), d(7, 1)) == 5  # with c4 and c5
    assert metrics.certificates_issued(scope, d(1, 16), d(3, 10)) == 1  # c2 only, on the last day


def test_certificates_of_another_region_count_for_that_region_only(w: Metrics) -> None:
    drenthe = Scope(partnership_id=0, region_ids=(w.drenthe.pk,), school_ids=())
    # c6 and c7 were counted in Drenthe (the learner's organisation's region).
    assert metrics.certificates_issued(drenthe, START, END) == 2


def test_a_partnership_without_regions_or_schools_counts_nothing(w: Metrics) -> None:
    nowhere = Scope(partnership_id=w.partnership.pk, region_ids=(), school_ids=())
    assert metrics.certificates_issued(nowhere, START, END) == 0
    assert metrics.trajectories_started(nowhere, START, END) == 0
    assert metrics.median_lead_time(nowhere, START, END) is None
    assert metrics.employers_active(nowhere, START, END) == 0


# --- 2. Trajectories started -----------------------------------------------------------------


def test_trajectories_started_counts_referrals_in_the_period(scope: Scope) -> None:
    # c3 (5 Jan), c5 (15 Feb), d1 (1 Feb), d2 (10 Jan), 1 Jan 00:30, 30 Jun 23:30, the stopped one
    # (1 Apr), the learner without a region at ESKA (5 May), the Drenthe learner at the partner
    # school (2 Mar). Not: 31 Dec 23:30, the Drenthe learner at a Drenthe school, c6, and the
    # trajectories referred before the period.
    assert metrics.trajectories_started(scope, START, END) == 9


def test_trajectories_started_per_month_are_cumulative(scope: Scope) -> None:
    assert _series(IndicatorSource.TRAJECTORIES_STARTED, scope) == [3, 5, 6, 7, 8, 9]


# --- 3 and 4. Lead times ---------------------------------------------------------------------


def test_median_lead_time_of_the_trajectories_completed_in_the_period(scope: Scope) -> None:
    # c3 74, c7 95 (125 minus 30 days paused), c1 136, d1 149, c2 221 days. Not: c4 and c5 (out
    # of the period), d2 (1 July 00:30 local time), c6 (Drenthe).
    assert metrics.median_lead_time(scope, START, END) == Decimal("136.0")


def test_median_lead_time_of_an_even_number_is_the_middle_of_the_two(scope: Scope) -> None:
    # Through 5 April: c1 136, c2 221, c3 74, c7 95 → (95 + 136) / 2.
    assert metrics.median_lead_time(scope, START, d(4, 5)) == Decimal("115.5")


def test_share_completed_within_six_months(scope: Scope) -> None:
    # Four of the five took at most six months; c2 (221 days) did not.
    assert metrics.within_six_months(scope, START, END) == Decimal("80.0")


def test_lead_times_per_month_are_over_the_period_so_far(scope: Scope) -> None:
    assert _series(IndicatorSource.MEDIAN_LEAD_TIME, scope) == [
        Decimal("136.0"),  # c1
        Decimal("136.0"),
        Decimal("136.0"),  # c1, c2, c3
        Decimal("115.5"),  # + c7
        Decimal("115.5"),
        Decimal("136.0"),  # + d1
    ]
    assert _series(IndicatorSource.WITHIN_SIX_MONTHS, scope) == [
        Decimal("100.0"),
        Decimal("100.0"),
        Decimal("66.7"),
        Decimal("75.0"),
        Decimal("75.0"),
        Decimal("80.0"),
    ]


def test_no_completed_trajectories_means_no_lead_time(scope: Scope) -> None:
    assert metrics.median_lead_time(scope, d(8, 1), d(8, 31)) is None
    assert metrics.within_six_months(scope, d(8, 1), d(8, 31)) is None


# --- 5. Recognised employers active ----------------------------------------------------------


def test_employers_active_are_recognised_at_the_end_and_had_a_placement(scope: Scope) -> None:
    # ESKA (1 Feb), Hilvers (twice on 1 Mar, once), Hoveniersbedrijf Noord (30 Jun 23:30). Not:
    # 2-Switch (recognised until 31 May), Taveerne (only from 1 July), Mantel (placed before the
    # period), Zuidenveld (Drenthe), Schoonmaak Stad (not recognised).
    assert metrics.employers_active(scope, START, END) == 3


def test_employers_active_per_month_judge_the_recognition_at_each_month_end(scope: Scope) -> None:
    # 2-Switch counts in April and May (recognised through 31 May) and drops out in June.
    assert _series(IndicatorSource.EMPLOYERS_ACTIVE, scope) == [0, 1, 2, 3, 3, 3]


# --- 6. Progress reports on time -------------------------------------------------------------


def test_reports_on_time_is_the_share_submitted_by_the_due_date(scope: Scope) -> None:
    # r1, r2 (23:30 on the due date), r5 on time; r3 (00:30 the day after) and r4 (never) late.
    # Not: r6 (due after the period), r7 (another partnership).
    assert metrics.reports_on_time(scope, START, END) == Decimal("60.0")


def test_a_report_not_yet_due_does_not_count_against_the_group(scope: Scope) -> None:
    # On 1 June, r4 (due 6 June) could still come in on time.
    assert metrics.reports_on_time(scope, START, END, today=d(6, 1)) == Decimal("75.0")


def test_reports_on_time_per_month(scope: Scope) -> None:
    assert _series(IndicatorSource.REPORTS_ON_TIME, scope) == [
        Decimal("100.0"),
        Decimal("100.0"),
        Decimal("100.0"),
        Decimal("66.7"),
        Decimal("75.0"),
        Decimal("60.0"),
    ]


def test_no_reports_due_means_no_value(scope: Scope) -> None:
    assert metrics.reports_on_time(scope, d(9, 1), d(9, 30)) is None


# --- Fetching ---------------------------------------------------------------------------------


def test_each_metric_takes_a_fixed_number_of_queries_for_any_number_of_periods(scope: Scope) -> None:
    evaluator = Evaluator(scope)
    periods = [(key, START, END) for key in metrics.METRICS] + [
        (IndicatorSource.CERTIFICATES_ISSUED, d(12, 1, YEAR - 1), d(3, 31)),
        (IndicatorSource.MEDIAN_LEAD_TIME, d(2, 1), d(5, 31)),
    ]
    with CaptureQueriesContext(connection) as queries:
        evaluator.prepare(periods)
        for key, start, end in periods:
            evaluator.value(key, start, end)
            evaluator.series(key, start, end)
    # certificates 1, started 1, lead times 1 (shared by both), employers 2, reports 1.
    assert len(queries) == 6
    assert evaluator.value(IndicatorSource.CERTIFICATES_ISSUED, d(12, 1, YEAR - 1), d(3, 31)) == 3  # c4, c1, c2
