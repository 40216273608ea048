from django.urls import path

from . import views_search

app_name = "learning_companies"

urlpatterns = [
    path("learning-companies/", views_search.search, name="search"),
    path("learning-companies/export.csv", views_search.export_csv, name="export"),
    path("learning-companies/export.xlsx", views_search.export_xlsx, name="export-xlsx"),
]
