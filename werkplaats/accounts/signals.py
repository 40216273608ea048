from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in, dispatch_uid="werkplaats_language_at_login")
def _speak_the_users_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """From the moment of login (including the "logged in" message) speak the user's language."""
    language = getattr(user, "language", None)
    if request is not None and language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
