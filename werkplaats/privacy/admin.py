from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Erasure, LearnerRecord


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Erasure)
class ErasureAdmin(ReadOnly):
    list_display = ["learner_id", "reason", "erased_at", "erased_by"]
    list_filter = ["reason"]
    list_select_related = ["erased_by"]


@admin.action(description=_("Erase the personal data of the selected learners"))
def erase_learners(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    erased = 0
    for learner in queryset:
        try:
            services.erase_learner(learner, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, f"{learner.pk}: {' '.join(error.messages)}", messages.ERROR)
        else:
            erased += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d learner erased.", "%(count)d learners erased.", erased) % {"count": erased},
        messages.SUCCESS,
    )


@admin.register(LearnerRecord)
class LearnerRecordAdmin(ReadOnly):
    """Platform administrators only: erase on request. The record itself is managed in the app."""

    list_display = ["pk", "last_name", "first_name", "organisation", "created_at"]
    list_select_related = ["organisation"]
    search_fields = ["last_name", "first_name"]
    actions = [erase_learners]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)
