"""The address of the client that sent a request, for rate limits and the audit log.

Behind a reverse proxy every request comes from the proxy's own address (REMOTE_ADDR), so
counting per address would count all visitors together and the audit log would name the proxy.
Each trusted proxy appends the address it received the request from to X-Forwarded-For; with
``ALLAUTH_TRUSTED_PROXY_COUNT`` set to the number of such proxies (nginx in front of gunicorn:
1), the client is the entry that many places from the right. Entries further left were written
by the client itself and are never believed. Login lockouts (django-allauth) read the same
setting, so all three count the same client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None if the request does not say (a test request, a bad header)."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Fewer entries than proxies: the request did not come through all of them (or the count
        # is wrong); the direct peer is then the best account of who sent it.
        if len(forwarded) >= proxies:
            found = _valid(forwarded[-proxies])
            if found is not None:
                return found
    return _valid(request.META.get("REMOTE_ADDR", ""))
