"""The dashboard page and its downloads: who opens them, bad input, a constant number of queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories.models import EventKind, FundingKind, FundingSource, Status, TrajectoryEvent
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory

pytestmark = pytest.mark.usefixtures("english")

PAGE = reverse("insights:dashboard")
CSV = reverse("insights:dashboard-csv")
XLSX = reverse("insights:dashboard-xlsx")
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")  # the figures' names in English
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return member_of(organisation, Role.COORDINATOR, email="regie@haren.example.nl")


@pytest.fixture
def school(groningen: Region) -> Organisation:
    return OrganisationFactory.create(name="Noorderpoort", kind=OrganisationKind.MBO_SCHOOL, region=groningen)


def trajectories(organisation: Organisation, school: Organisation, n: int, *, start: int = 0) -> None:
    """``n`` trajectories of learners of ``organisation`` at ``school``: registered in 2026, half
    completed in the period, each with its events and a funding source."""
    for i in range(start, start + n):
        created = timezone.make_aware(datetime.datetime(2026, 1, 5 + i % 20, 10))
        done = i % 2 == 0
        ended = created + datetime.timedelta(days=100)
        trajectory = TrajectoryFactory.create(
            learner=LearnerFactory.create(organisation=organisation),
            school=school,
            status=Status.COMPLETED if done else Status.SEARCHING,
            created_at=created,
            status_changed_at=ended if done else created,
        )
        TrajectoryEvent.objects.create(
            trajectory=trajectory, kind=EventKind.CREATED, to_status=Status.REFERRED, at=created
        )
        if done:
            TrajectoryEvent.objects.create(
                trajectory=trajectory, from_status=Status.REFERRED, to_status=Status.COMPLETED, at=ended
            )
        FundingSource.objects.create(trajectory=trajectory, kind=FundingKind.MUNICIPALITY)


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    for url in (PAGE, CSV, XLSX):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_who_has_no_region_or_organisation_of_their_own_gets_403(organisation: Organisation) -> None:
    employer = OrganisationFactory.create(employer=True, region=organisation.region)
    trainer = member_of(employer, Role.WORKPLACE_TRAINER)
    learner = member_of(organisation, Role.LEARNER)
    for user in (trainer, learner):
        client = _client(user)
        for url in (PAGE, f"{CSV}?table=summary", XLSX):
            assert client.get(url).status_code == 403
        assert "Dashboard" not in client.get(reverse("core:home")).content.decode()


def test_a_coordinator_sees_the_figures_of_their_region(
    coordinator: User, organisation: Organisation, school: Organisation
) -> None:
    trajectories(organisation, school, 6)

    response = _client(coordinator).get(PAGE, PERIOD)

    assert response.status_code == 200
    summary = {line.key: line.values for line in response.context["summary"].lines}
    assert summary["started"] == ["6"] and summary["completed"] == ["3"]
    assert not response.context["hides_small"]
    assert f'href="{PAGE}"' in response.content.decode()  # the main menu


def test_a_municipality_consultant_sees_their_organisation_and_may_choose_any_region(
    consultant: User, organisation: Organisation, school: Organisation, drenthe: Region
) -> None:
    trajectories(organisation, school, 3)
    client = _client(consultant)

    own = client.get(PAGE, PERIOD)
    choices = dict(own.context["form"].fields["scope"].choices)

    assert next(iter(choices)) == f"o{organisation.pk}"
    assert {line.key: line.values for line in own.context["summary"].lines}["started"] == ["3"]
    # Their organisation's region is not theirs: there, the three learners are "< 5".
    region = client.get(PAGE, {**PERIOD, "scope": f"r{organisation.region_id}"})
    assert {line.key: line.values for line in region.context["summary"].lines}["started"] == ["< 5"]
    assert region.context["hides_small"]
    assert f"r{drenthe.pk}" in choices


def test_another_organisation_cannot_be_chosen(consultant: User, school: Organisation) -> None:
    response = _client(consultant).get(PAGE, {**PERIOD, "scope": f"o{school.pk}"})

    assert response.status_code == 200
    assert "result" not in response.context
    assert response.context["form"].errors["scope"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-06-01", "date_to": "2026-01-01"}, "date_to"),
        ({"date_from": "2000-01-01", "date_to": "2026-01-01"}, "date_to"),
        ({"compare_from": "2025-01-01"}, "compare_to"),
        ({"compare_to": "2025-01-01"}, "compare_from"),
        ({"compare_from": "2025-06-01", "compare_to": "2025-01-01"}, "compare_to"),
        ({"scope": "x" * 5000}, "scope"),
        ({"compare_scope": "r999999"}, "compare_scope"),
    ],
)
def test_bad_filters_are_explained_on_the_field(coordinator: User, query: dict[str, str], field: str) -> None:
    response = _client(coordinator).get(PAGE, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "result" not in response.context
    # A download with the same filters goes back to the page that explains them.
    download = _client(coordinator).get(XLSX, query)
    assert download.status_code == 302 and download["Location"].startswith(PAGE)


def test_the_page_answers_only_get(coordinator: User) -> None:
    assert _client(coordinator).post(PAGE).status_code == 405


def test_two_periods_side_by_side(coordinator: User, organisation: Organisation, school: Organisation) -> None:
    trajectories(organisation, school, 6)

    response = _client(coordinator).get(PAGE, {**PERIOD, "compare_from": "2025-01-01", "compare_to": "2025-06-30"})

    summary = response.context["summary"]
    assert len(summary.groups) == 2
    assert {line.key: line.values for line in summary.lines}["started"] == ["6", "0"]


def test_a_table_downloads_as_csv_with_the_numbers_of_the_page(
    coordinator: User, organisation: Organisation, school: Organisation
) -> None:
    trajectories(organisation, school, 6)
    client = _client(coordinator)

    response = client.get(CSV, {**PERIOD, "table": "school"})

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.strip().splitlines()
    assert lines[0].split(";") == ["School", "Started", "Running at the end", "Completed", "Stopped"]
    assert lines[1].split(";") == ["Noorderpoort", "6", "3", "3", "0"]
    entry = AuditLogEntry.objects.filter(action=Action.EXPORT).latest("pk")
    assert entry.object_repr == "dashboard.csv" and entry.changes["table"] == "school"


def test_every_table_downloads_as_xlsx(coordinator: User, organisation: Organisation, school: Organisation) -> None:
    from openpyxl import load_workbook

    trajectories(organisation, school, 6)

    response = _client(coordinator).get(XLSX, PERIOD)

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    page = _client(coordinator).get(PAGE, PERIOD)
    assert len(workbook.sheetnames) == 1 + len(page.context["tables"])
    rows = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert rows["Trajectories started"] == 6


def test_unknown_tables_and_a_csv_of_everything_are_404(coordinator: User) -> None:
    client = _client(coordinator)
    assert client.get(CSV, {"table": "nonsense"}).status_code == 404
    assert client.get(XLSX, {"table": "nonsense"}).status_code == 404
    assert client.get(CSV).status_code == 404


def test_the_queries_of_the_page_do_not_grow_with_the_data(
    coordinator: User, organisation: Organisation, school: Organisation
) -> None:
    client = _client(coordinator)
    trajectories(organisation, school, 3)
    client.get(PAGE, PERIOD)  # sessions, caches
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE, {**PERIOD, "compare_from": "2025-01-01", "compare_to": "2025-12-31"})
    other_school = OrganisationFactory.create(kind=OrganisationKind.MBO_SCHOOL, region=organisation.region)
    trajectories(organisation, other_school, 30, start=3)
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE, {**PERIOD, "compare_from": "2025-01-01", "compare_to": "2025-12-31"})

    assert len(many) == len(few) > 10, (len(few), len(many))
