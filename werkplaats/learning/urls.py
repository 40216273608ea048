from __future__ import annotations

from django.urls import path

from . import views

app_name = "learning"

P = "partnerships/<slug:slug>/learning/"

urlpatterns = [
    path(P, views.overview, name="list"),
    path(P + "communities/<int:pk>/", views.community, name="community"),
    path(P + "communities/<int:pk>/theme/", views.community_edit, name="community-edit"),
    path(P + "communities/<int:pk>/meetings/add/", views.meeting_add, name="meeting-add"),
    path(P + "communities/<int:pk>/knowledge/add/", views.knowledge_add, name="knowledge-add"),
    path(P + "communities/<int:pk>/results/add/", views.result_add, name="result-add"),
    path(P + "meetings/<int:pk>/", views.meeting, name="meeting"),
    path(P + "meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path(P + "knowledge/<int:pk>/remove/", views.knowledge_remove, name="knowledge-remove"),
    path(P + "results/<int:pk>/remove/", views.result_remove, name="result-remove"),
    path(P + "research/start/", views.project_add, name="project-add"),
    path(P + "research/<int:pk>/", views.project, name="project"),
    path(P + "research/<int:pk>/phases/<str:phase>/", views.phase_edit, name="phase-edit"),
    path(P + "research/<int:pk>/back/", views.project_back, name="project-back"),
    path(P + "research/<int:pk>/experiments/add/", views.experiment_add, name="experiment-add"),
    path(P + "experiments/<int:pk>/edit/", views.experiment_edit, name="experiment-edit"),
    path(P + "research/<int:pk>/involved/add/", views.involved_add, name="involved-add"),
    path(P + "involved/<int:pk>/remove/", views.involved_remove, name="involved-remove"),
]
