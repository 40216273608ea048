from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from werkplaats.core.language import use_language
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Membership, Organisation, Role
from werkplaats.partnerships.models import Partnership
from werkplaats.trajectories import caseloads
from werkplaats.trajectories.models import Trajectory

# Roles whose home-page section summarises their caseload.
CASELOAD_ROLES = (Role.COORDINATOR, Role.CONSULTANT, Role.SCHOOL_STAFF, Role.WORKPLACE_TRAINER)


# Outside ATOMIC_REQUESTS: opening the request's transaction needs the database, and an
# unreachable database must give this view's 503, not a 500 before the view runs.
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: one section per role the user holds in the active organisation."""
    organisation: Organisation | None = getattr(request, "organisation", None)
    membership: Membership | None = getattr(request, "membership", None)
    roles = set(membership.roles) if membership else set()
    access = get_access(request.user)
    context: dict[str, object] = {
        "organisation": organisation,
        "roles": roles,
        "Role": Role,
        "is_platform_admin": access.is_platform_admin,
    }
    if organisation is not None and Role.COORDINATOR in roles and organisation.region_id:
        context["region"] = organisation.region
        context["region_organisation_count"] = (
            Organisation.objects.active().filter(region_id=organisation.region_id).count()
        )
    if organisation is not None and Role.ADMIN in roles:
        context["member_count"] = Membership.objects.active().filter(organisation=organisation).count()
    context["caseloads"] = {
        role: caseloads.summarise(
            caseloads.build_rows(caseloads.in_state(caseloads.queryset(request.user, organisation, roles=[role])))
        )
        for role in CASELOAD_ROLES
        if organisation is not None and role in roles
    }
    context["partnerships"] = list(Partnership.objects.visible_to(request.user).order_by("name"))
    if Role.LEARNER in roles:
        context["own_trajectories"] = (
            Trajectory.objects.visible_to(request.user)
            .filter(learner__user_id=access.user_id or 0)
            .select_related("qualification")
            .order_by("-created_at")
        )
    return render(request, "core/home.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; for a logged-in user it is remembered on the account,
    so e-mails to them use it too."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response: HttpResponse = HttpResponseRedirect(target)
    use_language(request, response, request.POST.get("language", ""))
    return response
