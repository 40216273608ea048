from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import LearningCompany, Recognition


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    """Read-only: recognitions change through the register pages and the import, where the rules
    (catalogue crebo, no overlapping periods, warnings on withdrawal) are applied."""

    list_display = ["employer", "crebo", "start_date", "end_date", "places_offered", "source", "last_verified_on"]
    list_filter = ["source", "employer__region"]
    search_fields = ["employer__name", "employer__kvk_number", "crebo"]
    list_select_related = ["employer"]
    date_hierarchy = "start_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LearningCompany)
class LearningCompanyAdmin(admin.ModelAdmin):
    list_display = ["employer", "sbb_company_id", "sbb_adviser_name", "sbb_adviser_email"]
    search_fields = ["employer__name", "sbb_company_id", "sbb_adviser_name"]
    list_select_related = ["employer"]
    autocomplete_fields = ["employer"]
