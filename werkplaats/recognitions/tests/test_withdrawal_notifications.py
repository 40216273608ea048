"""Withdrawing a recognition warns the people responsible for whatever depends on it, through the
dependents providers that other apps (trajectories) register."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import cast

import pytest

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Organisation
from werkplaats.recognitions import services
from werkplaats.recognitions.models import Recognition
from werkplaats.recognitions.services import Dependent, register_dependents_provider, withdraw_recognition

from .factories import recognition

START = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2024, 6, 30)


@pytest.fixture
def dutch_trainer(db: None) -> User:
    return cast(User, UserFactory(email="praktijkopleider@example.nl", language="nl"))


@pytest.fixture
def english_coach(db: None) -> User:
    return cast(User, UserFactory(email="coach@example.nl", language="en"))


@pytest.fixture
def provider(dutch_trainer: User, english_coach: User) -> Iterator[list[tuple[int, datetime.date]]]:
    """A provider like the one trajectories will register: one open trajectory that depends on
    every recognition, with the trainer named twice (as trainer and as contact)."""
    calls: list[tuple[int, datetime.date]] = []

    def open_trajectories(recognition: Recognition, from_date: datetime.date) -> Iterable[Dependent]:
        calls.append((recognition.pk, from_date))
        return [
            Dependent(
                description="leertraject van S. Mulder",
                url="/trajectories/7/",
                recipients=(dutch_trainer, english_coach, dutch_trainer, None),
            )
        ]

    register_dependents_provider(open_trajectories)
    yield calls
    services._providers.remove(open_trajectories)


def _withdraw(existing: Recognition, by: User) -> list[Dependent]:
    return withdraw_recognition(existing, end_date=LAST_DAY, reason="SBB trok de erkenning in", by=by)


def test_each_responsible_person_is_notified_exactly_once(
    bakery: Organisation,
    coordinator: User,
    dutch_trainer: User,
    english_coach: User,
    provider: list[tuple[int, datetime.date]],
) -> None:
    existing = recognition(bakery, "25173", start_date=START)

    dependents = _withdraw(existing, coordinator)

    assert len(dependents) == 1
    assert Notification.objects.filter(recipient=dutch_trainer).count() == 1
    assert Notification.objects.filter(recipient=english_coach).count() == 1
    assert Notification.objects.count() == 2
    assert services.people_warned(dependents) == 2


def test_the_provider_is_asked_from_the_first_day_without_recognition(
    bakery: Organisation, coordinator: User, provider: list[tuple[int, datetime.date]]
) -> None:
    existing = recognition(bakery, "25173", start_date=START)

    _withdraw(existing, coordinator)

    assert provider == [(existing.pk, datetime.date(2024, 7, 1))]


def test_each_person_reads_the_warning_in_their_own_language(
    bakery: Organisation,
    coordinator: User,
    dutch_trainer: User,
    english_coach: User,
    provider: list[tuple[int, datetime.date]],
) -> None:
    _withdraw(recognition(bakery, "25173", start_date=START), coordinator)

    dutch = Notification.objects.get(recipient=dutch_trainer)
    english = Notification.objects.get(recipient=english_coach)
    assert "1 juli 2024" in dutch.message
    assert "1 July 2024" in english.message
    for notification in (dutch, english):
        assert "Bakkerij Bolhuis" in notification.message
        assert "25173" in notification.message
        assert "leertraject van S. Mulder" in notification.message
        assert notification.url == "/trajectories/7/"


def test_the_same_withdrawal_a_second_time_does_not_notify_again(
    bakery: Organisation,
    coordinator: User,
    dutch_trainer: User,
    provider: list[tuple[int, datetime.date]],
) -> None:
    existing = recognition(bakery, "25173", start_date=START)
    _withdraw(existing, coordinator)

    _withdraw(existing, coordinator)

    assert Notification.objects.filter(recipient=dutch_trainer).count() == 1
    assert Notification.objects.count() == 2


def test_without_dependents_nobody_is_notified(bakery: Organisation, coordinator: User) -> None:
    dependents = _withdraw(recognition(bakery, "25173", start_date=START), coordinator)

    assert dependents == []
    assert services.people_warned(dependents) == 0
    assert not Notification.objects.exists()


def test_a_refused_withdrawal_notifies_nobody(
    bakery: Organisation, consultant: User, provider: list[tuple[int, datetime.date]]
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _withdraw(recognition(bakery, "25173", start_date=START), consultant)

    assert provider == []
    assert not Notification.objects.exists()
