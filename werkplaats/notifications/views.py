from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from .context_processors import unread_count
from .links import safe_link
from .models import EmailFrequency, Notification
from .services import frequency_of, mark_read, set_frequency

PAGE_SIZE = 25


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


class SettingsForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=gettext_lazy("How do you want your notifications by e-mail?"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Every notification is in the app as well, in your list of notifications."),
    )


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The person's own choice of how notifications reach them by e-mail."""
    form = SettingsForm(request.POST or None, initial={"email_frequency": frequency_of(request.user)})
    if request.method == "POST" and form.is_valid():
        set_frequency(request.user, form.cleaned_data["email_frequency"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},  # type: ignore[union-attr]
    )
