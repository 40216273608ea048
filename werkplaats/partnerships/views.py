from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Prefetch, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Role

from . import services
from .access import partnership_access
from .dashboard import dashboard
from .forms import FoundPartnershipForm, MemberChangeForm, MemberForm, PartnerForm, PartnershipForm
from .models import MEMBER_ROLE_DESCRIPTIONS, Level, Partner, Partnership, PartnershipMember

# Representatives from the strategic level down, then those without a level.
LEVEL_ORDER = Case(
    When(level=Level.STRATEGIC, then=0),
    When(level=Level.TACTICAL, then=1),
    When(level=Level.OPERATIONAL, then=2),
    default=3,
)


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    partnerships = (
        Partnership.objects.visible_to(request.user)
        .prefetch_related("regions")
        .annotate(
            partner_count=Count("partners", filter=Q(partners__left_on__isnull=True), distinct=True),
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
        )
        .order_by("name")
    )
    return render(
        request,
        "partnerships/partnership_list.html",
        {"partnerships": partnerships, "can_found": services.can_found_partnership(request.user)},
    )


@login_required
def found(request: HttpRequest) -> HttpResponse:
    if not services.can_found_partnership(request.user):
        raise PermissionDenied
    organisations = Organisation.objects.filter(pk__in=get_access(request.user).organisation_ids(Role.COORDINATOR))
    form = FoundPartnershipForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partnership = services.found_partnership(by=request.user, **data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The partnership was founded. Add partners and members next."))
            return redirect("partnerships:members", slug=partnership.slug)
    return render(request, "partnerships/found.html", {"form": form})


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    return render(request, "partnerships/detail.html", {"partnership": pa.partnership, "pa": pa, **dashboard(pa)})


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    form = PartnershipForm(request.POST or None, instance=pa.partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The partnership was saved."))
        return redirect(pa.partnership)
    return render(request, "partnerships/edit.html", {"partnership": pa.partnership, "form": form})


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    partners = (
        pa.partnership.partners.active()
        .select_related("organisation", "organisation__region")
        .prefetch_related(
            Prefetch(
                "representatives",
                queryset=PartnershipMember.objects.active()
                .select_related("user")
                .order_by(LEVEL_ORDER, "user__name", "user__email"),
                to_attr="current_representatives",
            )
        )
    )
    people = (
        pa.partnership.members.active()
        .select_related("user", "partner__organisation")
        .order_by("partner__organisation__name", "user__name", "user__email")
    )
    return render(
        request,
        "partnerships/members.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "partners": partners,
            "people": people,
            "role_descriptions": MEMBER_ROLE_DESCRIPTIONS,
        },
    )


@login_required
def partner_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    current = pa.partnership.partners.active().values("organisation_id")
    organisations = Organisation.objects.active().exclude(pk__in=current).order_by("name")
    form = PartnerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.add_partner(pa.partnership, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(organisation)s is now a partner.") % {"organisation": partner.organisation})
            return redirect("partnerships:members", slug=slug)
    return render(request, "partnerships/partner_add.html", {"partnership": pa.partnership, "form": form})


@login_required
def partner_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask first (GET), then end the partnership with the organisation (POST)."""
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    partner = get_object_or_404(
        Partner.objects.active().select_related("organisation"), partnership=pa.partnership, pk=pk
    )
    if request.method != "POST":
        representatives = partner.representatives.active().select_related("user")
        return render(
            request,
            "partnerships/partner_end.html",
            {"partnership": pa.partnership, "partner": partner, "representatives": representatives},
        )
    services.end_partner(partner, by=request.user)
    messages.success(request, _("%(organisation)s is no longer a partner.") % {"organisation": partner.organisation})
    return redirect("partnerships:members", slug=slug)


@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    people = services.candidates(pa.partnership)
    form = MemberForm(request.POST or None, people=people, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(pa.partnership, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": member.user})
            return redirect("partnerships:members", slug=slug)
    return render(
        request,
        "partnerships/member_add.html",
        {"partnership": pa.partnership, "form": form, "people": people, "role_descriptions": MEMBER_ROLE_DESCRIPTIONS},
    )


def _member(pa: object, pk: int) -> PartnershipMember:
    return get_object_or_404(
        PartnershipMember.objects.active().select_related("user", "partnership"),
        partnership=pa.partnership,  # type: ignore[attr-defined]
        pk=pk,
    )


@login_required
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    member = _member(pa, pk)
    form = MemberChangeForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.change_member(PartnershipMember.objects.get(pk=member.pk), **changes)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The membership of %(name)s was saved.") % {"name": member.user})
            return redirect("partnerships:members", slug=slug)
    return render(
        request, "partnerships/member_edit.html", {"partnership": pa.partnership, "member": member, "form": form}
    )


@login_required
@require_POST
def member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager or pa.member.pk == pk)  # members may leave themselves
    member = _member(pa, pk)
    try:
        services.end_member(member)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("partnerships:members", slug=slug)
    messages.success(request, _("%(name)s has left the partnership.") % {"name": member.user})
    if member.pk == pa.member.pk:
        return redirect("partnerships:list")
    return redirect("partnerships:members", slug=slug)
