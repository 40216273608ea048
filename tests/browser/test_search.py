"""Find a learning company: a consultant looks for a bakery that trains Uitvoerend bakker (crebo 25173) in region
Groningen, then for every one within 60 km of the municipality, and mistypes on the way."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, log_in, screenshot

pytestmark = pytest.mark.browser

SEARCH = "/learning-companies/"


@pytest.fixture
def recognised(site: str) -> str:
    """The demo's recognitions and place coordinates on top of the demo region."""
    from werkplaats.demo.places import load_places
    from werkplaats.organisations.models import Organisation
    from werkplaats.recognitions.models import Recognition, RecognitionSource

    load_places()
    try:
        from werkplaats.demo.recognitions import load_recognitions
    except ImportError:  # the demo's recognitions are loaded by load_demo once that exists
        for slug in ("hilvers-bakkerij", "bakkerij-zuidenveld"):
            Recognition.objects.get_or_create(
                employer=Organisation.objects.get(slug=slug),
                crebo="25173",
                start_date=datetime.date(2020, 1, 1),
                defaults={"places_offered": 2, "source": RecognitionSource.SBB},
            )
    else:
        load_recognitions()
    return site


def _results(page: Page) -> list[str]:
    return page.locator("main table tbody th[scope=row]").all_inner_texts()


def test_a_consultant_finds_the_bakeries_recognised_for_uitvoerend_bakker(page: Page, recognised: str) -> None:
    log_in(page, "consultant@demo.nl")
    page.goto(SEARCH)
    expect(page.locator("h1")).to_be_visible()
    check_a11y(page)
    screenshot(page, "learning-companies-form")

    form = page.locator("main form[role=search]")
    form.locator("#id_q").fill("25173")
    form.locator("#id_region").select_option(label="Groningen")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"q=25173"))
    assert _results(page) == ["Hilvers Bakkerij"]
    expect(page.locator("main table caption")).to_contain_text("1")
    expect(page.locator("main table")).to_contain_text("Uitvoerend bakker")
    check_a11y(page)
    screenshot(page, "learning-companies-region")

    # Every recognised bakery within 60 km of the municipality's town hall, nearest first.
    form.locator("#id_region").select_option(value="")
    form.locator("#id_near").select_option(label="Gemeente Groningen")
    form.locator("#id_radius").fill("60")
    form.locator("button[type=submit]").click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    assert _results(page) == ["Hilvers Bakkerij", "Bakkerij Zuidenveld"]
    expect(page.locator("main table tbody tr").nth(1)).to_contain_text(re.compile(r"5\d,\d km"))
    expect(page.locator("main").get_by_role("link", name=re.compile("CSV"))).to_be_visible()
    check_a11y(page)
    screenshot(page, "learning-companies-distance")


def test_mistakes_in_the_search_are_explained_next_to_the_fields(page: Page, recognised: str) -> None:
    log_in(page, "consultant@demo.nl")
    page.goto(f"{SEARCH}?q=abc&radius=-5")
    expect(page.locator("#id_q_error")).to_be_visible()
    expect(page.locator("#id_radius_error")).to_be_visible()
    expect(page.locator("#id_q")).to_have_value("abc")
    expect(page.locator("main table")).to_have_count(0)
    check_a11y(page)
    screenshot(page, "learning-companies-errors")
