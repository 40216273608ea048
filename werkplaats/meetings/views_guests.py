"""Guests of information sessions: the public sign-up page and the private cancel link (no login:
guests have no account), and the guest list as a download for the organiser and the partnership's
managers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core import ratelimit
from werkplaats.core.exports import csv_response
from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import partnership_access

from . import services
from .forms import GuestSignUpForm
from .models import Event, GuestRegistration, RegistrationStatus, taken

# Sign-ups one address may send for one session: a family or a small office behind one address
# fits; a robot filling the list does not. The count is in the cache, per address and session.
GUEST_SIGNUP_RATE = getattr(settings, "WERKPLAATS_GUEST_SIGNUP_RATE", "5/3600")


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _public_event(public_id: uuid.UUID) -> Event:
    """The session behind a public page: a 404 unless it is open to guests."""
    events = (
        Event.objects.open_to_guests()
        .filter(partnership__is_active=True)
        .select_related("partnership")
        .annotate(confirmed_count=taken(RegistrationStatus.CONFIRMED))
    )
    return get_object_or_404(events, public_id=public_id)


def _signed_up_message(guest: GuestRegistration | None, email: str) -> str:
    if guest is not None and guest.status == RegistrationStatus.WAITING:
        return _(
            "The session is full, so you are on the waiting list. When a place comes free, it is yours and we "
            "let you know. We have sent a confirmation to %(email)s."
        ) % {"email": email}
    return _("You are signed up. We have sent a confirmation to %(email)s.") % {"email": email}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guest_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An information session's public page: what, when and where, and the sign-up form."""
    event = _public_event(public_id)
    form = GuestSignUpForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST":
        verdict = ratelimit.hit(f"guest-signup:{event.pk}", request, GUEST_SIGNUP_RATE)
        if not verdict.allowed:
            form.add_error(
                None,
                _(
                    "Too many sign-ups for this session came from your internet address. Try again later, or "
                    "ask the organiser to sign you up."
                ),
            )
            response = render(
                request, "meetings/guest_page.html", {"event": event, "form": form, "signup_open": True}, status=429
            )
            response["Retry-After"] = str(verdict.retry_after)
            return _noindex(response)
        if form.is_robot():
            # Answer as if it worked, so the robot learns nothing; nothing is kept or sent.
            messages.success(request, _signed_up_message(None, str(request.POST.get("email", ""))[:254]))
            return redirect(event.get_public_url())
        if form.is_valid():
            data = form.cleaned_data
            try:
                guest = services.sign_up_guest(
                    event,
                    name=data["name"],
                    email=data["email"],
                    organisation=data["organisation"],
                    phone=data["phone"],
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    consent=data["consent"],
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _signed_up_message(guest, guest.email))
                return redirect(event.get_public_url())
    now = timezone.now()
    return _noindex(
        render(
            request,
            "meetings/guest_page.html",
            {"event": event, "form": form, "signup_open": event.signup_open(now), "now": now},
        )
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guest_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The private link in a guest's confirmation: GET asks to confirm (so a mail program that
    opens links cancels nothing), POST cancels. The link works once; an unknown or used one is a
    404."""
    guest = services.guest_for_token(token)
    if guest is None:
        raise Http404
    event = guest.event
    error = None
    if request.method == "POST":
        try:
            services.cancel_guest_sign_up(guest)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your sign-up is cancelled. Thank you for letting us know."))
            if event.is_open_to_guests and not event.is_cancelled:
                return redirect(event.get_public_url())
            return _noindex(render(request, "meetings/guest_cancel.html", {"event": event, "done": True}))
    return _noindex(
        render(
            request,
            "meetings/guest_cancel.html",
            {"event": event, "guest": guest, "error": error, "started": event.has_started()},
        )
    )


@login_required
def guest_export(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    """The guest list as CSV, for the organiser and the partnership's managers."""
    pa = partnership_access(request, slug)  # first: an outsider gets a 404, whatever the method
    event = get_object_or_404(Event.objects.filter(partnership=pa.partnership), pk=pk)
    pa.require(services.can_see_guests(pa, event))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    guests = services.guest_list(event)
    # Personal data of people outside the partnership leaves the platform: it goes in the log.
    record(Action.EXPORT, event, object_repr=f"guest list: {event}", changes={"guests": len(guests)})
    header = [_("Status"), _("Name"), _("Organisation"), _("E-mail address"), _("Phone number"), _("Signed up")]
    rows = [
        [
            guest.get_status_display(),
            guest.name,
            guest.organisation,
            guest.email,
            guest.phone,
            timezone.localtime(guest.signed_up_at).strftime("%d-%m-%Y %H:%M"),
        ]
        for guest in guests
    ]
    return csv_response(header, rows, filename=f"{slugify(event.title) or 'event'}-{_('guests')}.csv")
