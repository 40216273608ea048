"""The pages of the batch matching rounds: who sees what, the forms and their errors, the actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.matching.models import (
    EmployerChoice,
    LearnerChoice,
    MatchingRound,
    PlacementRequest,
    RequestStatus,
    RoundLearner,
    RoundPlace,
    RoundStatus,
)
from werkplaats.matching.rounds import compute, create_round, publish
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories.models import Status, Trajectory

from .test_rounds import answer, extra_place, fresh, join, learner_in, new_round, place_in, rank, seeker
from .world import START, World, build

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(organisation: Organisation, consultant: User) -> World:
    return build(organisation, consultant)


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return member_of(organisation, Role.COORDINATOR, email="coordinator@haren.example.nl")


def _client(user: User) -> Client:
    """Pages are read in English (the user's language decides), the source language."""
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _page(user: User, url: str) -> str:
    response = _client(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _learner_url(learner: RoundLearner) -> str:
    return reverse("matching:round-learner", args=[learner.round_id, learner.pk])


def _place_url(place: RoundPlace) -> str:
    return reverse("matching:round-place", args=[place.round_id, place.pk])


# --- The list and a new round -----------------------------------------------------------------


def test_the_list_shows_the_rounds_the_user_takes_part_in(
    w: World, coordinator: User, outsider: User, groningen: Region, drenthe: Region
) -> None:
    new_round(w, coordinator, "Groningen in September")
    create_round(region=drenthe, name="Drenthe in September", start_date=START, preferences_until=None, by=outsider)
    stranger = member_of(OrganisationFactory.create(name="Gemeente Zuidhorn", region=groningen), Role.CONSULTANT)
    url = reverse("matching:rounds")

    for user in (coordinator, w.consultant, w.trainer):  # runs it; has a learner in it; has a place in it
        page = _page(user, url)
        assert "Groningen in September" in page and "Drenthe in September" not in page
    page = _page(outsider, url)
    assert "Drenthe in September" in page and "Groningen in September" not in page
    assert "Groningen in September" not in _page(stranger, url)
    assert reverse("matching:round-add") in _page(coordinator, url)
    assert reverse("matching:round-add") not in _page(w.consultant, url)


def test_the_coordinator_starts_a_round(w: World, coordinator: User) -> None:
    response = _client(coordinator).post(
        reverse("matching:round-add"),
        {
            "region": w.organisation.region_id,
            "name": "  Start in September  ",
            "start_date": "01-09-2026",
            "preferences_until": "2026-07-01",
        },
    )

    matching_round = MatchingRound.objects.get()
    assert response.status_code == 302 and response["Location"] == matching_round.get_absolute_url()
    assert matching_round.name == "Start in September" and matching_round.created_by == coordinator
    assert str(matching_round.preferences_until) == "2026-07-01"
    assert matching_round.learners.count() == 2 and matching_round.places.count() == 8


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   "}, "name", "This field is required."),
        ({"start_date": "1 september"}, "start_date", "Enter a date as DD-MM-YYYY."),
        ({"preferences_until": "2026-09-02"}, "preferences_until", "Preferences are given before the start date."),
        ({"region": "other"}, "region", "Select a valid choice."),
    ],
)
def test_the_new_round_form_shows_what_is_wrong(
    w: World, coordinator: User, drenthe: Region, data: dict[str, str], field: str, message: str
) -> None:
    posted = {"region": str(w.organisation.region_id), "name": "Start", "start_date": "2026-09-01"}
    posted.update(data)
    if posted["region"] == "other":
        posted["region"] = str(drenthe.pk)  # a region the coordinator does not work in

    response = _client(coordinator).post(reverse("matching:round-add"), posted)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not MatchingRound.objects.exists()


def test_only_coordinators_start_a_round(w: World) -> None:
    client = _client(w.consultant)

    assert client.get(reverse("matching:round-add")).status_code == 403
    assert client.post(reverse("matching:round-add"), {"name": "x"}).status_code == 403


# --- The round page ---------------------------------------------------------------------------


def _computed(w: World, coordinator: User) -> MatchingRound:
    """Noor ranked Schoonmaak Noord and got it; Anna ranked only Vol Bedrijf, which has no free place."""
    anna = seeker(w, "Anna")
    matching_round = new_round(w, coordinator)
    rank(learner_in(matching_round, w.trajectory), [place_in(matching_round, w.near)], w.consultant)
    rank(learner_in(matching_round, anna), [place_in(matching_round, w.full)], w.consultant)
    compute(matching_round, by=coordinator)
    return fresh(matching_round)


def test_the_coordinator_reviews_the_proposal_with_reasons_and_the_comparison(w: World, coordinator: User) -> None:
    matching_round = _computed(w, coordinator)

    page = _page(coordinator, matching_round.get_absolute_url())

    assert "Proposal" in page and "Stable matching compared with the highest total score" in page
    comparison = matching_round.comparison
    assert f"{comparison['matched']} learners matched, {comparison['unmatched']} without a place" in page
    assert comparison["differs"] == 0 and "the highest total score is the same as the stable matching" in page
    matched, unmatched = page.split("Learners with a place")[1].split("Learners without a place, and why")
    assert "Noor Jansen" in matched and "Schoonmaak Noord" in matched
    assert "Anna Round" in unmatched
    assert "None of the ranked places can take this learner" in unmatched
    assert "Vol Bedrijf: no free place in this round" in unmatched
    empty = page.split("Empty places, and why")[1]
    assert "Not recognised for the qualification on the start date" in empty  # Verlopen Erkenning
    assert "No learner ranked this place" in empty  # Facilitair Zuid
    assert reverse("matching:round-publish", args=[matching_round.pk]) in page


def test_the_round_page_warns_when_the_proposal_is_out_of_date(w: World, coordinator: User) -> None:
    matching_round = _computed(w, coordinator)
    rank(learner_in(matching_round, w.trajectory), [place_in(matching_round, w.far)], w.consultant)

    page = _page(coordinator, matching_round.get_absolute_url())

    assert "Rankings or lists changed after the proposal was computed." in page
    assert reverse("matching:round-publish", args=[matching_round.pk]) not in page


def test_a_consultant_sees_only_their_learners_and_the_result_only_once_published(
    w: World, coordinator: User, groningen: Region
) -> None:
    zuidhorn = OrganisationFactory.create(name="Gemeente Zuidhorn", region=groningen)
    other_consultant = member_of(zuidhorn, Role.CONSULTANT)
    seeker(w, "Sem", organisation=zuidhorn, consultant=other_consultant)
    matching_round = _computed(w, coordinator)
    assert RoundLearner.objects.filter(round=matching_round, trajectory__learner__first_name="Sem").exists()

    page = _page(w.consultant, matching_round.get_absolute_url())

    assert "Noor Jansen" in page and "Anna Round" in page and "Sem Round" not in page
    assert "Your learners in this round" in page
    assert "Open a learner to rank the places" in page
    assert "No places in this round." not in page  # the places are the coordinator's and the employers' list
    assert 'id="result"' not in page and "Schoonmaak Noord" not in page
    assert reverse("matching:round-compute", args=[matching_round.pk]) not in page

    publish(matching_round, by=coordinator)
    page = _page(w.consultant, matching_round.get_absolute_url())

    assert 'id="result"' in page and "Schoonmaak Noord" in page and "Sem Round" not in page
    request = PlacementRequest.objects.get(trajectory=w.trajectory)
    assert reverse("matching:request", args=[request.pk]) in page
    assert "Stable matching compared with the highest total score" not in page  # the comparison is the coordinator's


def test_the_employer_sees_only_its_own_places(w: World, coordinator: User) -> None:
    matching_round = _computed(w, coordinator)

    page = _page(w.trainer, matching_round.get_absolute_url())

    places = page.split('id="places-heading"')[1]
    assert "Schoonmaak Noord" in places and "Facilitair Zuid" not in places and "Vol Bedrijf" not in places
    assert "Noor Jansen" not in page and 'id="result"' not in page


def test_the_round_page_needs_the_same_queries_for_a_bigger_round(w: World, coordinator: User) -> None:
    matching_round = _computed(w, coordinator)
    client = _client(coordinator)
    url = matching_round.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    companies = [extra_place(w, f"Extra {number}", capacity=2) for number in range(6)]
    learners = [join(matching_round, seeker(w, f"Extra{number}")) for number in range(8)]
    for number, learner in enumerate(learners):
        rank(learner, [place_in(matching_round, c) for c in companies[number % 3 :]], w.consultant)
    answer(place_in(matching_round, companies[0]), coordinator, ranked=[learners[3]], declined=[learners[0]])
    compute(matching_round, by=coordinator)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("Extra7 Round") >= 1
    assert len(response.context["learners"]) == 11 and len(response.context["places"]) == 14
    assert len(many) == len(few)


# --- A learner's ranking ----------------------------------------------------------------------


def test_the_consultant_ranks_the_places_for_the_learner(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    url = _learner_url(noor)

    page = _page(w.consultant, url)
    assert "Schoonmaak Noord" in page and "Facilitair Zuid" in page
    assert "Bakkerij Anders" not in page  # a place for another qualification
    response = _client(w.consultant).post(url, {f"place_{near.pk}": "7", f"place_{far.pk}": "3"})

    assert response.status_code == 302 and response["Location"] == url
    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place", "rank")) == [(far.pk, 1), (near.pk, 2)]


def test_the_ranking_page_shows_a_duplicate_rank_next_to_the_field(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near, far = place_in(matching_round, w.near), place_in(matching_round, w.far)
    rank(noor, [near], w.consultant)

    response = _client(w.consultant).post(_learner_url(noor), {f"place_{near.pk}": "1", f"place_{far.pk}": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Rank 1 is given twice: give every rank once." in page and 'aria-invalid="true"' in page
    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place", "rank")) == [(near.pk, 1)]


def test_a_rank_that_is_no_number_is_shown_not_saved(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near = place_in(matching_round, w.near)

    response = _client(w.consultant).post(_learner_url(noor), {f"place_{near.pk}": "eerste"})

    assert response.status_code == 200
    assert "Give a whole number, or leave it empty." in response.content.decode()
    assert not LearnerChoice.objects.filter(learner=noor).exists()


def test_opening_a_learners_ranking_is_recorded_in_the_audit_log(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)

    _page(w.consultant, _learner_url(learner_in(matching_round, w.trajectory)))

    entry = AuditLogEntry.objects.get(action=Action.VIEW, object_id=str(w.trajectory.pk))
    assert entry.actor == w.consultant


def test_who_opens_a_learners_ranking(w: World, coordinator: User, groningen: Region) -> None:
    learner_user = member_of(w.organisation, Role.LEARNER, email="noor@example.nl")
    w.learner.user = learner_user
    w.learner.save(update_fields=["user"])
    school = OrganisationFactory.create(name="Noorderpoort", kind="mbo_school", region=groningen)
    school_staff = member_of(school, Role.SCHOOL_STAFF)
    Trajectory.objects.filter(pk=w.trajectory.pk).update(school=school)
    zuidhorn = OrganisationFactory.create(name="Gemeente Zuidhorn", region=groningen)
    other_consultant = member_of(zuidhorn, Role.CONSULTANT)
    seeker(w, "Sem", organisation=zuidhorn, consultant=other_consultant)
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near = place_in(matching_round, w.near)
    url = _learner_url(noor)

    for user in (learner_user, coordinator):
        assert _client(user).post(url, {f"place_{near.pk}": "1"}).status_code == 302
    # The school sees the trajectory but does not steer it; the round is visible through its own learner.
    assert _client(school_staff).get(url).status_code == 403
    assert _client(school_staff).post(url, {f"place_{near.pk}": "2"}).status_code == 403
    # Another organisation's consultant and the employer's trainer do not see Noor.
    for user in (other_consultant, w.trainer):
        assert _client(user).get(url).status_code == 404
        assert _client(user).post(url, {}).status_code == 404
    assert list(LearnerChoice.objects.filter(learner=noor).values_list("rank", flat=True)) == [1]


def test_after_publishing_the_ranking_page_changes_nothing(w: World, coordinator: User) -> None:
    matching_round = _computed(w, coordinator)
    publish(matching_round, by=coordinator)
    noor = learner_in(matching_round, w.trajectory)
    far = place_in(matching_round, w.far)

    response = _client(w.consultant).post(_learner_url(noor), {f"place_{far.pk}": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Matched with Schoonmaak Noord." in page and "Save the ranking" not in page
    assert list(LearnerChoice.objects.filter(learner=noor).values_list("place__place__employer__name", flat=True)) == [
        "Schoonmaak Noord"
    ]


# --- An employer's answers --------------------------------------------------------------------


def _candidates(w: World, coordinator: User) -> tuple[MatchingRound, RoundLearner, RoundLearner, RoundPlace]:
    anna = seeker(w, "Anna")
    matching_round = new_round(w, coordinator)
    near = place_in(matching_round, w.near)
    noor, other = learner_in(matching_round, w.trajectory), learner_in(matching_round, anna)
    for learner in (noor, other):
        rank(learner, [near], w.consultant)
    return matching_round, noor, other, near


def test_the_employer_answers_for_its_candidates(w: World, coordinator: User) -> None:
    _round, noor, anna, near = _candidates(w, coordinator)
    url = _place_url(near)

    page = _page(w.trainer, url)
    assert "Noor J." in page and "Anna R." in page and "Jansen" not in page
    assert "Score " in page and " of 100" in page
    response = _client(w.trainer).post(url, {"answers": "1", f"rank_{anna.pk}": "4", f"declined_{noor.pk}": "on"})

    assert response.status_code == 302 and response["Location"] == url
    answers = set(EmployerChoice.objects.filter(place=near).values_list("learner", "rank", "declined"))
    assert answers == {(anna.pk, 1, False), (noor.pk, None, True)}


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"rank_noor": "1", "declined_noor": "on"}, "A candidate you do not accept gets no rank"),
        ({"rank_noor": "2", "rank_anna": "2"}, "Rank 2 is given twice"),
        ({"rank_noor": "0"}, "A rank is 1 or more."),
    ],
)
def test_the_employers_answers_show_what_is_wrong(
    w: World, coordinator: User, posted: dict[str, str], message: str
) -> None:
    _round, noor, anna, near = _candidates(w, coordinator)
    data = {"answers": "1"}
    for key, value in posted.items():
        data[key.replace("noor", str(noor.pk)).replace("anna", str(anna.pk))] = value

    response = _client(w.trainer).post(_place_url(near), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EmployerChoice.objects.exists()


def test_only_the_employers_staff_and_the_coordinator_open_a_place(w: World, coordinator: User) -> None:
    _round, noor, _anna, near = _candidates(w, coordinator)
    url = _place_url(near)
    trainer_elsewhere = member_of(w.far, Role.WORKPLACE_TRAINER)  # Facilitair Zuid has a place in the round

    assert _client(coordinator).get(url).status_code == 200
    for user in (w.consultant, trainer_elsewhere):
        assert _client(user).get(url).status_code == 403
        assert _client(user).post(url, {"answers": "1", f"declined_{noor.pk}": "on"}).status_code == 403
    assert not EmployerChoice.objects.exists()


def test_the_coordinator_sets_the_places_in_the_round(w: World, coordinator: User) -> None:
    _round, _noor, _anna, near = _candidates(w, coordinator)
    url = _place_url(near)
    client = _client(coordinator)

    too_many = client.post(url, {"capacity": "3"})
    assert too_many.status_code == 200
    assert "Give a number from 0 to 2, the places the employer offers." in too_many.content.decode()
    negative = client.post(url, {"capacity": "-1"})
    assert negative.status_code == 200 and negative.context["capacity_form"].errors["capacity"]
    assert RoundPlace.objects.get(pk=near.pk).capacity == 2

    assert client.post(url, {"capacity": "0"}).status_code == 302
    assert RoundPlace.objects.get(pk=near.pk).capacity == 0


def test_the_employers_staff_do_not_set_the_places_in_the_round(w: World, coordinator: User) -> None:
    _round, _noor, _anna, near = _candidates(w, coordinator)

    page = _page(w.trainer, _place_url(near))
    response = _client(w.trainer).post(_place_url(near), {"capacity": "0"})

    assert "Save the number of places" not in page
    assert response.status_code == 200
    assert RoundPlace.objects.get(pk=near.pk).capacity == 2


# --- The coordinator's actions ----------------------------------------------------------------


def test_the_coordinator_collects_computes_and_publishes_through_the_pages(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    rank(learner_in(matching_round, w.trajectory), [place_in(matching_round, w.near)], w.consultant)
    late = seeker(w, "Laat")
    client = _client(coordinator)

    response = client.post(reverse("matching:round-collect", args=[matching_round.pk]), follow=True)
    assert "Lists brought up to date: 1 learner and 0 places added." in response.content.decode()
    assert RoundLearner.objects.filter(round=matching_round, trajectory=late).exists()

    early = client.post(reverse("matching:round-publish", args=[matching_round.pk]), follow=True)
    assert "Compute the proposal first" in early.content.decode()

    response = client.post(reverse("matching:round-compute", args=[matching_round.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#result")
    assert fresh(matching_round).is_current

    response = client.post(reverse("matching:round-publish", args=[matching_round.pk]), follow=True)
    assert "The round is published: 1 placement waits for its consultant" in (response.content.decode())
    assert fresh(matching_round).status == RoundStatus.PUBLISHED
    assert PlacementRequest.objects.get(trajectory=w.trajectory).status == RequestStatus.ACCEPTED


def test_publishing_through_the_page_keeps_the_new_proposal_when_something_changed(w: World, coordinator: User) -> None:
    matching_round = _computed(w, coordinator)
    Trajectory.objects.filter(pk=w.trajectory.pk).update(status=Status.PAUSED)

    response = _client(coordinator).post(reverse("matching:round-publish", args=[matching_round.pk]), follow=True)

    assert "Something changed since the proposal was computed" in response.content.decode()
    assert fresh(matching_round).status == RoundStatus.OPEN
    assert learner_in(matching_round, w.trajectory).proposed_id is None


def test_the_coordinator_takes_a_learner_and_a_place_out(w: World, coordinator: User) -> None:
    matching_round = new_round(w, coordinator)
    noor = learner_in(matching_round, w.trajectory)
    near = place_in(matching_round, w.near)
    remove_learner_url = reverse("matching:round-learner-remove", args=[matching_round.pk, noor.pk])
    remove_place_url = reverse("matching:round-place-remove", args=[matching_round.pk, near.pk])

    for url in (remove_learner_url, remove_place_url):
        assert _client(coordinator).get(url).status_code == 405
        assert _client(w.consultant).post(url).status_code == 403
    assert RoundLearner.objects.filter(pk=noor.pk).exists() and RoundPlace.objects.filter(pk=near.pk).exists()

    assert _client(coordinator).post(remove_learner_url).status_code == 302
    assert _client(coordinator).post(remove_place_url).status_code == 302

    assert not RoundLearner.objects.filter(pk=noor.pk).exists()
    assert not RoundPlace.objects.filter(pk=near.pk).exists()


@pytest.mark.parametrize("name", ["round-collect", "round-compute", "round-publish"])
def test_the_round_actions_are_posted_by_the_coordinator_only(w: World, coordinator: User, name: str) -> None:
    matching_round = new_round(w, coordinator)
    url = reverse(f"matching:{name}", args=[matching_round.pk])

    assert _client(coordinator).get(url).status_code == 405
    assert _client(w.consultant).post(url).status_code == 403
    assert _client(w.trainer).post(url).status_code == 403
    matching_round = fresh(matching_round)
    assert matching_round.computed_at is None and matching_round.status == RoundStatus.OPEN
