from typing import Any

from django import template

register = template.Library()


@register.filter
def index(container: Any, key: Any) -> Any:
    """``container[key]``: an item of a list by position or of a dict by key; empty when missing."""
    try:
        return container[key]
    except (IndexError, KeyError, TypeError):
        return ""
