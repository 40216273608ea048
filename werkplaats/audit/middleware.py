from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from werkplaats.core.net import client_address

from .context import SYSTEM, Actor, acting_as


class AuditContextMiddleware:
    """Make the requesting user and their active organisation the actor of audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            organisation = getattr(request, "organisation", None)
            actor = Actor(
                user=user,
                organisation_id=organisation.pk if organisation is not None else None,
                label=user.email,
                ip_address=client_address(request),
            )
        else:
            actor = Actor(label=SYSTEM.label if user is None else "anonymous", ip_address=client_address(request))
        with acting_as(actor):
            return self.get_response(request)
