"""Matching in a real browser: the consultant reads suggestions with their reasons and proposes a
place; the employer's trainer accepts it; the coordinator reads the capacity across schools.
axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, log_in, log_out, screenshot, visit

pytestmark = pytest.mark.browser


def test_the_consultant_proposes_a_suggested_place_and_the_trainer_accepts(site: str, page: Page) -> None:
    from werkplaats.demo.trajectories import load_trajectories
    from werkplaats.matching import demo, services
    from werkplaats.matching.models import PlacementRequest, RequestStatus
    from werkplaats.matching.tests.world import offer, recognise
    from werkplaats.organisations.models import Organisation
    from werkplaats.trajectories.models import Status, Trajectory

    load_trajectories()
    demo.load()
    # A searching learner of consultant@demo.nl; the bakery of trainer@demo.nl is recognised for
    # the learner's qualification and offers a place.
    searching = Trajectory.objects.filter(status=Status.SEARCHING).select_related("consultant")
    trajectory = searching.filter(consultant__email="consultant@demo.nl").first()
    assert trajectory is not None
    bakery = Organisation.objects.get(slug="hilvers-bakkerij")
    recognise(bakery, trajectory.qualification.crebo)
    place = offer(bakery, trajectory.qualification.crebo, capacity=2)
    assert place in [s.place for s in services.suggest_places(trajectory).suggestions]

    log_in(page, "consultant@demo.nl")
    visit(page, f"/matching/trajectories/{trajectory.pk}/suggestions/", "matching-suggestions")
    expect(page.locator("main")).to_contain_text("Hilvers")
    page.locator(f"main a[href='/matching/trajectories/{trajectory.pk}/propose/{place.pk}/']").click()
    check_a11y(page)
    page.locator("main form button[type='submit']").click()
    request = PlacementRequest.objects.get(trajectory=trajectory, place=place)
    assert request.status == RequestStatus.PROPOSED
    check_a11y(page)
    log_out(page)

    log_in(page, "trainer@demo.nl")
    visit(page, "/matching/employers/hilvers-bakkerij/requests/", "matching-incoming")
    visit(page, f"/matching/requests/{request.pk}/", "matching-request")
    page.locator(f"main a[href='/matching/requests/{request.pk}/answer/']").click()
    check_a11y(page)
    page.locator("#id_decision_0").check()
    page.locator("main form button[type='submit']").click()
    check_a11y(page)
    screenshot(page, "matching-request-answered")
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    log_out(page)

    log_in(page, "coordinator@demo.nl")
    visit(page, "/matching/capacity/", "matching-capacity")
    expect(page.locator("main table")).to_be_visible()
