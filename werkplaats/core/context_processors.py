"""What the main menu needs on every page."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

# The main menu's fixed items, by the name the header uses.
MENU = {
    "home": "core:home",
    "caseload": "trajectories:caseload",
    "organisations": "organisations:list",
    "qualifications": "qualifications:list",
    "search": "learning_companies:search",
    "notifications": "notifications:list",
    "audit": "audit:log",
    "account": "accounts:account",
    "admin": "admin:index",
    "set_language": "core:set-language",
    "switch": "organisations:switch",
    "logout": "account_logout",
}


@functools.cache
def _reversed(name: str, prefix: str, urlconf: Any) -> str:
    return reverse(name, urlconf=urlconf)


def _where() -> tuple[str, Any]:
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def menu_url(name: str) -> str:
    """``reverse(name)`` for a page of the main menu, once per process (and script prefix and URL
    configuration): the menu is on every page, and its addresses do not change while it runs."""
    return _reversed(name, *_where())


@functools.cache
def _menu(prefix: str, urlconf: Any) -> dict[str, str]:
    return {key: _reversed(name, prefix, urlconf) for key, name in MENU.items()}


def menu(request: HttpRequest) -> dict[str, Any]:
    """``menu_urls``: the addresses of the main menu's items, made once per process."""
    return {"menu_urls": _menu(*_where())}
