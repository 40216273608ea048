"""What the header shows on every page besides the menu, asked in one statement.

The number of unread notifications and whether the user takes part in a partnership (the menu's
"Partnerships" item) are on every page a logged-in user opens. Compiling two ORM queries for them
cost more than running them; this one statement is written once per process from the models'
own table and column names, and ``test_header.py`` checks it against the ORM's answers
(``Notification.objects.visible_to(user).unread()``, ``PartnershipMember.objects.active()``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest

_ATTR = "_werkplaats_header_facts"


@dataclass(frozen=True)
class HeaderFacts:
    unread_notifications: int
    in_a_partnership: bool


@functools.cache
def _statement() -> str:
    from werkplaats.notifications.models import Notification
    from werkplaats.partnerships.models import PartnershipMember

    q = connection.ops.quote_name

    def column(model: type, name: str) -> str:
        return q(model._meta.get_field(name).column)  # type: ignore[attr-defined]

    notifications = q(Notification._meta.db_table)
    members = q(PartnershipMember._meta.db_table)
    return (
        f"SELECT (SELECT COUNT(*) FROM {notifications} WHERE {column(Notification, 'recipient')} = %s"  # noqa: S608 - names from the models
        f" AND {column(Notification, 'read_at')} IS NULL),"
        f" EXISTS (SELECT 1 FROM {members} WHERE {column(PartnershipMember, 'user')} = %s"
        f" AND {column(PartnershipMember, 'left_on')} IS NULL)"
    )


def facts(request: HttpRequest) -> HeaderFacts:
    """For the logged-in user of ``request``, asked once per request."""
    found = getattr(request, _ATTR, None)
    if found is None:
        user_id = request.user.pk
        with connection.cursor() as cursor:
            cursor.execute(_statement(), [user_id, user_id])
            unread, member = cursor.fetchone()
        found = HeaderFacts(unread_notifications=int(unread), in_a_partnership=bool(member))
        setattr(request, _ATTR, found)
    return found
