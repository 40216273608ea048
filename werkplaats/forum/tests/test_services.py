"""Threads, replies, mentions, subscriptions, editing, removing and hiding posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.notifications import services as notification_services
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.models import MemberRole
from werkplaats.partnerships.tests.factories import cast, join

from .. import services
from ..models import Post, Subscription, Thread
from .helpers import access, thread

pytestmark = pytest.mark.django_db


def named(member: Any, name: str, language: str = "nl") -> Any:
    member.user.name = name
    member.user.language = language
    member.user.save()
    return member


def test_a_member_starts_a_thread_and_follows_it() -> None:
    c = cast()

    started = thread(c.member, body="Wie **komt** er?")

    post = started.posts.get()
    assert (started.partnership, started.author, started.is_announcement) == (c.partnership, c.member.user, False)
    assert post.body_html == "<p>Wie <strong>komt</strong> er?</p>\n"
    assert Subscription.objects.filter(thread=started, user=c.member.user).exists()


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "tekst", "title"), ("Titel", "   ", "body"), ("Titel", "x" * 20_001, "body"), ("x" * 201, "tekst", "title")],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(title: str, body: str, field: str) -> None:
    c = cast()

    with pytest.raises(ValidationError) as raised:
        thread(c.member, title=title, body=body)

    assert field in raised.value.message_dict
    assert not Thread.objects.filter(partnership=c.partnership).exists()


def test_a_message_of_exactly_20000_characters_is_accepted() -> None:
    c = cast()

    assert thread(c.member, body="x" * 20_000).posts.get().body == "x" * 20_000


def test_only_the_manager_announces_to_the_partnership() -> None:
    c = cast()

    with pytest.raises(ValidationError) as raised:
        thread(c.member, announcement=True)
    assert "is_announcement" in raised.value.message_dict

    assert thread(c.manager, announcement=True).is_announcement


def test_a_groups_coordinator_announces_to_their_group_only() -> None:
    c = cast()  # the worker coordinates the working group

    assert thread(c.worker, announcement=True, group=c.working).is_announcement
    with pytest.raises(ValidationError):
        thread(c.worker, announcement=True, group=c.steering)
    with pytest.raises(ValidationError):
        thread(c.worker, announcement=True)


def test_a_group_of_another_partnership_is_refused() -> None:
    c, other = cast(), cast()

    with pytest.raises(ValidationError) as raised:
        thread(c.member, group=other.working)

    assert "group" in raised.value.message_dict


def test_a_reply_notifies_the_subscribers_but_not_the_replier(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    started = thread(c.member)
    services.subscribe(started, user=c.manager.user)

    with django_capture_on_commit_callbacks(execute=True):
        post = services.reply(started, pa=access(c.worker), body="Ik kom!")

    notified = Notification.objects.filter(key=f"forum-reply:{post.pk}")
    assert {n.recipient for n in notified} == {c.member.user, c.manager.user}
    assert all(n.url.endswith(f"/forum/threads/{started.pk}/#post-{post.pk}") for n in notified)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([c.member.user.email, c.manager.user.email])
    # The replier follows the thread from now on.
    assert Subscription.objects.filter(thread=started, user=c.worker.user).exists()


def test_the_reply_e_mail_is_in_the_recipients_language(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    named(c.member, "Els Bakker", language="en")
    named(c.worker, "Piet Smit")
    started = thread(c.member, title="Ontbijt")

    with django_capture_on_commit_callbacks(execute=True):
        services.reply(started, pa=access(c.worker), body="Ik kom!")

    (message,) = mail.outbox
    assert message.subject == "New reply in “Ontbijt”"
    assert "Dear Els," in message.body
    assert "Piet Smit replied" in message.body
    assert "Ik kom!" in message.body
    assert f"/forum/threads/{started.pk}/subscription/" in message.body
    assert c.worker.user.email not in message.body


def test_delivering_twice_sends_one_e_mail_per_subscriber(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    started = thread(c.member)
    with django_capture_on_commit_callbacks(execute=False):
        post = services.reply(started, pa=access(c.worker), body="Ik kom!")
    ids = list(Notification.objects.filter(key=f"forum-reply:{post.pk}").values_list("pk", flat=True))

    assert notification_services.deliver(ids) == 1
    assert notification_services.deliver(ids) == 0

    assert len(mail.outbox) == 1


def test_a_failed_e_mail_is_tried_again_by_the_daily_run(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    c = cast()
    started = thread(c.member)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(notification_services, "_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(started, pa=access(c.worker), body="Ik kom!")
    assert mail.outbox == []
    monkeypatch.undo()

    assert notification_services.send_digests() == 1
    assert len(mail.outbox) == 1


def test_an_unsubscribed_member_hears_nothing(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    started = thread(c.member)
    services.unsubscribe(started, user=c.member.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.reply(started, pa=access(c.worker), body="Ik kom!")

    assert not Notification.objects.filter(recipient=c.member.user).exists()
    assert mail.outbox == []


def test_a_subscriber_who_left_the_partnership_hears_nothing(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    started = thread(c.member)
    c.member.left_on = c.member.joined_on
    c.member.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.reply(started, pa=access(c.worker), body="Ik kom!")

    assert not Notification.objects.filter(recipient=c.member.user).exists()
    assert mail.outbox == []


def test_a_mention_notifies_the_member_and_shows_their_name() -> None:
    c = cast()
    named(c.worker, "Piet Smit")

    started = thread(c.member, body="Wat vind jij, @piet-smit?")

    post = started.posts.get()
    assert '<span class="forum-mention">@Piet Smit</span>' in post.body_html
    assert c.worker.user.email not in post.body_html
    (notification,) = Notification.objects.filter(recipient=c.worker.user)
    assert notification.key == f"forum-mention:{post.pk}:{c.worker.user.pk}"
    assert notification.url.endswith(f"#post-{post.pk}")


def test_editing_a_post_does_not_notify_a_mentioned_member_twice() -> None:
    c = cast()
    named(c.worker, "Piet Smit")
    named(c.manager, "Anna de Vries")
    post = thread(c.member, body="@piet-smit?").posts.get()

    services.edit_post(post, pa=access(c.member), body="@piet-smit en @anna-de-vries?")

    assert Notification.objects.filter(recipient=c.worker.user).count() == 1
    assert Notification.objects.filter(recipient=c.manager.user).count() == 1


def test_handles_are_unique_within_the_partnership_and_hide_e_mail_addresses() -> None:
    c = cast()
    named(c.member, "Jan de Vries")
    named(c.worker, "Jan de Vries")
    nameless = join(c.partnership, role=MemberRole.EXTERNAL)
    nameless.user.name = ""
    nameless.user.save()

    handles = services.member_handles(c.partnership)

    # The worker joined before the (ordinary) member.
    assert handles["jan-de-vries"] == c.worker.user
    assert handles["jan-de-vries-2"] == c.member.user
    assert handles[f"lid-{nameless.pk}"] == nameless.user
    assert not any("@" in handle for handle in handles)


def test_a_member_who_is_no_member_cannot_be_mentioned() -> None:
    c, other = cast(), cast()
    named(other.member, "Els Buiten")

    post = thread(c.member, body="@els-buiten").posts.get()

    assert "forum-mention" not in post.body_html
    assert not Notification.objects.filter(recipient=other.member.user).exists()


def test_the_author_edits_their_post_which_is_marked_edited() -> None:
    c = cast()
    started = thread(c.member)
    post = started.posts.get()

    services.edit_post(post, pa=access(c.member), body="Wie komt er *morgen*?", title="Ontbijt morgen")

    post.refresh_from_db()
    started.refresh_from_db()
    assert post.edited_at is not None
    assert post.body_html == "<p>Wie komt er <em>morgen</em>?</p>\n"
    assert started.title == "Ontbijt morgen"


def test_nobody_else_edits_or_removes_a_post_not_even_the_manager() -> None:
    c = cast()
    post = thread(c.member).posts.get()

    with pytest.raises(PermissionDenied):
        services.edit_post(post, pa=access(c.manager), body="Anders")
    with pytest.raises(PermissionDenied):
        services.remove_post(post, pa=access(c.worker))


def test_removing_keeps_the_post_in_place_as_removed() -> None:
    c = cast()
    post = thread(c.member).posts.get()

    services.remove_post(post, pa=access(c.member))

    post.refresh_from_db()
    assert post.removed_at is not None
    assert not post.is_visible
    with pytest.raises(ValidationError):
        services.edit_post(post, pa=access(c.member), body="terug")


def test_the_manager_hides_a_post_with_a_reason() -> None:
    c = cast()
    post = thread(c.member).posts.get()

    with pytest.raises(ValidationError) as raised:
        services.hide_post(post, pa=access(c.manager), reason=" ")
    assert "reason" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        services.hide_post(post, pa=access(c.worker), reason="Reclame")

    services.hide_post(post, pa=access(c.manager), reason="Reclame")

    post = Post.objects.get(pk=post.pk)
    assert (post.hidden_by, post.hidden_reason) == (c.manager.user, "Reclame")
