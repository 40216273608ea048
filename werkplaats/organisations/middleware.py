from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .access import get_access

SESSION_KEY = "werkplaats_organisation"


class ActiveOrganisationMiddleware:
    """Set ``request.organisation``: the organisation the user is working for right now.

    A user with several memberships picks one in the header's switcher (kept in the session);
    otherwise the first of their organisations. ``None`` for anonymous users and users
    without an active membership.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = get_access(user).memberships
            chosen = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.organisation_id == chosen), None)
            if membership is None and memberships:
                membership = memberships[0]
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.organisation = membership.organisation  # type: ignore[attr-defined]
        return self.get_response(request)
