from django.urls import path

from . import views

app_name = "qualifications"

urlpatterns = [
    path("qualifications/", views.qualification_list, name="list"),
    path("qualifications/<int:pk>/", views.qualification_detail, name="detail"),
    path("qualifications/import/", views.import_start, name="import"),
    path("qualifications/imports/", views.import_list, name="import-list"),
    path("qualifications/imports/<int:pk>/", views.import_detail, name="import-detail"),
]
