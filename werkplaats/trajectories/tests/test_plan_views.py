"""The learning-plan pages: writing versions, the conflict on a stale version, the three
approvals, the diff, and a copy signed outside the platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.http import FileResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.trajectories import services
from werkplaats.trajectories.files import MAX_BYTES
from werkplaats.trajectories.models import LearningPlanVersion, Party

from . import work_world
from .work_world import WorkWorld


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> WorkWorld:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return work_world.build()


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")  # read the pages in the source language
    client = Client()
    client.force_login(user)
    return client


def _plan_data(world: WorkWorld, based_on: int | None, **fields: str) -> dict[str, object]:
    wps = world.work_processes()
    data: dict[str, object] = {
        "based_on": "" if based_on is None else str(based_on),
        "learner_goals": "Ik wil leren plannen",
        "workplace_goals": "Zelfstandig de ochtendronde doen",
        "school_goals": "B1-K1 afronden",
        "work_processes": [str(wps.get(code="B1-K1-W1").pk), str(wps.get(code="P1-K1-W1").pk)],
        "activities": "Meelopen",
        "support": "Jobcoach",
        "hours_per_week": "16",
        "assessment_method": "Observatie",
        "start_date": "2025-01-06",
        "end_date": "2025-07-04",
        "early_termination": "Bij ziekte langer dan 6 weken",
    }
    data.update(fields)
    return data


def _plan_url(world: WorkWorld, name: str = "plan", *args: int) -> str:
    return reverse(f"trajectories:{name}", args=[world.trajectory.pk, *args])


def test_a_party_writes_the_first_version_with_chosen_work_processes(world: WorkWorld) -> None:
    response = _client(world.learner_user).post(_plan_url(world, "plan-edit"), _plan_data(world, None))

    assert response.status_code == 302
    version = LearningPlanVersion.objects.get(trajectory=world.trajectory)
    assert version.number == 1
    assert version.learner_goals == "Ik wil leren plannen"
    assert sorted(version.work_processes.values_list("code", flat=True)) == ["B1-K1-W1", "P1-K1-W1"]
    page = _client(world.trainer).get(_plan_url(world)).content.decode()
    assert "Ik wil leren plannen" in page and "P1-K1-W1" in page
    assert "Waiting for approval" in page


def test_a_stale_version_is_refused_with_a_link_to_the_newer_one(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="v1")
    # The school opened the form at version 1; the trainer saves version 2 meanwhile.
    services.propose_plan(world.trajectory, by=world.trainer, based_on=1, learner_goals="v2")

    response = _client(world.school_staff).post(_plan_url(world, "plan-edit"), _plan_data(world, 1))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone saved a newer version of the learning plan" in content
    assert "Look at the newest version" in content
    assert 'value="Ik wil leren plannen"' in content or "Ik wil leren plannen" in content  # the text is kept
    assert world.trajectory.plan_versions.count() == 2


def test_bad_plan_input_gets_field_errors(world: WorkWorld) -> None:
    data = _plan_data(world, None, hours_per_week="99", end_date="2024-01-01", start_date="nonsense")
    data["work_processes"] = ["999999"]

    response = _client(world.consultant).post(_plan_url(world, "plan-edit"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"hours_per_week", "start_date", "work_processes"}
    assert not world.trajectory.plan_versions.exists()


def test_three_parties_approve_through_the_pages_and_the_consultant_signs_for_the_learner(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="Doel")
    approve = _plan_url(world, "plan-approve", 1)

    confirm = _client(world.consultant).get(approve).content.decode()
    assert "You approve on behalf of the learner" in confirm
    for user in (world.consultant, world.school_staff, world.trainer):
        assert _client(user).post(approve).status_code == 302

    version = LearningPlanVersion.objects.get(trajectory=world.trajectory, number=1)
    assert version.is_agreed
    approvals = {a.party: a for a in version.approvals.all()}
    assert approvals[Party.LEARNER].on_behalf_of_learner
    assert approvals[Party.LEARNER].approved_by == world.consultant
    page = _client(world.learner_user).get(_plan_url(world)).content.decode()
    assert "(consultant, on behalf of the learner)" in page
    assert "Agreed" in page


def test_a_party_cannot_approve_twice_and_a_bystander_not_at_all(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="Doel")
    approve = _plan_url(world, "plan-approve", 1)
    _client(world.trainer).post(approve)

    again = _client(world.trainer).post(approve, follow=True)

    assert "Your party has already approved this version." in again.content.decode()
    assert _client(world.bystander).post(approve).status_code == 403
    assert LearningPlanVersion.objects.get(number=1, trajectory=world.trajectory).approvals.count() == 1


def test_approving_an_older_version_is_refused(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="v1")
    services.propose_plan(world.trajectory, by=world.consultant, based_on=1, learner_goals="v2")

    response = _client(world.trainer).post(_plan_url(world, "plan-approve", 1), follow=True)

    assert "A newer version of the learning plan exists" in response.content.decode()
    assert not LearningPlanVersion.objects.get(number=1, trajectory=world.trajectory).approvals.exists()


def test_the_diff_shows_what_changed_since_the_previous_version(world: WorkWorld) -> None:
    wps = world.work_processes()
    services.propose_plan(
        world.trajectory,
        by=world.consultant,
        based_on=None,
        learner_goals="Leren plannen",
        support="Jobcoach",
        work_processes=[wps.get(code="B1-K1-W1")],
    )
    services.propose_plan(
        world.trajectory,
        by=world.trainer,
        based_on=1,
        learner_goals="Leren plannen en samenwerken",
        support="Jobcoach",
        work_processes=[wps.get(code="B1-K1-W1"), wps.get(code="B1-K1-W2")],
    )

    response = _client(world.school_staff).get(_plan_url(world, "plan-version", 2))

    assert response.status_code == 200
    diff = response.context["diff"]
    labels = [row[0] for row in diff]
    assert "goals of the learner" in labels
    assert "support" not in labels
    content = response.content.decode()
    assert "<del" in content and "Leren plannen en samenwerken" in content
    assert "B1-K1-W1, B1-K1-W2" in content


def test_a_signed_copy_is_stored_privately_and_downloaded_as_an_attachment(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="Doel")

    response = _client(world.school_staff).post(
        _plan_url(world, "plan-signed", 1), {"file": work_world.upload("getekend.pdf")}
    )

    assert response.status_code == 302
    version = LearningPlanVersion.objects.get(trajectory=world.trajectory, number=1)
    assert version.is_agreed
    stored = Path(version.signed_copy.path)
    assert stored.is_relative_to(Path(settings.WERKPLAATS_PRIVATE_DIR))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))

    download = _client(world.learner_user).get(_plan_url(world, "plan-signed-download", 1))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert isinstance(download, FileResponse)
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert _client(world.outsider).get(_plan_url(world, "plan-signed-download", 1)).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("plan.pdf", b"<html><script>alert(1)</script></html>", "application/pdf", "Upload a PDF, PNG or JPEG file."),
        ("plan.exe", b"MZ\x90\x00", "image/png", "Upload a PDF, PNG or JPEG file."),
        ("groot.pdf", work_world.PDF + b"0" * MAX_BYTES, "application/pdf", "the limit is 10.0"),
    ],
    ids=["html-posing-as-pdf", "executable", "too-large"],
)
def test_a_wrong_or_too_large_signed_copy_is_a_field_error(
    world: WorkWorld, name: str, content: bytes, content_type: str, message: str
) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="Doel")

    response = _client(world.consultant).post(
        _plan_url(world, "plan-signed", 1), {"file": work_world.upload(name, content, content_type)}
    )

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["file"])
    version = LearningPlanVersion.objects.get(trajectory=world.trajectory, number=1)
    assert not version.signed_copy and not version.is_agreed


def test_a_png_is_accepted_as_a_signed_copy(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, learner_goals="Doel")

    response = _client(world.consultant).post(
        _plan_url(world, "plan-signed", 1), {"file": work_world.upload("scan.png", work_world.PNG, "image/png")}
    )

    assert response.status_code == 302
    download = _client(world.trainer).get(_plan_url(world, "plan-signed-download", 1))
    assert download["Content-Type"] == "image/png"


def test_the_plan_page_query_count_does_not_grow_with_versions_and_approvals(world: WorkWorld) -> None:
    client = _client(world.trainer)
    wps = list(world.work_processes())

    def grow(versions: int) -> int:
        based_on = world.trajectory.plan_versions.count() or None
        for _ in range(versions):
            version = services.propose_plan(
                world.trajectory, by=world.consultant, based_on=based_on, learner_goals="x", work_processes=wps
            )
            services.approve_plan(version, by=world.consultant)
            based_on = version.number
        client.get(_plan_url(world))  # warm the session and access caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_plan_url(world)).status_code == 200
        return len(queries)

    small = grow(1)
    large = grow(6)
    assert large == small
