"""Helpers for the browser tests: accessibility checks with axe-core, screenshots, logging in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from .paths import AXE_SOURCE, SCREENSHOTS

# WCAG 2.2 AA, as Dutch public bodies must meet it (axe has no separate wcag22a tag; its 2.2 A rules carry wcag2a).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "werkplaats"

_axe_source: str | None = None


def _inject_axe(page: Page) -> None:
    """Load axe-core into the page.

    ``page.add_script_tag(path=...)`` adds an inline <script>, which our Content-Security-Policy (script-src 'self'
    plus a nonce, no 'unsafe-inline') blocks, so ``window.axe`` would never appear. ``page.evaluate`` runs the source
    through the DevTools protocol, which the page's CSP does not govern; the policy the page is served with stays as it
    is for everything the page itself does, so the check still sees the real page.
    """
    global _axe_source
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    if _axe_source is None:
        _axe_source = AXE_SOURCE.read_text(encoding="utf-8")
    # Wrapped in a function so that Playwright evaluates a statement list, not a single expression.
    page.evaluate(f"() => {{ {_axe_source}\n; window.axe = axe; }}")


def format_violations(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.2 AA) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact') or 'n/a'}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            html = " ".join(str(node.get("html", "")).split())
            lines.append(f"    at {target}: {html[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def check_a11y(page: Page) -> None:
    """Assert that axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on the page as it is now."""
    page.wait_for_load_state("load")
    _inject_axe(page)
    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    violations = results["violations"]
    assert not violations, format_violations(violations, page.url)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ (git-ignored) for people to look at."""
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visit(page: Page, path: str, name: str) -> None:
    """Open a page, check it with axe and keep a screenshot."""
    page.goto(path)
    check_a11y(page)
    screenshot(page, name)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real login form; both the login page and the page it leads to are checked with axe."""
    page.goto("/accounts/login/")
    check_a11y(page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Inloggen").click()
    check_a11y(page)


def log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name=re.compile("Uitloggen|Log out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    check_a11y(page)


def has_visible_focus(page: Page) -> bool:
    """Whether the focused element shows a focus indicator (an outline or a box-shadow ring)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            const ring = style.boxShadow && style.boxShadow !== "none";
            return Boolean(outline || ring);
        }"""
    )


def totp_code(secret: str, *, margin: float = 4.0) -> str:
    """The current six-digit TOTP code for a base32 secret (RFC 6238: HMAC-SHA1, 30-second steps).

    allauth accepts only the current step (no tolerance), so a code taken in the last seconds of a step could expire
    before the server checks it; then wait for the next step instead of failing now and then.
    """
    remaining = 30 - time.time() % 30
    if remaining < margin:
        time.sleep(remaining + 0.1)
    counter = int(time.time() // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
