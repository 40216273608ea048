"""Markdown is rendered to safe HTML: whatever a member types, no script, style, frame, event
handler or dangerous URL reaches another member's browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from ..markdown import render, render_with_mentions

ACTIVE_ELEMENTS = {"script", "style", "iframe", "object", "embed", "img", "svg", "math", "form", "frame", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "data", "poster"}
# What a browser strips from a URL before reading its scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_ELEMENTS:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and not safe_url(value or ""):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def safe_url(url: str) -> bool:
    """http(s), mailto, a fragment or a relative address; nothing a browser would run."""
    cleaned = _IGNORED_IN_SCHEME.sub("", url).lower()
    if cleaned.startswith("#"):
        return True
    scheme = urlsplit(cleaned).scheme
    return scheme in ("", "http", "https", "mailto")


def problems(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](java\tscript:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](%6Aavascript:alert(1))",
    "[klik](vbscript:msgbox(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "![x](https://evil.example/track.png)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "[x]: javascript:alert(1)\n\n[link][x]",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "`<script>`",
    "```html\n<script>alert(1)</script>\n```",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]

fragments = st.sampled_from(
    [
        *HOSTILE,
        "<",
        ">",
        "[",
        "](",
        ")",
        '"',
        "'",
        "javascript:",
        "data:",
        "on",
        "error=",
        "=",
        "&#",
        "x;",
        "\n",
        "\n\n",
        "    ",
        "*",
        "`",
        "@",
        "@jan",
        "![",
        "https://ok.example",
        "mailto:a@b.nl",
    ]
)


def test_ordinary_markdown_is_rendered() -> None:
    html = render("**vet** en *schuin*\n\n- een\n- twee\n\n[site](https://example.nl)")

    assert "<strong>vet</strong>" in html
    assert "<em>schuin</em>" in html
    assert "<li>een</li>" in html
    assert '<a href="https://example.nl" rel="noopener noreferrer nofollow">site</a>' in html


def test_raw_html_is_shown_as_text() -> None:
    html = render("<script>alert(1)</script>")

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_images_are_not_embedded() -> None:
    assert "<img" not in render("![logo](https://example.nl/logo.png)")


def test_each_known_attack_is_neutralised() -> None:
    for text in HOSTILE:
        assert problems(render(text)) == [], text


def test_the_inspector_catches_what_it_should() -> None:
    """The fuzz test below is only as good as its inspector."""
    assert problems('<script>x</script><a href="java\tscript:x" onclick="y">z</a><p style="x">')
    assert problems('<img src="data:image/png;base64,xx">')
    assert not problems('<a href="/rel">x</a><a href="#top">y</a><a href="mailto:a@b.nl">z</a>')


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(fragments, max_size=12).map("".join))
def test_hostile_combinations_leave_no_active_content(text: str) -> None:
    assert problems(render(text)) == []


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=300))
def test_arbitrary_text_leaves_no_active_content(text: str) -> None:
    assert problems(render(text, {"jan": "<script>Jan</script>"})) == []


def test_a_known_handle_becomes_a_highlighted_name() -> None:
    html, mentioned = render_with_mentions("Dank je @jan-de-vries!", {"jan-de-vries": "Jan de Vries"})

    assert '<span class="forum-mention">@Jan de Vries</span>!' in html
    assert mentioned == ["jan-de-vries"]


def test_a_name_with_markup_is_escaped_in_a_mention() -> None:
    html = render("@jan", {"jan": '<img src=x onerror="alert(1)">'})

    assert "<img" not in html
    assert problems(html) == []


def test_unknown_handles_e_mail_addresses_and_code_are_no_mentions() -> None:
    handles = {"jan": "Jan"}
    html, mentioned = render_with_mentions("@piet, mail jan@example.nl of `@jan`", handles)

    assert mentioned == []
    assert "forum-mention" not in html
    assert "@piet" in html


def test_the_longest_known_handle_wins() -> None:
    _html, mentioned = render_with_mentions(
        "@jan-de-vries-2 en @jan-de-vries", {"jan-de-vries": "Jan", "jan-de-vries-2": "Jan II"}
    )

    assert mentioned == ["jan-de-vries-2", "jan-de-vries"]
