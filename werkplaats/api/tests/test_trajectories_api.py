"""The learner and trajectory resources of the API: what each token sees, what it may change,
and that registering, starting and moving a trajectory answer exactly as the interface and its
services do — the same checks, the same guards, the same messages."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from werkplaats.api.models import ApiToken
from werkplaats.api.tests.helpers import ApiClient, make_token
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import MembershipFactory, OrganisationFactory
from werkplaats.recognitions.models import Recognition, RecognitionSource
from werkplaats.trajectories import services
from werkplaats.trajectories.models import (
    EventKind,
    IntendedOutcome,
    Learner,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
)
from werkplaats.trajectories.tests import work_world
from werkplaats.trajectories.tests.factories import agreed_plan, assessed, set_state
from werkplaats.trajectories.tests.work_world import WorkWorld

SUPPORT_NEEDS = "Dyslexie en een hartaandoening"


@dataclass
class Tokens:
    """One read-write token per party of the trajectory, a read-only one, and an outsider's."""

    consultant: str
    school: str
    trainer: str
    learner: str
    read_only: str
    outsider: str
    consultant_token: ApiToken


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> WorkWorld:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    built = work_world.build()
    Learner.objects.filter(pk=built.trajectory.learner_id).update(support_needs=SUPPORT_NEEDS)
    return built


@pytest.fixture
def tokens(world: WorkWorld) -> Tokens:
    consultant_token, consultant = make_token(world.municipality, world.consultant, name="Gemeentelijk systeem")
    emmen = Organisation.objects.get(name="Gemeente Emmen")
    return Tokens(
        consultant=consultant,
        school=make_token(world.school, world.school_staff)[1],
        trainer=make_token(world.employer, world.trainer)[1],
        learner=make_token(world.municipality, world.learner_user)[1],
        read_only=make_token(world.municipality, world.consultant, read_only=True)[1],
        outsider=make_token(emmen, world.outsider)[1],
        consultant_token=consultant_token,
    )


def api(secret: str, language: str = "en") -> ApiClient:
    return ApiClient(secret, language=language)


def messages(response: Any) -> list[str]:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    return [error["message"] for error in response.json().get("errors") or []]


def field_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    found: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        found.setdefault(error["field"], []).append(error["message"])
    return found


def service_refusal(call: Callable[[], Any], language: str = "en") -> list[str]:
    """What the service itself says when it refuses, in ``language``; nothing it wrote stays."""
    with translation.override(language), pytest.raises(ValidationError) as refused:
        from django.db import transaction

        with transaction.atomic():
            call()
    return refused.value.messages


def searching_at_a_recognised_employer(world: WorkWorld) -> Trajectory:
    """The world's trajectory, still looking for a workplace, with everything placement needs."""
    Recognition.objects.create(
        employer=world.employer,
        crebo=world.qualification.crebo,
        start_date=datetime.date(2000, 1, 1),
        source=RecognitionSource.MANUAL,
        places_offered=3,
    )
    agreed_plan(world.trajectory, by=world.consultant)
    return set_state(world.trajectory, Status.SEARCHING)


def learner_url(world: WorkWorld) -> str:
    return f"/api/v1/learners/{world.trajectory.learner_id}"


def trajectory_url(world: WorkWorld, tail: str = "") -> str:
    return f"/api/v1/trajectories/{world.trajectory.pk}{tail}"


# --- Learners ---------------------------------------------------------------------------------


def test_a_consultant_lists_the_learners_of_their_organisation_without_support_needs(
    world: WorkWorld, tokens: Tokens
) -> None:
    response = api(tokens.consultant).get("/api/v1/learners")

    assert response.status_code == 200
    body = response.json()
    assert [item["last_name"] for item in body["items"]] == ["Jansen"]
    item = body["items"][0]
    assert item["organisation"]["slug"] == world.municipality.slug
    assert item["can_log_in"] is True
    assert "support_needs" not in item
    assert SUPPORT_NEEDS not in response.content.decode()


def test_another_organisation_lists_no_learners_and_gets_a_404_for_one(world: WorkWorld, tokens: Tokens) -> None:
    assert api(tokens.outsider).get("/api/v1/learners").json()["count"] == 0
    response = api(tokens.outsider).get(learner_url(world))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_learner_filters_find_one_person(world: WorkWorld, tokens: Tokens) -> None:
    client = api(tokens.consultant)

    assert client.get("/api/v1/learners", {"last_name": "jansen", "date_of_birth": "1990-05-01"}).json()["count"] == 1
    assert client.get("/api/v1/learners", {"date_of_birth": "1990-05-02"}).json()["count"] == 0
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/learners", {"updated_since": future}).json()["count"] == 0


def test_reading_a_learner_is_recorded_with_the_token_and_shows_no_support_needs(
    world: WorkWorld, tokens: Tokens
) -> None:
    response = api(tokens.consultant).get(learner_url(world))

    assert response.status_code == 200
    assert response.json()["first_name"] == "Noor"
    assert SUPPORT_NEEDS not in response.content.decode()
    entry = AuditLogEntry.objects.get(
        action=Action.VIEW, content_type__model="learner", object_id=str(world.trajectory.learner_id)
    )
    assert entry.object_repr == f"#{world.trajectory.learner_id}"  # the log names no learner
    assert entry.actor_label == tokens.consultant_token.audit_label
    assert entry.subject_organisation_id == world.municipality.pk


def test_listing_learners_records_which_learners_were_read(world: WorkWorld, tokens: Tokens) -> None:
    api(tokens.consultant).get("/api/v1/learners")

    entry = AuditLogEntry.objects.get(action=Action.VIEW, object_repr="API: learners (1)")
    assert entry.changes == {"learner_ids": [world.trajectory.learner_id]}
    assert entry.actor_label == tokens.consultant_token.audit_label


def _new_learner(**extra: Any) -> dict[str, Any]:
    return {
        "first_name": "Daan",
        "last_name": "de Vries",
        "date_of_birth": "1998-02-14",
        "email": "daan@example.nl",
        "target_group": TargetGroup.WW.value,
        "language_level": "B1",
        **extra,
    }


def test_a_consultant_registers_a_learner_in_the_tokens_organisation(world: WorkWorld, tokens: Tokens) -> None:
    response = api(tokens.consultant).post("/api/v1/learners", _new_learner(referring_organisation=world.school.slug))

    assert response.status_code == 201, response.content
    learner = Learner.objects.get(last_name="de Vries")
    assert learner.organisation == world.municipality
    assert learner.referring_organisation == world.school
    assert learner.created_by == world.consultant
    assert response.json()["id"] == learner.pk
    assert response.json()["referring_organisation"]["slug"] == world.school.slug
    created = AuditLogEntry.objects.get(action=Action.CREATE, object_id=str(learner.pk), content_type__model="learner")
    assert created.actor_label == tokens.consultant_token.audit_label


def test_registering_checks_what_the_form_checks_and_names_the_fields(world: WorkWorld, tokens: Tokens) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api(tokens.consultant).post(
        "/api/v1/learners",
        _new_learner(
            first_name="  ",
            date_of_birth=tomorrow,
            email="geen-adres",
            referring_organisation="bestaat-niet",
        ),
    )

    errors = field_errors(response)
    assert errors["first_name"] == ["This field is required."]
    assert errors["date_of_birth"] == ["The date of birth cannot be in the future."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["referring_organisation"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Learner.objects.filter(last_name="de Vries").exists()


def test_a_wrong_type_names_the_field_too(world: WorkWorld, tokens: Tokens) -> None:
    response = api(tokens.consultant).post(
        "/api/v1/learners", _new_learner(target_group="astronaut", date_of_birth="14-02")
    )

    assert set(field_errors(response)) == {"target_group", "date_of_birth"}


def test_a_duplicate_is_a_conflict_with_the_services_message_unless_it_is_someone_else(
    world: WorkWorld, tokens: Tokens
) -> None:
    duplicate = _new_learner(first_name="Noor", last_name="Jansen", date_of_birth="1990-05-01")
    expected = service_refusal(
        lambda: services.register_learner(
            world.municipality,
            by=world.consultant,
            first_name="Noor",
            last_name="Jansen",
            date_of_birth=datetime.date(1990, 5, 1),
            target_group=TargetGroup.WW,
        )
    )

    refused = api(tokens.consultant).post("/api/v1/learners", duplicate)

    assert refused.status_code == 409
    assert messages(refused) == expected
    assert refused.json()["detail"] == expected[0]
    assert Learner.objects.filter(last_name="Jansen").count() == 1
    accepted = api(tokens.consultant).post("/api/v1/learners", {**duplicate, "someone_else": True})
    assert accepted.status_code == 201
    assert Learner.objects.filter(last_name="Jansen").count() == 2


def test_the_duplicate_message_is_in_the_requests_language(world: WorkWorld, tokens: Tokens) -> None:
    duplicate = _new_learner(first_name="Noor", last_name="Jansen", date_of_birth="1990-05-01")
    expected = service_refusal(
        lambda: services.register_learner(
            world.municipality,
            by=world.consultant,
            first_name="Noor",
            last_name="Jansen",
            date_of_birth=datetime.date(1990, 5, 1),
            target_group=TargetGroup.WW,
        ),
        language="nl",
    )

    refused = api(tokens.consultant, language="nl").post("/api/v1/learners", duplicate)

    assert messages(refused) == expected
    assert "al aangemeld" in expected[0]


def test_registering_needs_a_consultant_or_coordinator(world: WorkWorld, tokens: Tokens) -> None:
    response = api(tokens.trainer).post("/api/v1/learners", _new_learner())

    assert response.status_code == 403
    assert not Learner.objects.filter(last_name="de Vries").exists()


# --- Trajectories: reading --------------------------------------------------------------------


def test_each_party_lists_the_trajectory_and_an_outsider_does_not(world: WorkWorld, tokens: Tokens) -> None:
    for secret in (tokens.consultant, tokens.school, tokens.trainer, tokens.learner):
        body = api(secret).get("/api/v1/trajectories").json()
        assert [item["id"] for item in body["items"]] == [world.trajectory.pk]
    assert api(tokens.outsider).get("/api/v1/trajectories").json()["count"] == 0


def test_the_trajectory_list_filters_by_state_region_school_employer_learner_and_change(
    world: WorkWorld, tokens: Tokens
) -> None:
    client = api(tokens.consultant)
    other_employer = OrganisationFactory.create(employer=True, region=world.municipality.region)
    other = services.create_trajectory(
        world.trajectory.learner,
        by=world.consultant,
        route=Route.WORKPLACE_LEARNING,
        intended_outcome=IntendedOutcome.OWN_GOALS,
        employer=other_employer,
    )

    def ids(**query: Any) -> list[int]:
        response = client.get("/api/v1/trajectories", query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [world.trajectory.pk, other.pk]
    assert ids(status=Status.REFERRED.value) == [other.pk]
    assert ids(status=Status.IN_PROGRESS.value) == [world.trajectory.pk]
    assert ids(region="AM01") == [world.trajectory.pk, other.pk]
    assert ids(region="AM99") == []
    assert ids(school=world.school.slug) == [world.trajectory.pk]
    assert ids(employer=other_employer.slug) == [other.pk]
    assert ids(learner=world.trajectory.learner_id) == [world.trajectory.pk, other.pk]
    later = timezone.now() + datetime.timedelta(seconds=1)
    Trajectory.objects.filter(pk=other.pk).update(updated_at=later)
    assert ids(updated_since=later.isoformat()) == [other.pk]
    assert field_errors(client.get("/api/v1/trajectories", {"status": "weg"})).keys() == {"status"}


def test_the_trajectory_shows_its_parties_and_what_is_missing_for_the_next_states(
    world: WorkWorld, tokens: Tokens
) -> None:
    set_state(world.trajectory, Status.SEARCHING)

    response = api(tokens.consultant).get(trajectory_url(world))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "zoeken"
    assert body["school"]["slug"] == world.school.slug
    assert body["workplace_trainer"] == {"name": world.trainer.name, "email": world.trainer.email}
    assert body["qualification"]["crebo"] == world.qualification.crebo
    assert body["region"]["code"] == "AM01"
    with translation.override("en"):
        expected = services.guard_problems(world.refresh(), Status.PLACED)
    assert {"to": "geplaatst", "missing": expected} in body["next_states"]
    assert {"to": "gepauzeerd", "missing": []} in body["next_states"]
    assert expected  # no agreed plan and no recognition yet
    entry = AuditLogEntry.objects.get(action=Action.VIEW, content_type__model="trajectory")
    assert entry.object_id == str(world.trajectory.pk)
    assert entry.actor_label == tokens.consultant_token.audit_label


def test_a_stop_for_health_reasons_is_not_passed_on(world: WorkWorld, tokens: Tokens) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.STOPPED, stop_reason=StopReason.HEALTH)
    body = api(tokens.consultant).get(trajectory_url(world)).json()
    assert body["stop_reason"] is None
    assert "health" not in json.dumps(body)

    Trajectory.objects.filter(pk=world.trajectory.pk).update(stop_reason=StopReason.MOVED)
    assert api(tokens.consultant).get(trajectory_url(world)).json()["stop_reason"] == "moved"


# --- Trajectories: starting -------------------------------------------------------------------


def _new_trajectory(world: WorkWorld, **extra: Any) -> dict[str, Any]:
    return {
        "route": Route.PRAKTIJKLEREN.value,
        "intended_outcome": IntendedOutcome.PRACTICE_CERTIFICATE.value,
        "crebo": world.qualification.crebo,
        "school": world.school.slug,
        "employer": world.employer.slug,
        "workplace_trainer": world.trainer.email,
        "consultant": world.consultant.email.upper(),
        "planned_start": "2026-03-02",
        "planned_end": "2026-09-01",
        **extra,
    }


def test_a_consultant_starts_a_trajectory_as_referred(world: WorkWorld, tokens: Tokens) -> None:
    response = api(tokens.consultant).post(
        f"/api/v1/learners/{world.trajectory.learner_id}/trajectories", _new_trajectory(world)
    )

    assert response.status_code == 201, response.content
    created = Trajectory.objects.get(pk=response.json()["id"])
    assert created.status == Status.REFERRED
    assert created.qualification == world.qualification
    assert created.employer == world.employer
    assert created.workplace_trainer == world.trainer
    assert created.consultant == world.consultant
    assert created.review_interval_weeks == 6
    assert list(created.events.values_list("kind", "to_status")) == [(EventKind.CREATED, Status.REFERRED)]
    assert AuditLogEntry.objects.filter(
        action=Action.CREATE, content_type__model="trajectory", object_id=str(created.pk)
    ).exists()


def test_starting_checks_what_the_form_and_the_service_check(world: WorkWorld, tokens: Tokens) -> None:
    url = f"/api/v1/learners/{world.trajectory.learner_id}/trajectories"
    before = Trajectory.objects.count()
    client = api(tokens.consultant)

    errors = field_errors(
        client.post(
            url,
            _new_trajectory(
                world,
                crebo="12345",
                employer=world.school.slug,
                workplace_trainer="niemand@example.nl",
                planned_end="2026-01-01",
            ),
        )
    )
    assert errors["crebo"] == ["No qualification with crebo 12345 in the current catalogue."]
    assert errors["workplace_trainer"] == ["Select a valid choice. That choice is not one of the available choices."]
    assert errors["employer"] == ["Select a valid choice. That choice is not one of the available choices."]
    assert errors["planned_end"] == ["The planned end comes after the planned start."]

    # Past the form, the service's own rule: a praktijkverklaring needs a qualification.
    errors = field_errors(client.post(url, _new_trajectory(world, crebo="")))
    assert errors == {"qualification": ["A praktijkverklaring is earned for a qualification: choose one."]}
    assert Trajectory.objects.count() == before


def test_starting_needs_the_role_the_interface_asks_and_another_organisation_sees_no_learner(
    world: WorkWorld, tokens: Tokens
) -> None:
    url = f"/api/v1/learners/{world.trajectory.learner_id}/trajectories"
    before = Trajectory.objects.count()

    assert api(tokens.trainer).post(url, _new_trajectory(world)).status_code == 403
    assert api(tokens.outsider).post(url, _new_trajectory(world)).status_code == 404
    assert Trajectory.objects.count() == before


# --- Transitions ------------------------------------------------------------------------------


def test_a_transition_moves_the_trajectory_and_records_the_event(world: WorkWorld, tokens: Tokens) -> None:
    set_state(world.trajectory, Status.INTAKE)

    response = api(tokens.consultant).post(
        trajectory_url(world, "/transitions"), {"to": "zoeken", "reason": "Intake gehouden"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "zoeken"
    trajectory = world.refresh()
    assert trajectory.status == Status.SEARCHING
    event = trajectory.events.get(kind=EventKind.TRANSITION)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        Status.INTAKE,
        Status.SEARCHING,
        world.consultant,
        "Intake gehouden",
    )


def test_placement_is_refused_with_the_guards_messages_until_everything_is_there(
    world: WorkWorld, tokens: Tokens
) -> None:
    trajectory = set_state(world.trajectory, Status.SEARCHING)
    url = trajectory_url(world, "/transitions")
    expected = service_refusal(lambda: services.transition(trajectory, Status.PLACED, by=world.consultant))

    refused = api(tokens.consultant).post(url, {"to": "geplaatst"})

    assert refused.status_code == 409
    assert messages(refused) == expected
    assert "The learning plan has to be agreed by the learner, the workplace and the school." in expected
    assert any("is not a recognised learning company" in m for m in expected)
    assert world.refresh().status == Status.SEARCHING

    searching_at_a_recognised_employer(world)
    assert api(tokens.consultant).post(url, {"to": "geplaatst"}).status_code == 200
    assert world.refresh().status == Status.PLACED


def test_the_guards_messages_come_in_the_requests_language(world: WorkWorld, tokens: Tokens) -> None:
    trajectory = set_state(world.trajectory, Status.SEARCHING)
    expected = service_refusal(lambda: services.transition(trajectory, Status.PLACED, by=world.consultant), "nl")

    refused = api(tokens.consultant, language="nl").post(trajectory_url(world, "/transitions"), {"to": "geplaatst"})

    assert messages(refused) == expected
    assert refused["Content-Language"] == "nl"
    assert any("leerplan" in m for m in expected)


def test_stopping_needs_a_reason_from_the_list_and_an_explanation(world: WorkWorld, tokens: Tokens) -> None:
    url = trajectory_url(world, "/transitions")
    expected = service_refusal(lambda: services.transition(world.trajectory, Status.STOPPED, by=world.consultant))

    refused = api(tokens.consultant).post(url, {"to": "gestopt"})

    assert refused.status_code == 409
    assert (
        messages(refused)
        == expected
        == [
            "Choose the reason for stopping from the list.",
            "Explain in a few words why the trajectory stops.",
        ]
    )
    stopped = api(tokens.consultant).post(url, {"to": "gestopt", "stop_reason": "moved", "reason": "Verhuisd"})
    assert stopped.status_code == 200
    assert world.refresh().stop_reason == StopReason.MOVED
    assert stopped.json()["next_states"] == []


def test_a_change_that_is_not_allowed_from_this_state_says_so_as_the_page_does(
    world: WorkWorld, tokens: Tokens
) -> None:
    refused = api(tokens.consultant).post(trajectory_url(world, "/transitions"), {"to": "aangemeld"})

    assert refused.status_code == 409
    assert refused.json()["detail"] == "A trajectory cannot go from learning at work to referred."
    assert world.refresh().status == Status.IN_PROGRESS


def test_a_praktijkverklaring_is_not_completed_by_a_transition(world: WorkWorld, tokens: Tokens) -> None:
    set_state(world.trajectory, Status.ASSESSMENT)

    refused = api(tokens.consultant).post(trajectory_url(world, "/transitions"), {"to": "afgerond"})

    assert refused.status_code == 409
    assert refused.json()["detail"] == "A trajectory cannot go from assessment to completed."


def test_a_stale_version_is_a_conflict_with_the_services_message(world: WorkWorld, tokens: Tokens) -> None:
    seen = world.trajectory.version
    services.transition(world.trajectory, Status.PAUSED, by=world.consultant, reason="Ziek")

    refused = api(tokens.consultant).post(
        trajectory_url(world, "/transitions"),
        {"to": "gestopt", "stop_reason": "moved", "reason": "x", "expected_version": seen},
    )

    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Someone else changed this trajectory a moment ago (it is now: paused). Look again and retry."
    )
    assert world.refresh().status == Status.PAUSED


def test_the_school_moves_into_assessment_but_not_elsewhere_and_a_trainer_not_at_all(
    world: WorkWorld, tokens: Tokens
) -> None:
    url = trajectory_url(world, "/transitions")

    refused = api(tokens.school).post(url, {"to": "gepauzeerd", "reason": "Ziek"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "A trajectory cannot go from learning at work to paused."
    assert api(tokens.trainer).post(url, {"to": "gepauzeerd", "reason": "Ziek"}).status_code == 403
    assert api(tokens.learner).post(url, {"to": "gepauzeerd", "reason": "Ziek"}).status_code == 403
    # The assessment phase needs an assessed work process: the school hears the guard.
    expected = service_refusal(lambda: services.transition(world.trajectory, Status.ASSESSMENT, by=world.school_staff))
    refused = api(tokens.school).post(url, {"to": "beoordeling"})
    assert refused.status_code == 409
    assert messages(refused) == expected == ["Assess at least one work process before the assessment phase."]
    assert world.refresh().status == Status.IN_PROGRESS


def _through_the_page(world: WorkWorld, to: str, data: dict[str, str] | None = None) -> list[str]:
    """What the trajectory page says when the consultant asks for ``to`` there."""
    client = Client()
    client.force_login(world.consultant)  # reads the pages in English
    response = client.post(reverse("trajectories:transition", args=[world.trajectory.pk, to]), data or {})
    if response.status_code == 200:
        return [str(m) for m in response.context["refused"]["messages"]]
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_api_refuses_a_placement_with_the_words_of_the_trajectory_page(world: WorkWorld, tokens: Tokens) -> None:
    set_state(world.trajectory, Status.SEARCHING)

    on_the_page = _through_the_page(world, Status.PLACED)
    refused = api(tokens.consultant).post(trajectory_url(world, "/transitions"), {"to": "geplaatst"})

    assert on_the_page
    assert messages(refused) == on_the_page


def test_the_api_refuses_a_change_not_allowed_from_this_state_with_the_words_of_the_page(
    world: WorkWorld, tokens: Tokens
) -> None:
    on_the_page = _through_the_page(world, Status.REFERRED)
    refused = api(tokens.consultant).post(trajectory_url(world, "/transitions"), {"to": "aangemeld"})

    assert on_the_page == [refused.json()["detail"]]


def test_a_paused_trajectory_resumes_where_it_was_paused_as_on_the_page(world: WorkWorld, tokens: Tokens) -> None:
    url = trajectory_url(world, "/transitions")
    client = api(tokens.consultant)
    assert client.post(url, {"to": "gepauzeerd", "reason": "Ziek"}).status_code == 200

    elsewhere = client.post(url, {"to": "beoordeling"})
    assert elsewhere.status_code == 409
    assert [elsewhere.json()["detail"]] == _through_the_page(world, Status.ASSESSMENT)
    resumed = client.post(url, {"to": "in_uitvoering"})
    assert resumed.status_code == 200
    assert world.refresh().status == Status.IN_PROGRESS
    assert list(world.trajectory.events.values_list("from_status", "to_status").order_by("at", "id"))[-2:] == [
        (Status.IN_PROGRESS, Status.PAUSED),
        (Status.PAUSED, Status.IN_PROGRESS),
    ]


# --- Access, read-only tokens, query counts ----------------------------------------------------


def _object_paths(world: WorkWorld) -> list[tuple[str, str]]:
    assessment = world.trajectory.assessments.first()
    assessment_id = assessment.pk if assessment is not None else 1
    return [
        ("get", learner_url(world)),
        ("post", f"{learner_url(world)}/trajectories"),
        ("get", trajectory_url(world)),
        ("post", trajectory_url(world, "/transitions")),
        ("get", trajectory_url(world, "/learning-plan-versions")),
        ("get", trajectory_url(world, "/learning-plan-versions/1")),
        ("get", trajectory_url(world, "/work-process-assessments")),
        ("post", trajectory_url(world, "/work-process-assessments")),
        ("post", trajectory_url(world, f"/work-process-assessments/{assessment_id}/confirmation")),
        ("get", trajectory_url(world, "/progress-reviews")),
        ("post", trajectory_url(world, "/progress-reviews")),
    ]


def _valid_body(world: WorkWorld, path: str) -> dict[str, Any]:
    """A body each write accepts from the right party, so that only access decides."""
    today = timezone.localdate().isoformat()
    if path.endswith("/trajectories"):
        return _new_trajectory(world)
    if path.endswith("/transitions"):
        return {"to": "gepauzeerd", "reason": "Ziek"}
    if path.endswith("/work-process-assessments"):
        return {"work_process": "B1-K1-W1", "level": "developing", "assessed_on": today}
    if path.endswith("/progress-reviews"):
        return {"held_on": today, "attendees": "Noor, Kees, Petra"}
    if path == "/api/v1/learners":
        return _new_learner()
    return {}


def _with_everything(world: WorkWorld) -> None:
    agreed_plan(world.trajectory, by=world.consultant)
    assessed(world.trajectory, world.work_processes().get(code="B1-K1-W1"), by=world.trainer, level="mastered")


def test_another_organisations_token_gets_a_404_on_every_object_endpoint(world: WorkWorld, tokens: Tokens) -> None:
    _with_everything(world)
    client = api(tokens.outsider)
    for method, path in _object_paths(world):
        response = getattr(client, method)(path, *([_valid_body(world, path)] if method == "post" else []))
        assert response.status_code == 404, (method, path, response.content)
        assert response["Content-Type"].startswith("application/problem+json")


def test_a_read_only_token_gets_a_403_on_every_write(world: WorkWorld, tokens: Tokens) -> None:
    _with_everything(world)
    client = api(tokens.read_only)
    writes = [("post", "/api/v1/learners")] + [(m, p) for m, p in _object_paths(world) if m == "post"]
    before = (Learner.objects.count(), Trajectory.objects.count(), world.trajectory.events.count())
    for method, path in writes:
        response = getattr(client, method)(path, _valid_body(world, path))
        assert response.status_code == 403, (method, path, response.content)
        assert response.json()["detail"] == "This token is read-only; it cannot change anything."
    assert (Learner.objects.count(), Trajectory.objects.count(), world.trajectory.events.count()) == before
    # The same writes with the read-write token of the same person go through.
    assert (
        api(tokens.consultant)
        .post(trajectory_url(world, "/transitions"), {"to": "gepauzeerd", "reason": "Ziek"})
        .status_code
        == 200
    )


def test_an_expired_token_gets_a_401(world: WorkWorld, tokens: Tokens) -> None:
    ApiToken.objects.filter(pk=tokens.consultant_token.pk).update(expires_at=timezone.now())

    assert api(tokens.consultant).get(trajectory_url(world)).status_code == 401


def _more_trajectories(world: WorkWorld, count: int) -> None:
    """``count`` more learners of the municipality, each with a trajectory at work and a plan."""
    for number in range(count):
        learner = Learner.objects.create(
            organisation=world.municipality,
            first_name=f"Extra{number}",
            last_name="Bakker",
            date_of_birth=datetime.date(1990, 1, 1),
            target_group=TargetGroup.WW,
            referring_organisation=world.school,
        )
        trajectory = services.create_trajectory(
            learner,
            by=world.consultant,
            route=Route.PRAKTIJKLEREN,
            intended_outcome=IntendedOutcome.CERTIFICATE,
            qualification=world.qualification,
            school=world.school,
            employer=world.employer,
            workplace_trainer=world.trainer,
            school_coach=world.school_staff,
            consultant=world.consultant,
        )
        set_state(trajectory, Status.IN_PROGRESS)


def count_queries(client: ApiClient, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("path", ["/api/v1/learners", "/api/v1/trajectories"])
def test_the_lists_take_the_same_number_of_queries_for_more_rows(world: WorkWorld, tokens: Tokens, path: str) -> None:
    client = api(tokens.consultant)
    _more_trajectories(world, 1)
    few = count_queries(client, path)
    _more_trajectories(world, 5)
    many = count_queries(client, path)

    assert client.get(path).json()["count"] == 7
    assert many == few


def test_pages_keep_their_order_and_link_to_each_other(world: WorkWorld, tokens: Tokens) -> None:
    _more_trajectories(world, 4)
    client = api(tokens.consultant)

    first = client.get("/api/v1/trajectories", {"limit": 2}).json()
    second = client.get("/api/v1/trajectories", {"limit": 2, "offset": 2}).json()
    everything = client.get("/api/v1/trajectories", {"limit": 10}).json()

    ids = [item["id"] for item in everything["items"]]
    assert ids == sorted(ids)
    assert [item["id"] for item in first["items"] + second["items"]] == ids[:4]
    assert first["next"].endswith("limit=2&offset=2")


def test_a_member_of_the_school_sees_the_trajectory_but_not_other_learners(world: WorkWorld, tokens: Tokens) -> None:
    other_municipality_learner = Learner.objects.create(
        organisation=world.municipality,
        first_name="Zonder",
        last_name="Traject",
        date_of_birth=datetime.date(1990, 1, 1),
        target_group=TargetGroup.WW,
    )

    learners = api(tokens.school).get("/api/v1/learners").json()
    assert [item["id"] for item in learners["items"]] == [world.trajectory.learner_id]
    assert api(tokens.school).get(f"/api/v1/learners/{other_municipality_learner.pk}").status_code == 404
    assert api(tokens.consultant).get(f"/api/v1/learners/{other_municipality_learner.pk}").status_code == 200


def test_a_member_of_several_organisations_sees_through_a_token_only_what_its_organisation_may(
    world: WorkWorld, tokens: Tokens
) -> None:
    """The trainer also works for the municipality as a consultant; the employer's token sees the
    trajectory at the employer, not the municipality's other learners."""
    MembershipFactory.create(user=world.trainer, organisation=world.municipality, roles=[Role.CONSULTANT])
    lonely = Learner.objects.create(
        organisation=world.municipality,
        first_name="Alleen",
        last_name="Gemeente",
        date_of_birth=datetime.date(1990, 1, 1),
        target_group=TargetGroup.WW,
    )

    assert api(tokens.trainer).get(f"/api/v1/learners/{lonely.pk}").status_code == 404
    assert api(tokens.trainer).post("/api/v1/learners", _new_learner()).status_code == 403
    municipality_token = make_token(world.municipality, world.trainer)[1]
    assert api(municipality_token).get(f"/api/v1/learners/{lonely.pk}").status_code == 200
