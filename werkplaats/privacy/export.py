"""Subject access (AVG art. 15): everything the platform holds that is linked to one learner.

Starting from the learner, every record that refers to it is collected by following the models'
reverse relations (trajectories, their events, plans, reviews, hours, assessments and evidence,
log entries, certificates, matching rounds, ...), so a model added later is included without a
change here. A learner with a login also gets their account and what hangs off it (memberships,
notifications, settings). Secrets (password hashes, token hashes) are never included; the
special-category fields only for those who may see them.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from werkplaats.audit.field_names import field_label
from werkplaats.trajectories.models import Learner

from .register import sensitive_fields

# Never part of an export: credentials. Raw bytes (binary fields) are left out too.
SECRET_FIELDS = frozenset({"password", "token_hash", "key_hash", "cancel_token_hash"})
# Registered learner data that no foreign key links to one learner, so no export can find it: the
# rows of an uploaded import file stay with the import (removed with it), whoever they are about.
NOT_LINKED_TO_A_LEARNER = frozenset({"imports.ImportJob"})
# The fields of the account a person owns; other reverse relations to a user are things they did
# for others (created_by, approved_by), which the records they belong to show.
OWNER_FIELDS = frozenset({"user", "recipient"})
MAX_DEPTH = 5


@dataclass
class ExportRecord:
    pk: Any
    label: str
    fields: list[tuple[str, str, Any]] = field(default_factory=list)  # (name, verbose name, value)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "record": self.label, "fields": {name: value for name, _label, value in self.fields}}


@dataclass
class ExportSection:
    model: str  # "app_label.ModelName"
    title: str
    records: list[ExportRecord] = field(default_factory=list)

    def field_names(self) -> set[str]:
        return {name for record in self.records for name, _label, _value in record.fields}


@dataclass
class SubjectExport:
    learner: Learner
    generated_at: datetime.datetime
    sections: list[ExportSection]
    withheld: list[str]  # verbose names of sensitive fields left out

    def as_dict(self) -> dict[str, Any]:
        return {
            "learner": self.learner.pk,
            "generated_at": self.generated_at.isoformat(),
            "withheld": self.withheld,
            "sections": [
                {"model": s.model, "title": s.title, "records": [r.as_dict() for r in s.records]} for s in self.sections
            ],
        }

    def covered(self) -> set[tuple[str, str]]:
        return {(s.model, name) for s in self.sections for name in s.field_names()}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return None
    if hasattr(value, "name"):  # a stored file: its name, never its contents
        return str(value.name or "")
    return str(value)


def _value(obj: models.Model, f: Any) -> Any:
    if f.is_relation and (f.many_to_one or f.one_to_one):
        related = getattr(obj, f.name)
        return str(related) if related is not None else None
    if f.choices:
        raw = f.value_from_object(obj)
        return {"value": raw, "label": str(dict(f.flatchoices).get(raw, raw))} if raw not in (None, "") else raw
    return _plain(f.value_from_object(obj))


def _record(obj: models.Model, hidden: set[tuple[str, str]], withheld: set[str]) -> ExportRecord:
    label = obj._meta.label
    record = ExportRecord(pk=obj.pk, label=str(obj)[:200])
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in SECRET_FIELDS or isinstance(f, models.BinaryField):
            continue
        if (label, f.name) in hidden:
            withheld.add(field_label(f))
            continue
        record.fields.append((f.name, field_label(f), _value(obj, f)))
    for m2m in obj._meta.many_to_many:
        record.fields.append((m2m.name, field_label(m2m), [str(o) for o in getattr(obj, m2m.name).all()]))
    return record


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    return [
        rel
        for rel in model._meta.related_objects
        if (rel.one_to_many or rel.one_to_one) and rel.related_model.__module__.startswith("werkplaats.")
    ]


def _children(obj: models.Model, rel: Any) -> list[models.Model]:
    manager = rel.related_model._base_manager
    return list(manager.filter(**{rel.field.name: obj}).order_by("pk"))


def build_export(learner: Learner, *, include_sensitive: bool) -> SubjectExport:
    hidden = set() if include_sensitive else sensitive_fields()
    withheld: set[str] = set()
    sections: dict[str, ExportSection] = {}
    seen: set[tuple[str, Any]] = set()

    def add(obj: models.Model) -> bool:
        key = (obj._meta.label, obj.pk)
        if key in seen:
            return False
        seen.add(key)
        section = sections.setdefault(
            obj._meta.label, ExportSection(model=obj._meta.label, title=str(obj._meta.verbose_name_plural))
        )
        section.records.append(_record(obj, hidden, withheld))
        return True

    queue: deque[tuple[models.Model, int]] = deque([(learner, 0)])
    add(learner)
    user = learner.user
    if user is not None and add(user):
        for rel in type(user)._meta.related_objects:
            if rel.field.name in OWNER_FIELDS and rel.related_model.__module__.startswith("werkplaats."):
                for child in _children(user, rel):
                    if add(child):
                        queue.append((child, MAX_DEPTH - 2))  # what hangs off an account is shallow
    while queue:
        obj, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        for rel in _reverse_relations(type(obj)):
            for child in _children(obj, rel):
                if add(child):
                    queue.append((child, depth + 1))

    return SubjectExport(
        learner=learner,
        generated_at=timezone.now(),
        sections=list(sections.values()),
        withheld=sorted(withheld),
    )
