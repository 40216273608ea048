"""Markdown of forum posts and comments, rendered to HTML that is safe to show.

Two layers, so that a mistake in one is caught by the other:

1. markdown-it-py in CommonMark mode with raw HTML switched off: ``<script>`` in a post is text,
   not a tag. Images are switched off too (a post must not make every reader's browser fetch
   something from elsewhere), and markdown-it itself refuses ``javascript:``/``data:`` links.
2. nh3 (ammonia) with an explicit allow-list of tags, attributes and URL schemes (http, https,
   mailto, and relative addresses); every link gets ``rel="noopener noreferrer nofollow"``.

Mentions (``@handle``) are an inline rule: a handle found in ``handles`` becomes a highlighted
name (never an e-mail address); any other ``@word`` stays text. Code spans and blocks are left
alone because their rules consume the text first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

MAX_LENGTH = 20_000

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"span": {"forum-mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)

HANDLE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.IGNORECASE)
_WORD = re.compile(r"\w")


def find_handle(text: str, handles: Mapping[str, Any]) -> str | None:
    """The longest known handle at the start of ``text`` (``jan-de-vries-2`` before
    ``jan-de-vries``), or None."""
    match = HANDLE.match(text)
    if match is None:
        return None
    candidate = match.group(0).lower()
    while candidate not in handles:
        if "-" not in candidate:
            return None
        candidate = candidate.rsplit("-", 1)[0]
    return candidate


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (_WORD.match(state.src[state.pos - 1]) or state.src[state.pos - 1] == "@"):
        return False  # an e-mail address, not a mention
    handles: Mapping[str, str] = state.env.get("handles") or {}
    handle = find_handle(state.src[state.pos + 1 : state.posMax], handles)
    if handle is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"handle": handle, "name": handles[handle]}
        state.env.setdefault("mentioned", []).append(handle)
    state.pos += 1 + len(handle)
    return True


def _render_mention(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return f'<span class="forum-mention">@{escape(tokens[idx].meta["name"])}</span>'


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.inline.ruler.push("mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    return md


_MD = _parser()


def clean(html: str) -> str:
    """``html`` through the allow-list."""
    return _CLEANER.clean(html)


def render_with_mentions(text: str, handles: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """Safe HTML of ``text`` and the handles it mentions (in order, without repeats).

    ``handles`` maps a handle (lower case) to the name to show."""
    env: dict[str, Any] = {"handles": dict(handles or {})}
    html = clean(_MD.render(text or "", env))
    return html, list(dict.fromkeys(env.get("mentioned", [])))


def render(text: str, handles: Mapping[str, str] | None = None) -> str:
    """Safe HTML of the Markdown ``text``."""
    return render_with_mentions(text, handles)[0]
