from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.mark_all_read, name="mark-all-read"),
    path("notifications/settings/", views.notification_settings, name="settings"),
]
