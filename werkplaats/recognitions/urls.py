from django.urls import path

from . import views

app_name = "recognitions"

urlpatterns = [
    path("recognitions/", views.index, name="index"),
    path("recognitions/import/", views.import_file, name="import"),
    # The register as a download: of the employers the index finds, or of one (?employer=<slug>).
    path("recognitions/export.csv", views.export_register, {"fmt": "csv"}, name="export-csv"),
    path("recognitions/export.xlsx", views.export_register, {"fmt": "xlsx"}, name="export-xlsx"),
    path("learning-companies/<slug:slug>/recognitions/", views.register, name="register"),
    path("learning-companies/<slug:slug>/recognitions/add/", views.add, name="add"),
    path("learning-companies/<slug:slug>/recognitions/<int:pk>/edit/", views.edit, name="edit"),
    path("learning-companies/<slug:slug>/recognitions/<int:pk>/verify/", views.verify, name="verify"),
    path("learning-companies/<slug:slug>/recognitions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("learning-companies/<slug:slug>/profile/", views.profile, name="profile"),
]
