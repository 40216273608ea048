"""The demo gives Groningen an announcement of the coordinator, three threads with replies and
mentions, and a work plan in two versions with comments."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.demo import GRONINGEN, WERKPLAATS
from werkplaats.partnerships.models import Partnership

from .. import demo as forum_demo
from .. import files
from ..models import Document, Post, Thread

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_forum(demo: None, django_capture_on_commit_callbacks: Any) -> None:
    groningen = Partnership.objects.get(slug=GRONINGEN)
    werkplaats = Partnership.objects.get(slug=WERKPLAATS)
    # The partnerships' demo loads the forum already; start again from an empty one.
    Thread.objects.all().delete()
    Document.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        forum_demo.load(groningen, werkplaats)

    threads = Thread.objects.filter(partnership=groningen)
    announcement = threads.get(is_announcement=True)
    assert announcement.author is not None
    assert announcement.author.email == "coordinator@demo.nl"
    assert threads.filter(is_announcement=False).count() == 3
    assert all(t.posts.count() >= 2 for t in threads)
    assert Post.objects.filter(thread__partnership=groningen, body_html__contains="forum-mention").count() >= 3
    assert Notification.objects.filter(key__startswith="forum-mention:").exists()
    document = Document.objects.get(partnership=groningen)
    versions = {v.number: v for v in document.versions.all()}
    assert (versions[1].content_type, versions[2].content_type) == (files.PDF, files.DOCX)
    assert versions[1].comments.count() == 2 and versions[2].comments.count() == 1
    for version in versions.values():
        with version.file.open("rb") as handle:
            assert files.sniff(handle) == version.content_type
    # Threads are ordered as a conversation of some weeks, not all at once.
    latest = threads.order_by("-last_activity_at").first()
    assert latest is not None
    assert announcement.created_at < latest.last_activity_at
    assert Thread.objects.filter(partnership=werkplaats).count() == 1
    assert mail.outbox == []  # the demo history e-mails nobody
