"""Starting threads, replying, editing, removing, hiding and showing again posts, subscriptions,
mentions, and documents shared for feedback with comments (edited, removed and hidden like posts).

Notifications (``werkplaats.notifications``): a reply notifies the thread's subscribers (not the
replier), inside the same transaction as the reply, so nobody is told about a reply that was
rolled back; the e-mails (with the reply) go out after the commit, each as the person chose. A
mention notifies the mentioned member. Every notification has a key per post and person, so
editing a post never notifies the same person twice about it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkplaats.notifications.services import absolute, notify
from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group, Partnership, PartnershipMember

from . import markdown
from .files import EXTENSIONS, check_document
from .models import (
    Document,
    DocumentComment,
    DocumentVersion,
    ModerationAction,
    ModerationEvent,
    Post,
    Subscription,
    Thread,
)

TITLE_MAX = 200
REASON_MAX = 1000


def name_of(user: Any) -> str:
    """How a person is shown on the forum: their name, never their e-mail address."""
    if user is None:
        return _("former member")
    return user.name or _("member without a name")


# --- Mentions ---------------------------------------------------------------------------------


def member_handles(partnership: Partnership) -> dict[str, Any]:
    """Handle → user for the partnership's active members, in one query.

    A handle is the slug of the person's name (``@jan-de-vries``); a second person with the same
    name gets ``-2`` (by order of joining), someone without a name ``lid-<number>``. Handles are
    unique within the partnership and show no e-mail address."""
    members = (
        PartnershipMember.objects.active()
        .filter(partnership=partnership, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    handles: dict[str, Any] = {}
    for member in members:
        base = slugify(member.user.name)[:60].strip("-") or f"lid-{member.pk}"
        handle, n = base, 1
        while handle in handles:
            n += 1
            handle = f"{base}-{n}"
        handles[handle] = member.user
    return handles


def _render(partnership: Partnership, body: str) -> tuple[str, list[Any]]:
    handles = member_handles(partnership) if "@" in body else {}
    html, mentioned = markdown.render_with_mentions(body, {h: name_of(u) for h, u in handles.items()})
    return html, [handles[h] for h in mentioned]


def _notify_mentions(post: Post, people: list[Any]) -> None:
    thread = post.thread
    author = name_of(post.author)
    for user in people:
        if user.pk == post.author_id:
            continue

        def message(thread: Thread = thread) -> str:
            return _("%(name)s mentioned you in “%(title)s”.") % {"name": author, "title": thread.title}

        notify([user], message=message, url=post.get_absolute_url(), key=f"forum-mention:{post.pk}:{user.pk}")


# --- Checks -----------------------------------------------------------------------------------


def _check_body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Write a message.")})
    if len(body) > markdown.MAX_LENGTH:
        raise ValidationError(
            {
                field: _("A message may be at most %(limit)s characters; this one has %(count)s.")
                % {"limit": markdown.MAX_LENGTH, "count": len(body)}
            }
        )
    return body


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the thread a title.")})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _("A title may be at most %(limit)s characters.") % {"limit": TITLE_MAX}})
    return title


def _check_group(partnership: Partnership, group: Group | None) -> None:
    if group is not None and (group.partnership_id != partnership.pk or not group.is_open):
        raise ValidationError({"group": _("Choose one of the partnership's open groups.")})


def may_announce(pa: PartnershipAccess, group: Group | None) -> bool:
    """The manager announces to the partnership; a group's coordinator (or the manager) to a group."""
    return pa.is_manager if group is None else pa.leads(group)


def may_announce_anywhere(pa: PartnershipAccess) -> bool:
    return pa.is_manager or bool(pa.coordinated_group_ids)


# --- Threads and posts ------------------------------------------------------------------------


@transaction.atomic
def start_thread(
    pa: PartnershipAccess,
    *,
    title: str,
    body: str,
    group: Group | None = None,
    announcement: bool = False,
) -> Thread:
    """A new thread (or announcement) with its opening post; its author follows it."""
    errors: dict[str, list[str]] = {}
    for check in (lambda: _check_title(title), lambda: _check_body(body), lambda: _check_group(pa.partnership, group)):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if announcement and not may_announce(pa, group):
        raise ValidationError(
            {
                "is_announcement": _(
                    "Only the partnership's manager makes announcements to the whole partnership, "
                    "and a group's coordinator to their group."
                )
            }
        )
    now = timezone.now()
    user = pa.member.user
    thread = Thread.objects.create(
        partnership=pa.partnership,
        group=group,
        title=_check_title(title),
        is_announcement=announcement,
        author=user,
        created_at=now,
        last_activity_at=now,
    )
    post = _create_post(thread, user, _check_body(body), now)
    Subscription.objects.get_or_create(thread=thread, user=user)
    return post.thread


def _create_post(thread: Thread, author: Any, body: str, now: Any) -> Post:
    html, mentioned = _render(thread.partnership, body)
    post = Post.objects.create(thread=thread, author=author, body=body, body_html=html, created_at=now)
    _notify_mentions(post, mentioned)
    return post


@transaction.atomic
def reply(thread: Thread, *, pa: PartnershipAccess, body: str) -> Post:
    """Add a reply; the replier follows the thread from now on and the other followers hear of it
    (in the app, and by e-mail as each of them chose: ``werkplaats.notifications``)."""
    body = _check_body(body)
    thread = Thread.objects.select_for_update().select_related("partnership").get(pk=thread.pk)
    user = pa.member.user
    now = timezone.now()
    post = _create_post(thread, user, body, now)
    thread.last_activity_at = now
    thread.save(update_fields=["last_activity_at"])
    Subscription.objects.get_or_create(thread=thread, user=user)
    _notify_subscribers(post)
    return post


def subscribers(thread: Thread, *, besides: Any = None) -> list[Any]:
    """The active members of the partnership who follow ``thread``, without ``besides``."""
    active = PartnershipMember.objects.active().filter(partnership_id=thread.partnership_id).values("user_id")
    found = (
        Subscription.objects.filter(thread=thread, user__is_active=True, user_id__in=active)
        .select_related("user")
        .order_by("pk")
    )
    return [s.user for s in found if besides is None or s.user_id != besides.pk]


def _notify_subscribers(post: Post) -> None:
    """Tell the thread's followers (but the author), with the reply itself in the e-mail."""
    thread = post.thread
    author = name_of(post.author)

    def message() -> str:
        return _("%(name)s replied in “%(title)s”.") % {"name": author, "title": thread.title}

    notify(
        subscribers(thread, besides=post.author),
        message=message,
        url=post.get_absolute_url(),
        key=f"forum-reply:{post.pk}",
        template="forum/email/reply",
        context={
            "author": author,
            "thread": thread,
            "post": post,
            "unsubscribe_url": absolute(
                reverse("forum:subscription", kwargs={"slug": thread.partnership.slug, "pk": thread.pk})
            ),
        },
    )


def may_edit(pa: PartnershipAccess, post: Post) -> bool:
    """Only the author changes or removes their own post, while it is shown."""
    return post.author_id is not None and post.author_id == pa.user_id


@transaction.atomic
def edit_post(post: Post, *, pa: PartnershipAccess, body: str, title: str | None = None) -> Post:
    """Change the text (and, for the opening post, the thread's title); marked as edited."""
    if not may_edit(pa, post):
        raise PermissionDenied
    post = Post.objects.select_for_update().select_related("thread__partnership").get(pk=post.pk)
    if not post.is_visible:
        raise ValidationError(_("A removed or hidden message can no longer be changed."))
    body = _check_body(body)
    if title is not None:
        title = _check_title(title)
        post.thread.title = title
        post.thread.save(update_fields=["title"])
    post.body = body
    post.body_html, mentioned = _render(post.thread.partnership, body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    _notify_mentions(post, mentioned)  # only newly mentioned people: the keys hold per person
    return post


def is_opening(post: Post) -> bool:
    first = Post.objects.filter(thread_id=post.thread_id).order_by("created_at", "id").values_list("pk", flat=True)
    return first.first() == post.pk


@transaction.atomic
def remove_post(post: Post, *, pa: PartnershipAccess) -> Post:
    """The author takes their post back: it stays in its place as "removed by the author"."""
    if not may_edit(pa, post):
        raise PermissionDenied
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.removed_at is None:
        post.removed_at = timezone.now()
        post.save(update_fields=["removed_at"])
    return post


# --- Moderation -------------------------------------------------------------------------------

Moderated = TypeVar("Moderated", Post, DocumentComment)


def may_moderate(pa: PartnershipAccess) -> bool:
    """The manager moderates the forum: hides posts and comments, and shows them again."""
    return pa.is_manager


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the message is hidden; the reason is shown in its place.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 1000 characters.")})
    return reason


def _record(item: Post | DocumentComment, action: str, *, actor: Any, reason: str = "", at: Any) -> ModerationEvent:
    event = ModerationEvent(action=action, actor=actor, reason=reason, at=at)
    if isinstance(item, Post):
        event.post = item
    else:
        event.comment = item
    event.save()
    return event


def _hide(item: Moderated, *, pa: PartnershipAccess, reason: str, already: str) -> Moderated:
    if not may_moderate(pa):
        raise PermissionDenied
    reason = _check_reason(reason)
    # Lock the row: of two moderators hiding at once, the second is told it is already hidden.
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.hidden_at is not None:
        raise ValidationError(already)
    item.hidden_at = timezone.now()
    item.hidden_by = pa.member.user
    item.hidden_reason = reason
    item.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _record(item, ModerationAction.HIDE, actor=pa.member.user, reason=reason, at=item.hidden_at)
    return item


def _restore(item: Moderated, *, pa: PartnershipAccess, not_hidden: str) -> Moderated:
    if not may_moderate(pa):
        raise PermissionDenied
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.hidden_at is None:
        raise ValidationError(not_hidden)
    item.hidden_at = None
    item.hidden_by = None
    item.hidden_reason = ""  # the reason of hiding stays in the moderation events
    item.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _record(item, ModerationAction.RESTORE, actor=pa.member.user, at=timezone.now())
    return item


@transaction.atomic
def hide_post(post: Post, *, pa: PartnershipAccess, reason: str) -> Post:
    """A moderator hides a post; the reason is shown in its place."""
    return _hide(post, pa=pa, reason=reason, already=_("This message is already hidden."))


@transaction.atomic
def restore_post(post: Post, *, pa: PartnershipAccess) -> Post:
    """A moderator shows a hidden post again, in its place; the event is recorded."""
    return _restore(post, pa=pa, not_hidden=_("This message is not hidden."))


@transaction.atomic
def hide_comment(comment: DocumentComment, *, pa: PartnershipAccess, reason: str) -> DocumentComment:
    """A moderator hides a comment on a document; the reason is shown in its place."""
    return _hide(comment, pa=pa, reason=reason, already=_("This comment is already hidden."))


@transaction.atomic
def restore_comment(comment: DocumentComment, *, pa: PartnershipAccess) -> DocumentComment:
    return _restore(comment, pa=pa, not_hidden=_("This comment is not hidden."))


def moderation_history(item: Post | DocumentComment) -> list[ModerationEvent]:
    return list(item.moderation_events.select_related("actor").order_by("at", "id"))


def subscribe(thread: Thread, *, user: Any) -> Subscription:
    return Subscription.objects.get_or_create(thread=thread, user=user)[0]


def unsubscribe(thread: Thread, *, user: Any) -> None:
    Subscription.objects.filter(thread=thread, user=user).delete()


# --- Documents --------------------------------------------------------------------------------


def _stored_name(title: str, content_type: str) -> str:
    return f"{slugify(title)[:80] or 'document'}.{EXTENSIONS[content_type]}"


def _version(document: Document, *, upload: Any, note: str, by: Any, number: int) -> DocumentVersion:
    try:
        content_type = check_document(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    upload.name = _stored_name(document.title, content_type)
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        file=upload,
        original_name=upload.name,
        content_type=content_type,
        size=upload.size,
        note=(note or "").strip(),
        uploaded_by=by,
    )


@transaction.atomic
def share_document(
    pa: PartnershipAccess, *, title: str, upload: Any, description: str = "", group: Group | None = None
) -> Document:
    """Share a document for feedback with its first version."""
    title = (title or "").strip()
    errors: dict[str, Any] = {}
    if not title:
        errors["title"] = _("Give the document a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("A title may be at most %(limit)s characters.") % {"limit": TITLE_MAX}
    if upload is None:
        errors["file"] = _("Choose a file.")
    else:
        try:
            check_document(upload)
        except ValidationError as exc:
            errors["file"] = exc.messages
    try:
        _check_group(pa.partnership, group)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    document = Document.objects.create(
        partnership=pa.partnership,
        group=group,
        title=title,
        description=(description or "").strip(),
        author=pa.member.user,
    )
    _version(document, upload=upload, note="", by=pa.member.user, number=1)
    return document


def may_add_version(pa: PartnershipAccess, document: Document) -> bool:
    """Who shared the document brings out new versions, and so may the manager."""
    return pa.is_manager or (document.author_id is not None and document.author_id == pa.user_id)


@transaction.atomic
def add_version(document: Document, *, pa: PartnershipAccess, upload: Any, note: str = "") -> DocumentVersion:
    if not may_add_version(pa, document):
        raise PermissionDenied
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    document = Document.objects.select_for_update().get(pk=document.pk)
    latest = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _version(document, upload=upload, note=note, by=pa.member.user, number=latest + 1)
    document.updated_at = version.created_at
    document.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def comment_on(version: DocumentVersion, *, pa: PartnershipAccess, body: str) -> DocumentComment:
    body = _check_body(body)
    partnership = pa.partnership
    html, mentioned = _render(partnership, body)
    comment = DocumentComment.objects.create(version=version, author=pa.member.user, body=body, body_html=html)
    document = version.document
    url = comment.get_absolute_url()
    _notify_comment_mentions(comment, mentioned)
    if document.author_id and document.author_id != pa.user_id:

        def told(document: Document = document) -> str:
            return _("%(name)s commented on version %(number)s of “%(title)s”.") % {
                "name": name_of(pa.member.user),
                "number": version.number,
                "title": document.title,
            }

        notify([document.author], message=told, url=url, key=f"forum-comment:{comment.pk}:{document.author_id}")
    return comment


def may_edit_comment(pa: PartnershipAccess, comment: DocumentComment) -> bool:
    """Only the author changes or removes their own comment."""
    return comment.author_id is not None and comment.author_id == pa.user_id


def _notify_comment_mentions(comment: DocumentComment, people: list[Any]) -> None:
    """Tell the people a comment mentions; the key holds per comment and person, so a person
    already told when the comment was posted is not told again when it is edited."""
    document = comment.version.document
    author = name_of(comment.author)
    for user in people:
        if user.pk == comment.author_id:
            continue

        def message(document: Document = document) -> str:
            return _("%(name)s mentioned you in a comment on “%(title)s”.") % {"name": author, "title": document.title}

        notify(
            [user],
            message=message,
            url=comment.get_absolute_url(),
            key=f"forum-comment-mention:{comment.pk}:{user.pk}",
        )


@transaction.atomic
def edit_comment(comment: DocumentComment, *, pa: PartnershipAccess, body: str) -> DocumentComment:
    """Change the text of a comment; it is marked as edited."""
    if not may_edit_comment(pa, comment):
        raise PermissionDenied
    comment = (
        DocumentComment.objects.select_for_update(of=("self",))
        .select_related("version__document__partnership", "author")
        .get(pk=comment.pk)
    )
    if not comment.is_visible:
        raise ValidationError(_("A removed or hidden comment can no longer be changed."))
    body = _check_body(body)
    comment.body = body
    comment.body_html, mentioned = _render(comment.version.document.partnership, body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    _notify_comment_mentions(comment, mentioned)
    return comment


@transaction.atomic
def remove_comment(comment: DocumentComment, *, pa: PartnershipAccess) -> DocumentComment:
    """The author takes their comment back: it stays in its place as "comment removed"."""
    if not may_edit_comment(pa, comment):
        raise PermissionDenied
    comment = DocumentComment.objects.select_for_update().get(pk=comment.pk)
    if comment.removed_at is None:
        comment.removed_at = timezone.now()
        comment.save(update_fields=["removed_at"])
    return comment


def version_url(version: DocumentVersion) -> str:
    return reverse(
        "forum:version",
        kwargs={"slug": version.document.partnership.slug, "pk": version.document_id, "number": version.number},
    )
