"""Members who ask for the last place at the same moment, each on a connection of their own
(threads), on PostgreSQL: the lock on the event's row serialises them, so exactly one gets the
place and the others join the waiting list."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection

from werkplaats.accounts.models import User
from werkplaats.core.tests.threads import run_together
from werkplaats.meetings import services
from werkplaats.meetings.models import Event, GuestRegistration, Registration, RegistrationStatus
from werkplaats.partnerships.tests.factories import cast, join

from .conftest import soon

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises all writers on one file lock",
    ),
]


@pytest.fixture
def slow_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the lock a little longer after checking membership, so that the others are certainly
    waiting for it (and would all have counted a free place, were there no lock)."""
    original = services._is_member

    def slow(*args: Any) -> bool:
        time.sleep(0.2)
        return original(*args)

    monkeypatch.setattr(services, "_is_member", slow)


@pytest.mark.usefixtures("slow_count")
def test_of_several_people_asking_for_the_last_place_at_once_exactly_one_gets_it() -> None:
    c = cast()
    start = soon()
    event = Event.objects.create(
        partnership=c.partnership,
        kind="employer_session",
        title="Laatste plek",
        starts_at=start,
        ends_at=start.replace(hour=12),
        location="Groningen",
        signup_required=True,
        capacity=1,
    )
    people = [join(c.partnership).user.pk for _i in range(4)]

    def ask(index: int) -> Registration:
        return services.sign_up(Event(pk=event.pk), user=User.objects.get(pk=people[index]))

    results = run_together(len(people), ask)

    assert all(isinstance(r, Registration) for r in results), results
    statuses = sorted(r.status for r in results)
    assert statuses == [RegistrationStatus.CONFIRMED] + [RegistrationStatus.WAITING] * 3
    assert Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count() == 1


@pytest.mark.usefixtures("slow_count")
def test_members_and_guests_asking_for_the_last_place_at_once_get_it_once() -> None:
    c = cast()
    start = soon()
    event = Event.objects.create(
        partnership=c.partnership,
        kind="employer_session",
        title="Laatste plek voor gasten",
        starts_at=start,
        ends_at=start.replace(hour=12),
        location="Groningen",
        signup_required=True,
        capacity=1,
        guest_signup=True,
    )
    people = [join(c.partnership).user.pk for _i in range(2)]

    def ask(index: int) -> Any:
        if index < len(people):
            return services.sign_up(Event(pk=event.pk), user=User.objects.get(pk=people[index]))
        return services.sign_up_guest(
            Event(pk=event.pk),
            name=f"Gast {index}",
            email=f"gast{index}@example.nl",
            organisation="Bakkerij",
            language="nl",
            consent=True,
        )

    results = run_together(4, ask)

    assert all(isinstance(r, (Registration, GuestRegistration)) for r in results), results
    assert sorted(r.status for r in results) == [RegistrationStatus.CONFIRMED] + [RegistrationStatus.WAITING] * 3
