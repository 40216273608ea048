from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "werkplaats.partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        # The partnership's governance: who changed its members, groups, actions and reports.
        register(models.Partnership)
        register(models.Partner)
        register(models.PartnershipMember)
        register(models.Group)
        register(models.GroupMember)
        register(models.Action)
        register(models.ProgressReport)
