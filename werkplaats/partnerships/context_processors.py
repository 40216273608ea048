from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from .models import PartnershipMember
from .services import can_found_partnership


def partnerships(request: HttpRequest) -> dict[str, Any]:
    """The main menu's "Partnerships" item: for members of a partnership and for coordinators,
    who can found one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if can_found_partnership(user) or PartnershipMember.objects.active().filter(user_id=user.pk).exists():
        return {"partnerships_url": reverse("partnerships:list")}
    return {}
