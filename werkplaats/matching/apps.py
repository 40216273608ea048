from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "werkplaats.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import counts, models

        register(models.LearningPlace, organisation=lambda place: place.employer_id)
        register(models.PlacementRequest, organisation=lambda request: request.employer_id)
        register(models.LearnerPreference)
        # Keep the stored counts of the learning places right on every change.
        counts.connect()
