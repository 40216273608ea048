"""E-mail about a reply to the thread's subscribers, in each recipient's language.

Each subscriber gets at most one e-mail per reply, however often the task runs: a ``ReplyMail``
row (unique per reply and person) is written and committed *before* the e-mail is sent. If
sending fails with an error the row is deleted again, so a later run retries. If the worker dies
between committing the row and handing the e-mail to the mail server, that one e-mail is lost —
we choose at most once over a duplicate, because the in-app notification (written with the
reply itself) still tells the person.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from . import services
from .models import Post, ReplyMail

logger = logging.getLogger(__name__)


def _mail(user: Any, post: Post) -> None:
    base = settings.WERKPLAATS_BASE_URL.rstrip("/")
    thread = post.thread
    context = {
        "user": user,
        "name": services.name_of(user),
        "author": services.name_of(post.author),
        "thread": thread,
        "post": post,
        "url": base + post.get_absolute_url(),
        "unsubscribe_url": base
        + reverse("forum:subscription", kwargs={"slug": thread.partnership.slug, "pk": thread.pk}),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("forum/email/reply_subject.txt", context).split())
        body = render_to_string("forum/email/reply.txt", context)
    send_mail(subject, body, None, [user.email])


@task()
def mail_reply(post_id: int) -> int:
    """E-mail the subscribers of the reply's thread (not its author). Returns the e-mails sent."""
    post = Post.objects.select_related("thread__partnership", "author").filter(pk=post_id).first()
    if post is None or not post.is_visible:
        return 0
    sent = 0
    for user in services.subscribers(post.thread, besides=post.author):
        if not user.email:
            continue
        try:
            with transaction.atomic():
                mark = ReplyMail.objects.create(post=post, recipient=user)
        except IntegrityError:
            continue  # sent before
        try:
            _mail(user, post)
        except Exception:
            mark.delete()
            logger.exception("Forum e-mail about post %s to user %s failed", post.pk, user.pk)
            continue
        sent += 1
    return sent
