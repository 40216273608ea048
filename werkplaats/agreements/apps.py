from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "werkplaats.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from werkplaats.audit.registry import register
        from werkplaats.partnerships.signals import partner_left

        from . import models
        from .services import settle_signatures

        def settle(sender: object, *, partnership: object, by: object = None, **kwargs: object) -> None:
            settle_signatures(partnership, by=by)  # type: ignore[arg-type]

        partner_left.connect(settle, weak=False, dispatch_uid="agreements-settle-signatures")
        register(models.Agreement)
        register(models.AgreementVersion)
        register(models.Signature)
