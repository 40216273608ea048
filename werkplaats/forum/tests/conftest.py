from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded documents go to a temporary folder, not the project's var/."""
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.WERKPLAATS_PRIVATE_DIR)
