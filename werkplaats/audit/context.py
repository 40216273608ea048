"""Who is acting right now, for the audit log.

Set by AuditContextMiddleware for requests and by ``acting_as`` for commands and tasks; read
by the recorder. A ContextVar keeps concurrent requests (threads, async) apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    organisation_id: int | None = None
    label: str = "system"
    ip_address: str | None = None


SYSTEM = Actor()
_current: ContextVar[Actor] = ContextVar("werkplaats_audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def system_actor(label: str) -> Actor:
    """An actor for work that no person does directly: a command, a task, an import."""
    return Actor(label=f"system: {label}")
