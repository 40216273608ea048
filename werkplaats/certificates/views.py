"""Issuing, showing, downloading and revoking certificates, and the public verification page."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record, record_view
from werkplaats.core import ratelimit
from werkplaats.core.exports import file_response
from werkplaats.core.forms import add_validation_error
from werkplaats.privacy.services import certificate_holder_erased
from werkplaats.trajectories.models import Trajectory

from . import pdf, services
from .forms import IssueForm, RevokeForm, VerifyForm
from .models import Certificate, grouped, normalise_code


def _certificate(request: HttpRequest, number: str) -> Certificate:
    return get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related("revocation__revoked_by", "trajectory"),
        number=number,
    )


@login_required
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the certificate will state, and what is still missing. POST: issue it."""
    trajectory = get_object_or_404(Trajectory.objects.visible_to(request.user).for_page(), pk=pk)
    if not services.is_issuing_school_staff(request.user, trajectory):
        raise PermissionDenied
    posted = request.method == "POST"
    form = IssueForm(
        request.POST if posted else None, initial={"language": services.learner_language(trajectory.learner)}
    )
    if posted and form.is_valid():
        try:
            certificate = services.issue(
                trajectory,
                by=request.user,
                on=form.cleaned_data["issued_on"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Praktijkverklaring %(number)s has been issued; the trajectory is completed.")
                % {"number": certificate.number},
            )
            return redirect(certificate)
    return render(
        request,
        "certificates/issue.html",
        {
            "trajectory": trajectory,
            "form": form,
            "problems": services.issue_problems(trajectory),
            "mastered": services.confirmed_mastered(trajectory),
            "unconfirmed": services.unconfirmed_mastered(trajectory),
            "revoked": trajectory.certificates.filter(revocation__isnull=False).order_by("-issued_at"),
        },
    )


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate(request, number)
    record_view(request, certificate, subject_organisation_id=certificate.learner.organisation_id)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "revocation": certificate.revoked,
            "holder_erased": pdf.holder_erased(certificate),
            "can_revoke": certificate.revoked is None and services.can_revoke(request.user, certificate),
            "can_reissue": certificate.revoked is not None
            and services.is_issuing_school_staff(request.user, certificate.trajectory)
            and not services.issue_problems(certificate.trajectory),
        },
    )


@login_required
def download(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate(request, number)
    try:
        data = pdf.stored_pdf(certificate)
    except pdf.HolderErased:
        return render(request, "certificates/holder_erased.html", {"certificate": certificate}, status=410)
    record(
        Action.EXPORT,
        certificate,
        changes={"format": "pdf"},
        subject_organisation_id=certificate.learner.organisation_id,
    )
    return file_response(data, content_type="application/pdf", filename=f"{certificate.number}.pdf")


@login_required
def revoke(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate(request, number)
    if not services.can_revoke(request.user, certificate):
        raise PermissionDenied
    if certificate.revoked is not None:
        messages.info(request, _("This praktijkverklaring has already been revoked."))
        return redirect(certificate)
    posted = request.method == "POST"
    form = RevokeForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.revoke(
                certificate,
                by=request.user,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["revoked_on"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Praktijkverklaring %(number)s is revoked.") % {"number": certificate.number})
            return redirect(certificate)
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})


# --- Public -----------------------------------------------------------------------------------


def _too_many(request: HttpRequest, verdict: ratelimit.Verdict) -> HttpResponse:
    response = render(request, "certificates/verify_limited.html", {"retry_after": verdict.retry_after}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


@never_cache
@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type the code printed on a certificate (for those who cannot scan the QR code)."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code:
            return redirect(reverse("certificates:verify", kwargs={"code": grouped(code)}))
        form.add_error("code", _("A verification code has 16 letters and digits, for example 7K2M-9QXD-4RTB-H8NP."))
    return render(request, "certificates/verify_form.html", {"form": form})


@never_cache
@require_safe
@transaction.non_atomic_requests  # the padding sleeps: no transaction may stay open meanwhile
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a certificate is genuine, for anyone holding one. Every answer, found or not,
    takes at least WERKPLAATS_VERIFY_MIN_SECONDS, so the time says nothing about the code; the
    page shows no more of the person than initials and surname."""
    started = time.monotonic()
    verdict = ratelimit.hit("verify", request, settings.WERKPLAATS_VERIFY_RATE)
    if not verdict.allowed:
        response = _too_many(request, verdict)
    else:
        # The same query for every code, also for one that is malformed.
        certificate = Certificate.objects.select_related("revocation").filter(code=normalise_code(code) or "-").first()
        response = render(
            request,
            "certificates/verify.html",
            {
                "certificate": certificate,
                "revocation": certificate.revoked if certificate else None,
                # The holder's personal data erased (AVG): only that the certificate exists.
                "holder_erased": certificate is not None and certificate_holder_erased(certificate),
            },
            status=200 if certificate is not None else 404,
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    ratelimit.pad_to(started, settings.WERKPLAATS_VERIFY_MIN_SECONDS)
    return response
