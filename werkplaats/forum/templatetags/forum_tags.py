"""Template helpers of the forum."""

from __future__ import annotations

from typing import Any

from django import template

from ..services import name_of

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """The name a person is shown by on the forum, never their e-mail address."""
    return name_of(user)
