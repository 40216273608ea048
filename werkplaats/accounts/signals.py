from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from .middleware import mark_session_refreshed


@receiver(user_logged_in, dispatch_uid="werkplaats_language_at_login")
def _speak_the_users_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """From the moment of login (including the "logged in" message) speak the user's language."""
    language = getattr(user, "language", None)
    if request is not None and language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


@receiver(user_logged_in, dispatch_uid="werkplaats_session_refreshed_at_login")
def _session_refreshed_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging in writes the session anyway; the next minute of pages need not write it again."""
    if request is not None and hasattr(request, "session"):
        mark_session_refreshed(request.session)
