from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.matching.models import LearnerPreference, LearningPlace, PlacementRequest, RequestStatus
from werkplaats.matching.services import propose_place
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of

from .world import World, build, more_employers

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(organisation: Organisation, consultant: User) -> World:
    return build(organisation, consultant)


def _client(user: User) -> Client:
    """Pages are read in English (the user's language decides), the source language."""
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _place(employer: Organisation) -> LearningPlace:
    return LearningPlace.objects.get(employer=employer)


def _request(w: World) -> PlacementRequest:
    return propose_place(w.trajectory, _place(w.near), by=w.consultant, message="Noor is punctueel")


# --- Suggestions ------------------------------------------------------------------------------


def test_the_consultant_sees_suggestions_with_reasons_and_exclusions(w: World) -> None:
    response = _client(w.consultant).get(reverse("matching:suggestions", args=[w.trajectory.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Schoonmaak Noord" in page and "3 of 4 trajectories completed" in page
    assert "2 companies recognised, but full" in page
    assert "Vol Bedrijf" not in page
    assert reverse("matching:propose", args=[w.trajectory.pk, _place(w.near).pk]) in page


def test_opening_the_suggestions_is_recorded_in_the_audit_log(w: World) -> None:
    _client(w.consultant).get(reverse("matching:suggestions", args=[w.trajectory.pk]))

    entry = AuditLogEntry.objects.get(action=Action.VIEW, object_id=str(w.trajectory.pk))
    assert entry.actor == w.consultant


def test_other_organisations_get_a_404_and_too_low_a_role_a_403(
    w: World, outsider: User, organisation: Organisation
) -> None:
    url = reverse("matching:suggestions", args=[w.trajectory.pk])
    school = member_of(Organisation.objects.create(name="School", slug="school", kind="mbo_school"), Role.SCHOOL_STAFF)
    w.trajectory.school = school.memberships.get().organisation
    w.trajectory.save(update_fields=["school"])

    assert _client(outsider).get(url).status_code == 404
    assert _client(member_of(organisation, Role.ADMIN)).get(url).status_code == 404
    assert _client(school).get(url).status_code == 403  # sees the trajectory, does not steer it


def test_a_coordinator_of_the_region_sees_the_suggestions(w: World, organisation: Organisation) -> None:
    coordinator = member_of(organisation, Role.COORDINATOR)

    assert _client(coordinator).get(reverse("matching:suggestions", args=[w.trajectory.pk])).status_code == 200


def test_the_suggestions_page_needs_the_same_queries_for_more_employers(w: World) -> None:
    client = _client(w.consultant)
    url = reverse("matching:suggestions", args=[w.trajectory.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more_employers(w, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("Extra ") >= 12
    assert len(many) == len(few)


def test_the_trajectory_page_links_to_the_suggestions_while_searching(w: World) -> None:
    response = _client(w.consultant).get(w.trajectory.get_absolute_url())

    assert reverse("matching:suggestions", args=[w.trajectory.pk]) in response.content.decode()


def test_preferences_are_saved_and_bad_input_is_refused(w: World) -> None:
    client = _client(w.consultant)
    url = reverse("matching:preferences", args=[w.trajectory.pk])

    refused = client.post(url, {"max_distance_km": "9999", "hours_per_week": "abc"})
    assert refused.status_code == 200
    assert not LearnerPreference.objects.filter(learner=w.learner).exists()

    saved = client.post(url, {"max_distance_km": "25", "hours_per_week": "24"})
    assert saved.status_code == 302
    preference = LearnerPreference.objects.get(learner=w.learner)
    assert (preference.max_distance_km, preference.hours_per_week) == (25, 24)


# --- Proposing and answering ------------------------------------------------------------------


def test_proposing_through_the_page_creates_the_request(w: World) -> None:
    url = reverse("matching:propose", args=[w.trajectory.pk, _place(w.near).pk])

    response = _client(w.consultant).post(url, {"message": "Kan in september beginnen"})

    assert response.status_code == 302
    request = PlacementRequest.objects.get(trajectory=w.trajectory)
    assert request.employer == w.near and request.message == "Kan in september beginnen"


def test_proposing_a_full_place_shows_why_on_the_form(w: World) -> None:
    url = reverse("matching:propose", args=[w.trajectory.pk, _place(w.full).pk])

    response = _client(w.consultant).post(url, {"message": ""})

    assert response.status_code == 200
    assert "no free place" in response.content.decode()
    assert not PlacementRequest.objects.exists() or not PlacementRequest.objects.filter(trajectory=w.trajectory)


def test_the_employer_sees_only_what_it_needs(w: World) -> None:
    request = _request(w)
    client = _client(w.trainer)

    incoming = client.get(reverse("matching:incoming", args=[w.near.slug])).content.decode()
    answer = client.get(reverse("matching:decide", args=[request.pk])).content.decode()

    for page in (incoming, answer):
        assert "Noor J." in page
        assert "Jansen" not in page
        assert "rustige werkplek" not in page  # support needs
    assert "1 September 2026" in answer and "24" in answer


def test_the_employer_opening_a_request_is_audited(w: World) -> None:
    request = _request(w)

    _client(w.trainer).get(reverse("matching:decide", args=[request.pk]))

    assert AuditLogEntry.objects.filter(action=Action.VIEW, actor=w.trainer, object_id=str(w.trajectory.pk)).exists()


def test_the_employer_accepts_through_the_page(w: World, committed: Any) -> None:
    request = _request(w)

    response = committed(_client(w.trainer).post, reverse("matching:decide", args=[request.pk]), {"decision": "accept"})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_declining_without_a_reason_is_a_form_error(w: World) -> None:
    request = _request(w)

    response = _client(w.trainer).post(reverse("matching:decide", args=[request.pk]), {"decision": "decline"})

    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED


def test_the_consultant_cannot_answer_and_others_do_not_see_the_list(w: World, outsider: User) -> None:
    request = _request(w)

    assert (
        _client(w.consultant).post(reverse("matching:decide", args=[request.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert _client(w.consultant).get(reverse("matching:incoming", args=[w.near.slug])).status_code == 404
    assert _client(outsider).get(reverse("matching:decide", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED


def test_after_acceptance_the_consultant_is_led_to_the_placement(w: World) -> None:
    request = _request(w)
    PlacementRequest.objects.filter(pk=request.pk).update(status=RequestStatus.ACCEPTED)

    page = _client(w.consultant).get(reverse("matching:request", args=[request.pk])).content.decode()

    assert reverse("trajectories:transition", args=[w.trajectory.pk, "geplaatst"]) in page


# --- Capacity ---------------------------------------------------------------------------------


def test_the_capacity_view_is_for_coordinators(w: World, organisation: Organisation) -> None:
    coordinator = member_of(organisation, Role.COORDINATOR)
    _request(w)

    response = _client(coordinator).get(reverse("matching:capacity"), {"sort": "offered"})

    assert response.status_code == 200
    rows = response.context["rows"]
    offered = [row.offered for row in rows]
    assert offered == sorted(offered, reverse=True) and offered[0] == 3
    assert rows[0].name == "Bakkerij Anders"  # four employers offer 3 places: by name then
    assert _client(w.consultant).get(reverse("matching:capacity")).status_code == 403


def test_the_capacity_csv_has_a_row_per_employer(w: World, organisation: Organisation) -> None:
    coordinator = member_of(organisation, Role.COORDINATOR)
    _request(w)

    response = _client(coordinator).get(reverse("matching:capacity-csv"))

    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.strip().splitlines()
    assert lines[0].startswith("Employer;")
    assert any(line.startswith("Schoonmaak Noord;") and line.endswith(";2;1;0;0;2") for line in lines)


def test_the_capacity_view_needs_the_same_queries_for_more_employers(w: World, organisation: Organisation) -> None:
    client = _client(member_of(organisation, Role.COORDINATOR))
    client.get(reverse("matching:capacity"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("matching:capacity"))
    more_employers(w, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("matching:capacity"))

    assert len(response.context["rows"]) >= 19
    assert len(many) == len(few)


# --- Demo -------------------------------------------------------------------------------------


def test_the_demo_consultant_sees_suggestions_and_an_open_request(db: None) -> None:
    from werkplaats.demo.services import load_demo
    from werkplaats.matching import demo
    from werkplaats.trajectories.models import Status, Trajectory

    load_demo(partnerships=False)  # loads the learning places and the request
    assert LearningPlace.objects.count() == len(demo.PLACES)
    assert PlacementRequest.objects.count() == 1
    assert demo.load() == 0  # idempotent
    consultant = User.objects.get(email="consultant@demo.nl")
    client = _client(consultant)

    searching = Trajectory.objects.filter(status=Status.SEARCHING, consultant=consultant)
    pages = [client.get(reverse("matching:suggestions", args=[t.pk])) for t in searching]

    assert all(page.status_code == 200 for page in pages)
    assert any(page.context["result"].suggestions for page in pages)
    assert PlacementRequest.objects.filter(status=RequestStatus.PROPOSED, proposed_by=consultant).count() == 1


# --- The employer's offer -----------------------------------------------------------------


def test_the_employer_offers_places_for_a_qualification(w: World) -> None:
    client = _client(w.trainer)
    url = reverse("matching:place-add", args=[w.near.slug])
    data = {
        "crebo": "25173",
        "capacity": "2",
        "period_start": "01-01-2026",
        "period_end": "",
        "hours_per_week": "32",
        "target_groups": ["newcomer"],
        "trainer_available": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    place = LearningPlace.objects.get(employer=w.near, crebo="25173")
    assert (place.capacity, place.hours_per_week, place.target_groups) == (2, 32, ["newcomer"])
    listing = client.get(reverse("matching:places", args=[w.near.slug])).content.decode()
    assert "25173" in listing


def test_a_bad_offer_is_refused_field_by_field(w: World) -> None:
    client = _client(w.trainer)
    url = reverse("matching:place-add", args=[w.near.slug])

    response = client.post(
        url, {"crebo": "25499", "capacity": "-1", "period_start": "01-09-2026", "period_end": "01-01-2026"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"crebo", "capacity", "period_end"}  # a second offer for 25499, negative, ends early
    assert LearningPlace.objects.filter(employer=w.near).count() == 1


def test_others_cannot_change_an_employers_offer(w: World, outsider: User) -> None:
    place = _place(w.near)
    url = reverse("matching:place-edit", args=[w.near.slug, place.pk])

    assert _client(outsider).post(url, {"crebo": "25499", "capacity": "9"}).status_code == 404
    assert _client(w.consultant).post(url, {"crebo": "25499", "capacity": "9"}).status_code == 404
    assert _client(member_of(w.far, Role.WORKPLACE_TRAINER)).get(url).status_code == 404
    place.refresh_from_db()
    assert place.capacity == 2
