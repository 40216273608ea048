from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from werkplaats.organisations.access import can_read_audit_log

from .models import Action, AuditLogEntry

PAGE_SIZE = 50


def _parse_since(value: str) -> date | None:
    """The 'from date' filter; an impossible date (2024-02-30) is ignored, not a server error."""
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can_read_audit_log(request.user):
        raise PermissionDenied
    entries = AuditLogEntry.objects.visible_to(request.user).select_related(
        "actor", "organisation", "content_type", "subject_organisation"
    )
    action = request.GET.get("action", "")
    who = request.GET.get("who", "").strip()[:254]
    since = _parse_since(request.GET.get("since", ""))
    if action in Action.values:
        entries = entries.filter(action=action)
    if who:
        entries = entries.filter(actor_label__icontains=who)
    if since:
        entries = entries.filter(at__date__gte=since)
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_log.html",
        {
            "page": page,
            "actions": Action.choices,
            "action": action,
            "who": who,
            "since": since,
        },
    )
