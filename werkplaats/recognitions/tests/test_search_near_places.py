"""The places of the "Near" list are kept in the cache: read once, not on every search, and read
again when a municipality or an organisation changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from werkplaats.organisations.models import Municipality, Organisation, Region

from ..views_search import NEAR_PLACES_CACHE_KEY, near_places
from .test_search_page import URL, bakery_catalogue, client_of, groningen_centre  # noqa: F401 (fixtures)


def _near_keys(response: Any) -> set[str]:
    keys: set[str] = set()
    for value, label in response.context["form"].fields["near"].choices:
        if isinstance(label, (list, tuple)):
            keys.update(str(v) for v, _name in label)
        elif value:
            keys.add(str(value))
    return keys


def _reads_places(client: Client) -> tuple[bool, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "25173"})
    sql = [q["sql"] for q in captured]
    return any('FROM "organisations_municipality"' in s for s in sql), response


def test_the_places_are_read_once_not_on_every_search(
    client_of: Client,  # noqa: F811
    bakery_catalogue: Any,  # noqa: F811
    groningen_centre: Municipality,  # noqa: F811
) -> None:
    first, response = _reads_places(client_of)
    again, response_again = _reads_places(client_of)

    assert (first, again) == (True, False)
    assert _near_keys(response) == _near_keys(response_again) == {f"m{groningen_centre.pk}"}


def test_a_new_saved_or_deleted_place_shows_on_the_next_search(
    client_of: Client,  # noqa: F811
    bakery_catalogue: Any,  # noqa: F811
    groningen_centre: Municipality,  # noqa: F811
    groningen: Region,
) -> None:
    client_of.get(URL, {"q": "25173"})
    town_hall = Organisation.objects.create(
        name="Gemeente Ten Boer", slug="gemeente-ten-boer-near", kind="municipality", latitude="53.17", longitude="6.6"
    )
    assert _near_keys(client_of.get(URL, {"q": "25173"})) == {f"m{groningen_centre.pk}", f"o{town_hall.pk}"}

    groningen_centre.latitude = None
    groningen_centre.save()
    assert _near_keys(client_of.get(URL, {"q": "25173"})) == {f"o{town_hall.pk}"}

    town_hall.delete()
    haren = Municipality.objects.create(
        name="Haren", region=groningen, latitude=Decimal("53.17"), longitude=Decimal("6.60")
    )
    response = client_of.get(URL, {"q": "25173", "near": f"m{haren.pk}", "radius": "10"})
    assert _near_keys(response) == {f"m{haren.pk}"}
    assert response.context["form"].is_valid()


def test_the_cached_places_are_the_points_the_search_measures_from(
    groningen_centre: Municipality,  # noqa: F811
) -> None:
    places = near_places()

    assert places.places == [(f"m{groningen_centre.pk}", "Groningen")]
    point = places.points[f"m{groningen_centre.pk}"]
    assert (point.latitude, point.longitude, point.name) == (53.2194, 6.5665, "Groningen")
    assert near_places() == places


def test_the_list_is_dropped_again_when_the_change_is_committed(
    groningen_centre: Municipality,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A search between the save and the commit reads the list as it was; it must not stay cached."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        groningen_centre.name = "Groningen-Centrum"
        groningen_centre.save()
        near_places()  # cached again by a search before the commit
        assert cache.get(NEAR_PLACES_CACHE_KEY) is not None

    for callback in callbacks:
        callback()
    assert cache.get(NEAR_PLACES_CACHE_KEY) is None
    assert near_places().places == [(f"m{groningen_centre.pk}", "Groningen-Centrum")]
