from django.urls import URLPattern, path

from . import views_list

# The praktijkverklaringen the user may see, and their downloads.
urlpatterns: list[URLPattern] = [
    path("certificates/", views_list.certificate_list, name="list"),
    path("certificates/export.csv", views_list.certificate_export, {"fmt": "csv"}, name="list-csv"),
    path("certificates/export.xlsx", views_list.certificate_export, {"fmt": "xlsx"}, name="list-xlsx"),
]
