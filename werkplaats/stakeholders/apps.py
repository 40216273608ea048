from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "werkplaats.stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        # Who changed the map is in the audit log; where a stakeholder stood is in its snapshots.
        register(models.Stakeholder)
        register(models.Relation)
        register(models.Tension)
