from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access

from . import services, timeline
from .forms import SuccessForm
from .models import Success

PAGE_SIZE = 25


def _success(pa: PartnershipAccess, pk: int) -> Success:
    return get_object_or_404(Success.objects.select_related("partnership", "group"), partnership=pa.partnership, pk=pk)


@login_required
def success_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    page = Paginator(timeline.keys(pa.partnership), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "successes/list.html",
        {"partnership": pa.partnership, "pa": pa, "page": page, "entries": timeline.entries(list(page))},
    )


@login_required
def success_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    form = SuccessForm(request.POST or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_success(pa.partnership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The success was added. Congratulations!"))
            return redirect("successes:list", slug=slug)
    return render(request, "successes/form.html", {"partnership": pa.partnership, "form": form, "success": None})


@login_required
def success_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    success = _success(pa, pk)
    pa.require(services.may_change(pa, success))
    initial = {
        "title": success.title,
        "happened_on": success.happened_on,
        "description": success.description,
        "group": success.group,
    }
    form = SuccessForm(request.POST or None, partnership=pa.partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_success(success, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The success was saved."))
            return redirect("successes:list", slug=slug)
    return render(request, "successes/form.html", {"partnership": pa.partnership, "form": form, "success": success})


@login_required
@require_POST
def success_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    success = _success(pa, pk)
    pa.require(services.may_change(pa, success))
    services.remove_success(success)
    messages.success(request, _("The success “%(title)s” was removed.") % {"title": success.title})
    return redirect("successes:list", slug=slug)
