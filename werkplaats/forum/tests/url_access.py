"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

Every member reads the forum, starts threads, replies, follows threads and comments on
documents; the author edits or removes their own post or comment (here: the manager's), the
manager hides posts and comments and shows them again, and who shared a document (or the
manager) adds versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile

from werkplaats.forum.files import private_storage
from werkplaats.forum.models import Document, DocumentComment, DocumentVersion, Post, Thread
from werkplaats.partnerships.tests.url_access import manager, partnership_of

STORED = "url-access/concept-werkplan.pdf"


def thread(w: Any) -> Thread:
    partnership = partnership_of(w)
    found, created = Thread.objects.get_or_create(
        partnership=partnership, title="Werkgeversontbijt", defaults={"author": w.coordinator}
    )
    if created:
        Post.objects.create(thread=found, author=w.coordinator, body="Wie komt er?", body_html="<p>Wie komt er?</p>")
    return found


def own_post(w: Any) -> Post:
    """The manager's opening post: only they may change or remove it."""
    return thread(w).posts.order_by("created_at", "id").first()  # type: ignore[return-value]


def other_post(w: Any) -> Post:
    """A reply of the consultant, which the manager may hide."""
    t = thread(w)
    found, _created = Post.objects.get_or_create(
        thread=t, author=w.consultant, defaults={"body": "Ik kom.", "body_html": "<p>Ik kom.</p>"}
    )
    return found


def document(w: Any) -> Document:
    partnership = partnership_of(w)
    found, created = Document.objects.get_or_create(
        partnership=partnership, title="Concept werkplan", defaults={"author": w.coordinator}
    )
    if created:
        # One fixed private file, written once, so that test runs do not pile up files.
        storage = private_storage()
        if not storage.exists(STORED):
            storage.save(STORED, ContentFile(b"%PDF-1.4\n%%EOF\n"))
        DocumentVersion.objects.create(
            document=found,
            number=1,
            file=STORED,
            original_name="concept-werkplan.pdf",
            content_type="application/pdf",
            size=15,
            uploaded_by=w.coordinator,
        )
    return found


def _comment(w: Any, author: Any, body: str) -> DocumentComment:
    version = document(w).versions.get(number=1)
    found, _created = DocumentComment.objects.get_or_create(
        version=version, author=author, defaults={"body": body, "body_html": f"<p>{body}</p>"}
    )
    return found


def own_comment(w: Any) -> DocumentComment:
    """The manager's comment: only they may change or remove it."""
    return _comment(w, w.coordinator, "Graag een planning per kwartaal.")


def other_comment(w: Any) -> DocumentComment:
    """A comment of the consultant, which the manager may hide."""
    return _comment(w, w.consultant, "Mooi plan.")


def slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def thread_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": thread(w).pk}


def own_post_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": own_post(w).pk}


def document_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": document(w).pk}


def version_kwargs(w: Any) -> dict[str, Any]:
    return {**document_kwargs(w), "number": 1}


def other_post_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": other_post(w).pk}


def own_comment_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": own_comment(w).pk}


def other_comment_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": other_comment(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "forum:list": slug,
    "forum:thread-add": slug,
    "forum:thread": thread_kwargs,
    "forum:subscription": thread_kwargs,
    "forum:post-edit": own_post_kwargs,
    "forum:post-delete": own_post_kwargs,
    "forum:post-hide": other_post_kwargs,
    "forum:post-restore": other_post_kwargs,
    "forum:documents": slug,
    "forum:document-add": slug,
    "forum:document": document_kwargs,
    "forum:version-add": document_kwargs,
    "forum:version": version_kwargs,
    "forum:version-download": version_kwargs,
    "forum:comment-edit": own_comment_kwargs,
    "forum:comment-delete": own_comment_kwargs,
    "forum:comment-hide": other_comment_kwargs,
    "forum:comment-restore": other_comment_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "forum:post-edit": manager,
    "forum:post-delete": manager,
    "forum:post-hide": manager,
    "forum:post-restore": manager,
    "forum:version-add": manager,
    "forum:comment-edit": manager,
    "forum:comment-delete": manager,
    "forum:comment-hide": manager,
    "forum:comment-restore": manager,
}
