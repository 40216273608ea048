"""The counts come from one query over the period's certificates, grouped six ways: the months of
a period across New Year, which name labels a row, and the rows the templates read."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation
from werkplaats.organisations.tests.factories import OrganisationFactory

from .. import counts, services
from ..counts import ROWS_SHOWN, Breakdown, Counts, Filters, Row
from ..models import Certificate
from .test_counts import _issue, _month_start, _school
from .world import CertificateWorld

pytestmark = pytest.mark.usefixtures("english")


def _table(result: Counts, key: str) -> list[tuple[str, str, int]]:
    [breakdown] = [b for b in result.breakdowns if b.key == key]
    return [(row.key, row.label, row.count) for row in breakdown.rows]


def test_every_breakdown_comes_from_one_query_over_the_certificates(world: CertificateWorld) -> None:
    college, college_staff = _school("Friesland College", world.school.region)
    bakery = OrganisationFactory.create(name="Bakkerij Bolletje", region=world.work.employer.region, employer=True)
    _issue(world, _month_start(0))
    _issue(world, _month_start(1), name="Anna", school=college, staff=college_staff)
    _issue(world, _month_start(2), name="Bram", employer=bakery)
    filters = Filters(date_from=_month_start(2), date_to=timezone.localdate())
    get_access(world.coordinator)  # who the coordinator is, loaded once per request anyway

    with CaptureQueriesContext(connection) as captured:
        result = counts.count(world.coordinator, filters)

    assert [q["sql"] for q in captured if "certificates_certificate" in q["sql"]] == [captured[-1]["sql"]]
    assert result.total == 3
    assert [row.count for row in result.breakdowns[0].rows] == [3]
    assert {label for _key, label, _n in _table(result, "school")} == {"Noorderpoort", "Friesland College"}
    assert {label for _key, label, _n in _table(result, "employer")} == {"ESKA", "Bakkerij Bolletje"}


def test_the_months_run_across_new_year(world: CertificateWorld) -> None:
    today = timezone.localdate()
    new_year = today.replace(month=1, day=1)
    _issue(world, datetime.date(today.year - 1, 12, 15))
    _issue(world, new_year, name="Anna")
    _issue(world, new_year, name="Bram")

    result = counts.count(world.coordinator, Filters(date_from=datetime.date(today.year - 1, 11, 1), date_to=today))

    months = _table(result, "month")
    assert months[:3] == [
        (f"{today.year - 1}-11", f"{today.year - 1}-11", 0),
        (f"{today.year - 1}-12", f"{today.year - 1}-12", 1),
        (f"{today.year}-01", f"{today.year}-01", 2),
    ]
    assert len(months) == 2 + today.month
    assert sum(n for _key, _label, n in months) == result.total == 3


def test_a_row_is_labelled_by_its_certificates_with_the_latest_date_of_issue(world: CertificateWorld) -> None:
    """Not by the last one issued: a certificate issued later with an earlier date does not rename it."""
    _issue(world, _month_start(0))
    Organisation.objects.filter(pk=world.school.pk).update(name="Noorderpoort College")
    _issue(world, _month_start(1), name="Anna")

    result = counts.count(world.coordinator, Filters(date_from=_month_start(1), date_to=timezone.localdate()))

    assert sorted(Certificate.objects.values_list("school_name", flat=True)) == ["Noorderpoort", "Noorderpoort College"]
    assert _table(result, "school") == [(str(world.school.pk), "Noorderpoort", 2)]


def test_the_keys_and_levels_read_as_before(world: CertificateWorld) -> None:
    certificate = _issue(world, _month_start(0))
    services.revoke(_issue(world, _month_start(0), name="Anna"), by=world.coordinator, reason="x")
    filters = Filters(date_from=_month_start(0), date_to=timezone.localdate())

    valid = counts.count(world.coordinator, filters)
    every = counts.count(world.coordinator, Filters(filters.date_from, filters.date_to, include_revoked=True))

    region = world.work.municipality.region
    assert region is not None
    assert _table(valid, "region") == [(str(region.pk), region.name, 1)]
    assert _table(valid, "level") == [(str(certificate.level), f"Level {certificate.level}", 1)]
    assert _table(valid, "qualification") == [(certificate.crebo, certificate.qualification_name, 1)]
    assert _table(valid, "employer") == [(str(certificate.employer_id), certificate.employer_name, 1)]
    assert (valid.total, every.total) == (1, 2)


def test_the_page_shows_the_largest_rows_of_a_ranked_breakdown_and_every_month() -> None:
    rows = [Row(key=str(n), label=f"Bedrijf {n}", count=1000 - n) for n in range(ROWS_SHOWN + 7)]
    ranked = Breakdown("employer", "Per learning company", "Learning company", rows)
    months = Breakdown("month", "Per month", "Month", rows, ranked=False)

    assert ranked.shown == rows[:ROWS_SHOWN]
    assert ranked.more == 7
    assert (months.shown, months.more) == (rows, 0)


def test_someone_without_regions_counts_nothing_without_asking(world: CertificateWorld) -> None:
    _issue(world, _month_start(0))
    nobody = UserFactory.create()
    get_access(nobody)

    with CaptureQueriesContext(connection) as captured:
        result = counts.count(nobody, Filters(date_from=_month_start(0), date_to=timezone.localdate()))

    assert len(captured) == 0
    assert result.total == 0
    assert [len(b.rows) for b in result.breakdowns] == [0, 0, 0, 0, 0, 1]
