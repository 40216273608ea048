from __future__ import annotations

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/<int:pk>/", views.detail, name="detail"),
    path("imports/<int:pk>/rejected.xlsx", views.rejected, name="rejected"),
]
