from django.urls import URLPattern, path

from . import views_lists

# Every trajectory the user may see, and its downloads.
urlpatterns: list[URLPattern] = [
    path("trajectories/", views_lists.trajectory_list, name="list"),
    path("trajectories/export.csv", views_lists.trajectory_export, {"fmt": "csv"}, name="list-csv"),
    path("trajectories/export.xlsx", views_lists.trajectory_export, {"fmt": "xlsx"}, name="list-xlsx"),
]
