"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

The walk's intervision group has four participants and a facilitator, all people who join the
partnership for it. The manager (who sets groups up), the consultant and the administrator take no
part: for them the group and its sessions do not exist (404). The manager alone opens the page that
appoints a new facilitator (the walk posts nothing valid to it). The page that lets a participant
leave is opened by a participant of its own, who is put back into the group each time the walk
asks for them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from werkplaats.intervision.models import IntervisionGroup, IntervisionSession, Method, Participant
from werkplaats.partnerships.models import MemberRole, PartnershipMember
from werkplaats.partnerships.tests.factories import join
from werkplaats.partnerships.tests.url_access import manager, partnership_of

PARTICIPANT = "deelnemer@example.nl"
LEAVER = "vertrekker@example.nl"
OTHERS = ["deelnemer2@example.nl", "deelnemer3@example.nl"]
FACILITATOR = "begeleider@example.nl"


def _person(w: Any, email: str) -> PartnershipMember:
    partnership = partnership_of(w)
    found = partnership.members.active().filter(user__email=email).first()
    if found is not None:
        return found
    from werkplaats.accounts.tests.factories import UserFactory

    return join(partnership, UserFactory.create(email=email), role=MemberRole.EXTERNAL)


def _in_group(w: Any, email: str) -> PartnershipMember:
    member = _person(w, email)
    group_ = group(w)
    if not Participant.objects.current().filter(group=group_, member=member).exists():
        Participant.objects.create(group=group_, member=member)
    return member


def group(w: Any) -> IntervisionGroup:
    partnership = partnership_of(w)
    found = IntervisionGroup.objects.filter(partnership=partnership, name="Intervisie begeleiders").first()
    if found is not None:
        return found
    created = IntervisionGroup.objects.create(
        partnership=partnership, name="Intervisie begeleiders", facilitator=_person(w, FACILITATOR)
    )
    for email in [PARTICIPANT, LEAVER, *OTHERS]:
        Participant.objects.create(group=created, member=_person(w, email))
    return created


def session(w: Any) -> IntervisionSession:
    group_ = group(w)
    found = group_.sessions.first()
    if found is not None:
        return found
    method, _created = Method.objects.get_or_create(partnership=group_.partnership, name="incidentmethode")
    return IntervisionSession.objects.create(
        group=group_,
        held_on=datetime.date(2026, 3, 4),
        case_contributor=_person(w, PARTICIPANT),
        method=method,
        work_question="Hoe geef ik feedback zonder te ontmoedigen?",
        notes="Vertrouwelijk",
    )


def participant(w: Any) -> Any:
    return _in_group(w, PARTICIPANT).user


def leaver(w: Any) -> Any:
    return _in_group(w, LEAVER).user


def facilitator(w: Any) -> Any:
    group(w)
    return _person(w, FACILITATOR).user


def slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def group_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": group(w).pk}


def session_group_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "group": group(w).pk}


def session_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "group": group(w).pk, "pk": session(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "intervision:list": slug,
    "intervision:group-add": slug,
    "intervision:methods": slug,
    "intervision:group": group_kwargs,
    "intervision:membership": group_kwargs,
    "intervision:facilitator": group_kwargs,
    "intervision:leave": group_kwargs,
    "intervision:session-add": session_group_kwargs,
    "intervision:session": session_kwargs,
    "intervision:session-edit": session_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "intervision:group-add": manager,
    "intervision:methods": manager,
    "intervision:group": participant,
    "intervision:membership": facilitator,
    "intervision:facilitator": manager,
    "intervision:leave": leaver,
    "intervision:session-add": participant,
    "intervision:session": participant,
    "intervision:session-edit": participant,
}
_PRIVATE = (
    "an intervision group and its sessions are for its current participants and facilitator only; "
    "to anyone else, the partnership's manager included, they do not exist"
)
HIDDEN: dict[str, str] = {
    "intervision:group": _PRIVATE,
    "intervision:membership": _PRIVATE,
    "intervision:facilitator": (
        "only the partnership's manager appoints a new facilitator; to other members who take no part, the "
        "group does not exist"
    ),
    "intervision:leave": _PRIVATE,
    "intervision:session-add": _PRIVATE,
    "intervision:session": _PRIVATE,
    "intervision:session-edit": _PRIVATE,
}
