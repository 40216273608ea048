"""The counts page: who sees which certificates, the breakdowns and their labels, the filters
(and what happens with wrong ones), the exports with the page's numbers, a query count that does
not grow with the certificates, and the successes."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from werkplaats.accounts.models import User
from werkplaats.audit.models import AuditLogEntry
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import MembershipFactory, OrganisationFactory, RegionFactory, member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories.models import Learner, Trajectory
from werkplaats.trajectories.tests import work_world

from .. import services
from ..counts import Counts
from ..models import Certificate, Milestone, MilestoneScope
from .world import CertificateWorld, another_ready_trajectory

COUNTS = reverse("certificates:counts")
CSV = reverse("certificates:counts-csv")
XLSX = reverse("certificates:counts-xlsx")

pytestmark = pytest.mark.usefixtures("english")


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _month_start(months_back: int) -> datetime.date:
    """The first day of the month ``months_back`` before the current one (never in the future)."""
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def _period(months_back: int) -> dict[str, str]:
    return {"date_from": _month_start(months_back).isoformat(), "date_to": timezone.localdate().isoformat()}


def _issue(
    world: CertificateWorld,
    on: datetime.date,
    *,
    name: str = "",
    school: Organisation | None = None,
    staff: User | None = None,
    employer: Organisation | None = None,
    qualification: Qualification | None = None,
) -> Certificate:
    """A certificate issued ``on``: of the world's trajectory when no ``name`` is given, else of
    a new learner called ``name``; at another school, employer or qualification when given."""
    trajectory = another_ready_trajectory(world, name) if name else world.trajectory
    changes: dict[str, Any] = {}
    if school is not None:
        changes["school"] = school
    if employer is not None:
        changes["employer"] = employer
    if qualification is not None:
        changes["qualification"] = qualification
    if changes:
        Trajectory.objects.filter(pk=trajectory.pk).update(**changes)
        trajectory.refresh_from_db()
    return services.issue(trajectory, by=staff or world.school_staff, on=on)


def _school(name: str, region: Region | None) -> tuple[Organisation, User]:
    school = OrganisationFactory.create(name=name, region=region, kind=OrganisationKind.MBO_SCHOOL, city="Sneek")
    return school, member_of(school, Role.SCHOOL_STAFF)


def _counts(response: Any) -> Counts:
    assert response.status_code == 200
    result = response.context["counts"]
    assert isinstance(result, Counts)
    return result


def _table(result: Counts, key: str) -> list[tuple[str, int]]:
    [breakdown] = [b for b in result.breakdowns if b.key == key]
    return [(row.label, row.count) for row in breakdown.rows]


@pytest.fixture
def varied(world: CertificateWorld) -> list[Certificate]:
    """Four certificates of region Groningen over three months of the last four: two at
    Noorderpoort for ESKA (this month and last month), one at Friesland College for ESKA and
    one at Friesland College for Bakkerij Bolletje in another qualification, at level 2 (three
    months ago)."""
    college, college_staff = _school("Friesland College", world.school.region)
    bakery = OrganisationFactory.create(name="Bakkerij Bolletje", region=world.work.employer.region, employer=True)
    baker = work_world.qualification(crebo="25256")
    Qualification.objects.filter(pk=baker.pk).update(name="Bakker", level=2)
    baker.refresh_from_db()
    return [
        _issue(world, _month_start(0)),
        _issue(world, _month_start(1), name="Anna"),
        _issue(world, _month_start(3), name="Bram", school=college, staff=college_staff),
        _issue(
            world,
            _month_start(3),
            name="Cor",
            school=college,
            staff=college_staff,
            employer=bakery,
            qualification=baker,
        ),
    ]


# --- What is counted --------------------------------------------------------------------------


def test_a_coordinator_sees_the_counts_per_breakdown(world: CertificateWorld, varied: list[Certificate]) -> None:
    response = _client(world.coordinator).get(COUNTS, _period(3))
    result = _counts(response)

    assert result.total == 4
    assert _table(result, "region") == [("Groningen", 4)]
    assert _table(result, "school") == [("Friesland College", 2), ("Noorderpoort", 2)]
    assert _table(result, "employer") == [("ESKA", 3), ("Bakkerij Bolletje", 1)]
    assert _table(result, "qualification") == [("Pedagogisch medewerker", 3), ("Bakker", 1)]
    assert _table(result, "level") == [("Level 3", 3), ("Level 2", 1)]
    months = [f"{_month_start(n):%Y-%m}" for n in (3, 2, 1, 0)]
    assert _table(result, "month") == [(months[0], 2), (months[1], 0), (months[2], 1), (months[3], 1)]
    [qualifications] = [b for b in result.breakdowns if b.key == "qualification"]
    assert [row.key for row in qualifications.rows] == ["25486", "25256"]
    html = response.content.decode()
    assert '<th class="utrecht-table__cell werkplaats-row-header" scope="row">Friesland College</th>' in html
    assert '<caption class="utrecht-table__caption">Per learning company</caption>' in html
    assert html.count("<table") == 6


def test_a_renamed_school_is_one_row_with_its_latest_name(world: CertificateWorld) -> None:
    _issue(world, _month_start(1))
    Organisation.objects.filter(pk=world.school.pk).update(name="Noorderpoort College")
    _issue(world, _month_start(0), name="Anna")

    result = _counts(_client(world.coordinator).get(COUNTS, _period(1)))

    assert sorted(Certificate.objects.values_list("school_name", flat=True)) == ["Noorderpoort", "Noorderpoort College"]
    assert _table(result, "school") == [("Noorderpoort College", 2)]


def test_the_period_is_this_year_until_today_by_default(world: CertificateWorld) -> None:
    today = timezone.localdate()
    _issue(world, today)
    _issue(world, today.replace(month=1, day=1) - datetime.timedelta(days=1), name="Anna")

    response = _client(world.coordinator).get(COUNTS)
    result = _counts(response)

    assert (result.filters.date_from, result.filters.date_to) == (today.replace(month=1, day=1), today)
    assert result.total == 1
    assert f'value="{today.replace(month=1, day=1).isoformat()}"' in response.content.decode()


def test_a_chosen_period_counts_only_its_certificates(world: CertificateWorld, varied: list[Certificate]) -> None:
    client = _client(world.coordinator)
    last_month = {
        "date_from": _month_start(1).isoformat(),
        "date_to": (_month_start(0) - datetime.timedelta(days=1)).isoformat(),
    }

    assert _counts(client.get(COUNTS, last_month)).total == 1
    assert _counts(client.get(COUNTS, {**last_month, "date_from": _month_start(3).isoformat()})).total == 3
    assert _counts(client.get(COUNTS, _period(3))).total == 4


def test_revoked_certificates_are_left_out_unless_asked_for(world: CertificateWorld) -> None:
    certificate = _issue(world, _month_start(0))
    _issue(world, _month_start(0), name="Anna")
    services.revoke(certificate, by=world.coordinator, reason="x")
    client = _client(world.coordinator)

    left_out = _counts(client.get(COUNTS, _period(0)))
    included = _counts(client.get(COUNTS, {**_period(0), "include_revoked": "on"}))

    assert left_out.total == 1
    assert included.total == 2
    assert _table(included, "school") == [("Noorderpoort", 2)]


def test_an_empty_period_says_so_instead_of_showing_empty_tables(world: CertificateWorld) -> None:
    _issue(world, _month_start(0))
    period = {"date_from": "2020-01-01", "date_to": "2020-12-31"}

    response = _client(world.coordinator).get(COUNTS, period)

    assert _counts(response).total == 0
    html = response.content.decode()
    assert "No praktijkverklaringen were issued in this period." in html
    assert "<table" not in html
    assert reverse("certificates:counts-csv") not in html


def test_a_coordinator_of_two_regions_chooses_one(world: CertificateWorld) -> None:
    drenthe = RegionFactory.create(code="AM03")
    emmen = Organisation.objects.get(name="Gemeente Emmen")
    _issue(world, _month_start(0))
    in_drenthe = another_ready_trajectory(world, "Anna")
    Learner.objects.filter(pk=in_drenthe.learner_id).update(organisation=emmen)
    services.issue(in_drenthe, by=world.school_staff, on=_month_start(0))
    coordinator = member_of(
        OrganisationFactory.create(name="Regio Noord", region=world.work.municipality.region),
        Role.COORDINATOR,
    )
    MembershipFactory.create(user=coordinator, organisation=emmen, roles=[Role.COORDINATOR])
    client = _client(coordinator)

    everything = client.get(COUNTS, _period(0))
    chosen = _counts(client.get(COUNTS, {**_period(0), "region": str(drenthe.pk)}))

    assert _counts(everything).total == 2
    assert _table(_counts(everything), "region") == [("Drenthe", 1), ("Groningen", 1)]
    assert 'name="region"' in everything.content.decode()
    assert chosen.total == 1
    assert _table(chosen, "region") == [("Drenthe", 1)]


def test_a_coordinator_of_one_region_is_not_asked_for_one(world: CertificateWorld) -> None:
    response = _client(world.coordinator).get(COUNTS)

    assert 'name="region"' not in response.content.decode()


def test_a_coordinator_of_another_region_counts_none_of_these(world: CertificateWorld) -> None:
    _issue(world, _month_start(0))
    elsewhere = member_of(OrganisationFactory.create(region=RegionFactory.create(name="Twente")), Role.COORDINATOR)

    result = _counts(_client(elsewhere).get(COUNTS, _period(0)))

    assert result.total == 0
    assert _counts(_client(world.work.outsider).get(COUNTS, _period(0))).total == 0
    # The coordinator of the school's region counts what the learner's region counts.
    assert _counts(_client(world.work.bystander).get(COUNTS, _period(0))).total == 0


def test_a_platform_administrator_counts_every_region_and_no_region(
    world: CertificateWorld, platform_admin: User
) -> None:
    _issue(world, _month_start(0))
    nowhere = another_ready_trajectory(world, "Anna")
    # Neither the learner's organisation, nor the employer, nor the school has a region.
    Organisation.objects.filter(pk__in=[world.work.municipality.pk, world.work.employer.pk, world.school.pk]).update(
        region=None
    )
    services.issue(nowhere, by=world.school_staff, on=_month_start(0))

    response = _client(platform_admin).get(COUNTS, _period(0))
    result = _counts(response)

    assert result.total == 2
    assert _table(result, "region") == [("Groningen", 1), ("No region", 1)]
    assert 'name="region"' in response.content.decode()
    assert _counts(_client(world.coordinator).get(COUNTS, _period(0))).total == 1


# --- Who may look -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [COUNTS, CSV, XLSX])
@pytest.mark.parametrize("who", ["school_staff", "consultant", "trainer", "learner_user"])
def test_who_coordinates_no_region_gets_403(world: CertificateWorld, url: str, who: str) -> None:
    user = getattr(world.work, who)

    assert _client(user).get(url).status_code == 403
    assert not AuditLogEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("url", [COUNTS, CSV, XLSX])
def test_anonymous_visitors_are_sent_to_the_login_page(db: None, url: str) -> None:
    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_only_answers_get(world: CertificateWorld) -> None:
    assert _client(world.coordinator).post(COUNTS).status_code == 405


# --- Wrong filters ----------------------------------------------------------------------------

BAD_FILTERS = [
    ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "The end of the period cannot be before its start."),
    ({"date_from": "gisteren"}, "Enter a date as DD-MM-YYYY."),
    ({"date_to": "2026-02-31"}, "Enter a date as DD-MM-YYYY."),
    ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, "Choose a period of at most 10 years."),
    ({"region": "abc"}, "Select a valid choice."),
    ({"region": "99999999999999999999999"}, "Select a valid choice."),
]


@pytest.mark.parametrize(("query", "error"), BAD_FILTERS)
def test_wrong_filters_are_an_error_on_the_form(world: CertificateWorld, query: dict[str, str], error: str) -> None:
    _issue(world, _month_start(0))

    response = _client(world.coordinator).get(COUNTS, query)

    assert response.status_code == 200
    assert response.context["counts"] is None
    html = response.content.decode()
    assert error in html
    assert "utrecht-form-field--invalid" in html
    assert "<table" not in html


def test_a_region_that_is_not_yours_is_an_error_on_the_form(world: CertificateWorld) -> None:
    drenthe = RegionFactory.create(code="AM03")

    response = _client(world.coordinator).get(COUNTS, {"region": str(drenthe.pk)})

    assert response.status_code == 200
    assert response.context["counts"] is None
    assert "Select a valid choice." in response.content.decode()
    assert 'name="region"' in response.content.decode()  # shown, to say what is wrong


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_an_export_with_wrong_filters_goes_back_to_the_page(world: CertificateWorld, url: str) -> None:
    response = _client(world.coordinator).get(url, {"date_from": "2026-03-01", "date_to": "2026-02-01"})

    assert response.status_code == 302
    assert response["Location"] == f"{COUNTS}?date_from=2026-03-01&date_to=2026-02-01"
    assert not AuditLogEntry.objects.filter(action="export").exists()


# --- Exports ----------------------------------------------------------------------------------


def _page_numbers(result: Counts) -> list[list[str]]:
    rows = [["total", "", "Total", str(result.total)]]
    for breakdown in result.breakdowns:
        rows += [[breakdown.key, row.key, row.label, str(row.count)] for row in breakdown.rows]
    return rows


def test_the_csv_has_the_numbers_of_the_page(world: CertificateWorld, varied: list[Certificate]) -> None:
    client = _client(world.coordinator)
    query = {**_period(3), "include_revoked": "on"}
    result = _counts(client.get(COUNTS, query))

    response = client.get(CSV, query)
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))

    assert text.startswith("\ufeff")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    assert rows[0] == ["breakdown", "key", "label", "count"]
    assert rows[1:] == _page_numbers(result)
    assert ["school", str(world.school.pk), "Noorderpoort", "2"] in rows
    assert ["qualification", "25256", "Bakker", "1"] in rows
    assert ["month", f"{_month_start(2):%Y-%m}", f"{_month_start(2):%Y-%m}", "0"] in rows


def test_the_xlsx_has_a_sheet_per_breakdown_with_the_numbers_of_the_page(
    world: CertificateWorld, varied: list[Certificate]
) -> None:
    client = _client(world.coordinator)
    result = _counts(client.get(COUNTS, _period(3)))

    response = client.get(XLSX, _period(3))
    workbook = load_workbook(io.BytesIO(response.content))

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert workbook.sheetnames == [
        "Total",
        "Per region",
        "Per school",
        "Per learning company",
        "Per qualification",
        "Per level",
        "Per month",
    ]
    summary = [list(row) for row in workbook["Total"].iter_rows(values_only=True)]
    assert summary[-1] == ["Total", 4]
    for breakdown in result.breakdowns:
        rows = [list(row) for row in workbook[breakdown.caption].iter_rows(values_only=True)]
        if breakdown.key_heading:
            assert rows[0] == [breakdown.heading, breakdown.key_heading, "Number"]
            assert rows[1:] == [[row.label, row.key, row.count] for row in breakdown.rows]
        else:
            assert rows[0] == [breakdown.heading, "Number"]
            assert rows[1:] == [[row.label, row.count] for row in breakdown.rows]


def test_names_that_look_like_formulas_are_never_run(world: CertificateWorld) -> None:
    Organisation.objects.filter(pk=world.work.employer.pk).update(name="=HYPERLINK(1)")
    _issue(world, _month_start(0))
    client = _client(world.coordinator)

    text = b"".join(client.get(CSV, _period(0)).streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    workbook = load_workbook(io.BytesIO(client.get(XLSX, _period(0)).content))

    assert "employer;" in text
    assert ";'=HYPERLINK(1);1" in text
    assert workbook["Per learning company"]["A2"].value == "'=HYPERLINK(1)"


@pytest.mark.parametrize(("url", "fmt"), [(CSV, "csv"), (XLSX, "xlsx")])
def test_an_export_is_in_the_audit_log_with_its_filters(world: CertificateWorld, url: str, fmt: str) -> None:
    _issue(world, _month_start(0))
    response = _client(world.coordinator).get(url, {**_period(0), "include_revoked": "on"})

    assert response.status_code == 200
    entry = AuditLogEntry.objects.get(action="export")
    assert entry.actor == world.coordinator
    assert entry.object_repr == f"certificate-counts.{fmt} (1)"
    assert entry.changes == {
        "format": fmt,
        "total": 1,
        "filters": {
            "date_from": _month_start(0).isoformat(),
            "date_to": timezone.localdate().isoformat(),
            "region": None,
            "include_revoked": True,
        },
    }


def test_the_export_links_keep_the_filters(world: CertificateWorld) -> None:
    _issue(world, _month_start(0))
    query = {**_period(0), "include_revoked": "on"}

    html = _client(world.coordinator).get(COUNTS, query).content.decode()

    expected = f"date_from={query['date_from']}&amp;date_to={query['date_to']}&amp;include_revoked=on"
    assert f'href="{CSV}?{expected}"' in html
    assert f'href="{XLSX}?{expected}"' in html


# --- Performance ------------------------------------------------------------------------------


def _queries(client: Client, url: str, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [COUNTS, CSV, XLSX])
def test_the_number_of_queries_does_not_grow_with_the_certificates(world: CertificateWorld, url: str) -> None:
    query = {**_period(3), "include_revoked": "on"}
    _issue(world, _month_start(0))
    one = _queries(_client(world.coordinator), url, query)

    college, college_staff = _school("Friesland College", world.school.region)
    bakery = OrganisationFactory.create(name="Bakkerij Bolletje", region=world.work.employer.region, employer=True)
    for n, months_back in enumerate([1, 2, 3, 3, 2]):
        _issue(world, _month_start(months_back), name=f"Learner {n}", school=college, staff=college_staff)
        _issue(world, _month_start(months_back), name=f"Other {n}", employer=bakery)
    services.revoke(Certificate.objects.order_by("pk").last(), by=world.coordinator, reason="x")  # type: ignore[arg-type]
    several = _queries(_client(world.coordinator), url, query)

    assert Certificate.objects.count() == 11
    assert Milestone.objects.filter(scope=MilestoneScope.REGION, count=10).exists()  # listed as well
    assert several == one


# --- Successes --------------------------------------------------------------------------------


def test_the_milestones_of_the_coordinators_regions_and_their_schools_are_listed(world: CertificateWorld) -> None:
    certificate = _issue(world, _month_start(0))
    groningen = world.work.municipality.region
    assert groningen is not None
    drenthe = RegionFactory.create(code="AM03")
    local_school, _staff = _school("Alfa-college", groningen)
    at = datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC)
    Milestone.objects.create(
        scope=MilestoneScope.REGION, region=groningen, count=100, certificate=certificate, reached_at=at
    )
    Milestone.objects.create(scope=MilestoneScope.SCHOOL, school=local_school, count=25, certificate=certificate)
    Milestone.objects.create(scope=MilestoneScope.REGION, region=drenthe, count=50, certificate=certificate)
    # Noorderpoort is in Friesland: its milestones are for the coordinators of Friesland.
    Milestone.objects.create(scope=MilestoneScope.SCHOOL, school=world.school, count=10, certificate=certificate)

    html = _client(world.coordinator).get(COUNTS).content.decode()
    friesland = _client(world.work.bystander).get(COUNTS).content.decode()

    assert "<strong>Groningen</strong> (region): 100th praktijkverklaring, 3 March 2026" in html
    assert f"reached with {certificate.number}" in html
    assert "<strong>Alfa-college</strong> (school): 25th praktijkverklaring" in html
    assert "50th" not in html
    assert "Noorderpoort</strong>" not in html
    assert "<strong>Noorderpoort</strong> (school): 10th praktijkverklaring" in friesland
    assert "Groningen</strong>" not in friesland


def test_only_the_latest_twenty_milestones_are_listed(world: CertificateWorld) -> None:
    certificate = _issue(world, _month_start(0))
    start = timezone.now() - datetime.timedelta(days=30)
    for n in range(1, 23):
        Milestone.objects.create(
            scope=MilestoneScope.REGION,
            region=world.work.municipality.region,
            count=n * 1000,
            certificate=certificate,
            reached_at=start + datetime.timedelta(days=n),
        )

    response = _client(world.coordinator).get(COUNTS)

    listed = [m.count for m in response.context["milestones"]]
    assert listed == [n * 1000 for n in range(22, 2, -1)]


def test_a_tenth_certificate_is_a_success_on_the_page(world: CertificateWorld) -> None:
    certificates = [_issue(world, _month_start(0))]
    for n in range(9):
        certificates.append(_issue(world, _month_start(0), name=f"Learner {n}"))

    html = _client(world.coordinator).get(COUNTS).content.decode()

    assert Milestone.objects.filter(scope=MilestoneScope.REGION, count=10).exists()
    assert "<strong>Groningen</strong> (region): 10th praktijkverklaring" in html
    assert f"reached with {certificates[-1].number}" in html


def test_without_milestones_the_page_says_what_will_come(world: CertificateWorld) -> None:
    html = _client(world.coordinator).get(COUNTS).content.decode()

    assert "No milestones yet." in html
