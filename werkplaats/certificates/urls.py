from django.urls import URLPattern, URLResolver, include, path, register_converter

from . import views


class NumberConverter:
    """A certificate number as printed: PV-<year>-<sequence>."""

    regex = r"PV-[0-9]{4}-[0-9]{6,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NumberConverter, "certificate_number")

app_name = "certificates"

urlpatterns: list[URLPattern | URLResolver] = [
    # Batches, counts and the learner's record, in their own modules.
    path("", include("werkplaats.certificates.urls_batch")),
    path("", include("werkplaats.certificates.urls_counts")),
    path("", include("werkplaats.certificates.urls_record")),
    path("", include("werkplaats.certificates.urls_list")),
    path("trajectories/<int:pk>/certificate/", views.issue, name="issue"),
    path("certificates/<certificate_number:number>/", views.detail, name="detail"),
    path("certificates/<certificate_number:number>/pdf/", views.download, name="pdf"),
    path("certificates/<certificate_number:number>/revoke/", views.revoke, name="revoke"),
    # Public: anyone holding a certificate checks it here.
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
