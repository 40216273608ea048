"""The demo goals on the demo region: live figures for Groningen, entered ones for the
professionele werkplaats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from werkplaats.certificates.models import Certificate
from werkplaats.demo.trajectories import load_trajectories
from werkplaats.goals import demo
from werkplaats.goals.models import Goal, Indicator, IndicatorSource, IndicatorValue
from werkplaats.goals.progress import readings
from werkplaats.organisations.models import Organisation, OrganisationKind, Region
from werkplaats.partnerships.models import GroupKind, MemberRole, Partnership, PartnershipKind
from werkplaats.partnerships.tests.factories import group, join, partner

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def partnerships(demo: None) -> tuple[Partnership, Partnership]:
    load_trajectories()
    groningen = Partnership.objects.create(
        name="Praktijkleren Arbeidsmarktregio Groningen", slug="groningen", kind=PartnershipKind.PRAKTIJKLEREN_NETWORK
    )
    groningen.regions.set([Region.objects.get(code="AM01")])
    municipality = Organisation.objects.get(slug="gemeente-groningen")
    partner(groningen, Organisation.objects.get(slug="noorderpoort"))
    manager = join(groningen, role=MemberRole.MANAGER, organisation=municipality)
    steering = group(groningen, GroupKind.STEERING, manager, name="Stuurgroep")
    group(groningen, GroupKind.WORKING, manager, name="Werkgroep werkgevers", accountable_to=steering)
    group(groningen, GroupKind.WORKING, name="Werkgroep procesmodel", accountable_to=steering)
    werkplaats = Partnership.objects.create(
        name="Werkplaats Sociaal Domein", slug="werkplaats", kind=PartnershipKind.PROFESSIONAL_WORKPLACE
    )
    hanze = Organisation.objects.filter(kind=OrganisationKind.HBO_SCHOOL).first()
    join(werkplaats, role=MemberRole.MANAGER, organisation=hanze or municipality)
    group(werkplaats, GroupKind.LEARNING_COMMUNITY, name="PLG Wijkteams")
    return groningen, werkplaats


def _readings(partnership: Partnership) -> dict[str, object]:
    indicators = Indicator.objects.filter(goal__partnership=partnership).prefetch_related(
        Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on"))
    )
    return {r.indicator.name: r for r in readings(partnership, indicators).values()}


def test_groningen_steers_on_live_figures(partnerships: tuple[Partnership, Partnership]) -> None:
    groningen, werkplaats = partnerships
    demo.load(groningen, werkplaats)

    titles = list(Goal.objects.filter(partnership=groningen).values_list("title", flat=True))
    assert titles == [
        "Meer praktijkverklaringen in de regio",
        "Snellere trajecten",
        "Werkgevers betrokken",
        "Werkgroepen rapporteren op tijd",
    ]
    found = _readings(groningen)
    this_year = (
        Certificate.objects.valid().filter(region__code="AM01", issued_on__year=timezone.localdate().year).count()
    )
    certificates = found["Praktijkverklaringen uitgereikt"]
    assert certificates.value == this_year  # type: ignore[attr-defined]
    assert certificates.indicator.target == Decimal(40)  # type: ignore[attr-defined]
    assert found["Mediane doorlooptijd"].indicator.source == IndicatorSource.MEDIAN_LEAD_TIME  # type: ignore[attr-defined]
    assert Goal.objects.get(partnership=groningen, title="Snellere trajecten").groups.count() == 1


def test_the_werkplaats_enters_its_own_numbers(partnerships: tuple[Partnership, Partnership]) -> None:
    groningen, werkplaats = partnerships
    demo.load(groningen, werkplaats)

    indicators = Indicator.objects.filter(goal__partnership=werkplaats)
    assert set(indicators.values_list("source", flat=True)) == {IndicatorSource.ENTERED}
    assert "Aantal studenten in de werkplaats" in set(indicators.values_list("name", flat=True))
    assert IndicatorValue.objects.filter(indicator__goal__partnership=werkplaats).exists() or (
        timezone.localdate().month < 2  # early in January nothing has been measured yet
    )


def test_loading_the_demo_again_adds_nothing(partnerships: tuple[Partnership, Partnership]) -> None:
    demo.load(*partnerships)
    counts = (Goal.objects.count(), Indicator.objects.count(), IndicatorValue.objects.count())
    demo.load(*partnerships)
    assert (Goal.objects.count(), Indicator.objects.count(), IndicatorValue.objects.count()) == counts
