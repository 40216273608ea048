from __future__ import annotations

import pytest

from werkplaats.partnerships.tests.factories import cast

from .. import demo

pytestmark = pytest.mark.django_db


def test_the_demo_logs_successes_in_both_partnerships() -> None:
    groningen, werkplaats = cast(), cast()

    demo.load(groningen.partnership, werkplaats.partnership)

    titles = set(groningen.partnership.successes.values_list("title", flat=True))
    assert {"Eerste werkgeversontbijt met 20 bedrijven", "Convenant getekend"} <= titles
    assert werkplaats.partnership.successes.count() == 1
    assert groningen.partnership.successes.get(title="Convenant getekend").group == groningen.steering
