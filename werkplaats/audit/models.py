from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .field_names import field_label


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    VIEW = "view", _("viewed")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("login failed")
    LOGOUT = "logout", _("logged out")


class AuditLogQuerySet(models.QuerySet["AuditLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit log entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit log entries cannot be deleted.")

    def visible_to(self, user: Any) -> AuditLogQuerySet:
        """Platform administrators read everything; organisation administrators read the
        entries made from, or about records of, the organisations they administer."""
        from werkplaats.organisations.access import get_access
        from werkplaats.organisations.models import Role

        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        org_ids = access.organisation_ids(Role.ADMIN)
        if not org_ids:
            return self.none()
        return self.filter(models.Q(organisation_id__in=org_ids) | models.Q(subject_organisation_id__in=org_ids))


class AuditLogEntry(models.Model):
    """One thing that happened: who did what to which record, when and from which organisation.

    Append-only: the model, its queryset and database triggers (see the migration) refuse
    updates and deletes. References to users, organisations and records are kept without
    database constraints so that deleting a record never rewrites its history.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("acting for organisation"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    subject_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("organisation of the record"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["organisation", "-at"], name="audit_org_idx"),
            models.Index(fields=["subject_organisation", "-at"], name="audit_subject_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit log entries cannot be deleted.")

    def changed_field_labels(self) -> list[str]:
        """The changed fields by their names in the interface ("status", not "status_id"), in the
        model's order (PostgreSQL's jsonb keeps keys in an order of its own); the stored name,
        last, when the model or field no longer exists."""
        model = self.content_type.model_class() if self.content_type is not None else None
        fields = model._meta.concrete_fields if model else ()
        labels = [field_label(f) for f in fields if f.attname in self.changes]
        known = {f.attname for f in fields}
        return labels + sorted(name for name in self.changes if name not in known)
