from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


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
