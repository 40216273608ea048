from __future__ import annotations

from django.urls import path

from . import views, views_guests

app_name = "meetings"

P = "partnerships/<slug:slug>/calendar/"

urlpatterns = [
    path(P, views.event_list, name="list"),
    path(P + "past/", views.past_list, name="past"),
    path(P + "new/", views.event_add, name="add"),
    path(P + "<int:pk>/", views.event_detail, name="detail"),
    path(P + "<int:pk>/edit/", views.event_edit, name="edit"),
    path(P + "<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path(P + "<int:pk>/sign-up/", views.sign_up, name="sign-up"),
    path(P + "<int:pk>/sign-off/", views.sign_off, name="sign-off"),
    path(P + "<int:pk>/event.ics", views.event_ics, name="ics"),
    path(P + "<int:pk>/guests.csv", views_guests.guest_export, name="guest-export"),
    path("calendar/feed/", views.feed_page, name="feed"),
    path("calendar/<str:token>.ics", views.feed_ics, name="feed-ics"),
    # Public: information sessions opened to guests, who have no account.
    path("events/<uuid:public_id>/", views_guests.guest_page, name="guest-page"),
    path("events/cancel/<str:token>/", views_guests.guest_cancel, name="guest-cancel"),
]
