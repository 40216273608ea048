from django.urls import URLPattern, path

from . import views

# Learners, trajectories, transitions and caseloads.
urlpatterns: list[URLPattern] = [
    path("learners/new/", views.learner_register, name="learner-register"),
    path("learners/<int:pk>/", views.learner_detail, name="learner"),
    path("learners/<int:pk>/invite/", views.learner_invite, name="learner-invite"),
    path("learners/<int:pk>/trajectories/new/", views.trajectory_create, name="create"),
    path("trajectories/<int:pk>/", views.trajectory_detail, name="detail"),
    path("trajectories/<int:pk>/edit/", views.trajectory_edit, name="edit"),
    path("trajectories/<int:pk>/transition/<str:to>/", views.transition, name="transition"),
    path("trajectories/<int:pk>/employer/", views.change_employer, name="change-employer"),
    path("trajectories/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/export.csv", views.caseload_export, {"fmt": "csv"}, name="caseload-csv"),
    path("caseload/export.xlsx", views.caseload_export, {"fmt": "xlsx"}, name="caseload-xlsx"),
]
