"""Rounds and answers for the scan tests."""

from __future__ import annotations

from typing import Any

from werkplaats.partnerships.models import Partnership, PartnershipMember
from werkplaats.partnerships.tests.factories import join
from werkplaats.scans import services
from werkplaats.scans.models import ScanResponse, ScanRound


def open_round(partnership: Partnership, by: Any, title: str = "Maart 2026") -> ScanRound:
    return services.open_round(partnership, by=by, title=title)


def answer(
    scan_round: ScanRound,
    member: PartnershipMember,
    scores: dict[str, Any] | int | None = 3,
    comments: dict[str, str] | None = None,
) -> ScanResponse:
    """Answer every statement: ``scores`` per element code (a score or None), or one score for all."""
    answers = {}
    for statement in scan_round.statements.all():
        answers[statement.pk] = scores.get(statement.element) if isinstance(scores, dict) else scores
    return services.save_response(scan_round, member=member, answers=answers, comments=comments or {})


def members(partnership: Partnership, perspective: str, n: int) -> list[PartnershipMember]:
    return [join(partnership, perspective=perspective) for _ in range(n)]
