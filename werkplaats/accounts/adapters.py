from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from .mfa import must_use_totp


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


class MFAAdapter(DefaultMFAAdapter):
    """Whoever must use an authenticator app cannot switch it off: they would be sent straight back
    to set up a new one. For a new phone, a platform administrator removes the old authenticator on
    the management site; a lost phone is what the recovery codes are for."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and settings.WERKPLAATS_MFA_ENFORCED:
            return not must_use_totp(authenticator.user)
        return True
