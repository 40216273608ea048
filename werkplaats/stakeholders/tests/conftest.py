from __future__ import annotations

import pytest

from werkplaats.partnerships.tests.factories import Cast, cast


@pytest.fixture
def crew(db: None) -> Cast:
    """A partnership with a manager, a steering-group member, a working-group member, a plain
    member and an outsider."""
    return cast()
