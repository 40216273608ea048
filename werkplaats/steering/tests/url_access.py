"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

Every page of the app is open to every member except those that change something: the manager
(who also sits on the steering group and coordinates the working group in that world) is the
role-user of each of them; the consultant (in no group) and the external administrator get 403."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.models import Action, GroupMember, MemberRole, ProgressReport, ReportStatus
from werkplaats.partnerships.tests.factories import join
from werkplaats.partnerships.tests.url_access import manager, partnership_of, working_group

DRAFT_DUE = datetime.date(2031, 3, 3)
SUBMITTED_DUE = datetime.date(2025, 3, 3)


def _draft(w: Any) -> ProgressReport:
    return ProgressReport.objects.get_or_create(group=working_group(w), due_on=DRAFT_DUE)[0]


def _submitted(w: Any) -> ProgressReport:
    return ProgressReport.objects.get_or_create(
        group=working_group(w),
        due_on=SUBMITTED_DUE,
        defaults={
            "status": ReportStatus.SUBMITTED,
            "progress": "Twaalf werkgevers bezocht.",
            "next_steps": "Bijeenkomst plannen.",
            "submitted_at": timezone.now(),
        },
    )[0]


def _group_member(w: Any) -> GroupMember:
    """An active member of the working group whom its coordinator can remove (not the
    consultant or administrator: they must stay in no group)."""
    group = working_group(w)
    found = group.members.active().filter(member__user__email="werkgroeplid@example.nl").first()
    if found is not None:
        return found
    partnership = partnership_of(w)
    member = partnership.members.active().filter(user__email="werkgroeplid@example.nl").first()
    if member is None:
        from werkplaats.accounts.tests.factories import UserFactory

        member = join(partnership, UserFactory.create(email="werkgroeplid@example.nl"), role=MemberRole.EXTERNAL)
    return GroupMember.objects.create(group=group, member=member, quality="Kent de werkgevers")


def _action(w: Any) -> Action:
    return Action.objects.get_or_create(
        partnership=partnership_of(w), title="Werkgeverslijst bijwerken", defaults={"owner": None}
    )[0]


def _slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def _group(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": working_group(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "steering:groups": _slug,
    "steering:group-add": _slug,
    "steering:group": _group,
    "steering:group-edit": _group,
    "steering:group-close": _group,
    "steering:group-member-add": _group,
    "steering:group-member-remove": lambda w: {**_group(w), "member_pk": _group_member(w).pk},
    "steering:reports": _slug,
    "steering:report": lambda w: {"slug": partnership_of(w).slug, "pk": _draft(w).pk},
    "steering:report-edit": lambda w: {"slug": partnership_of(w).slug, "pk": _draft(w).pk},
    "steering:report-answer": lambda w: {"slug": partnership_of(w).slug, "pk": _submitted(w).pk},
    "steering:actions": _slug,
    "steering:action-add": _slug,
    "steering:action-status": lambda w: {"slug": partnership_of(w).slug, "pk": _action(w).pk},
}

RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "steering:group-add": manager,
    "steering:group-edit": manager,
    "steering:group-close": manager,
    "steering:group-member-add": manager,
    "steering:group-member-remove": manager,
    "steering:report-edit": manager,
    "steering:report-answer": manager,
    "steering:action-add": manager,
    "steering:action-status": manager,
}
