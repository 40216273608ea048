"""Intervision groups for the tests, built through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.models import PartnershipMember
from werkplaats.partnerships.tests.factories import Cast, join

from .. import services
from ..models import IntervisionGroup, IntervisionSession, Method


def members(c: Cast, n: int) -> list[PartnershipMember]:
    """``n`` new members of the cast's partnership."""
    return [join(c.partnership) for _ in range(n)]


def intervision(c: Cast, *, extra: int = 2, name: str = "Intervisie") -> IntervisionGroup:
    """A group of the cast's plain member and worker plus ``extra`` new members, facilitated by the
    steering member and set up by the manager, who takes no part."""
    return services.create_group(
        c.partnership,
        by=c.manager.user,
        name=name,
        facilitator=c.steering_member,
        participants=[c.member, c.worker, *members(c, extra)],
    )


def method(c: Cast) -> Method:
    return (
        Method.objects.filter(partnership=c.partnership, is_active=True).order_by("position").first()
        or (services.save_methods(c.partnership, names=["incidentmethode"])[0])
    )


def held(
    group: IntervisionGroup, by: Any, contributor: PartnershipMember, *, days: int = -7, **fields: Any
) -> IntervisionSession:
    fields.setdefault("work_question", "Hoe geef ik feedback zonder te ontmoedigen?")
    fields.setdefault("notes", "Vertrouwelijke aantekeningen")
    return services.save_session(
        group,
        by=by,
        held_on=timezone.localdate() + datetime.timedelta(days=days),
        case_contributor=contributor,
        method=Method.objects.filter(partnership=group.partnership, is_active=True).order_by("position").first(),
        **fields,
    )
