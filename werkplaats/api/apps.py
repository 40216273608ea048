from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "werkplaats.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from .models import ApiToken

        register(ApiToken, exclude={"key_hash", "last_used_at"}, organisation=lambda t: t.organisation_id)
