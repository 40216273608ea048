"""The kept trajectory page (pagecache.py): served again only while everything it shows is the same.

Tests run inside a transaction that never commits, and a page is kept only when its request's
transaction commits: ``keep`` runs the request with its commit callbacks, as outside tests.
"""

from __future__ import annotations

import datetime
import importlib
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.organisations.models import Organisation
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import leadtime, pagecache, services, views
from werkplaats.trajectories.models import (
    Learner,
    LearningPlanVersion,
    Level,
    PageStamp,
    PlanApproval,
    Status,
    Trajectory,
    TrajectoryEvent,
)

from . import work_world
from .factories import agreed_plan, assessed, event

User = get_user_model()
migration = importlib.import_module("werkplaats.trajectories.migrations.0005_page_stamps")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def world(db: None) -> work_world.WorkWorld:
    return work_world.build()


@pytest.fixture
def keep(django_capture_on_commit_callbacks: Any) -> Callable[[Client, Trajectory], str]:
    """The page as the user gets it, its request committed (so its content is kept), with the
    CSRF tokens blanked out: they differ on every request."""

    def get(client: Client, trajectory: Trajectory) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("trajectories:detail", kwargs={"pk": trajectory.pk}))
        assert response.status_code == 200
        html = response.content.decode()
        assert pagecache._TOKEN_PLACEHOLDER not in html
        return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)

    return get


@pytest.fixture
def fresh(settings: Any, keep: Callable[[Client, Trajectory], str]) -> Callable[[Client, Trajectory], str]:
    """The page rendered afresh, nothing kept or served from what was."""

    def get(client: Client, trajectory: Trajectory) -> str:
        kept = settings.WERKPLAATS_PAGE_CACHE_SECONDS
        settings.WERKPLAATS_PAGE_CACHE_SECONDS = 0
        try:
            return keep(client, trajectory)
        finally:
            settings.WERKPLAATS_PAGE_CACHE_SECONDS = kept

    return get


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _content_queries(client: Client, trajectory: Trajectory) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("trajectories:detail", kwargs={"pk": trajectory.pk}))
    return sum("trajectories_workprocessassessment" in q["sql"] for q in queries.captured_queries)


# --- Served again --------------------------------------------------------------------------------


def test_a_kept_page_is_served_again_without_rendering_it(world: Any, keep: Any, fresh: Any) -> None:
    client = _client(world.consultant)
    first = keep(client, world.trajectory)
    assert _content_queries(client, world.trajectory) == 0  # kept: nothing of the content is read
    assert keep(client, world.trajectory) == first == fresh(client, world.trajectory)


def test_nothing_is_kept_when_the_request_does_not_commit(world: Any) -> None:
    client = _client(world.consultant)
    client.get(reverse("trajectories:detail", kwargs={"pk": world.trajectory.pk}))  # never commits
    assert _content_queries(client, world.trajectory) > 0


def test_serving_a_kept_page_asks_the_same_few_queries_however_large_the_trajectory(world: Any, keep: Any) -> None:
    client = _client(world.consultant)
    url = reverse("trajectories:detail", kwargs={"pk": world.trajectory.pk})
    keep(client, world.trajectory)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for work_process in world.work_processes():
        assessed(world.trajectory, work_process, by=world.consultant)
    for days in range(1, 30):
        event(
            world.trajectory, Status.IN_PROGRESS, frm=Status.PLACED, at=timezone.now() - datetime.timedelta(days=days)
        )
    keep(client, world.trajectory)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_forms_of_a_kept_page_carry_this_requests_token(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.consultant)
    url = reverse("trajectories:detail", kwargs={"pk": world.trajectory.pk})
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert _content_queries(client, world.trajectory) == 0
    pause = reverse("trajectories:transition", kwargs={"pk": world.trajectory.pk, "to": Status.PAUSED})
    form = second[second.index(f'action="{pause}"') :]
    token = TOKEN.search(form)
    assert token is not None
    assert token.group(1) not in first  # masked afresh for this request, not the kept one
    data = {"reason": "Ziek", "expected_version": world.refresh().version}
    # The CSRF check is on: a wrong token is refused; the kept page's passes it.
    assert client.post(pause, {**data, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert client.post(pause, {**data, "csrfmiddlewaretoken": token.group(1)}).status_code != 403


def test_each_user_gets_their_own_page(world: Any, keep: Any, fresh: Any) -> None:
    consultant, school = _client(world.consultant), _client(world.school_staff)
    consultants_page = keep(consultant, world.trajectory)
    schools_page = keep(school, world.trajectory)
    assert schools_page != consultants_page
    assert schools_page == fresh(school, world.trajectory)
    assert keep(consultant, world.trajectory) == consultants_page


def test_the_language_is_part_of_what_is_kept(world: Any, keep: Any) -> None:
    client = _client(world.consultant)  # English (work_world)
    english = keep(client, world.trajectory)
    User.objects.filter(pk=world.consultant.pk).update(language="nl")
    dutch = keep(client, world.trajectory)
    assert "Trajectory of Noor Jansen" in english
    assert "Traject van Noor Jansen" in dutch


def test_a_page_is_not_served_after_it_stopped_holding(world: Any, keep: Any) -> None:
    client = _client(world.consultant)
    keep(client, world.trajectory)
    cache = caches[pagecache.CACHE_ALIAS]
    [key] = [k for k in cache._cache if "trajectory-page" in k]  # type: ignore[attr-defined]
    user_key = key.split(":", 2)[-1]
    content, _valid_until = cache.get(user_key)
    cache.set(user_key, (content, timezone.now() - datetime.timedelta(seconds=1)))
    assert _content_queries(client, world.trajectory) > 0


# --- Any write to what the page shows renews it ------------------------------------------------


def _learner(world: Any) -> None:
    Learner.objects.filter(trajectories=world.trajectory).update(first_name="Fenna")


def _trajectory(world: Any) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(review_interval_weeks=7)


def _employer(world: Any) -> None:
    Organisation.objects.filter(pk=world.employer.pk).update(name="Bakkerij Zuid")


def _trainer(world: Any) -> None:
    User.objects.filter(pk=world.trainer.pk).update(name="Piet Opleider")


def _qualification(world: Any) -> None:
    Qualification.objects.filter(pk=world.trajectory.qualification_id).update(name="Vakkracht bakkerij")


def _event(world: Any) -> None:
    TrajectoryEvent.objects.filter(trajectory=world.trajectory).update(at=F("at") - datetime.timedelta(days=40))


def _assessment(world: Any) -> None:
    assessed(world.trajectory, world.work_processes().first(), by=world.consultant, level=Level.MASTERED)


def _plan(world: Any) -> None:
    agreed_plan(world.trajectory, by=world.consultant)


def _role(world: Any) -> None:
    # The consultant is no longer the trajectory's consultant, only one of the organisation's.
    Trajectory.objects.filter(pk=world.trajectory.pk).update(consultant=None)


CHANGES = {
    "learner": (_learner, "Fenna"),
    "trajectory": (_trajectory, "every 7 weeks"),
    "employer": (_employer, "Bakkerij Zuid"),
    "trainer": (_trainer, "Piet Opleider"),
    "qualification": (_qualification, "Vakkracht bakkerij"),
    "events": (_event, None),
    "assessment": (_assessment, None),
    "plan": (_plan, None),
    "consultant": (_role, None),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_of_what_the_page_shows_is_shown_at_once(world: Any, keep: Any, fresh: Any, change: str) -> None:
    """Bulk updates and plain creates: no signal, no save() of ours is needed to renew a page."""
    write, shown = CHANGES[change]
    client = _client(world.consultant)
    before = keep(client, world.trajectory)
    write(world)
    after = keep(client, world.trajectory)
    assert after == fresh(client, world.trajectory)
    if shown is not None:
        assert shown not in before
        assert shown in after
    else:
        assert after != before


# --- The stamps ---------------------------------------------------------------------------------


def _stamps() -> dict[int, int]:
    return dict(PageStamp.objects.values_list("trajectory_id", "n"))


def _shared(stamps: dict[int, int]) -> int:
    return sum(n for pk, n in stamps.items() if pk < 0)


@pytest.fixture
def demo_trajectories(demo: None) -> None:
    from werkplaats.demo.trajectories import load_trajectories

    load_trajectories()
    # What the demo does not have: a funding source and a matching round.
    from werkplaats.matching.models import MatchingRound, RoundLearner
    from werkplaats.trajectories.models import FundingKind, FundingSource

    trajectory = Trajectory.objects.select_related("learner__organisation").order_by("pk").first()
    assert trajectory is not None
    FundingSource.objects.create(trajectory=trajectory, kind=FundingKind.values[0])
    region = trajectory.learner.organisation.region
    assert region is not None
    matching_round = MatchingRound.objects.create(
        region=region,
        name="Start in september",
        start_date=datetime.date(2026, 9, 1),
        created_by=User.objects.order_by("pk").first(),
    )
    RoundLearner.objects.create(round=matching_round, trajectory=trajectory)


def _trajectories_of(model: Any, obj: Any) -> set[int]:
    """The trajectories a row belongs to, by the models' relations (not by the triggers' SQL)."""
    if model is Trajectory:
        return {obj.pk}
    if model is Learner:
        return set(obj.trajectories.values_list("pk", flat=True))
    if model is PlanApproval:
        return {obj.version.trajectory_id}
    if model is LearningPlanVersion.work_processes.through:
        return {obj.learningplanversion.trajectory_id}
    if model.__name__ == "Revocation":
        return {obj.certificate.trajectory_id}
    return {obj.trajectory_id}


def _rewrite(model: type, pks: list[Any]) -> None:
    """Write rows without changing them, in SQL: past the models' own guards (an issued
    certificate's, for one), as any bulk write or import would."""
    meta = model._meta  # type: ignore[attr-defined]
    column = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {column} = {column} WHERE {column} = %s",  # noqa: S608
            pks[:1],
        )


def _model(table: str) -> Any:
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            return model
    raise LookupError(table)


@pytest.mark.parametrize("table", list(migration.PER_TRAJECTORY))
def test_a_write_to_a_row_raises_the_stamp_of_its_trajectory(demo_trajectories: None, table: str) -> None:
    model = _model(table)
    if table == "certificates_revocation":  # a revocation is never changed: a new one is written
        from werkplaats.certificates.models import Certificate, Revocation

        certificate = Certificate.objects.filter(revocation__isnull=True).order_by("pk").first()
        assert certificate is not None
        before = _stamps()
        Revocation.objects.create(
            certificate=certificate,
            reason="Verkeerd werkproces",
            revoked_on=timezone.localdate(),
            revoked_by=User.objects.get(email="school@demo.nl"),
        )
        after = _stamps()
        assert {pk for pk in after if after[pk] > before.get(pk, 0)} == {certificate.trajectory_id}
        return
    obj = next((o for o in model.objects.order_by("-pk")[:50] if _trajectories_of(model, o)), None)
    assert obj is not None, f"the demo has no {table} of a trajectory"
    touched = _trajectories_of(model, obj)
    before = _stamps()
    _rewrite(model, [obj.pk])  # a write that changes nothing still counts
    after = _stamps()
    assert {pk for pk in after if after[pk] > before.get(pk, 0)} == touched


@pytest.mark.parametrize("table", migration.SHARED_TABLES)
def test_a_write_to_a_shared_table_raises_the_shared_stamp(demo_trajectories: None, table: str) -> None:
    model = _model(table)
    before = _stamps()
    first = model.objects.order_by("pk").values_list("pk", flat=True).first()
    assert first is not None, f"the demo has no {table}"
    _rewrite(model, [first])
    after = _stamps()
    assert _shared(after) > _shared(before)
    assert {pk: n for pk, n in after.items() if pk > 0} == {pk: n for pk, n in before.items() if pk > 0}


def test_a_login_does_not_raise_a_stamp(world: Any) -> None:
    before = _stamps()
    user = world.consultant
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert _stamps() == before
    user.name = "Another name"
    user.save(update_fields=["name"])
    assert _shared(_stamps()) > _shared(before)


def test_the_user_trigger_watches_every_column_but_last_login(db: None) -> None:
    table = User._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_column FROM information_schema.triggered_update_columns "
                "WHERE trigger_name = 'pagestamp' AND event_object_table = %s",
                [table],
            )
            watched = {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"pagestamp_{table}_update"]
            )
            match = re.search(r"UPDATE OF (.+?) ON", cursor.fetchone()[0])
            assert match is not None
            watched = {c.strip() for c in match.group(1).split(",")}
    assert watched == {f.column for f in User._meta.concrete_fields} - {"last_login"}


def _triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name = 'pagestamp'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pagestamp_%'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_the_page_reads_raises_a_stamp(demo_trajectories: None, monkeypatch: Any) -> None:
    """What the content is made of, read for every demo trajectory by every kind of user (each
    state, with plans, reviews, certificates and matching rounds), comes from tables with a
    trigger. A new query of the page on a table without one fails here."""
    read: set[str] = set()

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        read.update(re.findall(r'(?:FROM|JOIN)\s+"?([a-z][a-z0-9_]*)"?', sql))
        return execute(sql, params, many, context)

    def watched(fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with connection.execute_wrapper(capture):
                return fn(*args, **kwargs)

        return call

    monkeypatch.setattr(views, "_detail_context", watched(views._detail_context))
    monkeypatch.setattr(views, "_content", watched(views._content))
    # A searching trajectory with its employer chosen: the placement guard asks the register.
    from werkplaats.recognitions.models import Recognition

    searching = Trajectory.objects.filter(
        employer__isnull=False, qualification__isnull=False, planned_start__isnull=False
    ).first()
    assert searching is not None
    Trajectory.objects.filter(pk=searching.pk).update(status=Status.SEARCHING)
    # ... and is in the open matching round: its people are asked to rank the places.
    from werkplaats.matching.models import MatchingRound, RoundLearner

    RoundLearner.objects.get_or_create(round=MatchingRound.objects.get(), trajectory=searching)
    users = User.objects.filter(
        email__in=["consultant@demo.nl", "school@demo.nl", "trainer@demo.nl", "learner@demo.nl"]
    )
    assert users.count() == 4
    seen = 0
    for user in users:
        client = _client(user)
        for pk in Trajectory.objects.visible_to(user).values_list("pk", flat=True):
            response = client.get(reverse("trajectories:detail", kwargs={"pk": pk}))
            assert response.status_code == 200
            seen += 1
    assert seen > 50
    assert {
        "trajectories_workprocessassessment",
        "certificates_certificate",
        "accounts_user",
        Recognition._meta.db_table,
        "matching_roundlearner",
        "matching_matchinground",
    } <= read
    assert read - _triggered_tables() == set()


# --- The clock ----------------------------------------------------------------------------------


def _figures(lead: leadtime.LeadTime) -> tuple[Any, ...]:
    return (
        lead.total.days,
        lead.paused.days,
        lead.active.days,
        tuple(sorted((state, d.days) for state, d in lead.per_state.items())),
        leadtime.norm_status(lead),
    )


def _random_steps(rng: random.Random, now: datetime.datetime) -> list[leadtime.Step]:
    states = ["aangemeld", "intake", "zoekend", "geplaatst", "lopend", leadtime.PAUSED, "afgerond", "gestopt"]
    at = now - datetime.timedelta(days=rng.uniform(0, 400))
    steps = []
    for _ in range(rng.randint(0, 6)):
        if at > now:
            break
        steps.append(leadtime.Step(at=at, to_status=rng.choice(states)))
        at += datetime.timedelta(days=rng.uniform(0, 120), seconds=rng.randint(0, 86399))
    return steps


def test_lead_time_figures_hold_until_their_next_change() -> None:
    rng = random.Random(20261122)
    now = datetime.datetime(2026, 11, 22, 9, 30, tzinfo=datetime.UTC)
    checked = 0
    for _ in range(400):
        steps = _random_steps(rng, now)
        until = leadtime.next_change(steps, now)
        here = _figures(leadtime.compute(steps, now))
        end = until if until is not None else now + datetime.timedelta(days=30)
        assert end >= now
        span = (end - now).total_seconds()
        for fraction in (0, 0.25, 0.5, 0.999999):
            moment = now + datetime.timedelta(seconds=span * fraction)
            if moment < end:
                assert _figures(leadtime.compute(steps, moment)) == here, (steps, until, moment)
                checked += 1
        if until is not None and until > now:
            # Right at the change, something moved: the moment is not earlier than needed by a day.
            assert until - now <= datetime.timedelta(days=1)
    assert checked > 1000


def test_the_page_holds_until_midnight_at_the_latest(world: Any) -> None:
    now = timezone.now()
    events = list(world.trajectory.events.all())
    until = services.figures_valid_until(world.trajectory, events, now)
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=1), datetime.time.min)
    )
    assert now <= until <= midnight
    later = until - datetime.timedelta(microseconds=1)
    if later >= now:
        assert services.timing(world.trajectory, events=events, now=later).days_in_state == (
            services.timing(world.trajectory, events=events, now=now).days_in_state
        )


class LiveRegistry:
    """Stands for a registry outside the database (SBB's, say)."""

    def is_recognised(self, employer: Any, crebo: str, on: datetime.date) -> bool:
        return True


def test_with_a_registry_outside_the_database_nothing_is_kept(world: Any, keep: Any, settings: Any) -> None:
    """Such a registry changes without a stamp: then every request renders the page."""
    settings.WERKPLAATS_RECOGNITION_REGISTRY = f"{__name__}.LiveRegistry"
    client = _client(world.consultant)
    keep(client, world.trajectory)
    assert _content_queries(client, world.trajectory) > 0
