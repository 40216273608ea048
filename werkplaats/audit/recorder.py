from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from .context import current_actor
from .models import Action, AuditLogEntry


def audit_repr(obj: models.Model) -> str:
    """The record's name in the log: its ``audit_repr()`` where a model has one (records about a
    learner are named by number, since the log is append-only and outlives an erasure), else
    its ``str()``."""
    named = getattr(obj, "audit_repr", None)
    return named() if callable(named) else str(obj)


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    subject_organisation_id: int | None = None,
    object_repr: str | None = None,
) -> AuditLogEntry:
    """Append one entry for the current actor (see ``context``)."""
    actor = current_actor()
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    entry = AuditLogEntry(
        actor=user,
        actor_label=(user.email if user else actor.label)[:254],
        organisation_id=actor.organisation_id,
        action=action,
        subject_organisation_id=subject_organisation_id,
        changes=changes or {},
        ip_address=actor.ip_address,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        entry.object_id = str(obj.pk)
        entry.object_repr = (object_repr if object_repr is not None else audit_repr(obj))[:200]
    elif object_repr:
        entry.object_repr = object_repr[:200]
    entry.save()
    return entry


def record_view(
    request: HttpRequest, obj: models.Model, *, subject_organisation_id: int | None = None
) -> AuditLogEntry:
    """Record that the requesting user opened a person's record (call from the detail view)."""
    return record(Action.VIEW, obj, subject_organisation_id=subject_organisation_id)
