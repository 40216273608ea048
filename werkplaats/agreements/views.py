"""Pages of a partnership's agreements. Every member reads them; the manager writes, publishes,
adopts and withdraws versions; a partner's representative (or the manager, with a signed copy)
signs for the partner. The rules themselves are in services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import Partner

from . import services
from .forms import AdoptForm, AgreementForm, SignForm, VersionForm, WithdrawForm
from .models import TEXT_FIELDS, Agreement, AgreementKind, AgreementVersion, Signature, SignatureMethod
from .queries import agreement_rows, partner_count, with_signature_counts

# --- Fetching -----------------------------------------------------------------------------


def _agreement(pa: PartnershipAccess, pk: int) -> Agreement:
    return get_object_or_404(Agreement.objects.select_related("partnership"), partnership=pa.partnership, pk=pk)


def _version(agreement: Agreement, number: int) -> AgreementVersion:
    version = get_object_or_404(with_signature_counts(agreement.versions.select_related("created_by")), number=number)
    version.agreement = agreement
    return version


def _context(pa: PartnershipAccess, **extra: Any) -> dict[str, Any]:
    return {"partnership": pa.partnership, "pa": pa, "today": timezone.localdate(), **extra}


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Reading ------------------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    rows = agreement_rows(pa.partnership)
    return render(
        request,
        "agreements/list.html",
        _context(pa, rows=rows, partner_count=partner_count(pa.partnership)),
    )


@login_required
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    agreement = _agreement(pa, pk)
    versions = list(with_signature_counts(agreement.versions.select_related("created_by")).order_by("-number"))
    for version in versions:
        version.agreement = agreement
    return render(
        request,
        "agreements/detail.html",
        _context(
            pa,
            agreement=agreement,
            versions=versions,
            in_force=next((v for v in versions if v.is_in_force), None),
            pending=next((v for v in versions if v.is_out_for_signature), None),
            draft=next((v for v in versions if v.is_draft), None),
            partner_count=partner_count(pa.partnership),
        ),
    )


@login_required
def version_detail(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    numbers = list(agreement.versions.exclude(pk=version.pk).order_by("-number").values_list("number", flat=True))
    try:
        compare_number = int(request.GET.get("compare", ""))
    except ValueError:
        compare_number = max((n for n in numbers if n < version.number), default=0)
    other = agreement.versions.filter(number=compare_number).exclude(pk=version.pk).first()
    partners = list(pa.partnership.partners.active().select_related("organisation"))
    return render(
        request,
        "agreements/version.html",
        _context(
            pa,
            agreement=agreement,
            version=version,
            other=other,
            numbers=numbers,
            compared=services.compare_versions(other, version),
            signatures=services.signature_rows(version, partners, pa.member) if not agreement.is_statute else [],
            partner_count=len(partners),
            events=version.events.select_related("actor"),
            withdraw_form=WithdrawForm(),
        ),
    )


@login_required
def signature_download(request: HttpRequest, slug: str, pk: int, number: int, signature: int) -> HttpResponseBase:
    pa = partnership_access(request, slug)
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    found = get_object_or_404(Signature.objects.select_related("partner__organisation"), version=version, pk=signature)
    if not found.file:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = slugify(f"{agreement.title}-v{version.number}-{found.partner.organisation.name}")[:120] or "agreement"
    response = FileResponse(handle, as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Writing (the manager) ----------------------------------------------------------------


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    form = AgreementForm(request.POST or None, initial={"kind": request.GET.get("kind") or AgreementKind.COVENANT})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.create_agreement(
                pa.partnership,
                by=request.user,
                kind=data["kind"],
                title=data["title"],
                scope=data["scope"],
                **form.text(),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The agreement was saved as a draft (version 1)."))
            return redirect(agreement)
    return render(request, "agreements/create.html", _context(pa, form=form))


@login_required
@require_POST
def version_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    agreement = _agreement(pa, pk)
    try:
        version = services.start_version(agreement, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(agreement)
    messages.success(
        request, _("Version %(number)s was started as a copy of the latest version.") % {"number": version.number}
    )
    return redirect("agreements:version-edit", slug=slug, pk=agreement.pk, number=version.number)


@login_required
def version_edit(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    if not version.is_draft:
        messages.error(request, _("Only a draft can be changed. Start a new version instead."))
        return redirect(version)
    form = VersionForm(request.POST or None, initial={name: getattr(version, name) for name in TEXT_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_version(version, by=request.user, **form.text())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(version)
    return render(
        request, "agreements/version_edit.html", _context(pa, agreement=agreement, version=version, form=form)
    )


@login_required
def publish(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    if agreement.is_statute:
        return redirect("agreements:adopt", slug=slug, pk=pk, number=number)
    if request.method == "POST":
        try:
            services.publish_version(version, by=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The version is out for signature; its text is now frozen."))
        return redirect(version)
    if not version.is_draft:
        messages.error(request, _("Only a draft can be published."))
        return redirect(version)
    partners = list(pa.partnership.partners.active().select_related("organisation"))
    return render(
        request, "agreements/publish.html", _context(pa, agreement=agreement, version=version, partners=partners)
    )


@login_required
def adopt(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    if not agreement.is_statute:
        return redirect("agreements:publish", slug=slug, pk=pk, number=number)
    if not version.is_draft:
        messages.error(request, _("Only a draft can be adopted."))
        return redirect(version)
    form = AdoptForm(request.POST or None, initial={"adopted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_version(version, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The statute was adopted and is in force."))
            return redirect(version)
    return render(request, "agreements/adopt.html", _context(pa, agreement=agreement, version=version, form=form))


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the version is withdrawn."))
        return redirect(version)
    try:
        services.withdraw_version(version, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The version was withdrawn; it no longer collects signatures."))
    return redirect(version)


# --- Signing ------------------------------------------------------------------------------


@login_required
def sign(request: HttpRequest, slug: str, pk: int, number: int, partner: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    # Whether the member may sign depends on the partner: fetch it (in this partnership) first.
    signing_for = get_object_or_404(
        Partner.objects.active().select_related("organisation"), partnership=pa.partnership, pk=partner
    )
    methods = services.signing_methods(pa.member, signing_for)
    pa.require(bool(methods))
    agreement = _agreement(pa, pk)
    version = _version(agreement, number)
    if not version.is_out_for_signature:
        messages.error(request, _("This version is not out for signature."))
        return redirect(version)
    if version.signatures.filter(partner=signing_for).exists():
        messages.info(
            request, _("%(partner)s has already signed this version.") % {"partner": signing_for.organisation}
        )
        return redirect(version)
    form = SignForm(request.POST or None, request.FILES or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_version(
                version,
                partner=signing_for,
                signer=pa.member,
                method=data["method"],
                signatory=data["signatory"],
                file=data.get("file"),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            version.refresh_from_db(fields=["status"])
            if version.is_in_force:
                messages.success(request, _("Signed. Every partner has now signed: the version is in force."))
            else:
                messages.success(request, _("Signed for %(partner)s.") % {"partner": signing_for.organisation})
            return redirect(version)
    return render(
        request,
        "agreements/sign.html",
        _context(
            pa,
            agreement=agreement,
            version=version,
            partner=signing_for,
            form=form,
            can_approve=SignatureMethod.IN_APP in methods,
        ),
    )
