from django.urls import URLPattern, path

from . import views_batch

urlpatterns: list[URLPattern] = [
    path("certificates/batch/", views_batch.batch_start, name="batch-start"),
    path("certificates/batch/<int:pk>/", views_batch.batch_detail, name="batch"),
]
