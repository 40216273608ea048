from __future__ import annotations

from django.urls import path

from . import views

app_name = "forum"

_base = "partnerships/<slug:slug>/forum/"

urlpatterns = [
    path(_base, views.thread_list, name="list"),
    path(f"{_base}new/", views.thread_add, name="thread-add"),
    path(f"{_base}threads/<int:pk>/", views.thread_detail, name="thread"),
    path(f"{_base}threads/<int:pk>/subscription/", views.subscription, name="subscription"),
    path(f"{_base}posts/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path(f"{_base}posts/<int:pk>/delete/", views.post_delete, name="post-delete"),
    path(f"{_base}posts/<int:pk>/hide/", views.post_hide, name="post-hide"),
    path(f"{_base}posts/<int:pk>/restore/", views.post_restore, name="post-restore"),
    path(f"{_base}documents/", views.document_list, name="documents"),
    path(f"{_base}documents/new/", views.document_add, name="document-add"),
    path(f"{_base}documents/<int:pk>/", views.document_detail, name="document"),
    path(f"{_base}documents/<int:pk>/versions/new/", views.version_add, name="version-add"),
    path(f"{_base}documents/<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path(f"{_base}documents/<int:pk>/versions/<int:number>/file/", views.version_download, name="version-download"),
    path(f"{_base}comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path(f"{_base}comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path(f"{_base}comments/<int:pk>/hide/", views.comment_hide, name="comment-hide"),
    path(f"{_base}comments/<int:pk>/restore/", views.comment_restore, name="comment-restore"),
]
