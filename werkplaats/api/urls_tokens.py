from __future__ import annotations

from django.urls import path

from . import views

app_name = "api-tokens"

urlpatterns = [
    path("organisations/<slug:slug>/api-tokens/", views.token_list, name="list"),
    path("organisations/<slug:slug>/api-tokens/new/", views.token_create, name="create"),
    path("organisations/<slug:slug>/api-tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
