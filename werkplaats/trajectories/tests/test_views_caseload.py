"""Caseloads: whose trajectories, warnings, filters, a query count that does not grow with the
rows, and exports with the same rows and columns as the page and never any support needs."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories import caseloads, exports
from werkplaats.trajectories.models import (
    IntendedOutcome,
    Learner,
    ProgressReview,
    Route,
    Status,
    Trajectory,
)

from .factories import LearnerFactory, event

CASELOAD = reverse("trajectories:caseload")


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _make(
    n: int, organisation: Organisation, *, employer: Organisation, qualification: Qualification, consultant: User
) -> list[Trajectory]:
    """``n`` trajectories of ``organisation``'s learners in varied states, with events and reviews."""
    now = timezone.now()
    made = []
    states = [Status.REFERRED, Status.INTAKE, Status.SEARCHING, Status.PLACED, Status.IN_PROGRESS, Status.PAUSED]
    for i in range(n):
        learner = LearnerFactory.create(organisation=organisation, support_needs=f"GEHEIM-{i}")
        status = states[i % len(states)]
        started = now - datetime.timedelta(days=20 + 4 * i)
        trajectory = Trajectory.objects.create(
            learner=learner,
            route=Route.PRAKTIJKLEREN,
            intended_outcome=IntendedOutcome.CERTIFICATE,
            qualification=qualification,
            employer=employer,
            consultant=consultant,
            status=status,
            status_changed_at=started + datetime.timedelta(days=5),
            planned_start=started.date(),
            created_at=started,
        )
        event(trajectory, Status.REFERRED, at=started)
        event(trajectory, status, frm=Status.REFERRED, at=started + datetime.timedelta(days=5))
        if i % 3 == 0:
            ProgressReview.objects.create(
                trajectory=trajectory, held_on=started.date(), attendees="drie partijen", created_by=consultant
            )
        made.append(trajectory)
    return made


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [CASELOAD, reverse("trajectories:caseload-csv"), reverse("trajectories:caseload-xlsx")])
def test_the_caseload_query_count_does_not_grow_with_its_rows(
    url: str,
    organisation: Organisation,
    consultant: User,
    employer: Organisation,
    qualification: Qualification,
    recognition: Recognition,
) -> None:
    client = _client(consultant)
    _make(5, organisation, employer=employer, qualification=qualification, consultant=consultant)
    small = _queries(client, url)
    _make(35, organisation, employer=employer_for(organisation), qualification=qualification, consultant=consultant)
    large = _queries(client, url)

    assert Trajectory.objects.count() == 40
    assert large == small


def employer_for(organisation: Organisation) -> Organisation:
    from .factories import employer_in

    return employer_in(organisation)


def test_the_consultant_sees_their_organisations_trajectories_with_warnings(
    organisation: Organisation, consultant: User, employer: Organisation, qualification: Qualification
) -> None:
    """No recognition for the employer: placed trajectories warn about it; an old referral is late."""
    made = _make(6, organisation, employer=employer, qualification=qualification, consultant=consultant)
    late = made[0]
    Trajectory.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    late.events.filter(from_status="").update(at=timezone.now() - datetime.timedelta(days=400))

    response = _client(consultant).get(CASELOAD)

    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert len(rows) == 6
    by_state = {r.trajectory.status: r for r in rows}
    assert caseloads.CaseWarning.NOT_RECOGNISED in by_state[Status.PLACED].warnings
    assert caseloads.CaseWarning.NOT_RECOGNISED not in by_state[Status.INTAKE].warnings
    assert caseloads.CaseWarning.LATE in by_state[Status.REFERRED].warnings
    assert b"past the 6-month norm" in response.content.lower()


def test_filters_and_sorting(
    organisation: Organisation,
    consultant: User,
    employer: Organisation,
    qualification: Qualification,
    recognition: Recognition,
) -> None:
    made = _make(6, organisation, employer=employer, qualification=qualification, consultant=consultant)
    today = timezone.localdate()
    ProgressReview.objects.create(
        trajectory=made[3],  # placed
        held_on=today - datetime.timedelta(days=20),
        next_review_on=today - datetime.timedelta(days=3),
        attendees="drie partijen",
    )
    client = _client(consultant)

    placed = client.get(CASELOAD, {"state": Status.PLACED}).context["page"].object_list
    assert [r.trajectory.status for r in placed] == [Status.PLACED]

    overdue = client.get(CASELOAD, {"warning": caseloads.CaseWarning.OVERDUE_REVIEW}).context["page"].object_list
    assert overdue
    assert all(caseloads.CaseWarning.OVERDUE_REVIEW in r.warnings for r in overdue)

    by_days = client.get(CASELOAD, {"sort": "days", "order": "desc"}).context["page"].object_list
    assert [r.days_in_state for r in by_days] == sorted((r.days_in_state for r in by_days), reverse=True)

    nonsense = client.get(CASELOAD, {"state": "x", "warning": "y", "sort": "z", "order": "q", "page": "-1"})
    assert nonsense.status_code == 200


def test_each_role_sees_its_own_caseload(
    organisation: Organisation,
    consultant: User,
    coordinator: User,
    trainer: User,
    coach: User,
    outsider: User,
    trajectory: Trajectory,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    other_employer_trainer = member_of(employer_for(organisation), Role.WORKPLACE_TRAINER)

    def learners(user: User) -> list[Learner]:
        return [r.trajectory.learner for r in _client(user).get(CASELOAD).context["page"].object_list]

    assert learners(consultant) == [trajectory.learner]
    assert learners(coordinator) == [trajectory.learner]
    assert learners(trainer) == [trajectory.learner]
    assert learners(coach) == [trajectory.learner]
    assert learners(other_employer_trainer) == []
    assert learners(outsider) == []


def test_csv_and_xlsx_have_the_same_rows_and_columns_and_no_support_needs(
    organisation: Organisation,
    consultant: User,
    employer: Organisation,
    qualification: Qualification,
    recognition: Recognition,
) -> None:
    _make(7, organisation, employer=employer, qualification=qualification, consultant=consultant)
    client = _client(consultant)

    csv_response = client.get(reverse("trajectories:caseload-csv"))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    xlsx_response = client.get(reverse("trajectories:caseload-xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    xlsx_rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]

    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_rows[0] == ["Learner", "Qualification", "Employer", "State", "Days in state", "Next review", "Warnings"]
    assert len(csv_rows) == 8
    assert csv_rows == xlsx_rows
    assert "GEHEIM" not in text
    assert not any("GEHEIM" in cell for row in xlsx_rows for cell in row)
    assert not any("support" in h.lower() for h in csv_rows[0])


def test_the_export_headers_are_in_dutch_by_default(
    organisation: Organisation, consultant: User, trajectory: Trajectory
) -> None:
    client = Client()
    client.force_login(consultant)  # the factory's users speak Dutch, the default

    response = client.get(reverse("trajectories:caseload-csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]

    with translation.override("nl"):
        assert text.splitlines()[0] == ";".join(exports.headers())


def test_the_home_page_summarises_the_caseload_per_role(
    organisation: Organisation,
    consultant: User,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    made = _make(4, organisation, employer=employer, qualification=qualification, consultant=consultant)
    Trajectory.objects.filter(pk=made[0].pk).update(created_at=timezone.now() - datetime.timedelta(days=170))
    made[0].events.filter(from_status="").update(at=timezone.now() - datetime.timedelta(days=170))

    response = _client(consultant).get(reverse("core:home"))

    summary = response.context["caseloads"][Role.CONSULTANT]
    assert (summary.total, summary.at_risk) == (4, 1)
    assert b"4 open trajectories in your caseload" in response.content
    assert f"{CASELOAD}?warning=norm".encode() in response.content


def test_an_export_of_the_caseload_is_in_the_audit_log(
    organisation: Organisation, consultant: User, trajectory: Trajectory
) -> None:
    from werkplaats.audit.models import Action, AuditLogEntry

    client = Client()
    client.force_login(consultant)

    client.get(reverse("trajectories:caseload-xlsx") + "?state=open")

    entry = AuditLogEntry.objects.get(action=Action.EXPORT)
    assert entry.actor == consultant
    assert entry.changes["format"] == "xlsx"
    assert entry.changes["rows"] == 1
    assert "state=open" in entry.changes["filters"]


def test_the_open_caseload_reads_no_events_of_finished_trajectories(
    organisation: Organisation,
    consultant: User,
    employer: Organisation,
    qualification: Qualification,
    recognition: Recognition,
) -> None:
    """Years of completed trajectories stay in the database: rows (and their events) are read
    only for the state chosen."""
    running, finished = _make(2, organisation, employer=employer, qualification=qualification, consultant=consultant)
    Trajectory.objects.filter(pk=finished.pk).update(status=Status.COMPLETED)
    client = _client(consultant)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CASELOAD)
    assert [row.trajectory.pk for row in response.context["page"].object_list] == [running.pk]
    events = [q["sql"] for q in captured.captured_queries if 'FROM "trajectories_trajectoryevent"' in q["sql"]]
    assert len(events) == 1
    loaded = {int(pk) for pk in re.search(r'"trajectory_id" IN \(([^)]*)\)', events[0]).group(1).split(",")}  # type: ignore[union-attr]
    assert loaded == {running.pk}
    response = client.get(CASELOAD, {"state": caseloads.ALL})
    assert {row.trajectory.pk for row in response.context["page"].object_list} == {running.pk, finished.pk}


def test_a_page_sorted_by_the_database_builds_the_rows_of_that_page_alone(
    organisation: Organisation,
    consultant: User,
    employer: Organisation,
    qualification: Qualification,
    recognition: Recognition,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sorted by the learner, the employer or the state, the database sorts and pages the caseload:
    only the page's rows (and their events) are built, in the order the whole list has."""
    from werkplaats.trajectories import views

    made = _make(7, organisation, employer=employer, qualification=qualification, consultant=consultant)
    other_employer = employer_for(organisation)
    for n, trajectory in enumerate(made):
        Learner.objects.filter(pk=trajectory.learner_id).update(first_name="Kim", last_name=f"Achternaam {7 - n}")
    Trajectory.objects.filter(pk__in=[t.pk for t in made[:3]]).update(employer=other_employer)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client = _client(consultant)
    everything = caseloads.build_rows(caseloads.in_state(caseloads.queryset(consultant, organisation)))
    for key in ("learner", "employer", "state"):
        for order in ("asc", "desc"):
            expected = [row.trajectory.pk for row in caseloads.sort(everything, key, descending=order == "desc")]
            shown: list[int] = []
            for number in (1, 2, 3):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(CASELOAD, {"sort": key, "order": order, "page": number})
                page = [row.trajectory.pk for row in response.context["page"].object_list]
                events = [q["sql"] for q in captured.captured_queries if '"trajectories_trajectoryevent"' in q["sql"]]
                loaded = re.search(r'"trajectory_id" IN \(([^)]*)\)', events[0]).group(1).split(",")  # type: ignore[union-attr]
                assert {int(pk) for pk in loaded} == set(page), (key, order, number)
                assert response.context["count"] == 7
                shown += page
            assert shown == expected, (key, order)
