from __future__ import annotations

from django.urls import path

from . import views

app_name = "agreements"

_AGREEMENT = "partnerships/<slug:slug>/agreements/<int:pk>/"
_VERSION = _AGREEMENT + "versions/<int:number>/"

urlpatterns = [
    path("partnerships/<slug:slug>/agreements/", views.agreement_list, name="list"),
    path("partnerships/<slug:slug>/agreements/new/", views.create, name="create"),
    path(_AGREEMENT, views.detail, name="detail"),
    path(_AGREEMENT + "versions/new/", views.version_new, name="version-new"),
    path(_VERSION, views.version_detail, name="version"),
    path(_VERSION + "edit/", views.version_edit, name="version-edit"),
    path(_VERSION + "publish/", views.publish, name="publish"),
    path(_VERSION + "adopt/", views.adopt, name="adopt"),
    path(_VERSION + "withdraw/", views.withdraw, name="withdraw"),
    path(_VERSION + "sign/<int:partner>/", views.sign, name="sign"),
    path(_VERSION + "signatures/<int:signature>/download/", views.signature_download, name="signature-download"),
]
