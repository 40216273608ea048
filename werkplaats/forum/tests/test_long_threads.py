"""Long threads: the replies come a page at a time, each page costs the same number of queries
however long the thread, and every link to a post (after a reply, in a notification) lands on
the page that shows it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast, cast

from .. import services
from ..models import REPLIES_PER_PAGE, Post, Thread
from .helpers import access, client, thread

pytestmark = pytest.mark.django_db

START = timezone.now() - datetime.timedelta(days=30)


def long_thread(c: Cast, replies: int) -> tuple[Thread, Post, list[Post]]:
    """A thread started a month ago with ``replies`` replies, a minute apart."""
    started = thread(c.member)
    opening = started.posts.get()
    opening.created_at = START
    opening.save(update_fields=["created_at"])
    return started, opening, add_replies(started, replies)


def add_replies(started: Thread, n: int) -> list[Post]:
    authors = [m.user for m in started.partnership.members.select_related("user")]
    existing = started.posts.count()
    made = Post.objects.bulk_create(
        Post(
            thread=started,
            author=authors[i % len(authors)],
            body=f"Antwoord {existing + i}",
            body_html=f"<p>Antwoord {existing + i}</p>",
            created_at=START + datetime.timedelta(minutes=existing + i),
        )
        for i in range(n)
    )
    return list(made)


def shown(response: Any) -> list[int]:
    return [post.pk for post in response.context["page"].object_list]


def test_a_page_shows_30_replies_and_the_opening_post_heads_the_first() -> None:
    c = cast()
    started, opening, replies = long_thread(c, 65)
    member = client(c.member.user)

    first = member.get(started.get_absolute_url())
    third = member.get(f"{started.get_absolute_url()}?page=3")

    assert REPLIES_PER_PAGE == 30
    assert shown(first) == [p.pk for p in replies[:30]]
    assert f'id="{opening.anchor}"' in first.content.decode()
    assert shown(third) == [p.pk for p in replies[60:]]
    assert f'id="{opening.anchor}"' not in third.content.decode()
    assert first.context["page"].paginator.count == 65


def test_a_page_number_out_of_range_or_not_a_number_still_shows_a_page() -> None:
    c = cast()
    started, _opening, replies = long_thread(c, 35)
    member = client(c.member.user)

    assert shown(member.get(f"{started.get_absolute_url()}?page=99")) == [p.pk for p in replies[30:]]
    assert shown(member.get(f"{started.get_absolute_url()}?page=x")) == [p.pk for p in replies[:30]]


def test_a_posts_address_names_the_page_it_is_on() -> None:
    c = cast()
    started, opening, replies = long_thread(c, 61)
    base = started.get_absolute_url()

    assert opening.get_absolute_url() == f"{base}#post-{opening.pk}"
    assert replies[0].get_absolute_url() == f"{base}#post-{replies[0].pk}"
    assert replies[29].get_absolute_url() == f"{base}#post-{replies[29].pk}"
    assert replies[30].get_absolute_url() == f"{base}?page=2#post-{replies[30].pk}"
    assert replies[60].get_absolute_url() == f"{base}?page=3#post-{replies[60].pk}"


def test_every_posts_address_opens_the_page_that_shows_it() -> None:
    c = cast()
    _started, opening, replies = long_thread(c, 45)
    # A hidden or removed post keeps its place, so the ones after it stay on their page.
    services.hide_post(replies[3], pa=access(c.manager), reason="Reclame")
    member = client(c.member.user)

    for post in (opening, replies[0], replies[29], replies[30], replies[44]):
        address = Post.objects.get(pk=post.pk).get_absolute_url()
        page = member.get(address.split("#")[0]).content.decode()
        assert f'id="post-{post.pk}"' in page, address


def test_a_reply_goes_to_the_last_page_where_the_new_reply_is() -> None:
    c = cast()
    started, _opening, _replies = long_thread(c, 60)

    response = client(c.worker.user).post(started.get_absolute_url(), {"body": "Ik kom ook!"})

    reply = Post.objects.latest("created_at", "pk")
    assert reply.body == "Ik kom ook!"
    assert response.status_code == 302
    assert response["Location"] == f"{started.get_absolute_url()}?page=3#post-{reply.pk}"
    last = client(c.worker.user).get(response["Location"].split("#")[0])
    assert last.context["page"].number == last.context["page"].paginator.num_pages == 3
    assert shown(last) == [reply.pk]


def test_notifications_of_a_reply_and_a_mention_link_to_its_page() -> None:
    c = cast()
    c.steering_member.user.name = "Piet Smit"
    c.steering_member.user.save()
    started, _opening, _replies = long_thread(c, 30)  # the member follows it

    reply = services.reply(started, pa=access(c.worker), body="Wat vind jij, @piet-smit?")

    expected = f"{started.get_absolute_url()}?page=2#post-{reply.pk}"
    (followed,) = Notification.objects.filter(recipient=c.member.user, key__startswith="forum-reply:")
    (mentioned,) = Notification.objects.filter(recipient=c.steering_member.user, key__startswith="forum-mention:")
    assert followed.url == mentioned.url == expected


def test_a_reply_with_an_error_on_a_later_page_stays_on_that_page() -> None:
    c = cast()
    started, _opening, replies = long_thread(c, 40)

    response = client(c.worker.user).post(f"{started.get_absolute_url()}?page=2", {"body": " "})

    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert shown(response) == [p.pk for p in replies[30:]]
    assert "?page=2#reply" in response.content.decode()


# --- Query counts -----------------------------------------------------------------------------


def _queries(c: Cast, address: str) -> int:
    member = client(c.member.user)
    member.get(address)  # warm up the session
    with CaptureQueriesContext(connection) as captured:
        assert member.get(address).status_code == 200
    return len(captured)


def test_a_page_of_a_long_thread_takes_no_more_queries_than_a_short_thread(
    django_assert_max_num_queries: Any,
) -> None:
    c = cast()
    started, _opening, _replies = long_thread(c, 3)
    short = _queries(c, started.get_absolute_url())
    add_replies(started, 120)
    member = client(c.member.user)
    member.get(started.get_absolute_url())  # warm up the session

    for page in (1, 2, 5):
        with django_assert_max_num_queries(short):
            response = member.get(f"{started.get_absolute_url()}?page={page}")
        assert len(shown(response)) == (REPLIES_PER_PAGE if page < 5 else 3)
