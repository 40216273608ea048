from __future__ import annotations

from django.urls import path

from . import views

app_name = "successes"

urlpatterns = [
    path("partnerships/<slug:slug>/successes/", views.success_list, name="list"),
    path("partnerships/<slug:slug>/successes/add/", views.success_add, name="add"),
    path("partnerships/<slug:slug>/successes/<int:pk>/", views.success_edit, name="edit"),
    path("partnerships/<slug:slug>/successes/<int:pk>/remove/", views.success_delete, name="delete"),
]
