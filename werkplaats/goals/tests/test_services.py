"""Setting goals and indicators and entering values: the rules, and bad input as field errors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from werkplaats.goals import services
from werkplaats.goals.models import Direction, Goal, IndicatorSource, IndicatorValue
from werkplaats.partnerships.tests.factories import Cast, cast, group

from .factories import goal, indicator, this_year, value

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def c(db: None) -> Cast:
    return cast()


def _fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def test_a_goal_is_linked_to_groups_of_its_own_partnership(c: Cast) -> None:
    created = services.create_goal(c.partnership, by=c.manager.user, title=" Meer werkgevers ", groups=[c.working])
    assert created.title == "Meer werkgevers"
    assert list(created.groups.all()) == [c.working]

    elsewhere = group(cast().partnership)
    with pytest.raises(ValidationError) as error:
        services.create_goal(c.partnership, by=c.manager.user, title="Doel", groups=[elsewhere])
    assert _fields(error) == {"groups"}
    assert Goal.objects.filter(title="Doel").count() == 0


def test_a_computed_indicator_takes_its_unit_and_growth_from_its_metric(c: Cast) -> None:
    start, end = this_year()
    created = services.save_indicator(
        goal(c.partnership),
        name="Praktijkverklaringen",
        source=IndicatorSource.CERTIFICATES_ISSUED,
        target=Decimal(40),
        period_start=start,
        period_end=end,
    )
    assert (created.unit, created.cumulative, created.direction) == ("", True, Direction.HIGHER)


def test_an_indicator_period_cannot_end_before_it_starts(c: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        services.save_indicator(
            goal(c.partnership),
            name="Studenten",
            source=IndicatorSource.ENTERED,
            target=Decimal(20),
            period_start=datetime.date(2026, 6, 1),
            period_end=datetime.date(2026, 5, 31),
        )
    assert _fields(error) == {"period_end"}


def test_an_indicator_with_values_keeps_them_inside_its_period_and_stays_entered(c: Cast) -> None:
    entered = indicator(goal(c.partnership))
    value(entered, "5", entered.period_start + datetime.timedelta(days=40))
    fields: dict[str, Any] = {
        "name": entered.name,
        "target": entered.target,
        "period_start": entered.period_start,
        "period_end": entered.period_end,
    }
    with pytest.raises(ValidationError) as error:
        services.save_indicator(entered.goal, indicator=entered, source=IndicatorSource.TRAJECTORIES_STARTED, **fields)
    assert _fields(error) == {"source"}
    later = {**fields, "period_start": entered.period_start + datetime.timedelta(days=60)}
    with pytest.raises(ValidationError) as error:
        services.save_indicator(entered.goal, indicator=entered, source=IndicatorSource.ENTERED, **later)
    assert _fields(error) == {"period_start"}


def test_a_value_is_entered_with_its_date_and_source(c: Cast) -> None:
    entered = indicator(goal(c.partnership))
    saved = services.enter_value(
        entered, by=c.worker.user, value=Decimal("12.5"), measured_on=entered.period_start, source=" SBB Q3 "
    )
    assert (saved.value, saved.source, saved.entered_by) == (Decimal("12.5"), "SBB Q3", c.worker.user)


@pytest.mark.parametrize(
    "measured_on",
    [
        datetime.date(2000, 1, 1),  # before the period
        datetime.date(2100, 1, 1),  # after it
    ],
)
def test_a_value_outside_the_period_is_refused_at_the_date(c: Cast, measured_on: datetime.date) -> None:
    entered = indicator(goal(c.partnership))
    with pytest.raises(ValidationError) as error:
        services.enter_value(entered, by=c.manager.user, value=Decimal(1), measured_on=measured_on)
    assert _fields(error) == {"measured_on"}
    assert "in the indicator's period" in error.value.message_dict["measured_on"][0]


def test_a_value_cannot_be_measured_in_the_future_or_twice_on_a_day(c: Cast) -> None:
    today = timezone.localdate()
    entered = indicator(goal(c.partnership), period_start=today - datetime.timedelta(days=10),
                        period_end=today + datetime.timedelta(days=10))  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.enter_value(entered, by=c.manager.user, value=Decimal(1), measured_on=today + datetime.timedelta(1))
    assert "future" in error.value.message_dict["measured_on"][0]
    services.enter_value(entered, by=c.manager.user, value=Decimal(1), measured_on=today)
    with pytest.raises(ValidationError) as error:
        services.enter_value(entered, by=c.manager.user, value=Decimal(2), measured_on=today)
    assert _fields(error) == {"measured_on"}
    assert IndicatorValue.objects.filter(indicator=entered).count() == 1


def test_a_computed_indicator_takes_no_values(c: Cast) -> None:
    computed = indicator(goal(c.partnership), IndicatorSource.CERTIFICATES_ISSUED)
    with pytest.raises(ValidationError):
        services.enter_value(computed, by=c.manager.user, value=Decimal(1), measured_on=computed.period_start)
    assert not IndicatorValue.objects.exists()
