from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuccessesConfig(AppConfig):
    name = "werkplaats.successes"
    verbose_name = _("Successes")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        register(models.Success)
