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
