from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "werkplaats.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from . import facts

        # Keep the dashboard's facts right on every change of what they count.
        facts.connect()
