from __future__ import annotations

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/register/", views.processing_register, name="register"),
    path("privacy/my-data/", views.my_data, name="my-data"),
    path("privacy/learners/<int:pk>/", views.subject_access, name="access"),
    path("privacy/learners/<int:pk>/json/", views.subject_access_json, name="access-json"),
    path("privacy/learners/<int:pk>/pdf/", views.subject_access_pdf, name="access-pdf"),
    path("privacy/learners/<int:pk>/erase/", views.erase, name="erase"),
]
