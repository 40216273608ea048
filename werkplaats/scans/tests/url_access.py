"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}
RESTRICTED: dict[str, Callable[[Any], Any]] = {}
