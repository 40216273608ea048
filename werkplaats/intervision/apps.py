from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntervisionConfig(AppConfig):
    name = "werkplaats.intervision"
    verbose_name = _("Intervision")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        # What is said in intervision stays in the group: the log records who changed a session
        # (and, in the session view, who opened it), never its work question or notes.
        register(models.IntervisionGroup)
        register(models.Participant)
        register(models.Method)
        register(models.IntervisionSession, sensitive={"work_question", "notes"})
