"""Issuing praktijkverklaringen in a batch: choosing the ready trajectories of a school, the
task that issues them one by one, and the page that follows it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from werkplaats.accounts.models import User
from werkplaats.audit.context import current_actor
from werkplaats.organisations.models import Membership, OrganisationKind, Role
from werkplaats.organisations.tests.factories import MembershipFactory, OrganisationFactory, member_of
from werkplaats.trajectories.models import IntendedOutcome, Status, Trajectory, WorkProcessAssessment

from .. import services
from ..batches import MAX_BATCH_SIZE, candidates, execute_batch
from ..forms_batch import BatchForm
from ..models import BatchStatus, Certificate, IssueBatch
from .world import CertificateWorld, another_ready_trajectory

START = reverse("certificates:batch-start")


@pytest.fixture(autouse=True)
def _private_dir(settings: Any, tmp_path: Path) -> None:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"  # the PDFs stay out of the repository


def _client(user: User) -> Client:
    """Logged in, with the pages in English, the source language (the page follows the user's
    own language)."""
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, ids: list[Any], *, on: datetime.date | str | None = None, url: str = START) -> Any:
    return client.post(url, {"trajectories": [str(pk) for pk in ids], "issued_on": str(on or timezone.localdate())})


def _batch(world: CertificateWorld, trajectories: list[Trajectory]) -> IssueBatch:
    return IssueBatch.objects.create(
        school=world.school,
        started_by=world.school_staff,
        issued_on=timezone.localdate(),
        trajectory_ids=[t.pk for t in trajectories],
    )


def _unconfirm(trajectory: Trajectory) -> None:
    WorkProcessAssessment.objects.filter(trajectory=trajectory).update(confirmed_at=None, confirmed_by=None)


# --- The start page ---------------------------------------------------------------------------


def test_the_start_page_offers_ready_trajectories_and_says_what_the_others_miss(
    world: CertificateWorld, english: None
) -> None:
    not_ready = another_ready_trajectory(world, "Bram")
    _unconfirm(not_ready)
    diploma = another_ready_trajectory(world, "Cor")
    Trajectory.objects.filter(pk=diploma.pk).update(intended_outcome=IntendedOutcome.DIPLOMA)
    at_work = another_ready_trajectory(world, "Dirk")
    Trajectory.objects.filter(pk=at_work.pk).update(status=Status.IN_PROGRESS)

    response = _client(world.school_staff).get(START)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="trajectories" value="{world.trajectory.pk}"' in html
    assert "Select Noor Jansen" in html
    assert f'value="{not_ready.pk}"' not in html
    assert "Bram Test" in html
    assert "No work process is assessed as mastered by the workplace and confirmed by the school" in html
    assert "Cor Test" not in html and "Dirk Test" not in html
    rows = {c.trajectory.pk: c for c in response.context["candidates"]}
    assert set(rows) == {world.trajectory.pk, not_ready.pk}
    assert rows[world.trajectory.pk].ready and rows[world.trajectory.pk].confirmed_mastered == 2
    assert not rows[not_ready.pk].ready and rows[not_ready.pk].confirmed_mastered == 0


def test_the_list_says_the_same_as_the_service_about_every_trajectory(world: CertificateWorld, english: None) -> None:
    unconfirmed = another_ready_trajectory(world, "Bram")
    _unconfirm(unconfirmed)
    no_qualification = another_ready_trajectory(world, "Cor")
    Trajectory.objects.filter(pk=no_qualification.pk).update(qualification=None)
    no_kvk = another_ready_trajectory(world, "Dirk")
    foundation = OrganisationFactory.create(name="Stichting Zonder KvK", kind=OrganisationKind.OTHER, kvk_number="")
    Trajectory.objects.filter(pk=no_kvk.pk).update(employer=foundation)
    no_employer = another_ready_trajectory(world, "Eva")
    Trajectory.objects.filter(pk=no_employer.pk).update(employer=None)

    rows = candidates(world.school_staff, world.school)

    assert len(rows) == 5
    for row in rows:
        assert row.problems == services.issue_problems(Trajectory.objects.get(pk=row.trajectory.pk))
    assert [row.ready for row in rows if row.trajectory.pk == world.trajectory.pk] == [True]


def test_the_start_page_says_so_when_nothing_is_in_assessment(world: CertificateWorld, english: None) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.IN_PROGRESS)

    response = _client(world.school_staff).get(START)

    assert response.status_code == 200
    assert "No trajectory at Noorderpoort is in the assessment phase" in response.content.decode()
    assert 'name="trajectories"' not in response.content.decode()


def test_staff_of_several_schools_choose_one_first(world: CertificateWorld, english: None) -> None:
    other_school = OrganisationFactory.create(name="Alfa-college", kind=OrganisationKind.MBO_SCHOOL)
    MembershipFactory.create(user=world.school_staff, organisation=other_school, roles=[Role.SCHOOL_STAFF])
    client = _client(world.school_staff)

    choose = client.get(START)
    chosen = client.get(START, {"school": world.school.pk})
    other = client.get(START, {"school": other_school.pk})
    not_mine = client.get(START, {"school": world.work.municipality.pk})

    assert choose.status_code == 200 and choose.context["school"] is None
    assert 'name="trajectories"' not in choose.content.decode()
    assert chosen.context["school"] == world.school
    assert f'value="{world.trajectory.pk}"' in chosen.content.decode()
    assert other.context["school"] == other_school and other.context["candidates"] == []
    assert not_mine.status_code == 200 and not_mine.context["school"] is None
    # A trajectory of the school not chosen cannot be slipped into a batch of the other.
    response = _post(client, [world.trajectory.pk], url=f"{START}?school={other_school.pk}")
    assert response.status_code == 200 and not IssueBatch.objects.exists()


def test_the_start_page_shows_the_last_ten_batches_of_the_user(world: CertificateWorld) -> None:
    for _n in range(12):
        _batch(world, [world.trajectory])
    someone_else = member_of(world.school, Role.SCHOOL_STAFF, email="collega@noorderpoort.example.nl")
    theirs = IssueBatch.objects.create(
        school=world.school, started_by=someone_else, issued_on=timezone.localdate(), trajectory_ids=[]
    )

    response = _client(world.school_staff).get(START)

    recent = list(response.context["recent"])
    assert len(recent) == 10 and theirs not in recent
    assert recent[0].get_absolute_url() in response.content.decode()


def test_the_start_page_does_not_query_per_trajectory(world: CertificateWorld) -> None:
    client = _client(world.school_staff)
    client.get(START)  # the session and the like, once
    with CaptureQueriesContext(connection) as one:
        assert client.get(START).status_code == 200
    for name in ("Bram", "Cor", "Dirk"):
        another_ready_trajectory(world, name)
    with CaptureQueriesContext(connection) as four:
        response = client.get(START)
    assert len(response.context["candidates"]) == 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]


# --- Starting a batch -------------------------------------------------------------------------


def test_three_ready_trajectories_are_issued_in_one_batch(
    world: CertificateWorld, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    second = another_ready_trajectory(world, "Bram")
    third = another_ready_trajectory(world, "Cor")
    chosen = [world.trajectory, second, third]

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_client(world.school_staff), [t.pk for t in chosen])

    batch = IssueBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.status == BatchStatus.DONE and batch.finished_at is not None
    assert batch.school == world.school and batch.started_by == world.school_staff
    assert batch.progress == 3 and batch.trajectory_ids == [t.pk for t in chosen]
    certificates = list(Certificate.objects.order_by("sequence"))
    assert [c.trajectory_id for c in certificates] == [t.pk for t in chosen]
    first = certificates[0].sequence
    assert [c.sequence for c in certificates] == [first, first + 1, first + 2]
    assert all(c.issued_by == world.school_staff and c.issued_on == timezone.localdate() for c in certificates)
    assert all(t.status == Status.COMPLETED for t in Trajectory.objects.filter(pk__in=[t.pk for t in chosen]))
    assert batch.results == [
        {"trajectory": c.trajectory_id, "learner": name, "number": c.number, "problems": []}
        for c, name in zip(certificates, ["Noor Jansen", "Bram Test", "Cor Test"], strict=True)
    ]


def test_a_certificate_is_in_the_learners_own_language(world: CertificateWorld) -> None:
    User.objects.filter(pk=world.work.learner_user.pk).update(language="en")
    without_login = another_ready_trajectory(world, "Bram")

    execute_batch(_batch(world, [world.trajectory, without_login]).pk)

    languages = dict(Certificate.objects.values_list("trajectory_id", "language"))
    assert languages == {world.trajectory.pk: "en", without_login.pk: "nl"}


@pytest.mark.parametrize(
    "case",
    ["nothing", "other school", "not ready", "not a number", "future"],
)
def test_a_bad_request_shows_an_error_and_starts_nothing(
    world: CertificateWorld, english: None, django_capture_on_commit_callbacks: Callable[..., Any], case: str
) -> None:
    elsewhere = another_ready_trajectory(world, "Bram")
    Trajectory.objects.filter(pk=elsewhere.pk).update(
        school=OrganisationFactory.create(name="Alfa-college", kind=OrganisationKind.MBO_SCHOOL)
    )
    not_ready = another_ready_trajectory(world, "Cor")
    _unconfirm(not_ready)
    ready = world.trajectory.pk
    cases: dict[str, dict[str, Any]] = {
        "nothing": {"ids": []},
        "other school": {"ids": [ready, elsewhere.pk]},
        "not ready": {"ids": [not_ready.pk]},
        "not a number": {"ids": [ready, "abc"]},
        "future": {"ids": [ready], "on": timezone.localdate() + datetime.timedelta(days=1)},
    }
    data = cases[case]

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_client(world.school_staff), data["ids"], on=data.get("on"))

    assert response.status_code == 200
    assert response.context["form"].errors
    expected = {
        "nothing": "Select at least one trajectory.",
        "future": "The date of issue cannot be in the future.",
    }.get(case, "One of the selected trajectories cannot be issued from this list")
    assert expected in response.content.decode()
    assert not IssueBatch.objects.exists() and not Certificate.objects.exists()
    if case == "other school":  # the ready one stays ticked, to send again without the other
        assert f'value="{ready}" id="batch-trajectory-{ready}" checked' in response.content.decode()


def test_a_batch_holds_at_most_two_hundred_trajectories(english: None) -> None:
    ids = list(range(1, MAX_BATCH_SIZE + 2))
    today = str(timezone.localdate())

    too_many = BatchForm({"trajectories": [str(pk) for pk in ids], "issued_on": today}, ready_ids=ids)
    enough = BatchForm({"trajectories": [str(pk) for pk in ids[:-1]], "issued_on": today}, ready_ids=ids)

    assert not too_many.is_valid()
    assert "A batch holds at most 200 trajectories" in str(too_many.errors["trajectories"])
    assert enough.is_valid() and len(enough.cleaned_data["trajectories"]) == MAX_BATCH_SIZE


# --- Running a batch --------------------------------------------------------------------------


def test_a_trajectory_changed_after_it_was_chosen_is_left_out_and_the_others_are_issued(
    world: CertificateWorld,
) -> None:
    second = another_ready_trajectory(world, "Bram")
    third = another_ready_trajectory(world, "Cor")
    batch = _batch(world, [world.trajectory, second, third])
    _unconfirm(second)
    Trajectory.objects.filter(pk=third.pk).update(status=Status.IN_PROGRESS)
    User.objects.filter(pk=world.school_staff.pk).update(language="en")

    with translation.override("nl"):
        batch = execute_batch(batch.pk)

    assert batch.status == BatchStatus.DONE and batch.progress == 3
    issued, refused_second, refused_third = batch.results
    assert issued["number"] and issued["problems"] == []
    assert refused_second["number"] == "" and refused_second["learner"] == "Bram Test"
    # In the language of the one who started it, whatever the worker speaks.
    assert refused_second["problems"] == [
        "No work process is assessed as mastered by the workplace and confirmed by the school: a "
        "praktijkverklaring lists at least one."
    ]
    assert refused_third["problems"] == [
        "A praktijkverklaring is issued in the assessment phase; the trajectory is now: learning at work."
    ]
    assert list(Certificate.objects.values_list("trajectory_id", flat=True)) == [world.trajectory.pk]
    second.refresh_from_db()
    assert second.status == Status.ASSESSMENT


def test_a_starter_who_left_the_school_issues_nothing_more(world: CertificateWorld, english: None) -> None:
    batch = _batch(world, [world.trajectory])
    Membership.objects.filter(user=world.school_staff).update(ended_at=timezone.now())
    User.objects.filter(pk=world.school_staff.pk).update(language="en")

    batch = execute_batch(batch.pk)

    assert batch.status == BatchStatus.DONE
    assert batch.results[0]["problems"] == [
        "Sander de Vries may no longer issue praktijkverklaringen for Noorderpoort."
    ]
    assert not Certificate.objects.exists()


def test_a_trajectory_that_no_longer_exists_is_reported(world: CertificateWorld) -> None:
    batch = IssueBatch.objects.create(
        school=world.school,
        started_by=world.school_staff,
        issued_on=timezone.localdate(),
        trajectory_ids=[987654, world.trajectory.pk],
    )

    batch = execute_batch(batch.pk)

    assert batch.results[0]["trajectory"] == 987654 and batch.results[0]["problems"]
    assert batch.results[1]["number"]


def test_running_a_batch_again_issues_nothing_twice(world: CertificateWorld) -> None:
    second = another_ready_trajectory(world, "Bram")
    batch = _batch(world, [world.trajectory, second])

    first_run = execute_batch(batch.pk)
    again = execute_batch(batch.pk)

    assert again.results == first_run.results and again.finished_at == first_run.finished_at
    assert Certificate.objects.count() == 2


def test_an_interrupted_batch_goes_on_where_it_stopped(world: CertificateWorld) -> None:
    second = another_ready_trajectory(world, "Bram")
    batch = _batch(world, [world.trajectory, second])
    execute_batch(_batch(world, [world.trajectory]).pk)  # as if the first run stopped after one
    done = Certificate.objects.get()
    IssueBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING,
        results=[{"trajectory": world.trajectory.pk, "learner": "Noor Jansen", "number": done.number, "problems": []}],
    )

    batch = execute_batch(batch.pk)

    assert batch.status == BatchStatus.DONE and batch.progress == 2
    assert [r["trajectory"] for r in batch.results] == [world.trajectory.pk, second.pk]
    assert batch.results[0]["number"] == done.number and batch.results[1]["number"]
    assert Certificate.objects.count() == 2


# --- The batch page ---------------------------------------------------------------------------


def test_the_batch_page_lists_each_learner_with_the_certificate_or_the_problems(
    world: CertificateWorld, english: None
) -> None:
    world.school_staff.language = "en"  # the problems are kept in the language of who started the batch
    world.school_staff.save(update_fields=["language"])
    second = another_ready_trajectory(world, "Bram")
    batch = _batch(world, [world.trajectory, second])
    _unconfirm(second)
    execute_batch(batch.pk)
    certificate = Certificate.objects.get()

    response = _client(world.school_staff).get(batch.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 issued, 1 not issued." in html
    assert reverse("certificates:detail", kwargs={"number": certificate.number}) in html
    assert "Bram Test" in html and "No work process is assessed as mastered" in html
    assert "hx-get" not in html  # finished: no more polling


def test_a_running_batch_shows_its_progress_and_polls(world: CertificateWorld, english: None) -> None:
    batch = _batch(world, [world.trajectory, another_ready_trajectory(world, "Bram")])
    one_done = {"trajectory": world.trajectory.pk, "learner": "Noor Jansen", "number": "", "problems": ["x"]}
    IssueBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, results=[one_done])

    response = _client(world.school_staff).get(batch.get_absolute_url())

    html = response.content.decode()
    assert '<progress id="batch-progress' in html and 'max="2" value="1"' in html
    assert "1 of 2 trajectories done (50%)." in html
    assert f'hx-get="{batch.get_absolute_url()}?seen=running-1"' in html
    assert "Refresh" in html  # without JavaScript
    assert "Vary" in response and "HX-Request" in response["Vary"]


def test_the_status_fragment_answers_204_when_nothing_changed(world: CertificateWorld) -> None:
    batch = _batch(world, [world.trajectory])
    IssueBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    client = _client(world.school_staff)
    url = batch.get_absolute_url()

    unchanged = client.get(url, {"seen": "running-0"}, headers={"HX-Request": "true"})
    execute_batch(batch.pk)
    changed = client.get(url, {"seen": "running-0"}, headers={"HX-Request": "true"})

    assert unchanged.status_code == 204 and unchanged.content == b""
    assert changed.status_code == 200
    html = changed.content.decode()
    assert 'id="batch-status"' in html
    assert "<html" not in html and "hx-get" not in html


# --- Who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["consultant", "trainer", "coordinator"])
def test_only_school_staff_start_a_batch(world: CertificateWorld, who: str) -> None:
    user = world.coordinator if who == "coordinator" else getattr(world.work, who)
    client = _client(user)

    assert client.get(START).status_code == 403
    assert _post(client, [world.trajectory.pk]).status_code == 403
    assert not IssueBatch.objects.exists()


def test_an_outsider_does_not_find_a_batch(world: CertificateWorld) -> None:
    batch = _batch(world, [world.trajectory])
    client = _client(world.work.outsider)  # school staff too, of a school elsewhere

    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.get(batch.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 404
    assert client.get(START).status_code == 200  # their own school, with nothing of this one
    assert f'value="{world.trajectory.pk}"' not in client.get(START).content.decode()


def test_school_staff_of_the_school_and_the_starter_see_a_batch(world: CertificateWorld) -> None:
    batch = _batch(world, [world.trajectory])
    colleague = member_of(world.school, Role.SCHOOL_STAFF, email="collega@noorderpoort.example.nl")
    Membership.objects.filter(user=world.school_staff).update(ended_at=timezone.now())

    assert _client(colleague).get(batch.get_absolute_url()).status_code == 200
    assert _client(world.school_staff).get(batch.get_absolute_url()).status_code == 200
    assert _client(world.work.consultant).get(batch.get_absolute_url()).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(world: CertificateWorld) -> None:
    batch = _batch(world, [world.trajectory])
    login = reverse("account_login")

    for response in (Client().get(START), Client().post(START), Client().get(batch.get_absolute_url())):
        assert response.status_code == 302 and response["Location"].startswith(login)
    assert not Certificate.objects.exists()


def test_a_school_where_the_user_is_nothing_cannot_be_posted_into(world: CertificateWorld) -> None:
    other = OrganisationFactory.create(name="Alfa-college", kind=OrganisationKind.MBO_SCHOOL)
    response = _post(_client(world.school_staff), [world.trajectory.pk], url=f"{START}?school={other.pk}")
    # One school only: the query string is ignored and the batch is of their own school.
    assert response.status_code == 302
    assert IssueBatch.objects.get().school == world.school


def test_the_batch_is_issued_in_the_name_of_the_one_who_started_it(
    world: CertificateWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    actors = []
    issue = services.issue

    def watched(trajectory: Trajectory, **kwargs: Any) -> Certificate:
        actors.append(current_actor())
        return issue(trajectory, **kwargs)

    monkeypatch.setattr(services, "issue", watched)

    execute_batch(_batch(world, [world.trajectory]).pk)

    assert [(a.user, a.organisation_id) for a in actors] == [(world.school_staff, world.school.pk)]
    assert Certificate.objects.get().issued_by == world.school_staff
