"""The partnership's forum: announcements, threads with replies, and documents shared for
feedback (versions, comments per version).

Who sees what: every active member of the partnership sees every thread and document,
including those of a group (a group's conversation is open to the whole partnership, as seed 002
asks for communication with the rank and file); every member may start threads and reply.
Announcements come from the manager (for the partnership) or a group's coordinator (for that
group).

Posts are stored as the Markdown their author wrote and as the sanitised HTML rendered from it
when they are saved (``body_html``): mentions are resolved against the members of that moment,
and pages show the stored HTML without re-rendering. The HTML is rendered again on every edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Group, Partnership

from .files import private_storage

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser

# A thread's page shows the opening post (on the first page) and this many replies per page.
REPLIES_PER_PAGE = 30


class ThreadQuerySet(models.QuerySet["Thread"]):
    def visible_to(self, user: AnyUser) -> ThreadQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Thread(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="forum_threads", verbose_name=_("partnership")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_threads",
        verbose_name=_("group"),
        help_text=_("Leave empty for a conversation of the whole partnership."),
    )
    title = models.CharField(_("title"), max_length=200)
    is_announcement = models.BooleanField(_("announcement"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_threads",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_announcement", "-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "is_announcement", "last_activity_at"], name="forum_thread_order_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread", kwargs={"slug": self.partnership.slug, "pk": self.pk})


class PostQuerySet(models.QuerySet["Post"]):
    def visible_to(self, user: AnyUser) -> PostQuerySet:
        return self.filter(thread__partnership__in=Partnership.objects.visible_to(user))


class Post(models.Model):
    """The opening message of a thread or a reply to it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False, help_text="The sanitised HTML of body, rendered when saved.")
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed by the author"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="forum_post_hidden_with_reason",
                violation_error_message=_("Give the reason for hiding the message."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.thread}: {self.pk}"

    def get_absolute_url(self) -> str:
        """The page of the thread that shows the post, scrolled to it."""
        page = self.page_number
        query = f"?page={page}" if page > 1 else ""
        return f"{self.thread.get_absolute_url()}{query}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"

    @cached_property
    def page_number(self) -> int:
        """The page of the thread this post is on (one query).

        Posts are never deleted (a removed or hidden post keeps its place), so a post stays on
        the same page and the links in earlier notifications and e-mails keep working."""
        earlier = Post.objects.filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk),
            thread_id=self.thread_id,
        ).count()
        # The opening post comes first on page 1, before the replies.
        return max(earlier - 1, 0) // REPLIES_PER_PAGE + 1

    @property
    def is_visible(self) -> bool:
        """Whether its text is shown (not removed by its author, not hidden by the manager)."""
        return self.removed_at is None and self.hidden_at is None


class Subscription(models.Model):
    """A member follows a thread: each reply notifies them (in the app and by e-mail)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("thread"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_subscriptions",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="forum_subscription_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.thread_id}"


# --- Documents shared for feedback ------------------------------------------------------------


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: AnyUser) -> DocumentQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Document(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="forum_documents", verbose_name=_("partnership")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_documents",
        verbose_name=_("group"),
        help_text=_("Leave empty for a document of the whole partnership."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what feedback you would like"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_documents",
        verbose_name=_("shared by"),
    )
    created_at = models.DateTimeField(_("shared"), default=timezone.now)
    updated_at = models.DateTimeField(_("last version"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:document", kwargs={"slug": self.partnership.slug, "pk": self.pk})


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), storage=private_storage, upload_to="forum/%Y/%m")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    note = models.TextField(_("what changed"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="forum_document_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="forum_document_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class DocumentComment(models.Model):
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="comments", verbose_name=_("version")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed by the author"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="forum_comment_hidden_with_reason",
                violation_error_message=_("Give the reason for hiding the comment."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.pk}"

    def get_absolute_url(self) -> str:
        version = self.version
        url = reverse(
            "forum:version",
            kwargs={"slug": version.document.partnership.slug, "pk": version.document_id, "number": version.number},
        )
        return f"{url}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_visible(self) -> bool:
        """Whether its text is shown (not removed by its author, not hidden by a moderator)."""
        return self.removed_at is None and self.hidden_at is None


# --- Moderation -------------------------------------------------------------------------------


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("shown again")


class ModerationEvent(models.Model):
    """An append-only record of each time a moderator hides a post or comment or shows it
    again: who, when and why. The post or comment itself only holds its current state."""

    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_events",
        verbose_name=_("post"),
    )
    comment = models.ForeignKey(
        DocumentComment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_events",
        verbose_name=_("comment"),
    )
    action = models.CharField(_("action"), max_length=10, choices=ModerationAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True) | Q(post__isnull=True, comment__isnull=False),
                name="forum_moderation_event_of_one_message",
            ),
            models.CheckConstraint(
                condition=~Q(action="hide") | ~Q(reason=""),
                name="forum_moderation_event_hidden_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.post_id or self.comment_id}"
