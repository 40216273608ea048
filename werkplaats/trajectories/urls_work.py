from django.urls import URLPattern

# Learning plan, progress reviews, practice hours, assessments and the log.
urlpatterns: list[URLPattern] = []
