from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "werkplaats.partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        register(models.Partnership)
        register(models.PartnershipMember)
