from django.urls import URLPattern, path

from . import views_record

urlpatterns: list[URLPattern] = [
    path("trajectories/<int:pk>/record.zip", views_record.record, name="record"),
]
