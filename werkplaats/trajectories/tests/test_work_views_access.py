"""Who may open each work page and do each action: the right party (200 or a redirect), a
wrong party (403), someone who does not see the trajectory (404), and anonymous visitors (the
login page)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Level

from . import work_world
from .work_world import WorkWorld


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> WorkWorld:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    world = work_world.build()
    t = world.trajectory
    plan = services.propose_plan(t, by=world.consultant, based_on=None, learner_goals="Leren plannen")
    services.record_signed_copy(plan, by=world.consultant, file=work_world.upload("getekend.pdf"))
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    services.log_hours(t, by=world.learner_user, week_start=monday, hours=Decimal(16))
    wp = world.work_processes().get(code="B1-K1-W1")
    assessment = services.assess_work_process(t, wp, by=world.trainer, level=Level.MASTERED, on=timezone.localdate())
    services.add_evidence_file(assessment, by=world.trainer, upload=work_world.upload())
    return world


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


Who = Callable[[WorkWorld], User]
consultant: Who = lambda w: w.consultant  # noqa: E731
school: Who = lambda w: w.school_staff  # noqa: E731
trainer: Who = lambda w: w.trainer  # noqa: E731
learner: Who = lambda w: w.learner_user  # noqa: E731
bystander: Who = lambda w: w.bystander  # noqa: E731


def _args(w: WorkWorld, name: str) -> list[int]:
    t = w.trajectory
    extra = {
        "plan-version": [1],
        "plan-approve": [1],
        "plan-signed": [1],
        "plan-signed-download": [1],
        "hours-approve": [t.hours.get().pk],
        "assessment-edit": [w.work_processes().get(code="B1-K1-W2").pk],
        "assessment-confirm": [t.assessments.get().pk],
        "evidence-download": [t.assessments.get().files.get().pk],
    }.get(name, [])
    return [t.pk, *extra]


# (url name, method, who may, who may not)
CASES = [
    ("plan", "get", [consultant, school, trainer, learner, bystander], []),
    ("plan-version", "get", [consultant, school, trainer, learner], []),
    ("plan-edit", "get", [consultant, school, trainer, learner], [bystander]),
    ("plan-approve", "get", [consultant, school, trainer, learner], [bystander]),
    ("plan-signed", "get", [consultant, school], [trainer, learner, bystander]),
    ("plan-signed-download", "get", [consultant, school, trainer, learner], []),
    ("reviews", "get", [consultant, school, trainer, learner], []),
    ("review-add", "get", [consultant, school, trainer], [learner, bystander]),
    ("hours", "get", [consultant, school, trainer, learner], []),
    ("hours-log", "get", [trainer, learner], [consultant, school, bystander]),
    ("hours-approve", "post", [trainer], [consultant, school, learner, bystander]),
    ("assessments", "get", [consultant, school, trainer, learner], []),
    ("assessment-edit", "get", [trainer], [consultant, school, learner, bystander]),
    ("assessment-confirm", "post", [school], [consultant, trainer, learner, bystander]),
    ("evidence-download", "get", [consultant, school, trainer, learner], []),
    ("log", "get", [consultant, school, trainer, learner], []),
    ("log-add", "get", [consultant, school, trainer, learner], [bystander]),
]


@pytest.mark.parametrize(("name", "method", "allowed", "refused"), CASES, ids=[c[0] for c in CASES])
def test_each_work_page_opens_for_its_parties_and_no_one_else(
    world: WorkWorld, name: str, method: str, allowed: list[Who], refused: list[Who]
) -> None:
    url = reverse(f"trajectories:{name}", args=_args(world, name))
    for who in allowed:
        response = getattr(_client(who(world)), method)(url)
        assert response.status_code in (200, 302), (name, who(world).email, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    for who in refused:
        assert getattr(_client(who(world)), method)(url).status_code == 403, (name, who(world).email)
    assert getattr(_client(world.outsider), method)(url).status_code == 404
    anonymous = getattr(_client(None), method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["hours-approve", "assessment-confirm", "plan-approve", "log-add", "hours-log"])
def test_an_outsider_cannot_post_to_an_action(world: WorkWorld, name: str) -> None:
    url = reverse(f"trajectories:{name}", args=_args(world, name))

    assert _client(world.outsider).post(url, {"text": "x", "hours": "8", "week_start": "2024-01-01"}).status_code == 404
    assert world.trajectory.log_entries.count() == 0


def test_an_object_of_another_trajectory_is_a_404(world: WorkWorld) -> None:
    other = services.create_trajectory(
        world.trajectory.learner, by=world.consultant, route="praktijkleren", intended_outcome="eigen_doelen"
    )
    entry = world.trajectory.hours.get()
    evidence = world.trajectory.assessments.get().files.get()
    client = _client(world.consultant)

    assert client.get(reverse("trajectories:evidence-download", args=[other.pk, evidence.pk])).status_code == 404
    assert _client(world.trainer).post(
        reverse("trajectories:hours-approve", args=[other.pk, entry.pk])
    ).status_code in (
        403,
        404,
    )
    assert client.get(reverse("trajectories:plan-version", args=[other.pk, 1])).status_code == 404
