"""A partnership cast (see werkplaats.partnerships.tests.factories.cast) with three partners: a
municipality (represented by the manager), a school (the steering member and the plain member)
and an employer (the worker). Uploads go to a temporary private folder."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from werkplaats.agreements import services
from werkplaats.agreements.models import Agreement, AgreementKind
from werkplaats.partnerships.tests.factories import Cast, cast

TEXT: dict[str, Any] = {
    "goals": "150 praktijkverklaringen per jaar",
    "conditions": "Iedere partner wijst een vertegenwoordiger aan",
    "approach": "Een stuurgroep en werkgroepen",
    "starts_on": datetime.date(2025, 1, 1),
    "ends_on": datetime.date(2028, 12, 31),
}


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture
def team(db: None) -> Cast:
    return cast()


@pytest.fixture
def covenant(team: Cast) -> Agreement:
    return services.create_agreement(
        team.partnership, by=team.manager.user, kind=AgreementKind.COVENANT, title="Convenant 2025-2028", **TEXT
    )
