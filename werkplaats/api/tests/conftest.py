from __future__ import annotations

from typing import Any

import pytest

from werkplaats.certificates.tests.world import CertificateWorld, build


@pytest.fixture
def world(db: None) -> CertificateWorld:
    """A trajectory in assessment at school Noorderpoort, learner of municipality Haren, employer
    ESKA (see werkplaats/certificates/tests/world.py), and an outsider in Drenthe."""
    return build()


@pytest.fixture
def fast_verify(settings: Any) -> None:
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0
    settings.WERKPLAATS_VERIFY_RATE = "1000/60"
