from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "werkplaats.qualifications"
    verbose_name = _("Qualifications")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from .models import ImportRun, QualificationFile

        register(QualificationFile)
        register(ImportRun, exclude={"progress", "total"})
