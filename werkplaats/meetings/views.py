"""The partnership's calendar, sign-up, and each person's private calendar feed. Thin: parse,
call a service, render."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import Partnership

from . import feeds, services
from .forms import CancelEventForm, EventForm
from .models import CalendarFeed, Event, RegistrationStatus

PAST_PER_PAGE = 20


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _event(pa: PartnershipAccess, pk: int) -> Event:
    return get_object_or_404(
        Event.objects.filter(partnership=pa.partnership).for_reader(pa.user_id).select_related("partnership"), pk=pk
    )


def _by_month(events: list[Event]) -> list[dict[str, Any]]:
    def month(event: Event) -> Any:
        return timezone.localtime(event.starts_at).date().replace(day=1)

    return [{"month": key, "events": list(group)} for key, group in itertools.groupby(events, key=month)]


@login_required
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    events = Event.objects.filter(partnership=pa.partnership).for_reader(pa.user_id)
    now = timezone.now()
    upcoming = list(events.upcoming(now).order_by("starts_at", "pk"))
    past = list(events.past(now).order_by("-starts_at", "-pk")[:5])
    return render(
        request,
        "meetings/list.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "months": _by_month(upcoming),
            "past": past,
            "may_plan": services.can_plan(pa),
            "now": now,
        },
    )


@login_required
def past_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    events = Event.objects.filter(partnership=pa.partnership).for_reader(pa.user_id)
    page = Paginator(events.past().order_by("-starts_at", "-pk"), PAST_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "meetings/past.html", {"partnership": pa.partnership, "pa": pa, "page": page})


@login_required
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    event = _event(pa, pk)
    may_manage = services.can_manage(pa, event)
    registrations = (
        list(event.registrations.active().select_related("user").order_by("signed_up_at", "pk")) if may_manage else []
    )
    mine = event.registrations.active().filter(user_id=pa.user_id).first()
    if mine is not None:
        mine.event = event
    see_guests = services.can_see_guests(pa, event) and event.is_information_session
    guests = services.guest_list(event) if see_guests else []
    if guests:
        # Names and addresses of people outside the partnership: who saw them goes in the log.
        record(Action.VIEW, event, object_repr=f"guest list: {event}", changes={"guests": len(guests)})
    return render(
        request,
        "meetings/detail.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "event": event,
            "may_manage": may_manage,
            "confirmed": [r for r in registrations if r.status == RegistrationStatus.CONFIRMED],
            "waiting": [r for r in registrations if r.status == RegistrationStatus.WAITING],
            "mine": mine,
            "place_in_queue": services.place_in_queue(mine) if mine is not None else None,
            "may_sign_up": _may_sign_up(request, event),
            "see_guests": see_guests,
            "guests": guests,
            "public_url": request.build_absolute_uri(event.get_public_url()) if event.is_open_to_guests else None,
            "now": timezone.now(),
        },
    )


def _may_sign_up(request: HttpRequest, event: Event) -> bool:
    """Whether the reader may sign up (the page shows who a group meeting is for instead)."""
    return not event.signup_required or services.may_sign_up(event, request.user)


def _form(request: HttpRequest, pa: PartnershipAccess, event: Event | None = None) -> EventForm:
    return EventForm(
        _posted(request),
        partnership=pa.partnership,
        groups=services.plannable_groups(pa),
        may_plan_any=pa.is_manager,
        event=event,
    )


@login_required
def event_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.can_plan(pa))
    form = _form(request, pa)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(pa.partnership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(title)s is in the calendar.") % {"title": event.title})
            return redirect("meetings:detail", slug=slug, pk=event.pk)
    return render(request, "meetings/form.html", {"partnership": pa.partnership, "form": form, "event": None})


@login_required
def event_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    event = _event(pa, pk)
    pa.require(services.can_manage(pa, event))
    if event.is_cancelled:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("meetings:detail", slug=slug, pk=event.pk)
    form = _form(request, pa, event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("meetings:detail", slug=slug, pk=event.pk)
    return render(request, "meetings/form.html", {"partnership": pa.partnership, "form": form, "event": event})


@login_required
def event_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    event = _event(pa, pk)
    pa.require(services.can_manage(pa, event))
    form = CancelEventForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_event(event, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The event is cancelled. Everyone who signed up is told."))
            return redirect("meetings:detail", slug=slug, pk=event.pk)
    return render(request, "meetings/cancel.html", {"partnership": pa.partnership, "event": event, "form": form})


def _sign(request: HttpRequest, slug: str, pk: int, *, cancel: bool) -> HttpResponse:
    pa = partnership_access(request, slug)
    event = _event(pa, pk)
    if request.method == "POST":
        try:
            if cancel:
                services.cancel_sign_up(event, user=request.user)
                messages.success(request, _("Your sign-up is cancelled."))
            else:
                registration = services.sign_up(event, user=request.user)
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(request, _("You are signed up."))
                else:
                    messages.success(
                        request,
                        _("The event is full: you are on the waiting list. When a place comes free, it is yours."),
                    )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("meetings:detail", slug=slug, pk=event.pk)
    return render(
        request,
        "meetings/sign.html",
        {
            "partnership": pa.partnership,
            "event": event,
            "cancel": cancel,
            "may_sign_up": cancel or _may_sign_up(request, event),
            "now": timezone.now(),
        },
    )


@login_required
def sign_up(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks to confirm (so a link works without JavaScript); POST signs up."""
    return _sign(request, slug, pk, cancel=False)


@login_required
def sign_off(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks to confirm; POST cancels the reader's sign-up."""
    return _sign(request, slug, pk, cancel=True)


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def event_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)  # first: an outsider gets a 404, whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    event = _event(pa, pk)
    content = feeds.calendar([event], name=pa.partnership.name, statuses={event.pk: event.my_status})  # type: ignore[attr-defined]
    return _ics(content, f"{slugify(event.title) or 'event'}.ics")


# --- The private feed -------------------------------------------------------------------------


@login_required
@never_cache
def feed_page(request: HttpRequest) -> HttpResponse:
    """The reader's calendar feed: make, renew or revoke its address. The address is shown once,
    right after it is made (only its hash is kept), so this POST answers with the page itself."""
    token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew":
            token = services.renew_feed(request.user)
        elif action == "revoke":
            if services.revoke_feed(request.user):
                messages.success(request, _("The feed address is revoked: calendars can no longer read it."))
            return redirect("meetings:feed")
        else:
            return redirect("meetings:feed")
    user: Any = request.user  # logged in (login_required)
    feed = CalendarFeed.objects.filter(user=user).first()
    return render(
        request,
        "meetings/feed.html",
        {
            "feed": feed,
            "feed_url": request.build_absolute_uri(reverse("meetings:feed-ics", kwargs={"token": token}))
            if token
            else None,
            "partnerships": Partnership.objects.visible_to(request.user).order_by("name"),
        },
    )


@never_cache
@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar feed, for calendar programs, which cannot log in: the token in the
    address is the credential. An unknown or revoked token is a 404."""
    feed = services.feed_for_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(feeds.feed_for(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="werkplaats.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
