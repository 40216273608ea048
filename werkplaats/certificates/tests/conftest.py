from __future__ import annotations

import pytest

from .world import CertificateWorld, build


@pytest.fixture
def world(db: None) -> CertificateWorld:
    return build()
