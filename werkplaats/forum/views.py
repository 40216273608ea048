"""The forum's pages. Every active member of the partnership reads everything and may start
threads, reply and comment; the author edits or removes their own post or comment; the manager
hides posts and comments and shows them again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access

from . import services
from .files import EXTENSIONS
from .forms import CommentForm, DocumentForm, EditForm, HideForm, ReplyForm, ThreadForm, VersionForm
from .models import REPLIES_PER_PAGE, Document, DocumentComment, DocumentVersion, Post, Thread

PAGE_SIZE = 20


def _context(pa: PartnershipAccess, **extra: Any) -> dict[str, Any]:
    return {"partnership": pa.partnership, "pa": pa, **extra}


def _thread(pa: PartnershipAccess, pk: int) -> Thread:
    return get_object_or_404(
        Thread.objects.select_related("partnership", "group", "author"), partnership=pa.partnership, pk=pk
    )


def _post(pa: PartnershipAccess, pk: int) -> Post:
    return get_object_or_404(
        Post.objects.select_related("thread__partnership", "thread__group", "author"),
        thread__partnership=pa.partnership,
        pk=pk,
    )


def _handles(pa: PartnershipAccess) -> list[tuple[str, str]]:
    return [(handle, services.name_of(user)) for handle, user in services.member_handles(pa.partnership).items()]


# --- Threads ----------------------------------------------------------------------------------


@login_required
def thread_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Announcements first, then the threads by last activity."""
    pa = partnership_access(request, slug)
    groups = list(pa.partnership.groups.open().order_by("kind", "name"))
    threads = (
        Thread.objects.filter(partnership=pa.partnership)
        .select_related("partnership", "author", "group")
        .annotate(post_count=Count("posts"))
        .order_by("-is_announcement", "-last_activity_at", "-id")
    )
    chosen = None
    group_id = request.GET.get("group", "")
    if group_id.isdigit():
        chosen = next((g for g in groups if g.pk == int(group_id)), None)
        if chosen is not None:
            threads = threads.filter(group=chosen)
    page = Paginator(threads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/list.html",
        _context(pa, page=page, groups=groups, chosen=chosen),
    )


@login_required
def thread_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    may_announce = services.may_announce_anywhere(pa)
    initial = {}
    if request.GET.get("group", "").isdigit():
        initial["group"] = request.GET["group"]
    form = ThreadForm(request.POST or None, partnership=pa.partnership, may_announce=may_announce, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.start_thread(
                pa,
                title=data["title"],
                body=data["body"],
                group=data["group"],
                announcement=data.get("is_announcement", False),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your message was posted."))
            return redirect(thread)
    return render(request, "forum/thread_add.html", _context(pa, form=form, handles=_handles(pa)))


@login_required
def thread_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The thread with its replies, a page at a time; a reply is posted here.

    The opening post heads the first page; each page holds ``REPLIES_PER_PAGE`` replies, so a
    page takes the same number of queries however long the thread is."""
    pa = partnership_access(request, slug)
    thread = _thread(pa, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.reply(thread, pa=pa, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your reply was posted."))
            return redirect(post.get_absolute_url())  # the (last) page with the new reply
    posts = thread.posts.select_related("author", "hidden_by").order_by("created_at", "id")
    opening = posts.first()
    replies = posts.exclude(pk=opening.pk) if opening is not None else posts.none()
    page = Paginator(replies, REPLIES_PER_PAGE).get_page(request.GET.get("page"))
    subscribed = thread.subscriptions.filter(user_id=pa.user_id).exists()
    return render(
        request,
        "forum/thread.html",
        _context(
            pa,
            thread=thread,
            opening=opening,
            page=page,
            form=form,
            subscribed=subscribed,
            may_moderate=services.may_moderate(pa),
            handles=_handles(pa),
        ),
    )


@login_required
def subscription(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Follow or stop following a thread (GET shows the choice; the thread page posts here)."""
    pa = partnership_access(request, slug)
    thread = _thread(pa, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "subscribe":
            services.subscribe(thread, user=request.user)
            messages.success(request, _("You follow this thread: you hear of every reply."))
        elif action == "unsubscribe":
            services.unsubscribe(thread, user=request.user)
            messages.success(request, _("You no longer follow this thread."))
        else:
            messages.error(request, _("Choose whether to follow the thread."))
        return redirect(thread)
    subscribed = thread.subscriptions.filter(user_id=pa.user_id).exists()
    return render(request, "forum/subscription.html", _context(pa, thread=thread, subscribed=subscribed))


@login_required
def post_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    post = _post(pa, pk)
    pa.require(services.may_edit(pa, post))
    with_title = services.is_opening(post)
    initial = {"body": post.body, "title": post.thread.title}
    form = EditForm(request.POST or None, initial=initial, with_title=with_title)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(post, pa=pa, body=form.cleaned_data["body"], title=form.cleaned_data.get("title"))
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your message was changed."))
            return redirect(post.get_absolute_url())
    return render(request, "forum/post_edit.html", _context(pa, post=post, form=form, handles=_handles(pa)))


@login_required
def post_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask first (GET), then remove (POST): the post stays as "removed by the author"."""
    pa = partnership_access(request, slug)
    post = _post(pa, pk)
    pa.require(services.may_edit(pa, post))
    if request.method == "POST":
        services.remove_post(post, pa=pa)
        messages.success(request, _("Your message was removed."))
        return redirect(post.get_absolute_url())
    return render(request, "forum/post_delete.html", _context(pa, post=post))


@login_required
def post_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_moderate(pa))
    post = _post(pa, pk)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_post(post, pa=pa, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The message is hidden."))
            return redirect(post.get_absolute_url())
    return render(request, "forum/post_hide.html", _context(pa, post=post, form=form))


@login_required
def post_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask first (GET), then show a hidden post again in its place (POST)."""
    pa = partnership_access(request, slug)
    pa.require(services.may_moderate(pa))
    post = _post(pa, pk)
    if request.method == "POST":
        try:
            services.restore_post(post, pa=pa)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The message is shown again."))
        return redirect(post.get_absolute_url())
    return render(
        request,
        "forum/post_restore.html",
        _context(pa, post=post, history=services.moderation_history(post)),
    )


# --- Documents --------------------------------------------------------------------------------


def _document(pa: PartnershipAccess, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.select_related("partnership", "group", "author"), partnership=pa.partnership, pk=pk
    )


def _document_version(document: Document, number: int) -> DocumentVersion:
    return get_object_or_404(DocumentVersion.objects.select_related("uploaded_by"), document=document, number=number)


@login_required
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    documents = (
        Document.objects.filter(partnership=pa.partnership)
        .select_related("partnership", "author", "group")
        .annotate(version_count=Count("versions", distinct=True), comment_count=Count("versions__comments"))
        .order_by("-updated_at", "-id")
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "forum/document_list.html", _context(pa, page=page))


@login_required
def document_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.share_document(
                pa, title=data["title"], description=data["description"], group=data["group"], upload=data["file"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The document is shared. Members can now comment on it."))
            return redirect(document)
    return render(request, "forum/document_add.html", _context(pa, form=form))


@login_required
def document_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    document = _document(pa, pk)
    versions = (
        document.versions.select_related("uploaded_by").annotate(comment_count=Count("comments")).order_by("-number")
    )
    return render(
        request,
        "forum/document.html",
        _context(pa, document=document, versions=versions, may_add_version=services.may_add_version(pa, document)),
    )


@login_required
def version_detail(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """One version with its comments; a comment is posted here."""
    pa = partnership_access(request, slug)
    document = _document(pa, pk)
    version = _document_version(document, number)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_on(version, pa=pa, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your comment was posted."))
            return redirect(f"{services.version_url(version)}#comment-{comment.pk}")
    comments = version.comments.select_related("author", "hidden_by").order_by("created_at", "id")
    return render(
        request,
        "forum/version.html",
        _context(
            pa,
            document=document,
            version=version,
            comments=comments,
            form=form,
            may_moderate=services.may_moderate(pa),
            handles=_handles(pa),
            extension=EXTENSIONS.get(version.content_type, ""),
        ),
    )


def _comment(pa: PartnershipAccess, pk: int) -> DocumentComment:
    return get_object_or_404(
        DocumentComment.objects.select_related("version__document__partnership", "author", "hidden_by"),
        version__document__partnership=pa.partnership,
        pk=pk,
    )


@login_required
def comment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    comment = _comment(pa, pk)
    pa.require(services.may_edit_comment(pa, comment))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment, pa=pa, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your comment was changed."))
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "forum/comment_edit.html",
        _context(pa, comment=comment, document=comment.version.document, form=form, handles=_handles(pa)),
    )


@login_required
def comment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask first (GET), then remove (POST): the comment stays in its place as "comment removed"."""
    pa = partnership_access(request, slug)
    comment = _comment(pa, pk)
    pa.require(services.may_edit_comment(pa, comment))
    if request.method == "POST":
        services.remove_comment(comment, pa=pa)
        messages.success(request, _("Your comment was removed."))
        return redirect(comment.get_absolute_url())
    return render(
        request, "forum/comment_delete.html", _context(pa, comment=comment, document=comment.version.document)
    )


@login_required
def comment_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_moderate(pa))
    comment = _comment(pa, pk)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_comment(comment, pa=pa, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The comment is hidden."))
            return redirect(comment.get_absolute_url())
    return render(
        request, "forum/comment_hide.html", _context(pa, comment=comment, document=comment.version.document, form=form)
    )


@login_required
def comment_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask first (GET), then show a hidden comment again in its place (POST)."""
    pa = partnership_access(request, slug)
    pa.require(services.may_moderate(pa))
    comment = _comment(pa, pk)
    if request.method == "POST":
        try:
            services.restore_comment(comment, pa=pa)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The comment is shown again."))
        return redirect(comment.get_absolute_url())
    return render(
        request,
        "forum/comment_restore.html",
        _context(pa, comment=comment, document=comment.version.document, history=services.moderation_history(comment)),
    )


@login_required
def version_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    document = _document(pa, pk)
    pa.require(services.may_add_version(pa, document))
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_version(
                document, pa=pa, upload=form.cleaned_data["file"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Version %(number)s was added.") % {"number": version.number})
            return redirect(services.version_url(version))
    return render(request, "forum/version_add.html", _context(pa, document=document, form=form))


@login_required
def version_download(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponseBase:
    pa = partnership_access(request, slug)
    document = _document(pa, pk)
    version = _document_version(document, number)
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    filename = (
        f"{version.original_name.rsplit('.', 1)[0]}-v{version.number}.{EXTENSIONS.get(version.content_type, 'bin')}"
    )
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
