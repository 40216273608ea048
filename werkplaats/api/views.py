"""An organisation's API tokens, for its administrators: list, create (the secret shown once), revoke."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Role

from . import services
from .api import API_VERSION
from .forms import TokenForm
from .models import ApiToken

DEFAULT_DAYS = 90


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    if not services.can_manage_tokens(request.user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def token_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    tokens = ApiToken.objects.visible_to(request.user).filter(organisation=organisation).select_related("created_by")
    return render(
        request,
        "api/token_list.html",
        {"organisation": organisation, "tokens": tokens, "now": timezone.now(), "api_version": API_VERSION},
    )


@never_cache
@login_required
def token_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    default_expiry = timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)
    form = TokenForm(request.POST or None, initial={"expires_on": default_expiry})
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_token(
                organisation,
                by=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["access"] == "read",
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                exc = ValidationError({**exc.error_dict, "expires_on": exc.error_dict.pop("expires_at")})
            add_validation_error(form, exc)
        else:
            # Shown in this answer only (never cached, never stored): the secret cannot be shown again,
            # so no redirect to another page; 201 says the token was made.
            return render(
                request,
                "api/token_created.html",
                {"organisation": organisation, "token": token, "secret": secret},
                status=201,
            )
    roles = get_access(request.user).roles_in(organisation)
    return render(
        request,
        "api/token_form.html",
        {
            "organisation": organisation,
            "form": form,
            "role_labels": [str(role.label) for role in Role if role in roles],
            "sees_no_records": services.sees_no_records(roles),
        },
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    token = get_object_or_404(ApiToken.objects.visible_to(request.user).filter(organisation=organisation), pk=pk)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("Token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("api-tokens:list", slug=organisation.slug)
