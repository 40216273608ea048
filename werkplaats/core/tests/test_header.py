"""The header's facts, in one statement, answer what the ORM's querysets answer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from werkplaats.core import header
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.partnerships.models import PartnershipMember
from werkplaats.partnerships.tests.factories import PartnershipFactory, join


def _facts(user: Any) -> header.HeaderFacts:
    request = RequestFactory().get("/")
    request.user = user
    return header.facts(request)


def _orm(user: Any) -> header.HeaderFacts:
    return header.HeaderFacts(
        unread_notifications=Notification.objects.visible_to(user).unread().count(),
        in_a_partnership=PartnershipMember.objects.active().filter(user=user).exists(),
    )


@pytest.mark.django_db
def test_the_facts_are_what_the_querysets_say(organisation: Organisation) -> None:
    person = member_of(organisation, Role.CONSULTANT)
    other = member_of(organisation, Role.CONSULTANT)
    assert _facts(person) == _orm(person) == header.HeaderFacts(0, False)

    for n in range(3):
        Notification.objects.create(recipient=person, message=f"Nieuw {n}", key=f"n{n}")
    Notification.objects.create(recipient=person, message="Gelezen", key="r", read_at=timezone.now())
    Notification.objects.create(recipient=other, message="Van een ander", key="o")
    partnership = PartnershipFactory.create()
    join(partnership, other, left_on=datetime.date(2026, 1, 1))  # left: no longer in it
    assert _facts(person) == _orm(person) == header.HeaderFacts(3, False)
    assert _facts(other) == _orm(other) == header.HeaderFacts(1, False)

    join(partnership, person)
    assert _facts(person) == _orm(person) == header.HeaderFacts(3, True)


@pytest.mark.django_db
def test_the_facts_are_asked_once_per_request(organisation: Organisation, django_assert_num_queries: Any) -> None:
    request = RequestFactory().get("/")
    request.user = member_of(organisation, Role.CONSULTANT)
    with django_assert_num_queries(1):
        header.facts(request)
        header.facts(request)
