"""What every deployment publishes about itself: where to report a vulnerability
(``/.well-known/security.txt``, RFC 9116) and the accessibility statement
(*toegankelijkheidsverklaring*). Both are public.

The reporting address is the project's (see SECURITY.md) unless the deployment sets
``WERKPLAATS_SECURITY_CONTACT`` (an address or URI, or a list of them). The accessibility page
links to the deployment's own statement when ``WERKPLAATS_ACCESSIBILITY_STATEMENT_URL`` is set,
and shows the platform's statement otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# The project's address for vulnerability reports; SECURITY.md names the same one.
SECURITY_CONTACT = "mailto:security@werkplaats.example"
PREFERRED_LANGUAGES = ("nl", "en")
# RFC 9116 asks for an expiry less than a year ahead; a day-rounded 365 days from today is.
EXPIRES_AFTER = datetime.timedelta(days=365)
_CONTACT_SCHEMES = ("mailto:", "https://", "tel:")


def security_contacts() -> list[str]:
    """The Contact URIs of security.txt: the deployment's setting, else the project's address.

    A bare e-mail address becomes a ``mailto:`` URI; a value with another scheme, or with
    whitespace (which would start a field of its own), is left out."""
    configured = getattr(settings, "WERKPLAATS_SECURITY_CONTACT", "") or ""
    values: Iterable[str] = configured.split(",") if isinstance(configured, str) else configured
    contacts = []
    for value in (str(v).strip() for v in values):
        if not value or any(c.isspace() for c in value):
            continue
        if "@" in value and ":" not in value:
            value = f"mailto:{value}"
        if value.lower().startswith(_CONTACT_SCHEMES):
            contacts.append(value)
    return contacts or [SECURITY_CONTACT]


def security_txt_expires(now: datetime.datetime | None = None) -> datetime.datetime:
    """Midnight UTC at the start of today, a year on: the same value all day, so caches agree."""
    today = (now or timezone.now()).astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + EXPIRES_AFTER


def accessibility_statement_url() -> str:
    """The deployment's own statement, when its setting holds an http(s) address."""
    url = str(getattr(settings, "WERKPLAATS_ACCESSIBILITY_STATEMENT_URL", "") or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme in {"http", "https"} and parts.netloc else ""


# Plain text that needs no database: it answers even when the database does not.
@transaction.non_atomic_requests
@require_safe
@cache_control(public=True, max_age=60 * 60)
def security_txt(request: HttpRequest) -> HttpResponse:
    context = {
        "contacts": security_contacts(),
        "expires": security_txt_expires().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "languages": ", ".join(PREFERRED_LANGUAGES),
        "canonical": request.build_absolute_uri(reverse("openness:security-txt")),
    }
    return render(request, "core/openness/security.txt", context, content_type="text/plain; charset=utf-8")


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/openness/accessibility.html",
        {"statement_url": accessibility_statement_url()},
    )
