"""``is_recognised`` is the one rule placement guards call; its answer comes from a pluggable registry."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from werkplaats.organisations.models import Organisation, Region
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions import registry
from werkplaats.recognitions.services import is_recognised

from .factories import employer, recognition

START = datetime.date(2024, 2, 1)
END = datetime.date(2024, 7, 31)


@pytest.fixture
def bounded(bakery: Organisation, uitvoerend_bakker: Qualification) -> None:
    recognition(bakery, "25173", start_date=START, end_date=END)


def test_an_employer_is_recognised_on_the_first_day(bakery: Organisation, bounded: None) -> None:
    assert is_recognised(bakery, "25173", on=START)


def test_an_employer_is_recognised_on_the_last_day(bakery: Organisation, bounded: None) -> None:
    assert is_recognised(bakery, "25173", on=END)


def test_an_employer_is_not_recognised_the_day_after_the_end(bakery: Organisation, bounded: None) -> None:
    assert not is_recognised(bakery, "25173", on=END + datetime.timedelta(days=1))


def test_an_employer_is_not_recognised_before_the_start(bakery: Organisation, bounded: None) -> None:
    assert not is_recognised(bakery, "25173", on=START - datetime.timedelta(days=1))


def test_an_employer_is_not_recognised_for_another_crebo(bakery: Organisation, bounded: None) -> None:
    assert not is_recognised(bakery, "25167", on=START)


def test_a_recognition_without_end_date_runs_on(bakery: Organisation) -> None:
    recognition(bakery, "25173", start_date=START)

    assert is_recognised(bakery, "25173", on=datetime.date(2040, 1, 1))


def test_is_recognised_accepts_a_qualification(
    bakery: Organisation, uitvoerend_bakker: Qualification, bounded: None
) -> None:
    assert is_recognised(bakery, uitvoerend_bakker, on=START)


def test_another_employers_recognition_does_not_count(bakery: Organisation, bounded: None, groningen: Region) -> None:
    neighbour = employer(groningen)

    assert not is_recognised(neighbour, "25173", on=START)


def test_a_placement_is_refused_at_an_employer_whose_recognition_ended_the_day_before_the_start_date(
    bakery: Organisation, bounded: None
) -> None:
    placement_start = END + datetime.timedelta(days=1)

    assert not is_recognised(bakery, "25173", on=placement_start)


# --- The registry is pluggable -----------------------------------------------------------------------


class AlwaysRecognised:
    """A stand-in for a live registry client (such as SBB's check by leerbedrijf-ID)."""

    calls: list[tuple[int, str, datetime.date]] = []

    def is_recognised(self, employer: Organisation, crebo: str, on: datetime.date) -> bool:
        AlwaysRecognised.calls.append((employer.pk, crebo, on))
        return True


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    registry._registry.cache_clear()
    AlwaysRecognised.calls = []
    yield
    registry._registry.cache_clear()


def test_the_registry_behind_is_recognised_is_configurable(bakery: Organisation, fresh_registry: None) -> None:
    with override_settings(WERKPLAATS_RECOGNITION_REGISTRY=f"{__name__}.AlwaysRecognised"):
        answer = is_recognised(bakery, "25282", on=START)

    assert answer is True
    assert AlwaysRecognised.calls == [(bakery.pk, "25282", START)]


def test_the_local_register_is_the_default(bakery: Organisation, fresh_registry: None) -> None:
    assert isinstance(registry.get_registry(), registry.LocalRegister)
    assert not is_recognised(bakery, "25282", on=START)


def test_the_local_register_answers_a_list_of_pairs_in_one_query(
    bakery: Organisation, bounded: None, django_assert_num_queries: Any
) -> None:
    from werkplaats.recognitions.services import recognised_pairs

    pairs = {(bakery.pk, "25173"), (bakery.pk, "25282")}
    with django_assert_num_queries(1):
        found = recognised_pairs([bakery], pairs, on=START)

    assert found == {(bakery.pk, "25173")}
    assert recognised_pairs([bakery], pairs, on=END + datetime.timedelta(days=1)) == set()


def test_a_registry_without_a_bulk_answer_is_asked_pair_by_pair(bakery: Organisation, fresh_registry: None) -> None:
    from werkplaats.recognitions.services import recognised_pairs

    with override_settings(WERKPLAATS_RECOGNITION_REGISTRY=f"{__name__}.AlwaysRecognised"):
        found = recognised_pairs([bakery], {(bakery.pk, "25282")}, on=START)

    assert found == {(bakery.pk, "25282")}
    assert AlwaysRecognised.calls == [(bakery.pk, "25282", START)]
