"""Services of the health scan: the template, opening, answering, closing, actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.partnerships.models import Action, ActionOrigin, Perspective
from werkplaats.partnerships.tests.factories import cast, join
from werkplaats.scans import services
from werkplaats.scans.defaults import DEFAULT_STATEMENTS
from werkplaats.scans.models import Element, RoundStatus, ScanAnswer, ScanComment, ScanResponse, ScanRound, Statement
from werkplaats.scans.results import round_stats

from .helpers import answer, members, open_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_partnership_gets_three_to_five_dutch_default_statements_per_element() -> None:
    c = cast()
    assert services.ensure_template(c.partnership)
    assert not services.ensure_template(c.partnership)  # once
    for element in Element.values:
        texts = list(
            Statement.objects.filter(partnership=c.partnership, element=element).values_list("text", flat=True)
        )
        assert 3 <= len(texts) <= 5
        assert texts == [nl for nl, _en in DEFAULT_STATEMENTS[element]]


def test_the_template_can_start_in_english() -> None:
    c = cast()
    services.ensure_template(c.partnership, language="en")
    first = Statement.objects.filter(partnership=c.partnership, element=Element.LOS).order_by("position").first()
    assert first is not None
    assert first.text == DEFAULT_STATEMENTS[Element.LOS][0][1]


def test_a_round_copies_the_statements_so_later_edits_do_not_change_it() -> None:
    c = cast()
    services.ensure_template(c.partnership)
    first = Statement.objects.filter(partnership=c.partnership, element=Element.LOS).order_by("position").first()
    assert first is not None
    services.change_statement(first, element=Element.LOS, text="Geheel nieuw", is_active=True)
    switched_off = Statement.objects.filter(partnership=c.partnership, element=Element.VOR).first()
    assert switched_off is not None
    services.change_statement(switched_off, element=Element.VOR, text=switched_off.text, is_active=False)
    scan_round = open_round(c.partnership, c.manager.user)
    copied = list(scan_round.statements.values_list("text", flat=True))
    assert "Geheel nieuw" in copied
    assert switched_off.text not in copied
    assert len(copied) == Statement.objects.active().filter(partnership=c.partnership).count()
    services.change_statement(first, element=Element.LOS, text="Nog eens anders", is_active=True)
    services.add_statement(c.partnership, element=Element.GOC, text="Een extra stelling")
    assert list(scan_round.statements.values_list("text", flat=True)) == copied


def test_statements_move_within_their_element() -> None:
    c = cast()
    services.ensure_template(c.partnership)
    los = list(Statement.objects.filter(partnership=c.partnership, element=Element.LOS).order_by("position"))
    services.move_statement(los[1], direction="up")
    order = list(
        Statement.objects.filter(partnership=c.partnership, element=Element.LOS)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    assert order[:2] == [los[1].pk, los[0].pk]
    with pytest.raises(ValidationError) as exc:
        services.move_statement(Statement.objects.get(pk=los[1].pk), direction="up")
    assert "direction" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.move_statement(los[0], direction="sideways")


def test_bad_statement_input_is_refused_at_the_field() -> None:
    c = cast()
    with pytest.raises(ValidationError) as exc:
        services.add_statement(c.partnership, element="XYZ", text="   ")
    assert "element" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_statement(c.partnership, element=Element.LOS, text="  ")
    assert "text" in exc.value.message_dict


def test_only_one_round_is_open_at_a_time() -> None:
    c = cast()
    open_round(c.partnership, c.manager.user)
    with pytest.raises(ValidationError):
        open_round(c.partnership, c.manager.user, title="Nog een")
    assert ScanRound.objects.filter(partnership=c.partnership).count() == 1


def test_a_round_needs_a_title() -> None:
    c = cast()
    with pytest.raises(ValidationError) as exc:
        services.open_round(c.partnership, by=c.manager.user, title="  ")
    assert "title" in exc.value.message_dict
    assert not ScanRound.objects.exists()


def test_a_member_answers_once_and_may_change_the_answer_while_open() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    first = answer(scan_round, c.member, 2, comments={"LOS": "Eerste indruk"})
    second = answer(scan_round, c.member, {"LOS": 5, "GOC": None}, comments={"GOC": "Anders"})
    assert first.pk == second.pk
    assert ScanResponse.objects.filter(round=scan_round).count() == 1
    scores = set(ScanAnswer.objects.filter(response=second, statement__element="LOS").values_list("score", flat=True))
    assert scores == {5}
    assert set(
        ScanAnswer.objects.filter(response=second, statement__element="GOC").values_list("score", flat=True)
    ) == {None}
    assert list(ScanComment.objects.filter(response=second).values_list("element", "text")) == [("GOC", "Anders")]


def test_the_response_keeps_the_perspective_of_the_moment_of_answering() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    member = join(c.partnership, perspective=Perspective.LEARNERS)
    response = answer(scan_round, member)
    member.perspective = Perspective.WORK_FIELD
    member.save()
    response.refresh_from_db()
    assert response.perspective == Perspective.LEARNERS


def test_every_statement_needs_a_score_or_dont_know() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    statements = list(scan_round.statements.all())
    answers = {s.pk: 3 for s in statements}
    answers[statements[0].pk] = 7
    del answers[statements[1].pk]
    with pytest.raises(ValidationError) as exc:
        services.save_response(scan_round, member=c.member, answers=answers)
    assert set(exc.value.message_dict) == {f"statement_{statements[0].pk}", f"statement_{statements[1].pk}"}
    assert not ScanResponse.objects.exists()


def test_a_member_of_another_partnership_cannot_answer() -> None:
    c, other = cast(), cast()
    scan_round = open_round(c.partnership, c.manager.user)
    with pytest.raises(PermissionDenied):
        answer(scan_round, other.member)


def test_closing_ends_answering_and_forgets_who_answered() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    answer(scan_round, c.member)
    services.close_round(scan_round, by=c.manager.user)
    scan_round.refresh_from_db()
    assert scan_round.status == RoundStatus.CLOSED
    assert scan_round.closed_by == c.manager.user
    assert ScanResponse.objects.filter(round=scan_round, member__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        answer(scan_round, c.worker)
    with pytest.raises(ValidationError):
        services.close_round(scan_round, by=c.manager.user)


def test_a_low_element_becomes_an_action_on_the_list_once() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    for member in members(c.partnership, Perspective.EDUCATION, 3):
        answer(scan_round, member, {e: (2 if e == "VMM" else 4) for e in Element.values})
    with pytest.raises(ValidationError):
        services.plan_action(scan_round, by=c.manager.user, element="VMM")  # still open
    services.close_round(scan_round, by=c.manager.user)
    action = services.plan_action(scan_round, by=c.manager.user, element="VMM")
    assert action.origin == ActionOrigin.SCAN
    assert action.origin_id == scan_round.pk
    assert action.partnership == c.partnership
    assert action.title.startswith("VMM · ")
    assert "2.0" in action.description
    with pytest.raises(ValidationError):
        services.plan_action(scan_round, by=c.manager.user, element="VMM")
    with pytest.raises(ValidationError):
        services.plan_action(scan_round, by=c.manager.user, element="")
    assert Action.objects.filter(origin=ActionOrigin.SCAN).count() == 1


def test_no_action_from_a_round_with_too_few_answers() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    answer(scan_round, c.member, 1)
    services.close_round(scan_round, by=c.manager.user)
    with pytest.raises(ValidationError):
        services.plan_action(scan_round, by=c.manager.user, element="LOS")


def test_round_stats_from_the_database_per_perspective() -> None:
    c = cast()
    scan_round = open_round(c.partnership, c.manager.user)
    for member, score in zip(members(c.partnership, Perspective.EDUCATION, 3), [4, 4, 5], strict=True):
        answer(scan_round, member, score)
    for member, score in zip(members(c.partnership, Perspective.WORK_FIELD, 3), [2, 3, 4], strict=True):
        answer(scan_round, member, score)
    answer(scan_round, c.manager, None)  # public; don't know everywhere: a respondent without scores
    result = round_stats(scan_round)
    assert result.respondents == 7
    assert result.overall["SRI"].mean == pytest.approx(22 / 6)
    assert result.overall["SRI"].count == 6
    assert result.by_perspective["education"]["SRI"].mean == pytest.approx(13 / 3)
    assert result.by_perspective["work_field"]["SRI"].spread == pytest.approx(1.0)
    assert not result.perspective_shown("public")
