from __future__ import annotations

from typing import Any

from django import template

from ..sections import sections

register = template.Library()


@register.inclusion_tag("partnerships/_sections.html", takes_context=True)
def partnership_sections(context: dict[str, Any], partnership: Any) -> dict[str, Any]:
    request = context["request"]
    return {"sections": sections(partnership.slug, request.path), "partnership": partnership}
