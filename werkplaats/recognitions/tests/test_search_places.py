"""The demo's place coordinates (werkplaats/demo/places.py) and the search over them."""

from __future__ import annotations

import pytest

from werkplaats.demo.places import MUNICIPALITIES, ORGANISATIONS, load_places
from werkplaats.organisations.models import Municipality, Organisation
from werkplaats.recognitions.search import Point, search_learning_companies

from .test_search import DAY, haversine_km, recognise

pytestmark = pytest.mark.usefixtures("demo")


def test_the_demo_gives_every_demo_organisation_and_municipality_coordinates() -> None:
    # load_demo ran load_places already (the demo fixture).
    assert not Organisation.objects.filter(slug__in=list(ORGANISATIONS), latitude__isnull=True).exists()
    assert not Municipality.objects.filter(name__in=list(MUNICIPALITIES), longitude__isnull=True).exists()


def test_load_places_a_second_time_changes_nothing() -> None:
    assert load_places() == 0


def test_organisations_in_the_same_town_are_at_different_places() -> None:
    load_places()
    in_groningen = Organisation.objects.filter(city="Groningen", latitude__isnull=False)
    assert in_groningen.count() > 5
    assert len({(o.latitude, o.longitude) for o in in_groningen}) == in_groningen.count()


def test_from_gemeente_groningen_bakkerij_zuidenveld_in_emmen_is_some_50_km_away() -> None:
    load_places()
    recognise(Organisation.objects.get(slug="bakkerij-zuidenveld"))
    recognise(Organisation.objects.get(slug="hilvers-bakkerij"))
    near = Point.of(Organisation.objects.get(slug="gemeente-groningen"))
    rows = search_learning_companies(["25173"], day=DAY, near=near)[:]
    assert [row.employer_name for row in rows] == ["Hilvers Bakkerij", "Bakkerij Zuidenveld"]
    assert rows[0].distance_km is not None and rows[0].distance_km < 2
    lat1, lon1 = ORGANISATIONS["gemeente-groningen"]
    lat2, lon2 = ORGANISATIONS["bakkerij-zuidenveld"]
    assert rows[1].distance_km is not None
    assert 50 < rows[1].distance_km < 54
    assert rows[1].distance_km == pytest.approx(
        haversine_km((float(lat1), float(lon1)), (float(lat2), float(lon2))), rel=0.02
    )
