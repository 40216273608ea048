from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "werkplaats.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from .audit import keep_learner_values_out_of_the_audit_log

        keep_learner_values_out_of_the_audit_log()
