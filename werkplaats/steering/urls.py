from __future__ import annotations

from django.urls import path

from . import views

app_name = "steering"

P = "partnerships/<slug:slug>/"

urlpatterns = [
    path(P + "groups/", views.group_list, name="groups"),
    path(P + "groups/new/", views.group_add, name="group-add"),
    path(P + "groups/<int:pk>/", views.group_detail, name="group"),
    path(P + "groups/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path(P + "groups/<int:pk>/close/", views.group_close, name="group-close"),
    path(P + "groups/<int:pk>/members/add/", views.group_member_add, name="group-member-add"),
    path(P + "groups/<int:pk>/members/<int:member_pk>/remove/", views.group_member_remove, name="group-member-remove"),
    path(P + "reports/", views.report_list, name="reports"),
    path(P + "reports/<int:pk>/", views.report_detail, name="report"),
    path(P + "reports/<int:pk>/write/", views.report_edit, name="report-edit"),
    path(P + "reports/<int:pk>/decision/", views.report_answer, name="report-answer"),
    path(P + "actions/", views.action_list, name="actions"),
    path(P + "actions/new/", views.action_add, name="action-add"),
    path(P + "actions/<int:pk>/status/", views.action_status, name="action-status"),
]
