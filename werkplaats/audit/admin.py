from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, also for administrators."""

    list_display = ["at", "actor_label", "action", "content_type", "object_repr", "organisation"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
