"""Which models are audited, and the signal handlers that record their changes.

Every create, update and delete through the ORM's ``save()``/``delete()`` of a registered
model is recorded with the field changes. Bulk operations (``bulk_create``,
``QuerySet.update``) do not send signals: services that use them record explicitly with
``recorder.record``.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

SENSITIVE_MARK = "•••"


@dataclass(frozen=True)
class AuditedModel:
    model: type[models.Model]
    exclude: frozenset[str] = field(default_factory=frozenset)
    sensitive: frozenset[str] = field(default_factory=frozenset)
    organisation: Callable[[Any], int | None] | None = None

    def fields(self) -> list[models.Field[Any, Any]]:
        return [f for f in self.model._meta.concrete_fields if f.name not in self.exclude and not f.primary_key]

    def organisation_id(self, obj: Any) -> int | None:
        try:
            return self.organisation(obj) if self.organisation else None
        except Exception:  # a missing related row must never block the write being audited
            return None


_registry: dict[type[models.Model], AuditedModel] = {}


def register(
    model: type[models.Model],
    *,
    exclude: Iterable[str] = (),
    sensitive: Iterable[str] = (),
    organisation: Callable[[Any], int | None] | None = None,
) -> None:
    """Audit ``model``. ``sensitive`` fields are logged as changed without their values."""
    _registry[model] = AuditedModel(
        model=model,
        exclude=frozenset(exclude) | {"updated_at"},
        sensitive=frozenset(sensitive),
        organisation=organisation,
    )


def mark_sensitive(model: type[models.Model], names: Iterable[str]) -> None:
    """Log changes of these fields of an audited ``model`` without their values from now on."""
    config = _registry.get(model)
    if config is not None:
        _registry[model] = replace(config, sensitive=config.sensitive | frozenset(names))


def is_audited(model: type[models.Model]) -> bool:
    return model in _registry


def sensitive_fields(model: type[models.Model]) -> frozenset[str]:
    config = _registry.get(model)
    return config.sensitive if config is not None else frozenset()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, dict)):
        return value
    if hasattr(value, "name"):  # files
        return str(value.name or "")
    return str(value)


def _snapshot(config: AuditedModel, obj: Any) -> dict[str, Any]:
    return {f.attname: _plain(f.value_from_object(obj)) for f in config.fields()}


def _pre_save(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None or raw or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(config, old) if old is not None else None


def _post_save(sender: type[models.Model], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None or raw:
        return
    from .models import Action
    from .recorder import record

    after = _snapshot(config, instance)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        action = Action.CREATE
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changes:
            return
        action = Action.UPDATE
    for name in config.sensitive:
        attname = getattr(config.model._meta.get_field(name), "attname", name)
        if attname in changes:
            changes[attname] = [SENSITIVE_MARK, SENSITIVE_MARK]
    record(action, instance, changes=changes, subject_organisation_id=config.organisation_id(instance))


def _post_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None:
        return
    from .models import Action
    from .recorder import record

    record(Action.DELETE, instance, subject_organisation_id=config.organisation_id(instance))


def connect_signals() -> None:
    pre_save.connect(_pre_save, dispatch_uid="werkplaats_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="werkplaats_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="werkplaats_audit_post_delete")
