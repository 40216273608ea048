from django.urls import path

from . import views_openness

app_name = "openness"

urlpatterns = [
    path(".well-known/security.txt", views_openness.security_txt, name="security-txt"),
    path("accessibility/", views_openness.accessibility_statement, name="accessibility"),
]
