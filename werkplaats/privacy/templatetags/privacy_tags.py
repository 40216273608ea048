from __future__ import annotations

from typing import Any

from django import template

from werkplaats.privacy.services import can_request_access

register = template.Library()


@register.inclusion_tag("privacy/_learner_links.html", takes_context=True)
def privacy_links(context: dict[str, Any], learner: Any) -> dict[str, Any]:
    """Links to the learner's data for those who may ask for it (the learner page includes this)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"learner": learner, "show": user is not None and can_request_access(user, learner)}
