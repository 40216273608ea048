from __future__ import annotations

from django.urls import path

from . import views

app_name = "goals"

GOAL = "partnerships/<slug:slug>/goals/<int:pk>/"
INDICATOR = GOAL + "indicators/<int:indicator_pk>/"

urlpatterns = [
    path("partnerships/<slug:slug>/goals/", views.goal_list, name="list"),
    path("partnerships/<slug:slug>/goals/new/", views.goal_create, name="create"),
    path(GOAL, views.goal_detail, name="detail"),
    path(GOAL + "edit/", views.goal_edit, name="edit"),
    path(GOAL + "delete/", views.goal_delete, name="delete"),
    path(GOAL + "indicators/new/", views.indicator_create, name="indicator-create"),
    path(INDICATOR + "edit/", views.indicator_edit, name="indicator-edit"),
    path(INDICATOR + "delete/", views.indicator_delete, name="indicator-delete"),
    path(INDICATOR + "values/new/", views.value_add, name="value-add"),
    path(INDICATOR + "values/<int:value_pk>/delete/", views.value_delete, name="value-delete"),
]
