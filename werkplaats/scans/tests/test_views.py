"""The scan pages: who opens them, what they show (and never show), bad input, query counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.models import Action, ActionOrigin, Perspective
from werkplaats.partnerships.tests.factories import Cast, cast
from werkplaats.scans import dashboard, services
from werkplaats.scans.models import Element, RoundStatus, ScanResponse, ScanRound, Statement

from .helpers import answer, members, open_round

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def url(name: str, c: Cast, **kwargs: int) -> str:
    return reverse(f"scans:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


@pytest.fixture
def c() -> Cast:
    return cast()


def closed_round_with(c: Cast, answers: Sequence[tuple[str, int | None]], comments: bool = False) -> ScanRound:
    """A closed round answered by new members: one (perspective, score on every statement) each."""
    scan_round = open_round(c.partnership, c.manager.user)
    for i, (perspective, score) in enumerate(answers):
        member = members(c.partnership, perspective, 1)[0]
        answer(scan_round, member, score, comments={"LOS": f"Opmerking nummer {i}"} if comments else None)
    return services.close_round(scan_round, by=c.manager.user)


# --- Access ------------------------------------------------------------------------------------


def test_members_see_the_list_outsiders_get_a_404(c: Cast) -> None:
    assert client_for(c.member.user).get(url("list", c)).status_code == 200
    assert client_for(c.outsider).get(url("list", c)).status_code == 404
    anonymous = Client().get(url("list", c))
    assert anonymous.status_code == 302


@pytest.mark.parametrize("name", ["open", "template", "statement-add"])
def test_manager_pages_are_403_for_members_and_404_for_outsiders(c: Cast, name: str) -> None:
    assert client_for(c.manager.user).get(url(name, c)).status_code == 200
    assert client_for(c.steering_member.user).get(url(name, c)).status_code == 403
    assert client_for(c.member.user).post(url(name, c), {}).status_code == 403
    assert client_for(c.outsider).get(url(name, c)).status_code == 404


def test_only_the_manager_closes_a_round(c: Cast) -> None:
    scan_round = open_round(c.partnership, c.manager.user)
    close = url("close", c, pk=scan_round.pk)
    assert client_for(c.member.user).post(close, {"confirm": "1"}).status_code == 403
    assert client_for(c.outsider).post(close, {"confirm": "1"}).status_code == 404
    assert client_for(c.manager.user).get(close).status_code == 405
    scan_round.refresh_from_db()
    assert scan_round.is_open


def test_a_round_of_another_partnership_is_a_404(c: Cast) -> None:
    other = cast()
    scan_round = open_round(other.partnership, other.manager.user)
    assert client_for(c.member.user).get(url("answer", c, pk=scan_round.pk)).status_code == 404
    assert client_for(c.manager.user).post(url("close", c, pk=scan_round.pk), {"confirm": "1"}).status_code == 404


# --- Answering ---------------------------------------------------------------------------------


def test_the_answer_form_has_a_labelled_radio_group_per_statement(c: Cast) -> None:
    scan_round = open_round(c.partnership, c.manager.user)
    page = client_for(c.member.user).get(url("answer", c, pk=scan_round.pk)).content.decode()
    statement = scan_round.statements.first()
    assert statement is not None
    assert page.count('type="radio"') == 6 * scan_round.statements.count()
    assert f'<legend class="utrecht-form-fieldset__legend scans-statement__legend">{statement.text}</legend>' in page
    assert f'<span class="werkplaats-visually-hidden">{statement.text}: </span>4 agree</label>' in page
    assert f'<span class="werkplaats-visually-hidden">{statement.text}: </span>don&#x27;t know</label>' in page
    assert ">Save answers</button>" in page
    assert "LOS: learning and researching together" in page


def test_a_member_answers_and_changes_the_answer(c: Cast) -> None:
    scan_round = open_round(c.partnership, c.manager.user)
    client = client_for(c.member.user)
    data = {f"statement_{s.pk}": "4" for s in scan_round.statements.all()}
    data["comment_LOS"] = "We leren veel van elkaar."
    response = client.post(url("answer", c, pk=scan_round.pk), data)
    assert response.status_code == 302
    data = {f"statement_{s.pk}": "dk" for s in scan_round.statements.all()}
    client.post(url("answer", c, pk=scan_round.pk), data)
    assert ScanResponse.objects.filter(round=scan_round).count() == 1
    page = client.get(url("answer", c, pk=scan_round.pk)).content.decode()
    assert "You have answered" in page
    assert 'value="dk" id="id_statement_' in page and "checked" in page
    listing = client.get(url("list", c)).content.decode()
    assert "You have answered" in listing
    assert "Change your answers" in listing


def test_an_empty_answer_shows_errors_and_saves_nothing(c: Cast) -> None:
    scan_round = open_round(c.partnership, c.manager.user)
    response = client_for(c.member.user).post(url("answer", c, pk=scan_round.pk), {"statement_1": "9"})
    assert response.status_code == 200
    assert "Choose a score from 1 to 5" in response.content.decode()
    assert not ScanResponse.objects.exists()


def test_a_closed_round_takes_no_answers(c: Cast) -> None:
    scan_round = closed_round_with(c, [])
    client = client_for(c.member.user)
    page = client.get(url("answer", c, pk=scan_round.pk)).content.decode()
    assert "This round is closed" in page
    client.post(url("answer", c, pk=scan_round.pk), {f"statement_{s.pk}": "3" for s in scan_round.statements.all()})
    assert not ScanResponse.objects.filter(round=scan_round).exists()


# --- Anonymity -----------------------------------------------------------------------------------


def test_while_open_the_manager_sees_only_the_count(c: Cast) -> None:
    scan_round = open_round(c.partnership, c.manager.user)
    for member in members(c.partnership, Perspective.EDUCATION, 3):
        answer(scan_round, member, 5, comments={"LOS": "Geheime opmerking"})
    manager = client_for(c.manager.user)
    results = manager.get(url("results", c, pk=scan_round.pk)).content.decode()
    assert "3 members have answered so far." in results
    assert "Geheime opmerking" not in results
    assert "<svg" not in results
    assert "3 members have answered so far." in manager.get(url("list", c)).content.decode()
    member_page = client_for(c.member.user).get(url("results", c, pk=scan_round.pk)).content.decode()
    assert "answered so far" not in member_page


def test_fewer_than_three_answers_show_nothing(c: Cast) -> None:
    scan_round = closed_round_with(c, [(Perspective.EDUCATION, 5), (Perspective.WORK_FIELD, 1)], comments=True)
    page = client_for(c.manager.user).get(url("results", c, pk=scan_round.pk)).content.decode()
    assert "Fewer than 3 people answered this round, so no results are shown" in page
    assert "<svg" not in page
    assert "Opmerking nummer" not in page
    assert "5.0" not in page and "1.0" not in page
    listing = client_for(c.member.user).get(url("list", c)).content.decode()
    assert "fewer than 3 answers" in listing


def test_results_show_radar_table_and_hide_small_perspectives(c: Cast) -> None:
    answers = [(Perspective.EDUCATION, s) for s in (4, 4, 5)] + [(Perspective.WORK_FIELD, s) for s in (2, 3, 4)]
    answers += [(Perspective.PUBLIC, s) for s in (1, 1, 1)] + [(Perspective.LEARNERS, 5)] * 2
    # 11 people; learners (2) are left out, and the smallest shown perspective joins them.
    scan_round = closed_round_with(c, answers, comments=True)
    page = client_for(c.member.user).get(url("results", c, pk=scan_round.pk)).content.decode()
    assert 'role="img"' in page
    assert 'aria-labelledby="scan-radar-title scan-radar-desc"' in page
    assert "11 people answered" in page
    # overall: (13 + 9 + 3 + 10) / 11 = 3.18 -> 3.2
    assert '<td class="utrecht-table__cell utrecht-table__cell--numeric">3.2</td>' in page
    assert "fewer than 3 answers" in page
    assert "4.3 <span" in page or "3.0 <span" in page  # a shown perspective, with spread and count
    for i in range(len(answers)):
        assert f"Opmerking nummer {i}" in page
    for member in c.partnership.members.all():
        if member.user != c.member.user:
            assert member.user.email not in page


def test_the_learners_cell_is_shown_as_fewer_than_three(c: Cast) -> None:
    answers = [(Perspective.EDUCATION, 4)] * 3 + [(Perspective.WORK_FIELD, 2)] * 3
    scan_round = closed_round_with(c, answers)
    page = client_for(c.member.user).get(url("results", c, pk=scan_round.pk)).content.decode()
    assert "4.0 <span" in page and "2.0 <span" in page
    assert "(spread 0.0, 3 answers)" in page


# --- Closing, actions, trend, template ------------------------------------------------------------


def test_the_manager_closes_the_round_with_the_button(c: Cast) -> None:
    scan_round = open_round(c.partnership, c.manager.user)
    manager = client_for(c.manager.user)
    listing = manager.get(url("list", c)).content.decode()
    assert 'name="confirm" value="1"' in listing and ">Close the round</button>" in listing
    assert manager.post(url("close", c, pk=scan_round.pk), {}).status_code == 302  # no confirm: nothing happens
    scan_round.refresh_from_db()
    assert scan_round.is_open
    response = manager.post(url("close", c, pk=scan_round.pk), {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == url("results", c, pk=scan_round.pk)
    scan_round.refresh_from_db()
    assert scan_round.status == RoundStatus.CLOSED


def test_the_manager_turns_a_discussion_point_into_an_action(c: Cast) -> None:
    scan_round = closed_round_with(c, [(Perspective.EDUCATION, 3)] * 3)
    manager = client_for(c.manager.user)
    page = manager.get(url("results", c, pk=scan_round.pk)).content.decode()
    assert "Points to discuss" in page
    assert "Make LOS an action" in page and "Make GOC an action" in page  # ties: in element order
    assert "an action" not in client_for(c.member.user).get(url("results", c, pk=scan_round.pk)).content.decode()
    response = manager.post(url("plan-action", c, pk=scan_round.pk), {"element": "GOC"})
    assert response.status_code == 302
    action = Action.objects.get(origin=ActionOrigin.SCAN, origin_id=scan_round.pk)
    assert action.title.startswith("GOC")
    assert "on the action list" in manager.get(url("results", c, pk=scan_round.pk)).content.decode()
    assert manager.post(url("plan-action", c, pk=scan_round.pk), {}).status_code == 302
    assert (
        client_for(c.member.user).post(url("plan-action", c, pk=scan_round.pk), {"element": "LOS"}).status_code == 403
    )
    assert Action.objects.count() == 1


def test_the_trend_shows_every_closed_round(c: Cast) -> None:
    closed_round_with(c, [(Perspective.EDUCATION, 2)] * 3)
    closed_round_with(c, [(Perspective.EDUCATION, 4)] * 3)
    closed_round_with(c, [(Perspective.EDUCATION, 4)] * 2)
    page = client_for(c.member.user).get(url("trend", c)).content.decode()
    assert page.count("2.0 <span") == len(Element.values)
    assert page.count("4.0 <span") == len(Element.values)
    assert page.count("<polyline") == len(Element.values)
    assert 'role="img"' in page


def test_the_manager_edits_the_template(c: Cast) -> None:
    manager = client_for(c.manager.user)
    assert manager.get(url("template", c)).status_code == 200
    response = manager.post(url("statement-add", c), {"element": "VOR", "text": "  We vieren successen samen. "})
    assert response.status_code == 302
    added = Statement.objects.get(text="We vieren successen samen.")
    assert added.position == 5
    bad = manager.post(url("statement-add", c), {"element": "VOR", "text": ""})
    assert bad.status_code == 200
    response = manager.post(url("statement-edit", c, pk=added.pk), {"element": "LOS", "text": "Anders gezegd"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.element, added.text, added.is_active) == ("LOS", "Anders gezegd", False)
    assert manager.post(url("statement-move", c, pk=added.pk), {"direction": "up"}).status_code == 302
    assert manager.post(url("statement-move", c, pk=added.pk), {}).status_code == 302


# --- Dashboard panel -------------------------------------------------------------------------------


class _Request:
    def __init__(self, user: User) -> None:
        self.user = user


def _panel(c: Cast) -> dict | None:
    return dashboard.panel(partnership_access(_Request(c.member.user), c.partnership.slug))  # type: ignore[arg-type]


def test_the_panel_shows_the_latest_means_and_whether_you_answered(c: Cast) -> None:
    assert _panel(c) is None
    closed_round_with(c, [(Perspective.EDUCATION, 4)] * 3)
    scan_round = open_round(c.partnership, c.manager.user, title="September 2026")
    panel = _panel(c)
    assert panel is not None
    assert panel["figures"].overall["LOS"].mean == pytest.approx(4.0)
    assert not panel["answered"]
    answer(scan_round, c.member)
    panel = _panel(c)
    assert panel is not None and panel["answered"]


# --- Query counts ------------------------------------------------------------------------------------


def _queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_list_and_trend_queries_do_not_grow_with_rounds(c: Cast) -> None:
    client = client_for(c.member.user)
    for _ in range(2):
        closed_round_with(c, [(Perspective.EDUCATION, 3)] * 3)
    small = _queries(lambda: client.get(url("list", c))), _queries(lambda: client.get(url("trend", c)))
    for _ in range(4):
        closed_round_with(c, [(Perspective.WORK_FIELD, 4)] * 4)
    open_round(c.partnership, c.manager.user, title="Open")
    large = _queries(lambda: client.get(url("list", c))), _queries(lambda: client.get(url("trend", c)))
    assert large[0] <= small[0] + 1  # an open round adds the "have you answered" query
    assert large[1] == small[1]


def test_results_and_panel_queries_do_not_grow_with_answers(c: Cast) -> None:
    client = client_for(c.member.user)
    few = closed_round_with(c, [(Perspective.EDUCATION, 3)] * 3, comments=True)
    many = closed_round_with(
        c, [(Perspective.EDUCATION, 3)] * 5 + [(Perspective.PUBLIC, 2)] * 4 + [(Perspective.OTHER, 1)], comments=True
    )
    small = _queries(lambda: client.get(url("results", c, pk=few.pk)))
    large = _queries(lambda: client.get(url("results", c, pk=many.pk)))
    assert small == large
    assert _queries(lambda: _panel(c)) <= 8


def test_the_panel_template_renders_means_or_fewer_than_three(c: Cast) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    closed_round_with(c, [(Perspective.EDUCATION, 4)] * 3)
    open_round(c.partnership, c.manager.user, title="September 2026")
    pa = partnership_access(_Request(c.member.user), c.partnership.slug)  # type: ignore[arg-type]
    with translation.override("en"):
        html = render_to_string(
            "scans/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": dashboard.panel(pa)}
        )
    assert '<h2 class="utrecht-heading-2"' in html
    assert "You have not answered yet" in html
    assert "4.0" in html
