from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "werkplaats.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import signals  # noqa: F401
        from .models import User

        register(User, exclude={"password", "last_login"})
