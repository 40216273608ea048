"""The goal pages: who sees and changes what, bad input at the field, charts with tables, and
query counts that do not grow with goals, indicators or values."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.goals.dashboard import panel
from werkplaats.goals.models import Goal, Indicator, IndicatorSource, IndicatorValue
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import Partnership, ProgressReport
from werkplaats.partnerships.tests.factories import Cast, cast

from .factories import goal, indicator, this_year, value


@pytest.fixture
def c(db: None) -> Cast:
    return cast()


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, c: Cast, **kwargs: int) -> str:
    return reverse(f"goals:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


# --- Seeing ----------------------------------------------------------------------------------


def test_members_see_the_goals_with_their_indicators_status(c: Cast) -> None:
    start, _end = this_year()
    parent = goal(c.partnership, c.working, title="Werkgevers betrokken")
    entered = indicator(parent, name="Werkgevers gesproken", target=Decimal(1), cumulative=True)
    value(entered, "3", start)
    indicator(parent, IndicatorSource.CERTIFICATES_ISSUED, name="Praktijkverklaringen", unit="pv")

    page = _client(c.member.user).get(_url("list", c))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Werkgevers betrokken" in text
    assert "Werkgevers gesproken" in text and "Praktijkverklaringen" in text
    assert "werkplaats-status--done" in text  # 3 of at least 1: met
    assert "at least 40 pv" in text


def test_outsiders_get_404_on_every_page(c: Cast) -> None:
    parent = goal(c.partnership)
    entered = indicator(parent)
    client = _client(c.outsider)
    for url in (
        _url("list", c),
        _url("detail", c, pk=parent.pk),
        _url("value-add", c, pk=parent.pk, indicator_pk=entered.pk),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_a_goal_of_another_partnership_is_not_found(c: Cast) -> None:
    elsewhere = goal(cast().partnership)
    assert _client(c.member.user).get(_url("detail", c, pk=elsewhere.pk)).status_code == 404


def test_the_goal_page_shows_a_chart_with_the_same_data_as_a_table(c: Cast) -> None:
    start, _end = this_year()
    parent = goal(c.partnership, c.working)
    entered = indicator(parent, name="Studenten in de werkplaats", unit="studenten")
    value(entered, "12", start, source="Telling januari")
    computed = indicator(parent, IndicatorSource.REPORTS_ON_TIME, name="Op tijd", unit="%", target=Decimal(90))
    ProgressReport.objects.create(group=c.working, due_on=start, status="submitted", submitted_at=timezone.now())

    page = _client(c.member.user).get(_url("detail", c, pk=parent.pk))

    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('role="img"') == 2
    assert f'aria-labelledby="chart-{entered.pk}-title chart-{entered.pk}-desc"' in text
    assert "Telling januari" in text
    assert "Entered values of Studenten in de werkplaats" in text
    assert "Op tijd per month, over the period so far" in text
    assert "the share submitted on or before the due date" in text  # the metric's definition
    reading_rows = page.context["items"][1]["reading"].points
    assert reading_rows[0].value == 0  # January's report came in after its due date
    assert computed.pk == page.context["items"][1]["reading"].indicator.pk
    assert "style=" not in text  # the CSP forbids inline styles


def test_chart_coordinates_are_not_written_with_a_decimal_comma_in_dutch(c: Cast) -> None:
    start, _end = this_year()
    parent = goal(c.partnership)
    value(indicator(parent, target=Decimal(7)), "2.5", start)
    client = _client(c.member.user)
    User.objects.filter(pk=c.member.user.pk).update(language="nl")

    text = client.get(_url("detail", c, pk=parent.pk), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "2,5" in text  # the table speaks Dutch
    svg = text[text.index("<svg") : text.index("</svg>")]
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    assert coordinates and all("," not in number for number in coordinates)


# --- Setting goals and indicators ------------------------------------------------------------


def test_the_manager_adds_a_goal_and_an_indicator(c: Cast) -> None:
    client = _client(c.manager.user)
    response = client.post(
        _url("create", c), {"title": "Snellere trajecten", "description": "", "groups": [c.working.pk], "order": 1}
    )
    created = Goal.objects.get(title="Snellere trajecten")
    assert response.status_code == 302
    assert list(created.groups.all()) == [c.working]

    response = client.post(
        _url("indicator-create", c, pk=created.pk),
        {
            "name": "Mediane doorlooptijd",
            "source": IndicatorSource.MEDIAN_LEAD_TIME,
            "unit": "",
            "target": "150",
            "direction": "lower",
            "period_start": "01-01-2026",
            "period_end": "2026-12-31",
            "order": 0,
        },
    )
    assert response.status_code == 302
    saved = Indicator.objects.get(goal=created)
    assert (saved.unit, saved.target, saved.period_start) == ("", Decimal(150), datetime.date(2026, 1, 1))
    page = client.get(_url("detail", c, pk=created.pk))
    assert re.search(r"150 <span[^>]*>days</span>", page.content.decode())  # the metric's unit


@pytest.mark.parametrize("who", ["member", "worker", "steering_member"])
def test_only_the_manager_sets_goals(c: Cast, who: str) -> None:
    parent = goal(c.partnership)
    client = _client(getattr(c, who).user)
    assert client.get(_url("create", c)).status_code == 403
    assert client.post(_url("create", c), {"title": "X", "order": 0}).status_code == 403
    assert client.get(_url("indicator-create", c, pk=parent.pk)).status_code == 403
    assert client.post(_url("delete", c, pk=parent.pk)).status_code == 403
    assert Goal.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "sent", "message"),
    [
        ("target", "veertig", "Enter a number"),
        ("target", "1.234", "at most two decimals"),
        ("period_start", "31-02-2026", "Enter a date"),
        ("period_end", "2025-12-31", "cannot be before its start"),
        ("source", "magic", "Select a valid choice"),
    ],
)
def test_bad_indicator_input_is_shown_at_its_field(c: Cast, field: str, sent: str, message: str) -> None:
    parent = goal(c.partnership)
    data = {
        "name": "Aantal",
        "source": IndicatorSource.ENTERED,
        "target": "40",
        "direction": "higher",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "order": "0",
        field: sent,
    }
    page = _client(c.manager.user).post(_url("indicator-create", c, pk=parent.pk), data)
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert not Indicator.objects.exists()


def test_a_target_with_a_decimal_comma_is_understood(c: Cast) -> None:
    parent = goal(c.partnership)
    data = {
        "name": "Tevredenheid",
        "source": IndicatorSource.ENTERED,
        "target": "7,5",
        "direction": "higher",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "order": "0",
    }
    assert _client(c.manager.user).post(_url("indicator-create", c, pk=parent.pk), data).status_code == 302
    assert Indicator.objects.get().target == Decimal("7.5")


# --- Entering values -------------------------------------------------------------------------


def test_a_member_of_a_linked_group_enters_a_value(c: Cast) -> None:
    parent = goal(c.partnership, c.working)
    entered = indicator(parent)
    response = _client(c.worker.user).post(
        _url("value-add", c, pk=parent.pk, indicator_pk=entered.pk),
        {"value": "14", "measured_on": entered.period_start.isoformat(), "source": "Werkgroepverslag"},
    )
    assert response.status_code == 302
    saved = IndicatorValue.objects.get()
    assert (saved.value, saved.entered_by) == (Decimal(14), c.worker.user)


@pytest.mark.parametrize("who", ["member", "steering_member"])
def test_members_outside_the_linked_groups_cannot_enter_values(c: Cast, who: str) -> None:
    parent = goal(c.partnership, c.working)
    entered = indicator(parent)
    url = _url("value-add", c, pk=parent.pk, indicator_pk=entered.pk)
    client = _client(getattr(c, who).user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"value": "1", "measured_on": entered.period_start.isoformat()}).status_code == 403
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("field", "sent", "message"),
    [
        ("value", "twaalf", "Enter a number"),
        ("value", "", "required"),
        ("measured_on", "2000-01-01", "in the indicator's period"),
        ("measured_on", "gisteren", "Enter a date"),
    ],
)
def test_bad_values_are_shown_at_their_field(c: Cast, field: str, sent: str, message: str) -> None:
    parent = goal(c.partnership, c.working)
    entered = indicator(parent)
    data = {"value": "3", "measured_on": entered.period_start.isoformat(), "source": "", field: sent}
    page = _client(c.manager.user).post(_url("value-add", c, pk=parent.pk, indicator_pk=entered.pk), data)
    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert message in page.context["form"].errors[field][0]
    assert not IndicatorValue.objects.exists()


def test_a_computed_indicator_has_no_page_to_enter_values(c: Cast) -> None:
    parent = goal(c.partnership, c.working)
    computed = indicator(parent, IndicatorSource.TRAJECTORIES_STARTED)
    url = _url("value-add", c, pk=parent.pk, indicator_pk=computed.pk)
    assert _client(c.manager.user).get(url).status_code == 404


def test_a_value_is_removed_by_who_may_enter_it(c: Cast) -> None:
    parent = goal(c.partnership, c.working)
    entered = indicator(parent)
    wrong = value(entered, "99", entered.period_start)
    url = _url("value-delete", c, pk=parent.pk, indicator_pk=entered.pk, value_pk=wrong.pk)
    assert _client(c.member.user).post(url).status_code == 403
    assert _client(c.worker.user).post(url).status_code == 302
    assert not IndicatorValue.objects.exists()


# --- Query counts ----------------------------------------------------------------------------


def _grow(partnership: Partnership, goals: int) -> None:
    """``goals`` goals, each with an entered indicator with two values and three computed ones:
    two goals use every metric."""
    start, _end = this_year()
    sources = list(IndicatorSource)[1:]
    for _n in range(goals):
        n = Goal.objects.filter(partnership=partnership).count()
        parent = goal(partnership, *partnership.groups.all())
        entered = indicator(parent)
        value(entered, "1", start)
        value(entered, "2", start + datetime.timedelta(days=1))
        for k in range(3):
            indicator(parent, sources[(3 * n + k) % len(sources)])


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_six_goals_as_for_two(c: Cast) -> None:
    client = _client(c.member.user)
    _grow(c.partnership, 2)
    few = _count(client, _url("list", c))
    _grow(c.partnership, 4)
    assert _count(client, _url("list", c)) == few


def test_the_goal_page_does_not_grow_with_values(c: Cast) -> None:
    start, _end = this_year()
    parent = goal(c.partnership, c.working)
    sources = list(IndicatorSource)
    for source in sources:
        indicator(parent, source)
    entered = parent.indicators.get(source=IndicatorSource.ENTERED)
    value(entered, "1", start)
    client = _client(c.worker.user)
    few = _count(client, _url("detail", c, pk=parent.pk))
    for n in range(1, 6):
        value(entered, str(n), start + datetime.timedelta(days=n))
    for source in sources:
        indicator(parent, source)
    assert _count(client, _url("detail", c, pk=parent.pk)) == few


def _access(c: Cast) -> PartnershipAccess:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = c.manager.user
    return partnership_access(request, c.partnership.slug)


def test_the_dashboard_panel_takes_a_fixed_number_of_queries(c: Cast) -> None:
    pa = _access(c)
    _grow(c.partnership, 2)
    with CaptureQueriesContext(connection) as queries:
        first = panel(pa)
    _grow(c.partnership, 4)
    with CaptureQueriesContext(connection) as more:
        second = panel(pa)
    assert first is not None and second is not None
    assert (len(first["rows"]), len(second["rows"])) == (8, 24)
    assert len(more) == len(queries)
    assert len(queries) <= 12


def test_the_dashboard_panel_is_rendered_on_the_overview(c: Cast) -> None:
    from django.template.loader import render_to_string

    parent = goal(c.partnership, title="Werkgroepen rapporteren op tijd")
    indicator(parent, IndicatorSource.REPORTS_ON_TIME, name="Rapportages op tijd", target=Decimal(90))
    pa = _access(c)
    html = render_to_string("goals/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": panel(pa)})
    assert "Rapportages op tijd" in html
    assert '<h2 class="utrecht-heading-2"' in html
