"""The trajectory page's content, rendered once and served again while nothing it shows changed.

A case manager opens the same trajectory many times between changes. Rendering it takes a dozen
queries and a large template; serving it again takes one query and a string from memory.

What makes a kept page exactly right:

- **The stamp.** Database triggers (migration 0005) raise a counter per trajectory on every
  insert, update and delete of a row its page shows, and a counter per shared table (names,
  memberships and roles, qualifications, matching rounds, the register of recognitions). Bulk
  updates, raw SQL, imports and erasure all raise them. The key holds them, read on every
  request right after the check that the user may see the trajectory and before anything of the
  page is, so kept content is never older than its key. ``test_page_cache.py`` checks that every
  table the page reads has a trigger.
- **Who and how.** The key holds the user, the organisation they work for, the language and the
  time zone: what one user may do is never shown to another.
- **The clock.** Days in a state, lead time and the norm move with the time of day, overdue
  reviews and weeks with the date: the content says until when it holds (``valid_until``).
- **The request.** The CSRF token in its forms is put in per request; messages and the header
  are rendered per request around it. Content is kept only after the request's transaction has
  committed, and only for GET.

Kept in each server process's memory (the ``pages`` cache, never on disk or shared), for at most
``WERKPLAATS_PAGE_CACHE_SECONDS``; 0 turns keeping off. Every view is still audited.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import Http404, HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .models import Learner, Trajectory

CACHE_ALIAS = "pages"
# Stands for the CSRF token in kept content; random per process, so no page can contain it.
_TOKEN_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
# The trajectory's own stamp and the shared ones (negative numbers, one per shared table).
_STAMPS = "SELECT trajectory_id, n FROM trajectories_pagestamp WHERE trajectory_id = %s OR trajectory_id < 0"


@dataclass(frozen=True)
class Found:
    """A trajectory the user may see, with what the page around the content needs."""

    pk: int
    learner_name: str
    organisation_id: int
    stamp: int
    shared: int


def find(request: HttpRequest, pk: int) -> Found:
    """The trajectory ``pk`` if the user may see it (``visible_to``), else a 404, with its stamps:
    two small queries, the stamps read before anything of the page is."""
    rows = (
        Trajectory.objects.visible_to(request.user)
        .filter(pk=pk)
        .order_by()
        .values_list("learner__first_name", "learner__last_name", "learner__organisation_id")
    )
    row = next(iter(rows), None)
    if row is None:
        raise Http404
    first_name, last_name, organisation_id = row
    with connection.cursor() as cursor:
        cursor.execute(_STAMPS, [pk])
        stamps = dict(cursor.fetchall())
    return Found(
        pk,
        learner_name=Learner(first_name=first_name, last_name=last_name).full_name,
        organisation_id=organisation_id,
        stamp=stamps.pop(pk, 0),
        shared=sum(stamps.values()),
    )


def seconds() -> int:
    return int(settings.WERKPLAATS_PAGE_CACHE_SECONDS)


def _key(request: HttpRequest, found: Found) -> str:
    organisation = getattr(request, "organisation", None)
    parts = [
        "trajectory-page",
        found.pk,
        found.stamp,
        found.shared,
        getattr(request.user, "pk", None),
        organisation.pk if organisation is not None else "-",
        get_language(),
        timezone.get_current_timezone_name(),
    ]
    return ":".join(str(p) for p in parts)


# The register of recognised learning companies in the database, which the stamps follow. A live
# registry elsewhere (settings.WERKPLAATS_RECOGNITION_REGISTRY) answers outside them: with one,
# every page is rendered afresh.
LOCAL_REGISTRY = "werkplaats.recognitions.registry.LocalRegister"


def _usable(request: HttpRequest) -> bool:
    return (
        seconds() > 0
        and request.method in ("GET", "HEAD")
        and settings.WERKPLAATS_RECOGNITION_REGISTRY == LOCAL_REGISTRY
    )


def kept(request: HttpRequest, found: Found) -> str | None:
    """The kept content for this user and stamp with this request's CSRF token, or None."""
    if not _usable(request):
        return None
    entry = caches[CACHE_ALIAS].get(_key(request, found))
    if entry is None:
        return None
    content, valid_until = entry
    if timezone.now() >= valid_until:
        return None
    return content.replace(_TOKEN_PLACEHOLDER, get_token(request))


def keep(request: HttpRequest, found: Found, content: str, *, token: str, valid_until: datetime.datetime) -> None:
    """Keep ``content`` (rendered with the CSRF token ``token``) once the request's transaction
    has committed; until ``valid_until`` at the latest."""
    if not _usable(request):
        return
    left = (valid_until - timezone.now()).total_seconds()
    if left <= 0:
        return
    key = _key(request, found)
    entry = (content.replace(token, _TOKEN_PLACEHOLDER), valid_until)
    timeout = min(seconds(), left)

    def store() -> None:
        caches[CACHE_ALIAS].set(key, entry, timeout)

    transaction.on_commit(store)


def clear() -> None:
    """Forget every kept page of this process (tests; a restored database)."""
    caches[CACHE_ALIAS].clear()
