from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def visible_to(self, user: Any) -> NotificationQuerySet:
        """A notification is for its recipient only."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class EmailFrequency(models.TextChoices):
    """How a person wants their notifications by e-mail. Every notification is in the app anyway."""

    IMMEDIATE = "immediate", _("by e-mail, each as it happens")
    DAILY = "daily", _("by e-mail, in one message a day")
    WEEKLY = "weekly", _("by e-mail, in one message a week (on Monday)")
    NEVER = "never", _("not by e-mail: only in the app")


class MailStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be e-mailed")
    SENT = "sent", _("e-mailed")
    SKIPPED = "skipped", _("not e-mailed")


class Notification(models.Model):
    """Something a person should know about: shown in the app, and e-mailed as the person chose
    (see ``services.notify`` and ``services.send_digests``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(
        max_length=200,
        help_text="Identifies the event, so that the same event never notifies the same person twice.",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The e-mail about it, written in the recipient's language when the notification is made, so
    # that sending later (in a digest, or a retry) needs nothing but this row.
    email_subject = models.CharField(_("e-mail subject"), max_length=255, blank=True)
    email_body = models.TextField(_("e-mail text"), blank=True)
    mail_status = models.CharField(
        _("e-mail"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING, db_index=True
    )
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message[:80]


class NotificationSettings(models.Model):
    """A person's choice of how notifications reach them by e-mail. No row means the default:
    each notification by e-mail as it happens."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("person"),
    )
    email_frequency = models.CharField(
        _("e-mail"), max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATE
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"
