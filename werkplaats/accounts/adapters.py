from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Werkplaats is invitation-only: nobody signs up without an organisation inviting them."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Render allauth's e-mails (password reset, ...) in the recipient's own language.
        from werkplaats.accounts.models import User

        user = User.objects.filter(email__iexact=email).only("language").first()
        language = user.language if user else translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
