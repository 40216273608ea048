from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "werkplaats.reflections"
    verbose_name = _("Reflections")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        # Answers are the participants' own words: the log says who changed one, not what it says.
        register(models.ReflectionSession)
        register(models.Answer, sensitive={"text"})
