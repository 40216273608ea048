from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "werkplaats.certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        register(models.Certificate, exclude={"pdf", "pdf_sha256"}, organisation=lambda o: o.learner.organisation_id)
        register(models.Revocation, organisation=lambda o: o.certificate.learner.organisation_id)
        register(models.IssueBatch, exclude={"results"}, organisation=lambda o: o.school_id)
