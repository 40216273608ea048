import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

from .mfa import lacks_required_totp


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


class RequireTOTPMiddleware:
    """Send people who must use an authenticator app (see ``werkplaats.accounts.mfa``) and have
    none to the page that sets one up, whatever page they ask for.

    Open to them meanwhile: the two-factor pages themselves, re-entering the password those pages
    may ask for, logging out, the language switch, static files, the health check and the REST
    API (its calls carry a token, not this session). Listed after the authentication and htmx
    middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_prefixes: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        required = bool(
            settings.WERKPLAATS_MFA_ENFORCED
            and user is not None
            and user.is_authenticated
            and lacks_required_totp(user)
        )
        # Read by the set-up page, which then explains why it is asked for.
        request.werkplaats_totp_required = required  # type: ignore[attr-defined]
        if required and not request.path.startswith(self.open_prefixes()):
            setup = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(setup)
            return redirect(setup)
        return self.get_response(request)

    def open_prefixes(self) -> tuple[str, ...]:
        if self._open_prefixes is None:
            self._open_prefixes = (
                reverse("mfa_index"),
                reverse("account_reauthenticate"),
                reverse("account_logout"),
                reverse("core:set-language"),
                reverse("healthz"),
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
                "/api/v1/",
            )
        return self._open_prefixes
