"""The praktijkverklaringen the user may see (a school's issued ones, a region's, a company's, a
learner's own), filtered and paginated, and the same list as CSV and XLSX (headers in the
language of the request, Dutch unless the user chose English). What a list row says comes from
the certificate itself, as it was issued; the learner's date of birth is not on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.core.exports import Column, Table, dated_name, filtered_list_export
from werkplaats.core.forms import date_field
from werkplaats.organisations.models import Region

from .models import Certificate

PAGE_SIZE = 50
VALID = "valid"
REVOKED = "revoked"


class CertificateListForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Number, learner, school or employer"), required=False, max_length=100)
    crebo = forms.RegexField(
        label=gettext_lazy("Crebo"),
        regex=r"^[0-9]{5}$",
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a crebo of 5 digits.")},
    )
    date_from = date_field(gettext_lazy("From"), required=False)
    date_to = date_field(gettext_lazy("To"), required=False)
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All regions"),
        error_messages={"invalid_choice": gettext_lazy("Choose a region from the list.")},
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("valid and revoked")),
            (VALID, gettext_lazy("valid")),
            (REVOKED, gettext_lazy("revoked")),
        ],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned

    def filter(self, certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
        data = self.cleaned_data
        if data.get("crebo"):
            certificates = certificates.filter(crebo=data["crebo"])
        if data.get("date_from"):
            certificates = certificates.filter(issued_on__gte=data["date_from"])
        if data.get("date_to"):
            certificates = certificates.filter(issued_on__lte=data["date_to"])
        if data.get("region") is not None:
            certificates = certificates.filter(region=data["region"])
        if data.get("status") == VALID:
            certificates = certificates.filter(revocation__isnull=True)
        elif data.get("status") == REVOKED:
            certificates = certificates.filter(revocation__isnull=False)
        for word in (data.get("q") or "").split()[:5]:
            certificates = certificates.filter(
                Q(number__icontains=word)
                | Q(learner_first_name__icontains=word)
                | Q(learner_last_name__icontains=word)
                | Q(school_name__icontains=word)
                | Q(employer_name__icontains=word)
            )
        return certificates


def certificates(request: HttpRequest, form: CertificateListForm) -> QuerySet[Certificate]:
    """The certificates the user may see that the (valid) form selects, newest first."""
    return (
        form.filter(Certificate.objects.visible_to(request.user))
        .select_related("region", "revocation")
        .order_by("-issued_on", "-year", "-sequence")
    )


def _revoked_on(certificate: Certificate) -> Any:
    revocation = certificate.revoked
    return revocation.revoked_on if revocation is not None else None


TABLE: Table[Certificate] = Table(
    [
        Column(gettext_lazy("Number"), lambda c: c.number),
        Column(gettext_lazy("Date of issue"), lambda c: c.issued_on),
        Column(gettext_lazy("Learner"), lambda c: c.learner_name),
        Column(gettext_lazy("Qualification"), lambda c: c.qualification_name),
        Column(gettext_lazy("Crebo"), lambda c: c.crebo),
        Column(gettext_lazy("Level"), lambda c: c.level),
        Column(gettext_lazy("School"), lambda c: c.school_name),
        Column(gettext_lazy("Employer"), lambda c: c.employer_name),
        Column(gettext_lazy("Region"), lambda c: c.region.name if c.region is not None else ""),
        Column(gettext_lazy("Revoked on"), _revoked_on),
    ],
    title=gettext_lazy("Praktijkverklaringen"),
)


def _form(request: HttpRequest) -> CertificateListForm:
    form = CertificateListForm(request.GET)
    form.is_valid()
    return form


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    page = None
    if form.is_valid():
        page = Paginator(certificates(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certificates/list/certificates.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, _revoked_on(c)) for c in page.object_list] if page is not None else [],
            "export_query": query.urlencode(),
            "headers": TABLE.headers(),
        },
    )


@login_required
def certificate_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form = _form(request)
    return filtered_list_export(
        request,
        TABLE,
        form=form,
        select=lambda: certificates(request, form),
        fmt=fmt,
        list_url=reverse("certificates:list"),
        name=dated_name(_("praktijkverklaringen")),
        what="certificates",
    )
