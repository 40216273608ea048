from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "werkplaats.meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import models

        # Guests are people outside the partnership: the log records that their sign-up was made,
        # changed or cancelled, never their name, address or phone number (the log is kept for
        # good; the sign-up's personal fields are deleted 30 days after the session).
        register(models.GuestRegistration, sensitive={"name", "email", "organisation", "phone", "cancel_token_hash"})
