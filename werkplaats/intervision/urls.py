from __future__ import annotations

from django.urls import path

from . import views

app_name = "intervision"

P = "partnerships/<slug:slug>/intervision/"

urlpatterns = [
    path(P, views.group_list, name="list"),
    path(P + "new/", views.group_add, name="group-add"),
    path(P + "methods/", views.methods, name="methods"),
    path(P + "<int:pk>/", views.group_detail, name="group"),
    path(P + "<int:pk>/members/", views.membership, name="membership"),
    # Outside the group's own URL: the manager who opens it does not see the group itself.
    path(P + "facilitators/<int:pk>/", views.facilitator_replace, name="facilitator"),
    path(P + "<int:group>/sessions/new/", views.session_add, name="session-add"),
    path(P + "<int:group>/sessions/<int:pk>/", views.session_detail, name="session"),
    path(P + "<int:group>/sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    # Last: in the URL-walking test its role-user really leaves the group.
    path(P + "<int:pk>/leave/", views.leave, name="leave"),
]
