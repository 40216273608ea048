from __future__ import annotations

from django.urls import path

from . import views

app_name = "reflections"

P = "partnerships/<slug:slug>/reflections/"

urlpatterns = [
    path(P, views.session_list, name="list"),
    path(P + "plan/", views.session_add, name="session-add"),
    path(P + "<int:pk>/", views.session_detail, name="session"),
    path(P + "<int:pk>/edit/", views.session_edit, name="session-edit"),
    path(P + "<int:pk>/answer/", views.session_answer, name="session-answer"),
    path(P + "<int:pk>/close/", views.session_close, name="session-close"),
    path(P + "prompts/", views.prompt_sets, name="prompt-sets"),
    path(P + "prompts/built-in/", views.prompt_set_add_built_in, name="prompt-set-add-built-in"),
    path(P + "prompts/add/", views.prompt_set_add, name="prompt-set-add"),
    path(P + "prompts/<int:pk>/", views.prompt_set_edit, name="prompt-set-edit"),
    path(P + "prompts/<int:pk>/delete/", views.prompt_set_delete, name="prompt-set-delete"),
    path(P + "prompts/<int:pk>/guide/", views.prompt_set_guide, name="prompt-set-guide"),
]
