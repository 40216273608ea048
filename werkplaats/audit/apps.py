from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "werkplaats.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from . import registry, signals  # noqa: F401

        registry.connect_signals()
