from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"  # uploads and PDFs stay out of the repository
    return Path(settings.WERKPLAATS_PRIVATE_DIR)
