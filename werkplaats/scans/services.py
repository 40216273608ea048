"""Writes of the health scan: the template's statements, opening and closing rounds, answering,
and turning a discussion point into an action."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.partnerships.models import Action, ActionOrigin, Partnership, PartnershipMember

from .defaults import default_statements
from .models import (
    SCORE_MAX,
    SCORE_MIN,
    Element,
    RoundStatement,
    ScanAnswer,
    ScanComment,
    ScanResponse,
    ScanRound,
    Statement,
)

COMMENT_MAX_LENGTH = 2000


def statement_field(statement_id: int) -> str:
    """The form field (and error key) of a round statement's answer."""
    return f"statement_{statement_id}"


def comment_field(element: str) -> str:
    return f"comment_{element}"


# --- The template -----------------------------------------------------------------------------


@transaction.atomic
def ensure_template(partnership: Partnership, *, language: str | None = None) -> bool:
    """Give the partnership the default statements if it has none yet (also none switched off).
    Returns whether it did."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # one template, not two
    if Statement.objects.filter(partnership=partnership).exists():
        return False
    positions: dict[str, int] = {}
    statements = []
    for element, text in default_statements(language or settings.LANGUAGE_CODE):
        positions[element] = positions.get(element, 0) + 1
        statements.append(Statement(partnership=partnership, element=element, text=text, position=positions[element]))
    Statement.objects.bulk_create(statements)
    return True


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Write the statement.")})
    if len(text) > 300:
        raise ValidationError({"text": _("Keep the statement to 300 characters.")})
    return text


def _clean_element(element: str) -> str:
    if element not in Element.values:
        raise ValidationError({"element": _("Choose one of the six elements.")})
    return element


def _next_position(partnership: Partnership, element: str) -> int:
    top = Statement.objects.filter(partnership=partnership, element=element).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


@transaction.atomic
def add_statement(partnership: Partnership, *, element: str, text: str) -> Statement:
    element = _clean_element(element)
    text = _clean_text(text)
    return Statement.objects.create(
        partnership=partnership, element=element, text=text, position=_next_position(partnership, element)
    )


@transaction.atomic
def change_statement(statement: Statement, *, element: str, text: str, is_active: bool) -> Statement:
    """Reword, move to another element, or switch on or off. Rounds already opened keep their copy."""
    element = _clean_element(element)
    text = _clean_text(text)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if element != statement.element:
        statement.position = _next_position(statement.partnership, element)
    statement.element, statement.text, statement.is_active = element, text, is_active
    statement.save(update_fields=["element", "text", "is_active", "position"])
    return statement


@transaction.atomic
def move_statement(statement: Statement, *, direction: str) -> Statement:
    """Swap the statement with its neighbour above ("up") or below ("down") within its element."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Choose up or down.")})
    siblings = list(
        Statement.objects.select_for_update()
        .filter(partnership_id=statement.partnership_id, element=statement.element)
        .order_by("position", "id")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == statement.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(siblings):
        raise ValidationError({"direction": _("The statement is already at the edge of its element.")})
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    return next(s for s in siblings if s.pk == statement.pk)


# --- Rounds -----------------------------------------------------------------------------------


@transaction.atomic
def open_round(partnership: Partnership, *, by: Any, title: str, closes_on: Any = None) -> ScanRound:
    """Open a round with a copy of the template's statements in use."""
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the round a title, for example the month.")})
    if closes_on is not None and closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The planned closing date cannot be in the past.")})
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # one open round at a time
    if ScanRound.objects.open().filter(partnership=partnership).exists():
        raise ValidationError(_("A scan round is already open. Close it before opening a new one."))
    ensure_template(partnership)
    order = {element: i for i, element in enumerate(Element.values)}
    statements = sorted(
        Statement.objects.active().filter(partnership=partnership),
        key=lambda s: (order[s.element], s.position, s.pk),
    )
    if not statements:
        raise ValidationError(_("The scan template has no statements in use. Switch some on first."))
    scan_round = ScanRound.objects.create(partnership=partnership, title=title, closes_on=closes_on, opened_by=by)
    RoundStatement.objects.bulk_create(
        RoundStatement(round=scan_round, element=s.element, text=s.text, position=i, source=s)
        for i, s in enumerate(statements, start=1)
    )
    transaction.on_commit(partial(_tell_members, scan_round.pk))
    return scan_round


def _tell_members(round_id: int) -> None:
    from .tasks import notify_round_opened

    notify_round_opened.enqueue(round_id)


@transaction.atomic
def close_round(scan_round: ScanRound, *, by: Any) -> ScanRound:
    """Close the round: no more answers, results for the members, and the link between people
    and responses erased (it only served to keep one response per member)."""
    scan_round = ScanRound.objects.select_for_update().get(pk=scan_round.pk)
    if not scan_round.is_open:
        raise ValidationError(_("This round is already closed."))
    scan_round.status = "closed"
    scan_round.closed_at = timezone.now()
    scan_round.closed_by = by
    scan_round.save(update_fields=["status", "closed_at", "closed_by"])
    ScanResponse.objects.filter(round=scan_round).update(member=None)
    return scan_round


_MISSING = object()


def _score(value: Any) -> int | None:
    """A score 1-5, or None for "don't know" (None or "dk"); anything else, or nothing, is wrong."""
    if value is _MISSING or value == "":
        raise ValueError
    if value is None or value == "dk":
        return None
    score = int(value)
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError
    return score


@transaction.atomic
def save_response(
    scan_round: ScanRound,
    *,
    member: PartnershipMember,
    answers: Mapping[int, Any],
    comments: Mapping[str, str] | None = None,
) -> ScanResponse:
    """Store or replace ``member``'s response. ``answers`` maps every statement id of the round to
    a score 1-5 or None ("don't know"); ``comments`` maps elements to optional comments."""
    # Locking the round serialises a member's double submit and a close at the same moment.
    scan_round = ScanRound.objects.select_for_update().get(pk=scan_round.pk)
    if member.partnership_id != scan_round.partnership_id or not member.is_active:
        raise PermissionDenied
    if not scan_round.is_open:
        raise ValidationError(_("This round is closed; answers can no longer be given or changed."))
    statements = list(scan_round.statements.all())
    errors: dict[str, list[str]] = {}
    scores: dict[int, int | None] = {}
    for statement in statements:
        try:
            scores[statement.pk] = _score(answers.get(statement.pk, _MISSING))
        except (TypeError, ValueError):
            errors[statement_field(statement.pk)] = [_("Choose a score from 1 to 5, or “don't know”.")]
    unknown = set(answers) - {s.pk for s in statements}
    if unknown:
        raise ValidationError(_("The form does not match this round. Open it again."))
    cleaned_comments: dict[str, str] = {}
    for element, text in (comments or {}).items():
        if element not in Element.values:
            continue
        text = (text or "").strip()
        if len(text) > COMMENT_MAX_LENGTH:
            errors[comment_field(element)] = [_("Keep the comment to 2000 characters.")]
        elif text:
            cleaned_comments[element] = text
    if errors:
        raise ValidationError(errors)
    response, created = ScanResponse.objects.get_or_create(
        round=scan_round, member=member, defaults={"perspective": member.perspective}
    )
    if not created:
        response.perspective = member.perspective
        response.submitted_at = timezone.now()
        response.save(update_fields=["perspective", "submitted_at"])
        response.answers.all().delete()
        response.comments.all().delete()
    ScanAnswer.objects.bulk_create(
        ScanAnswer(response=response, statement_id=pk, score=score) for pk, score in scores.items()
    )
    ScanComment.objects.bulk_create(
        ScanComment(response=response, element=element, text=text) for element, text in cleaned_comments.items()
    )
    return response


# --- From discussion point to action ------------------------------------------------------------


def action_title_prefix(element: str) -> str:
    return f"{element} · "


@transaction.atomic
def plan_action(scan_round: ScanRound, *, by: Any, element: str) -> Action:
    """Put an element of a closed round on the partnership's action list as a point to discuss."""
    from .results import round_stats

    if element not in Element.values:
        raise ValidationError({"element": _("Choose one of the six elements.")})
    scan_round = ScanRound.objects.get(pk=scan_round.pk)
    if scan_round.is_open:
        raise ValidationError(_("Actions follow from the results, which come when the round is closed."))
    stats = round_stats(scan_round)
    cell = stats.overall[element]
    if not cell.shown:
        raise ValidationError(_("This element has too few answers to discuss its result."))
    prefix = action_title_prefix(element)
    existing = Action.objects.filter(
        partnership_id=scan_round.partnership_id,
        origin=ActionOrigin.SCAN,
        origin_id=scan_round.pk,
        title__startswith=prefix,
    )
    if existing.exists():
        raise ValidationError(_("This element is already on the action list."))
    name = Element(element).label
    title = prefix + _("Discuss the scan result of %(element)s (%(round)s)") % {
        "element": name,
        "round": scan_round.title,
    }
    description = _(
        "In the health scan %(round)s, %(element)s scored a mean of %(mean).1f (standard deviation "
        "%(spread)s, %(count)d answers). Discuss what lies behind it and what the partnership will do."
    ) % {
        "round": scan_round.title,
        "element": name,
        "mean": cell.mean,
        "spread": _("none") if cell.spread is None else f"{cell.spread:.1f}",
        "count": cell.count,
    }
    return Action.objects.create(
        partnership_id=scan_round.partnership_id,
        title=title[:300],
        description=description,
        origin=ActionOrigin.SCAN,
        origin_id=scan_round.pk,
        created_by=by,
    )
