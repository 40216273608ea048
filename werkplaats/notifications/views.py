from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .context_processors import unread_count
from .models import Notification
from .services import mark_read

PAGE_SIZE = 25


def safe_link(url: str) -> str:
    """The notification's link if it is a path on this site, else "". The url comes from whatever
    created the notification, so it is treated as untrusted: no scheme, no host, no
    protocol-relative ``//host`` or ``/\\host`` tricks."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False):
        return ""
    return url


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user).order_by("-created_at", "-id")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"notification": n, "link": safe_link(n.url)} for n in page.object_list]
    has_unread = unread_count(request) > 0
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "items": items, "has_unread": has_unread},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = mark_read(request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
    return redirect("notifications:list")
