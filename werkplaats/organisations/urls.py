from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.organisation_list, name="list"),
    path("organisations/switch/", views.switch, name="switch"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="detail"),
    path("organisations/<slug:slug>/invite/", views.invite, name="invite"),
    path("organisations/<slug:slug>/members/<int:pk>/", views.member_edit, name="member-edit"),
    path("organisations/<slug:slug>/members/<int:pk>/end/", views.member_end, name="member-end"),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
