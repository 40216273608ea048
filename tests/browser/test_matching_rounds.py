"""A matching round in a real browser, on the demo region: the consultant ranks places for a learner, an
employer's trainer answers for its place, and the coordinator computes the proposal again, reads who is matched
and who is not (and why), and publishes. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, log_in, log_out, screenshot, visit

pytestmark = pytest.mark.browser


def test_the_coordinator_runs_a_round_on_the_demo_region(site: str, page: Page) -> None:
    from werkplaats.demo.trajectories import load_trajectories
    from werkplaats.matching import demo
    from werkplaats.matching.models import MatchingRound, PlacementRequest, RequestStatus, RoundLearner, RoundPlace

    load_trajectories()
    demo.load()
    matching_round = MatchingRound.objects.get(name=demo.ROUND_NAME)
    mohamed = RoundLearner.objects.get(round=matching_round, trajectory__learner__first_name="Mohamed")
    hilvers = RoundPlace.objects.get(round=matching_round, place__employer__slug="hilvers-bakkerij")
    two_switch = RoundPlace.objects.get(round=matching_round, place__employer__slug="2-switch", place__crebo="25167")

    # The consultant puts the bakery first for Mohamed.
    log_in(page, "consultant@demo.nl")
    visit(page, "/matching/rounds/", "matching-rounds")
    page.locator("main a", has_text=demo.ROUND_NAME).click()
    check_a11y(page)
    expect(page.locator("main")).not_to_contain_text("Voorstel")  # the proposal is for the coordinator
    visit(page, f"/matching/rounds/{matching_round.pk}/learners/{mohamed.pk}/", "matching-round-learner")
    page.locator(f"#id_place_{hilvers.pk}").fill("1")
    page.locator(f"#id_place_{two_switch.pk}").fill("1")
    page.get_by_role("button", name="Rangorde opslaan").click()
    check_a11y(page)  # two places with rank 1: the field says so
    expect(page.locator(f"#id_place_{two_switch.pk}_error")).to_contain_text("twee keer")
    page.locator(f"#id_place_{two_switch.pk}").fill("2")
    page.get_by_role("button", name="Rangorde opslaan").click()
    check_a11y(page)
    expect(page.locator("main")).to_contain_text("2 plaatsen zijn gerangschikt")
    log_out(page)

    # The bakery's trainer sees Mohamed as a candidate (first name and initial only).
    log_in(page, "trainer@demo.nl")
    visit(page, f"/matching/rounds/{matching_round.pk}/places/{hilvers.pk}/", "matching-round-place")
    expect(page.locator("main table")).to_contain_text("Mohamed B.")
    expect(page.locator("main")).not_to_contain_text("Benali")
    log_out(page)

    # The coordinator computes again, reviews and publishes.
    log_in(page, "coordinator@demo.nl")
    visit(page, f"/matching/rounds/{matching_round.pk}/", "matching-round-changed")
    expect(page.locator("main")).to_contain_text("Bereken het voorstel opnieuw")
    page.get_by_role("button", name="Opnieuw berekenen").click()
    check_a11y(page)
    result = page.locator("#result")
    expect(result).to_contain_text("Lotte Bakker")
    # The bakery's recognition for Mohamed's qualification ended before the start date: his second choice takes him.
    expect(result).to_contain_text(re.compile("niet erkend voor de kwalificatie op de startdatum", re.IGNORECASE))
    expect(result).to_contain_text("Ruben Smit")
    expect(result).to_contain_text(re.compile("de werkgever heeft afgewezen", re.IGNORECASE))
    expect(result).to_contain_text(re.compile("geen plaats in deze ronde voor de kwalificatie", re.IGNORECASE))
    expect(result.locator("table").first).to_contain_text("Blokkerende paren")
    screenshot(page, "matching-round-proposal")
    page.get_by_role("button", name="Resultaat publiceren").click()
    check_a11y(page)
    expect(page.locator("main")).to_contain_text("Gepubliceerd")
    screenshot(page, "matching-round-published")

    matching_round.refresh_from_db()
    assert not matching_round.is_open
    accepted = PlacementRequest.objects.filter(status=RequestStatus.ACCEPTED)
    assert {r.trajectory.learner.first_name for r in accepted} == {"Lotte", "Mohamed", "Olena"}
    assert accepted.get(trajectory__learner__first_name="Mohamed").employer.slug == "2-switch"
