from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "werkplaats.goals"
    verbose_name = _("Goals")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        register(models.Goal)
        register(models.Indicator)
        register(models.IndicatorValue)
