from django.urls import URLPattern, path

from . import views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("insights/", views.page, name="dashboard"),
    path("insights/dashboard.csv", views.export_csv, name="dashboard-csv"),
    path("insights/dashboard.xlsx", views.export_xlsx, name="dashboard-xlsx"),
]
