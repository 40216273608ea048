from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\s(on[a-z]+)=", re.IGNORECASE)


def _csp(client: Client) -> dict[str, list[str]]:
    header = client.get(reverse("account_login"))["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.fixture
def page(client: Client, db: None) -> dict[str, str]:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    return dict(response.headers)


def test_a_page_has_a_content_security_policy(page: dict[str, str]) -> None:
    assert "default-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.parametrize("directive", ["script-src", "style-src"])
def test_the_content_security_policy_forbids_inline_code(client: Client, db: None, directive: str) -> None:
    sources = _csp(client)[directive]

    assert "'self'" in sources
    assert "'unsafe-inline'" not in sources
    assert "'unsafe-eval'" not in sources


def test_the_content_security_policy_forbids_framing(client: Client, db: None) -> None:
    assert _csp(client)["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password/reset/", "/", "/organisations/", "/audit/"])
def test_pages_have_no_inline_script_or_style_the_policy_would_block(admin_client: Client, url: str) -> None:
    html = admin_client.get(url).content.decode()

    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert INLINE_HANDLER.findall(html) == []


def test_pages_cannot_be_framed(page: dict[str, str]) -> None:
    assert page["X-Frame-Options"] == "DENY"


def test_browsers_may_not_guess_content_types(page: dict[str, str]) -> None:
    assert page["X-Content-Type-Options"] == "nosniff"


def test_pages_send_a_referrer_policy(page: dict[str, str]) -> None:
    assert page["Referrer-Policy"] == "same-origin"


# --- Production profile, in a fresh process ----------------------------------------------


def _production_env(**overrides: str) -> dict[str, str]:
    """A clean environment: nothing the test run sets (such as WERKPLAATS_TESTING, or
    DJANGO_ALLOW_ASYNC_UNSAFE for browser tests) leaks into the production profile."""
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="werkplaats.example.nl",
    )
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )


def test_the_deployment_checks_pass_in_production() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run(["manage.py", "check", "--deploy"], _production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is false." in result.stderr


def test_the_deployment_checks_fail_with_a_short_secret_key() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(SECRET_KEY="short"))

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_cookies_are_secure() -> None:
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({n: getattr(s, n) for n in "
        "['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'DEBUG']}))"
    )

    result = _run(["-c", script], _production_env())

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "DEBUG": False,
    }


@pytest.mark.parametrize(
    ("overrides", "enforced"),
    [
        ({}, True),
        # `make run` and the demo accounts of the README: the password alone.
        ({"DEBUG": "true"}, False),
        # A deployment that must do without, for a reason of its own.
        ({"WERKPLAATS_MFA_ENFORCED": "false"}, False),
    ],
    ids=["production", "development", "switched off"],
)
def test_two_factor_authentication_is_enforced_in_production_for_administrators_and_coordinators(
    overrides: dict[str, str], enforced: bool
) -> None:
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.WERKPLAATS_MFA_ENFORCED, s.WERKPLAATS_MFA_REQUIRED_ROLES]))"
    )

    result = _run(["-c", script], _production_env(**overrides))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [enforced, ["admin", "coordinator"]]


# --- Responses in the production profile --------------------------------------------------
# The production settings are read once in a fresh process (as above) and applied to this one,
# so that real responses can be checked: the headers and cookies a browser would get.

PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "MIDDLEWARE",
]


@pytest.fixture(scope="module")
def production_values() -> dict[str, object]:
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = _run(["-c", script], _production_env())
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])  # type: ignore[arg-type]
    return values


@pytest.fixture
def production(settings: object, production_values: dict[str, object], db: None) -> Client:
    """A client of this process with the production profile's security settings (a new client
    loads the middleware anew, so the changed settings take effect), speaking HTTPS."""
    for name, value in production_values.items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["werkplaats.example.nl"]  # type: ignore[attr-defined]
    return Client(HTTP_HOST="werkplaats.example.nl", HTTP_X_FORWARDED_PROTO="https")


def test_production_redirects_plain_http_to_https(production: Client) -> None:
    response = Client(HTTP_HOST="werkplaats.example.nl").get(reverse("account_login"))

    assert response.status_code == 301
    assert response["Location"] == "https://werkplaats.example.nl/accounts/login/"


def test_production_trusts_the_proxy_saying_the_request_came_over_https(production: Client) -> None:
    response = Client(HTTP_HOST="werkplaats.example.nl").get(
        reverse("account_login"), headers={"x-forwarded-proto": "https"}
    )

    assert response.status_code == 200


def test_production_tells_browsers_to_use_only_https_for_a_year(production: Client) -> None:
    header = production.get(reverse("account_login"))["Strict-Transport-Security"]

    assert header == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("url", ["/accounts/login/", "/no-such-page/", "/healthz"])
def test_production_sends_the_security_headers_on_every_kind_of_response(production: Client, url: str) -> None:
    response = production.get(url)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_production_csp_is_strict(production: Client) -> None:
    header = production.get(reverse("account_login"))["Content-Security-Policy"]
    policy = {name: sources for name, *sources in (p.split() for p in header.split(";") if p.strip())}

    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    everything = [source for sources in policy.values() for source in sources]
    for loose in ("*", "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "http:", "https:", "data:"):
        allowed = policy["img-src"] if loose == "data:" else []  # inline images (QR codes) only
        assert everything.count(loose) == allowed.count(loose), loose
    # Scripts come from our own files; a page that needs an inline script gets a nonce of its own.
    assert set(policy["script-src"]) - {"'self'"} <= {s for s in policy["script-src"] if s.startswith("'nonce-")}


def _cookie_flags(production: Client, name: str) -> dict[str, object]:
    cookie = production.cookies[name]
    return {"secure": cookie["secure"], "httponly": cookie["httponly"], "samesite": cookie["samesite"]}


SECURE_COOKIE = {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_session_cookie_is_secure_http_only_and_same_site(production: Client) -> None:
    from werkplaats.accounts.tests.factories import PASSWORD, UserFactory

    user = UserFactory.create()
    response = production.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert _cookie_flags(production, "sessionid") == SECURE_COOKIE


def test_production_csrf_cookie_is_secure_http_only_and_same_site(production: Client) -> None:
    production.get(reverse("account_login"))

    assert _cookie_flags(production, "csrftoken") == SECURE_COOKIE


def test_production_language_cookie_is_secure_http_only_and_same_site(production: Client) -> None:
    production.post(reverse("core:set-language"), {"language": "en", "next": "/accounts/login/"})

    assert _cookie_flags(production, "werkplaats_language") == SECURE_COOKIE
