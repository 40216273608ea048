from django.urls import URLPattern, path

from . import views_counts

urlpatterns: list[URLPattern] = [
    path("certificates/counts/", views_counts.page, name="counts"),
    path("certificates/counts.csv", views_counts.export_csv, name="counts-csv"),
    path("certificates/counts.xlsx", views_counts.export_xlsx, name="counts-xlsx"),
]
