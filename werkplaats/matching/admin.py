from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import LearningPlace, MatchingRound, PlacementRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: offers, requests and rounds change through their pages, where the rules (recognition on the
    start date, free places, who may answer, a round's state) are applied and people are told."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LearningPlace)
class LearningPlaceAdmin(ReadOnlyAdmin):
    list_display = ["employer", "crebo", "capacity", "period_start", "period_end", "hours_per_week"]
    list_filter = ["employer__region", "trainer_available"]
    search_fields = ["employer__name", "crebo"]
    list_select_related = ["employer"]


@admin.register(PlacementRequest)
class PlacementRequestAdmin(ReadOnlyAdmin):
    # No learner names in the list: the request's page shows them to those who may see the trajectory.
    list_display = ["pk", "employer", "place", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["employer__name"]
    list_select_related = ["employer", "place__employer"]
    exclude = ["message"]


@admin.register(MatchingRound)
class MatchingRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "start_date", "status", "computed_at", "published_at"]
    list_filter = ["status", "region"]
    search_fields = ["name"]
    list_select_related = ["region"]
