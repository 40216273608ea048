"""The interface language a person chose, kept in one way wherever they choose it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def use_language(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Speak ``language`` from now on: for the rest of this request, in the language cookie (the
    login page after logging out speaks it too) and, for a logged-in user, on the account (their
    e-mails use it). An unknown language changes nothing."""
    if language not in dict(settings.LANGUAGES):
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
