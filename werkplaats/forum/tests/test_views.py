"""The forum's pages: members read and write, authors change their own posts, the manager
hides, outsiders see nothing, bad input is shown at the field, and list pages cost the same
number of queries however many rows they show."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast, cast

from .. import dashboard, services
from ..models import Post, Thread
from .helpers import access, client, thread, url

pytestmark = pytest.mark.django_db


def test_a_member_starts_a_thread_and_another_replies_and_the_first_is_notified(
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = cast()
    c.member.user.name = "Els Bakker"
    c.member.user.save()

    response = client(c.member.user).post(url(c, "thread-add"), {"title": "Ontbijt", "body": "Wie komt er?"})
    started = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == started.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        response = client(c.worker.user).post(url(c, "thread", pk=started.pk), {"body": "Ik kom!"})
    reply = Post.objects.latest("pk")
    assert response["Location"] == f"{started.get_absolute_url()}#post-{reply.pk}"

    (notification,) = Notification.objects.filter(recipient=c.member.user)
    assert notification.url == f"{started.get_absolute_url()}#post-{reply.pk}"
    page = client(c.member.user).get(started.get_absolute_url()).content.decode()
    assert "Ik kom!" in page
    assert f'id="post-{reply.pk}"' in page
    assert c.member.user.email not in page


def test_the_forms_have_labels_and_the_post_and_reply_buttons() -> None:
    c = cast()
    started = thread(c.member)
    member = client(c.member.user)

    c.member.user.language = "en"
    c.member.user.save()
    new = member.get(url(c, "thread-add")).content.decode()
    page = member.get(url(c, "thread", pk=started.pk)).content.decode()

    assert 'for="id_title">Title' in new
    assert 'for="id_body">Message' in new
    assert ">Post</button>" in new
    assert 'for="id_body">Message' in page
    assert ">Reply</button>" in page


def test_an_outsider_gets_404_everywhere() -> None:
    c = cast()
    started = thread(c.member)
    post = started.posts.get()
    outsider = client(c.outsider)

    assert outsider.get(url(c)).status_code == 404
    assert outsider.get(url(c, "thread", pk=started.pk)).status_code == 404
    assert outsider.post(url(c, "thread", pk=started.pk), {"body": "Hoi"}).status_code == 404
    assert outsider.post(url(c, "thread-add"), {"title": "X", "body": "Y"}).status_code == 404
    assert outsider.post(url(c, "post-edit", pk=post.pk), {"body": "Z"}).status_code == 404
    assert outsider.post(url(c, "post-hide", pk=post.pk), {"reason": "Z"}).status_code == 404
    assert outsider.post(url(c, "subscription", pk=started.pk), {"action": "subscribe"}).status_code == 404
    assert Post.objects.count() == 1


def test_a_thread_of_another_partnership_is_not_found() -> None:
    c, other = cast(), cast()
    elsewhere = thread(other.member)

    assert client(c.member.user).get(url(c, "thread", pk=elsewhere.pk)).status_code == 404


def test_another_member_may_not_edit_remove_or_hide_a_post() -> None:
    c = cast()
    post = thread(c.member).posts.get()
    other = client(c.worker.user)

    assert other.get(url(c, "post-edit", pk=post.pk)).status_code == 403
    assert other.post(url(c, "post-edit", pk=post.pk), {"body": "Anders"}).status_code == 403
    assert other.post(url(c, "post-delete", pk=post.pk)).status_code == 403
    assert other.post(url(c, "post-hide", pk=post.pk), {"reason": "Weg"}).status_code == 403
    post.refresh_from_db()
    assert (post.body, post.removed_at, post.hidden_at) == ("Wie komt er?", None, None)


def test_an_empty_or_too_long_reply_is_shown_at_the_field() -> None:
    c = cast()
    started = thread(c.member)
    member = client(c.worker.user)

    empty = member.post(url(c, "thread", pk=started.pk), {"body": "  "})
    long = member.post(url(c, "thread", pk=started.pk), {"body": "x" * 20_001})

    assert empty.status_code == 200
    assert empty.context["form"].errors["body"]
    assert long.status_code == 200
    assert long.context["form"].errors["body"]
    assert started.posts.count() == 1


def test_a_new_thread_without_title_is_shown_at_the_field() -> None:
    c = cast()

    response = client(c.member.user).post(url(c, "thread-add"), {"title": "", "body": "Hoi"})

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Thread.objects.exists()


def test_a_member_cannot_announce_and_sees_no_such_choice() -> None:
    c = cast()

    page = client(c.member.user).get(url(c, "thread-add"))
    client(c.member.user).post(url(c, "thread-add"), {"title": "Let op", "body": "Belangrijk", "is_announcement": "on"})

    assert "is_announcement" not in page.context["form"].fields
    assert not Thread.objects.get().is_announcement


def test_announcements_come_first_and_are_marked() -> None:
    c = cast()
    thread(c.manager, title="Nieuwe afspraken", announcement=True)
    thread(c.member, title="Later gestart")

    page = client(c.member.user).get(url(c))

    titles = [t.title for t in page.context["page"].object_list]
    assert titles == ["Nieuwe afspraken", "Later gestart"]
    assert "forum-threads__announcement" in page.content.decode()


def test_the_author_edits_and_removes_their_post_through_the_pages() -> None:
    c = cast()
    started = thread(c.member)
    post = started.posts.get()
    author = client(c.member.user)

    assert author.post(url(c, "post-edit", pk=post.pk), {"title": "Ontbijt", "body": ""}).status_code == 200
    assert author.post(url(c, "post-edit", pk=post.pk), {"title": "Ontbijt", "body": "Nieuw"}).status_code == 302
    page = author.get(started.get_absolute_url()).content.decode()
    assert "edited" in page or "bewerkt" in page
    assert author.post(url(c, "post-delete", pk=post.pk)).status_code == 302

    page = client(c.worker.user).get(started.get_absolute_url()).content.decode()
    assert "Nieuw" not in page


def test_the_manager_hides_a_post_and_its_reason_is_shown() -> None:
    c = cast()
    started = thread(c.member, body="Koop nu!")
    post = started.posts.get()
    manager = client(c.manager.user)

    assert manager.post(url(c, "post-hide", pk=post.pk), {"reason": ""}).status_code == 200
    assert manager.post(url(c, "post-hide", pk=post.pk), {"reason": "Reclame"}).status_code == 302

    page = client(c.worker.user).get(started.get_absolute_url()).content.decode()
    assert "Koop nu!" not in page
    assert "Reclame" in page


def test_following_and_unfollowing_a_thread() -> None:
    c = cast()
    started = thread(c.member)
    worker = client(c.worker.user)

    assert worker.get(url(c, "subscription", pk=started.pk)).status_code == 200
    worker.post(url(c, "subscription", pk=started.pk), {"action": "subscribe"})
    assert started.subscriptions.filter(user=c.worker.user).exists()
    worker.post(url(c, "subscription", pk=started.pk), {"action": "unsubscribe"})
    assert not started.subscriptions.filter(user=c.worker.user).exists()
    assert worker.post(url(c, "subscription", pk=started.pk), {}).status_code == 302


def test_a_script_in_a_post_is_shown_as_text() -> None:
    c = cast()
    started = thread(c.member, body="<script>alert('x')</script> [klik](javascript:alert(1))")

    page = client(c.worker.user).get(started.get_absolute_url()).content.decode()

    assert "<script>alert" not in page
    assert 'javascript:alert(1)"' not in page


# --- Query counts -----------------------------------------------------------------------------


def _queries(c: Cast, address: str) -> int:
    member = client(c.member.user)
    member.get(address)  # warm up the session
    with CaptureQueriesContext(connection) as captured:
        assert member.get(address).status_code == 200
    return len(captured)


def _threads(c: Cast, n: int) -> list[Thread]:
    made = []
    for i in range(n):
        made.append(thread(c.worker if i % 2 else c.member, title=f"Draad {i}", group=c.working if i % 3 else None))
    return made


def test_the_list_takes_as_many_queries_for_six_threads_as_for_two() -> None:
    c = cast()
    _threads(c, 2)
    two = _queries(c, url(c))
    _threads(c, 4)
    six = _queries(c, url(c))

    assert six == two


def test_the_thread_page_takes_as_many_queries_for_six_replies_as_for_two() -> None:
    c = cast()
    started = thread(c.member)
    for _i in range(2):
        services.reply(started, pa=access(c.worker), body="Ja")
    two = _queries(c, started.get_absolute_url())
    for i in range(4):
        services.reply(started, pa=access(c.manager if i % 2 else c.steering_member), body="Ook")
    six = _queries(c, started.get_absolute_url())

    assert six == two


def _panel_html(c: Cast) -> tuple[int, dict[str, Any], str]:
    pa = access(c.member)
    with CaptureQueriesContext(connection) as captured:
        panel = dashboard.panel(pa)
        assert panel is not None
        html = render_to_string("forum/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": panel})
    return len(captured), panel, html


def test_the_dashboard_panel_takes_a_fixed_number_of_queries() -> None:
    c = cast()
    _threads(c, 1)
    thread(c.manager, announcement=True)
    small, _panel, _html = _panel_html(c)
    _threads(c, 5)
    thread(c.manager, title="Tweede", announcement=True)
    large, panel, html = _panel_html(c)

    assert small == large == 2
    assert [t.title for t in panel["announcements"]] == ["Tweede", "Werkgeversontbijt"]
    assert len(panel["threads"]) == 5
    assert "Tweede" in html


def test_the_manager_announces_through_the_form() -> None:
    c = cast()
    manager = client(c.manager.user)

    page = manager.get(url(c, "thread-add")).content.decode()
    manager.post(url(c, "thread-add"), {"title": "Let op", "body": "Belangrijk", "is_announcement": "on"})

    assert 'name="is_announcement"' in page
    assert Thread.objects.get().is_announcement
