"""Moderation: the manager hides a post or comment with a reason and shows it again, each time
recorded (who, when, why); authors edit and remove their own comments, which keep their place."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast, cast

from .. import services
from ..models import DocumentComment, ModerationAction, ModerationEvent, Post
from .helpers import access, client, pdf, thread, url
from .test_markdown import Inspector

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in the source language


def in_english(*members: Any) -> None:
    for member in members:
        member.user.language = "en"
        member.user.save()


def hidden_post(c: Cast, body: str = "Koop nu bij mij!", reason: str = "Reclame") -> Post:
    post = thread(c.member, body=body).posts.get()
    return services.hide_post(post, pa=access(c.manager), reason=reason)


def comments(c: Cast, *bodies: str) -> list[DocumentComment]:
    document = services.share_document(access(c.manager), title="Concept werkplan", upload=pdf())
    version = document.versions.get()
    return [services.comment_on(version, pa=access(c.member), body=body) for body in bodies]


def version_page(c: Cast, comment: DocumentComment, viewer: Any = None) -> str:
    address = url(c, "version", pk=comment.version.document_id, number=comment.version.number)
    return client((viewer or c.worker).user).get(address).content.decode()


# --- Showing a hidden post again --------------------------------------------------------------


def test_the_manager_shows_a_hidden_post_again_and_the_reason_disappears() -> None:
    c = cast()
    post = hidden_post(c, body="Wie komt er zaterdag?", reason="Verkeerde draad")
    page = client(c.worker.user).get(post.thread.get_absolute_url()).content.decode()
    assert "Verkeerde draad" in page and "Wie komt er zaterdag?" not in page

    response = client(c.manager.user).post(url(c, "post-restore", pk=post.pk))

    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    page = client(c.worker.user).get(post.thread.get_absolute_url()).content.decode()
    assert "Verkeerde draad" not in page
    assert "Wie komt er zaterdag?" in page
    post.refresh_from_db()
    assert (post.hidden_at, post.hidden_by, post.hidden_reason) == (None, None, "")


def test_hiding_and_showing_again_are_recorded_with_who_when_and_why() -> None:
    c = cast()
    before = timezone.now()
    post = hidden_post(c, reason="Reclame")

    services.restore_post(post, pa=access(c.manager))

    hide, restore = post.moderation_events.order_by("at", "id")
    assert (hide.action, hide.actor, hide.reason) == (ModerationAction.HIDE, c.manager.user, "Reclame")
    assert (restore.action, restore.actor, restore.reason) == (ModerationAction.RESTORE, c.manager.user, "")
    assert before <= hide.at <= restore.at <= timezone.now()
    assert restore.comment is None


def test_a_post_can_be_hidden_again_after_it_was_shown_again() -> None:
    c = cast()
    post = hidden_post(c, reason="Reclame")
    services.restore_post(post, pa=access(c.manager))

    services.hide_post(post, pa=access(c.manager), reason="Toch reclame")

    post.refresh_from_db()
    assert post.hidden_reason == "Toch reclame"
    assert list(post.moderation_events.values_list("action", flat=True)) == ["hide", "restore", "hide"]


def test_only_the_manager_shows_a_hidden_post_again() -> None:
    c = cast()
    post = hidden_post(c)

    for member in (c.member, c.worker, c.steering_member):  # the author, a coordinator, the steering group
        assert client(member.user).get(url(c, "post-restore", pk=post.pk)).status_code == 403
        assert client(member.user).post(url(c, "post-restore", pk=post.pk)).status_code == 403
        with pytest.raises(PermissionDenied):
            services.restore_post(post, pa=access(member))
    assert client(c.outsider).post(url(c, "post-restore", pk=post.pk)).status_code == 404

    post.refresh_from_db()
    assert post.hidden_reason == "Reclame"
    assert post.moderation_events.count() == 1


def test_showing_a_post_that_is_not_hidden_changes_nothing() -> None:
    c = cast()
    post = thread(c.member).posts.get()

    with pytest.raises(ValidationError):
        services.restore_post(post, pa=access(c.manager))
    response = client(c.manager.user).post(url(c, "post-restore", pk=post.pk))
    page = client(c.manager.user).get(url(c, "post-restore", pk=post.pk))

    assert response.status_code == 302
    assert page.status_code == 200
    assert "Dit bericht is niet verborgen." in page.content.decode()
    assert not ModerationEvent.objects.exists()


def test_the_confirmation_shows_the_hidden_text_and_who_hid_it_and_why() -> None:
    c = cast()
    c.manager.user.name = "Anna de Vries"
    c.manager.user.save()
    in_english(c.manager)
    post = hidden_post(c, body="Koop nu bij mij!", reason="Reclame")

    page = client(c.manager.user).get(url(c, "post-restore", pk=post.pk)).content.decode()

    assert "Koop nu bij mij!" in page
    assert "hidden by Anna de Vries, reason: Reclame" in page
    assert 'type="submit"' in page


def test_the_thread_offers_the_manager_alone_to_show_a_hidden_post_again() -> None:
    c = cast()
    post = hidden_post(c)
    link = url(c, "post-restore", pk=post.pk)

    assert link in client(c.manager.user).get(post.thread.get_absolute_url()).content.decode()
    assert link not in client(c.member.user).get(post.thread.get_absolute_url()).content.decode()


def test_posts_hidden_before_moderation_events_get_their_hide_event() -> None:
    c = cast()
    post = thread(c.member).posts.get()
    at = timezone.now()
    Post.objects.filter(pk=post.pk).update(hidden_at=at, hidden_by=c.manager.user, hidden_reason="Reclame")
    migration = importlib.import_module("werkplaats.forum.migrations.0003_record_earlier_hiding")

    migration.record_hidden_posts(apps, None)
    migration.record_hidden_posts(apps, None)  # a second run adds nothing

    (event,) = ModerationEvent.objects.all()
    assert (event.post, event.action, event.actor, event.reason, event.at) == (
        post,
        ModerationAction.HIDE,
        c.manager.user,
        "Reclame",
        at,
    )


# --- Comments: edited and removed by their author ---------------------------------------------


def test_the_author_edits_a_comment_which_is_marked_edited() -> None:
    c = cast()
    in_english(c.worker)
    (comment,) = comments(c, "Te krap in mei.")

    response = client(c.member.user).post(url(c, "comment-edit", pk=comment.pk), {"body": "Te **krap** in juni."})

    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.body_html == "<p>Te <strong>krap</strong> in juni.</p>\n"
    assert comment.edited_at is not None
    page = version_page(c, comment)
    assert "Te <strong>krap</strong> in juni." in page
    assert "Te krap in mei." not in page
    assert "(edited " in page


def test_an_edited_comment_is_still_sanitised() -> None:
    c = cast()
    (comment,) = comments(c, "Eerst netjes.")

    services.edit_comment(
        comment, pa=access(c.member), body="<script>alert(1)</script> [klik](javascript:alert(1)) <img src=x>"
    )

    comment.refresh_from_db()
    inspector = Inspector()
    inspector.feed(comment.body_html)
    assert inspector.problems == []
    assert "<script>" not in version_page(c, comment)


def test_an_empty_or_too_long_edit_is_shown_at_the_field_and_changes_nothing() -> None:
    c = cast()
    (comment,) = comments(c, "Te krap in mei.")
    author = client(c.member.user)

    empty = author.post(url(c, "comment-edit", pk=comment.pk), {"body": " "})
    long = author.post(url(c, "comment-edit", pk=comment.pk), {"body": "x" * 20_001})

    assert (empty.status_code, long.status_code) == (200, 200)
    assert empty.context["form"].errors["body"] and long.context["form"].errors["body"]
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Te krap in mei.", None)


def test_editing_a_comment_tells_a_newly_mentioned_member_once() -> None:
    c = cast()
    c.worker.user.name = "Piet Smit"
    c.worker.user.save()
    c.manager.user.name = "Anna de Vries"
    c.manager.user.save()
    (comment,) = comments(c, "Wat vind jij, @piet-smit?")

    services.edit_comment(comment, pa=access(c.member), body="Wat vinden @piet-smit en @anna-de-vries?")

    assert Notification.objects.filter(recipient=c.worker.user, key__startswith="forum-comment-mention:").count() == 1
    (told,) = Notification.objects.filter(recipient=c.manager.user, key__startswith="forum-comment-mention:")
    assert told.url == comment.get_absolute_url()


def test_the_author_removes_a_comment_which_keeps_its_place() -> None:
    c = cast()
    in_english(c.worker)
    first, middle, last = comments(c, "Eerste opmerking.", "Tweede opmerking.", "Derde opmerking.")

    response = client(c.member.user).post(url(c, "comment-delete", pk=middle.pk))

    assert response.status_code == 302
    page = version_page(c, middle)
    assert "Tweede opmerking." not in page
    assert "Comment removed by the author." in page
    positions = [page.index(f'id="{comment.anchor}"') for comment in (first, middle, last)]
    assert positions == sorted(positions)
    assert page.index("Comment removed by the author.") > positions[1]
    assert DocumentComment.objects.count() == 3


def test_nobody_else_edits_or_removes_a_comment_not_even_the_manager() -> None:
    c = cast()
    (comment,) = comments(c, "Te krap in mei.")

    for member in (c.worker, c.manager):
        other = client(member.user)
        assert other.get(url(c, "comment-edit", pk=comment.pk)).status_code == 403
        assert other.post(url(c, "comment-edit", pk=comment.pk), {"body": "Anders"}).status_code == 403
        assert other.post(url(c, "comment-delete", pk=comment.pk)).status_code == 403
    assert client(c.outsider).post(url(c, "comment-delete", pk=comment.pk)).status_code == 404

    comment.refresh_from_db()
    assert (comment.body, comment.edited_at, comment.removed_at) == ("Te krap in mei.", None, None)


def test_a_removed_or_hidden_comment_can_no_longer_be_edited() -> None:
    c = cast()
    removed, hidden = comments(c, "Weg ermee.", "Koop nu!")
    services.remove_comment(removed, pa=access(c.member))
    services.hide_comment(hidden, pa=access(c.manager), reason="Reclame")

    for comment in (removed, hidden):
        with pytest.raises(ValidationError):
            services.edit_comment(comment, pa=access(c.member), body="Toch nog iets.")
        response = client(c.member.user).post(url(c, "comment-edit", pk=comment.pk), {"body": "Toch nog iets."})
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()

    assert not DocumentComment.objects.filter(body="Toch nog iets.").exists()


def test_a_comment_of_another_partnership_is_not_found() -> None:
    c, other = cast(), cast()
    (elsewhere,) = comments(other, "Elders.")

    assert client(c.member.user).get(url(c, "comment-edit", pk=elsewhere.pk)).status_code == 404
    assert client(c.manager.user).post(url(c, "comment-hide", pk=elsewhere.pk), {"reason": "X"}).status_code == 404


# --- Comments: hidden by the manager ----------------------------------------------------------


def test_the_manager_hides_a_comment_with_a_reason_shown_in_its_place() -> None:
    c = cast()
    in_english(c.worker)
    (comment,) = comments(c, "Koop nu bij mij!")
    manager = client(c.manager.user)

    empty = manager.post(url(c, "comment-hide", pk=comment.pk), {"reason": " "})
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"]
    response = manager.post(url(c, "comment-hide", pk=comment.pk), {"reason": "Reclame"})

    assert response.status_code == 302
    page = version_page(c, comment)
    assert "Koop nu bij mij!" not in page
    assert "Comment hidden by the manager. Reason: Reclame" in page
    (event,) = comment.moderation_events.all()
    assert (event.action, event.actor, event.reason, event.post) == ("hide", c.manager.user, "Reclame", None)


def test_a_comment_hidden_twice_is_refused_the_second_time() -> None:
    c = cast()
    (comment,) = comments(c, "Koop nu!")
    services.hide_comment(comment, pa=access(c.manager), reason="Reclame")

    response = client(c.manager.user).post(url(c, "comment-hide", pk=comment.pk), {"reason": "Nog eens"})

    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.hidden_reason == "Reclame"
    assert comment.moderation_events.count() == 1


def test_the_manager_shows_a_hidden_comment_again() -> None:
    c = cast()
    (comment,) = comments(c, "Toch een goed punt.")
    services.hide_comment(comment, pa=access(c.manager), reason="Vergissing")
    link = url(c, "comment-restore", pk=comment.pk)
    assert link in version_page(c, comment, viewer=c.manager)
    assert link not in version_page(c, comment)

    response = client(c.manager.user).post(link)

    assert response.status_code == 302
    page = version_page(c, comment)
    assert "Toch een goed punt." in page
    assert "Vergissing" not in page
    assert list(comment.moderation_events.values_list("action", "actor")) == [
        ("hide", c.manager.user.pk),
        ("restore", c.manager.user.pk),
    ]


def test_only_the_manager_hides_a_comment_or_shows_it_again() -> None:
    c = cast()
    shown, hidden = comments(c, "Eerste.", "Tweede.")
    services.hide_comment(hidden, pa=access(c.manager), reason="Reclame")

    for member in (c.member, c.worker):
        other = client(member.user)
        assert other.get(url(c, "comment-hide", pk=shown.pk)).status_code == 403
        assert other.post(url(c, "comment-hide", pk=shown.pk), {"reason": "Weg"}).status_code == 403
        assert other.post(url(c, "comment-restore", pk=hidden.pk)).status_code == 403
        with pytest.raises(PermissionDenied):
            services.hide_comment(shown, pa=access(member), reason="Weg")

    shown.refresh_from_db()
    hidden.refresh_from_db()
    assert (shown.hidden_at, hidden.hidden_reason) == (None, "Reclame")
