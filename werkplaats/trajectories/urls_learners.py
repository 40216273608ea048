from django.urls import URLPattern

# Learners, trajectories, transitions and caseloads.
urlpatterns: list[URLPattern] = []
