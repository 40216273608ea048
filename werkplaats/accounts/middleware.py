import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Speak the language a logged-in user chose, whatever their browser says.

    Runs after LocaleMiddleware and AuthenticationMiddleware. Anonymous visitors keep the
    cookie/Accept-Language choice LocaleMiddleware made.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
            if language in dict(settings.LANGUAGES) and language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


# How often an active session's expiry is pushed forward. Saving it on every request (Django's
# SESSION_SAVE_EVERY_REQUEST) wrote the session row on every page view.
SESSION_REFRESH_SECONDS = 60
_REFRESHED_KEY = "werkplaats_refreshed_at"


class SlidingSessionMiddleware:
    """Keep a logged-in session alive for SESSION_COOKIE_AGE after the last request, writing it
    at most once a minute: the session then ends between SESSION_COOKIE_AGE and one minute less
    after the last activity.

    Listed after SessionMiddleware, so it runs before that middleware saves a modified session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        if time.time() - request.session.get(_REFRESHED_KEY, 0) >= SESSION_REFRESH_SECONDS:
            mark_session_refreshed(request.session)
        return response


def mark_session_refreshed(session: SessionBase) -> None:
    """Note that the session is being written now (it is, when this changes it)."""
    session[_REFRESHED_KEY] = int(time.time())
