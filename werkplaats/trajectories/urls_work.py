from django.urls import URLPattern, path

from . import views_work as views

# Learning plan, progress reviews, practice hours, assessments and the log. Every URL starts
# with the trajectory, through which each object is fetched.
urlpatterns: list[URLPattern] = [
    path("trajectories/<int:pk>/plan/", views.plan, name="plan"),
    path("trajectories/<int:pk>/plan/edit/", views.plan_edit, name="plan-edit"),
    path("trajectories/<int:pk>/plan/<int:number>/", views.plan_version, name="plan-version"),
    path("trajectories/<int:pk>/plan/<int:number>/approve/", views.plan_approve, name="plan-approve"),
    path("trajectories/<int:pk>/plan/<int:number>/signed/", views.plan_signed, name="plan-signed"),
    path(
        "trajectories/<int:pk>/plan/<int:number>/signed/download/",
        views.plan_signed_download,
        name="plan-signed-download",
    ),
    path("trajectories/<int:pk>/reviews/", views.reviews, name="reviews"),
    path("trajectories/<int:pk>/reviews/add/", views.review_add, name="review-add"),
    path("trajectories/<int:pk>/hours/", views.hours, name="hours"),
    path("trajectories/<int:pk>/hours/log/", views.hours_log, name="hours-log"),
    path("trajectories/<int:pk>/hours/<int:entry>/approve/", views.hours_approve, name="hours-approve"),
    path("trajectories/<int:pk>/assessments/", views.assessments, name="assessments"),
    path(
        "trajectories/<int:pk>/assessments/work-process/<int:work_process>/",
        views.assessment_edit,
        name="assessment-edit",
    ),
    path(
        "trajectories/<int:pk>/assessments/<int:assessment>/confirm/",
        views.assessment_confirm,
        name="assessment-confirm",
    ),
    path("trajectories/<int:pk>/evidence/<int:file>/", views.evidence_download, name="evidence-download"),
    path("trajectories/<int:pk>/log/", views.log, name="log"),
    path("trajectories/<int:pk>/log/add/", views.log_add, name="log-add"),
]
