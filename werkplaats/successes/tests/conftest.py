from __future__ import annotations

import pytest

from werkplaats.certificates.models import Certificate
from werkplaats.certificates.tests.world import build


@pytest.fixture
def certificate(db: None) -> Certificate:
    """One issued praktijkverklaring: milestones must point at one."""
    from werkplaats.certificates import services

    world = build()
    return services.issue(world.trajectory, by=world.school_staff)
