from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from werkplaats.core.exports import Column, Table, dated_name, export
from werkplaats.core.forms import add_validation_error
from werkplaats.organisations.models import Organisation

from . import services
from .forms import ImportForm, LearningCompanyForm, RecognitionForm, WithdrawalForm
from .importer import COLUMNS, REQUIRED_COLUMNS
from .models import LearningCompany, Recognition, RecognitionStatus, register_employers, valid_on_condition

PAGE_SIZE = 50
MAX_PROBLEMS_SHOWN = 1000


def _employer(request: HttpRequest, slug: str) -> Organisation:
    """Any employer, for any logged-in user: the register is reference information. Another
    kind of organisation has no register (404)."""
    return get_object_or_404(register_employers(request.user).select_related("region", "learning_company"), slug=slug)


def _managed_employer(request: HttpRequest, slug: str) -> Organisation:
    employer = _employer(request, slug)
    if not services.can_manage_recognitions(request.user, employer):
        raise PermissionDenied
    return employer


def _recognition(request: HttpRequest, employer: Organisation, pk: int) -> Recognition:
    return get_object_or_404(
        Recognition.objects.visible_to(request.user).filter(employer=employer).select_related("employer"), pk=pk
    )


def _register_url(employer: Organisation) -> str:
    return reverse("recognitions:register", kwargs={"slug": employer.slug})


def _learning_company(employer: Organisation) -> LearningCompany | None:
    try:
        return employer.learning_company
    except LearningCompany.DoesNotExist:
        return None


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


def _searched_employers(request: HttpRequest, query: str) -> QuerySet[Organisation]:
    """The employers of the register that the search on the index matches (all for no search)."""
    employers = register_employers(request.user)
    if query:
        employers = employers.filter(Q(name__icontains=query) | Q(city__icontains=query) | Q(kvk_number=query))
    return employers


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Employers, with how many recognitions are valid today."""
    today = timezone.localdate()
    query = _search(request)
    employers = _searched_employers(request, query).select_related("region")
    employers = employers.annotate(
        valid_count=Count("recognitions", filter=valid_on_condition(today, "recognitions__"))
    ).order_by("name", "pk")
    page = Paginator(employers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recognitions/index.html",
        {
            "page": page,
            "query": query,
            "can_import": services.can_import_recognitions(request.user),
            "export_query": urlencode({"q": query}) if query else "",
        },
    )


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    employer = _employer(request, slug)
    today = timezone.localdate()
    recognitions = list(
        Recognition.objects.visible_to(request.user).filter(employer=employer).order_by("crebo", "-start_date")
    )
    qualifications = services.current_qualifications(r.crebo for r in recognitions)
    rows = [
        {"recognition": r, "qualification": qualifications.get(r.crebo), "status": r.status_on(today)}
        for r in recognitions
    ]
    return render(
        request,
        "recognitions/register.html",
        {
            "employer": employer,
            "company": _learning_company(employer),
            "rows": rows,
            "can_manage": services.can_manage_recognitions(request.user, employer),
            "today": today,
        },
    )


@login_required
def add(request: HttpRequest, slug: str) -> HttpResponse:
    employer = _managed_employer(request, slug)
    form = RecognitionForm(request.POST or None, initial={"start_date": timezone.localdate(), "places_offered": 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recognition = services.add_recognition(
                employer,
                crebo=data["crebo"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                places_offered=data["places_offered"],
                last_verified_on=data["last_verified_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(employer)s is now recognised for crebo %(crebo)s.")
                % {"employer": employer.name, "crebo": recognition.crebo},
            )
            return redirect(_register_url(employer))
    return render(request, "recognitions/recognition_form.html", {"employer": employer, "form": form})


@login_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    employer = _managed_employer(request, slug)
    recognition = _recognition(request, employer, pk)
    initial = {
        "start_date": recognition.start_date,
        "end_date": recognition.end_date,
        "places_offered": recognition.places_offered,
        "last_verified_on": recognition.last_verified_on,
    }
    form = RecognitionForm(request.POST or None, initial=initial, with_crebo=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_recognition(
                recognition,
                start_date=data["start_date"],
                end_date=data["end_date"],
                places_offered=data["places_offered"],
                last_verified_on=data["last_verified_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, _("The recognition for crebo %(crebo)s was saved.") % {"crebo": recognition.crebo}
            )
            return redirect(_register_url(employer))
    return render(
        request,
        "recognitions/recognition_form.html",
        {
            "employer": employer,
            "form": form,
            "recognition": recognition,
            "qualification": services.current_qualifications([recognition.crebo]).get(recognition.crebo),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    employer = _managed_employer(request, slug)
    recognition = _recognition(request, employer, pk)
    services.verify_recognition(recognition, by=request.user)
    messages.success(
        request, _("The recognition for crebo %(crebo)s was marked as verified today.") % {"crebo": recognition.crebo}
    )
    return redirect(_register_url(employer))


@login_required
def withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    employer = _managed_employer(request, slug)
    recognition = _recognition(request, employer, pk)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dependents = services.withdraw_recognition(
                recognition, end_date=form.cleaned_data["end_date"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            warned = services.people_warned(dependents)
            messages.success(
                request,
                ngettext(
                    "The recognition for crebo %(crebo)s was withdrawn. %(count)d person was warned.",
                    "The recognition for crebo %(crebo)s was withdrawn. %(count)d people were warned.",
                    warned,
                )
                % {"crebo": recognition.crebo, "count": warned},
            )
            return redirect(_register_url(employer))
    return render(
        request,
        "recognitions/withdraw.html",
        {
            "employer": employer,
            "recognition": recognition,
            "form": form,
            "qualification": services.current_qualifications([recognition.crebo]).get(recognition.crebo),
        },
    )


@login_required
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    employer = _managed_employer(request, slug)
    company = _learning_company(employer)
    initial: dict[str, Any] = {}
    if company is not None:
        initial = {field: getattr(company, field) for field in LearningCompanyForm.base_fields}
    form = LearningCompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_learning_company(employer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The learning-company details were saved."))
            return redirect(_register_url(employer))
    return render(request, "recognitions/profile_form.html", {"employer": employer, "form": form})


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    if not services.can_import_recognitions(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    problem_count = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.import_recognitions(upload.name, upload.read(), by=request.user)
        except services.ImportRejected as exc:
            problem_count = len(exc.problems)
            problems = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
        else:
            messages.success(
                request,
                _(
                    "%(file)s was imported: %(added)d recognitions added, %(updated)d updated, "
                    "%(unchanged)d unchanged, %(withdrawn)d withdrawn ones left as they were; "
                    "%(companies)d learning companies updated."
                )
                % {
                    "file": upload.name,
                    "added": summary.added,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "withdrawn": summary.withdrawn,
                    "companies": summary.learning_companies,
                },
            )
            return redirect("recognitions:import")
    return render(
        request,
        "recognitions/import.html",
        {
            "form": form,
            "problems": problems,
            "problem_count": problem_count,
            "hidden_count": problem_count - len(problems),
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
        },
    )


# --- Downloads of the register ----------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    recognition: Recognition
    qualification_name: str
    status: RecognitionStatus


def _employer_cell(name: str) -> Any:
    return lambda row: getattr(row.recognition.employer, name) or ""


REGISTER_TABLE: Table[RegisterRow] = Table(
    [
        Column(gettext_lazy("Employer"), _employer_cell("name")),
        Column(gettext_lazy("KvK number"), _employer_cell("kvk_number")),
        Column(gettext_lazy("Place"), _employer_cell("city")),
        Column(
            gettext_lazy("Labour-market region"),
            lambda row: row.recognition.employer.region.name if row.recognition.employer.region else "",
        ),
        Column(gettext_lazy("Crebo"), lambda row: row.recognition.crebo),
        Column(gettext_lazy("Qualification"), lambda row: row.qualification_name),
        Column(gettext_lazy("From"), lambda row: row.recognition.start_date),
        Column(gettext_lazy("Until"), lambda row: row.recognition.end_date),
        Column(gettext_lazy("Places"), lambda row: row.recognition.places_offered),
        Column(gettext_lazy("Source"), lambda row: str(row.recognition.get_source_display())),
        Column(gettext_lazy("Last verified"), lambda row: row.recognition.last_verified_on),
        Column(gettext_lazy("Status"), lambda row: str(row.status.label)),
        Column(capfirst(gettext_lazy("reason for withdrawal")), lambda row: row.recognition.withdrawal_reason),
    ],
    title=gettext_lazy("Recognition register"),
)


def _register_rows(recognitions: QuerySet[Recognition], today: datetime.date) -> list[RegisterRow]:
    """Each recognition with its qualification's name in the current catalogue (one query for all)."""
    found = list(recognitions)
    qualifications = services.current_qualifications(r.crebo for r in found)
    rows = []
    for recognition in found:
        qualification = qualifications.get(recognition.crebo)
        rows.append(
            RegisterRow(
                recognition=recognition,
                qualification_name=qualification.name if qualification is not None else "",
                status=recognition.status_on(today),
            )
        )
    return rows


@login_required
def export_register(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The recognitions of the employers the index finds (``q``), or of one employer
    (``employer``, its slug), one row per recognition, as the employer's register page shows them."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    query = _search(request)
    employers = _searched_employers(request, query)
    slug = request.GET.get("employer", "")
    if slug:
        employers = employers.filter(pk=_employer(request, slug).pk)
    recognitions = (
        Recognition.objects.visible_to(request.user)
        .filter(employer__in=employers)
        .select_related("employer__region")
        .order_by("employer__name", "employer_id", "crebo", "-start_date", "pk")
    )
    rows = _register_rows(recognitions, timezone.localdate())
    name = slugify(slug) if slug else _("recognition register")
    return export(
        REGISTER_TABLE,
        rows,
        count=len(rows),
        fmt=fmt,
        name=dated_name(name),
        what="recognitions",
        filters=request.GET.urlencode(),
    )
