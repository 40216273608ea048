"""The catalogue in Django's admin: for looking things up. Catalogue data comes from imports only
(the import page or ``manage.py import_qualifications``), so nothing is added, changed or deleted here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CoreTask, ImportRun, Qualification, QualificationFile, WorkProcess


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QualificationInline(ReadOnlyInline):
    model = Qualification
    fields = ["crebo", "name", "level", "kind"]


class WorkProcessInline(ReadOnlyInline):
    model = WorkProcess
    fields = ["code", "title"]


@admin.register(QualificationFile)
class QualificationFileAdmin(ReadOnlyAdmin):
    list_display = ["dossier_crebo", "name", "version_number", "version_label", "is_current", "source", "adopted_on"]
    list_filter = ["is_current", "source", "domain"]
    search_fields = ["dossier_crebo", "name"]
    readonly_fields = ["content_hash"]
    inlines = [QualificationInline]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["crebo", "name", "level", "kind", "domain", "file"]
    list_filter = ["level", "file__is_current", "domain"]
    search_fields = ["crebo", "name", "file__dossier_crebo", "file__name"]
    list_select_related = ["file"]


@admin.register(CoreTask)
class CoreTaskAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "part", "file", "qualification"]
    list_filter = ["part", "file__is_current"]
    search_fields = ["code", "title", "file__dossier_crebo", "qualification__crebo"]
    list_select_related = ["file", "qualification"]
    inlines = [WorkProcessInline]


@admin.register(WorkProcess)
class WorkProcessAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "core_task"]
    search_fields = ["code", "title", "core_task__file__dossier_crebo"]
    list_select_related = ["core_task"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "started_by", "status", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["started_by"]
    exclude = ["stored_paths"]
