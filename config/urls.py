from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from werkplaats.core import views as core_views

admin.site.site_header = _("Werkplaats management")
admin.site.site_title = _("Werkplaats")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("werkplaats.core.urls_openness")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("werkplaats.core.urls")),
    path("", include("werkplaats.accounts.urls")),
    path("", include("werkplaats.organisations.urls")),
    path("", include("werkplaats.audit.urls")),
    path("", include("werkplaats.recognitions.urls")),
    path("", include("werkplaats.notifications.urls")),
    path("", include("werkplaats.recognitions.urls_search")),
    path("", include("werkplaats.qualifications.urls")),
    path("", include("werkplaats.trajectories.urls")),
    path("", include("werkplaats.certificates.urls")),
    path("", include("werkplaats.partnerships.urls")),
    path("", include("werkplaats.agreements.urls")),
    path("", include("werkplaats.goals.urls")),
    path("", include("werkplaats.steering.urls")),
    path("", include("werkplaats.successes.urls")),
    path("", include("werkplaats.reflections.urls")),
    path("", include("werkplaats.scans.urls")),
    path("", include("werkplaats.stakeholders.urls")),
    path("", include("werkplaats.forum.urls")),
    path("", include("werkplaats.meetings.urls")),
    path("", include("werkplaats.intervision.urls")),
    path("", include("werkplaats.learning.urls")),
    path("", include("werkplaats.matching.urls")),
    path("", include("werkplaats.insights.urls")),
    path("", include("werkplaats.imports.urls")),
    path("", include("werkplaats.privacy.urls")),
    path("", include("werkplaats.api.urls_tokens")),
    path("api/v1/", include("werkplaats.api.urls")),
]
