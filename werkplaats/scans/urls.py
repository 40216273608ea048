from __future__ import annotations

from django.urls import path

from . import views

app_name = "scans"

urlpatterns = [
    path("partnerships/<slug:slug>/scans/", views.scan_list, name="list"),
    path("partnerships/<slug:slug>/scans/open/", views.open_round, name="open"),
    path("partnerships/<slug:slug>/scans/trend/", views.trend, name="trend"),
    path("partnerships/<slug:slug>/scans/template/", views.template, name="template"),
    path("partnerships/<slug:slug>/scans/template/add/", views.statement_add, name="statement-add"),
    path("partnerships/<slug:slug>/scans/template/<int:pk>/", views.statement_edit, name="statement-edit"),
    path("partnerships/<slug:slug>/scans/template/<int:pk>/move/", views.statement_move, name="statement-move"),
    path("partnerships/<slug:slug>/scans/<int:pk>/", views.answer, name="answer"),
    path("partnerships/<slug:slug>/scans/<int:pk>/close/", views.close_round, name="close"),
    path("partnerships/<slug:slug>/scans/<int:pk>/results/", views.round_results, name="results"),
    path("partnerships/<slug:slug>/scans/<int:pk>/actions/", views.plan_action, name="plan-action"),
]
