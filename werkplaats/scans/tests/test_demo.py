"""The demo scans: two closed rounds in Groningen with movement, an open round in the werkplaats."""

from __future__ import annotations

import pytest

from werkplaats.demo.services import load_demo
from werkplaats.partnerships import demo as partnership_demo
from werkplaats.partnerships.models import Action, ActionOrigin, Partnership
from werkplaats.scans.models import ScanResponse, ScanRound
from werkplaats.scans.results import round_stats


@pytest.mark.django_db
def test_the_demo_has_two_closed_rounds_with_movement_and_one_open_round() -> None:
    load_demo(trajectories=False)  # the demo partnerships load the scans with them
    groningen = Partnership.objects.get(slug=partnership_demo.GRONINGEN)
    werkplaats = Partnership.objects.get(slug=partnership_demo.WERKPLAATS)

    march, september = ScanRound.objects.closed().filter(partnership=groningen).order_by("closed_at")
    assert (march.title, september.title) == ("Maart 2026", "September 2026")
    first, second = round_stats(march), round_stats(september)
    for figures in (first, second):
        assert figures.shown
        for perspective in ("education", "work_field", "public"):
            assert figures.perspective_counts[perspective] >= 3
            assert figures.perspective_shown(perspective)
    assert [element for element, _cell in first.lowest(1)] == ["VMM"]
    assert second.overall["VMM"].mean > first.overall["VMM"].mean  # type: ignore[operator]
    assert second.overall["SRI"].mean > first.overall["SRI"].mean  # type: ignore[operator]
    assert Action.objects.filter(origin=ActionOrigin.SCAN, origin_id=march.pk).count() == 1
    assert not ScanResponse.objects.filter(round__partnership=groningen, member__isnull=False).exists()

    open_round = ScanRound.objects.get(partnership=werkplaats)
    assert open_round.is_open
    assert open_round.responses.count() == 2
    assert not open_round.responses.filter(member__user__email="coordinator@demo.nl").exists()
