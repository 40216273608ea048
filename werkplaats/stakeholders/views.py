"""The stakeholder map's pages. Members read everything; who changes what is in ``access``."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core.exports import XLSX, csv_response, file_response
from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access

from . import kumu, services
from .access import can_change_stakeholder, can_change_tension, can_keep_map
from .forms import STAKEHOLDER_FIELDS, TENSION_FIELDS, MapForm, RelationForm, StakeholderForm, TensionForm
from .maps import build_map
from .models import ENGAGEMENT_STEPS, Engagement, Quadrant, Relation, Stakeholder, Stance, Tension


def _stakeholder(pa: PartnershipAccess, pk: int) -> Stakeholder:
    return get_object_or_404(
        Stakeholder.objects.active().select_related("owner__user", "organisation", "partnership"),
        partnership=pa.partnership,
        pk=pk,
    )


def _relation(pa: PartnershipAccess, pk: int) -> Relation:
    return get_object_or_404(
        Relation.objects.active().select_related("source", "target", "partnership"), partnership=pa.partnership, pk=pk
    )


def _tension(pa: PartnershipAccess, pk: int) -> Tension:
    return get_object_or_404(
        Tension.objects.active().select_related("first", "second", "partnership"), partnership=pa.partnership, pk=pk
    )


def _legend() -> dict[str, Any]:
    return {
        "stances": Stance.choices,
        "quadrants": Quadrant.choices,
        "engagement_ladder": [(ENGAGEMENT_STEPS[value], label) for value, label in Engagement.choices],
    }


def _periods() -> list[tuple[str, str]]:
    """Quick choices of a date to compare with."""
    today = timezone.localdate()
    return [
        ((today - datetime.timedelta(days=days)).isoformat(), label)
        for days, label in ((30, _("a month ago")), (91, _("three months ago")), (365, _("a year ago")))
    ]


@login_required
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    form = MapForm(request.GET)
    since = form.cleaned_data.get("since") if form.is_valid() else None
    stakeholder_map = build_map(pa.partnership, since=since)
    return render(
        request,
        "stakeholders/map.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "form": form,
            "map": stakeholder_map,
            "can_keep_map": can_keep_map(pa),
            "member_id": pa.member.pk,
            "periods": _periods(),
            **_legend(),
        },
    )


@login_required
def stakeholder_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(can_keep_map(pa))
    form = StakeholderForm(request.POST or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            stakeholder = services.add_stakeholder(pa.partnership, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s is on the map.") % {"name": stakeholder.name})
            return redirect(stakeholder)
    return render(request, "stakeholders/stakeholder_form.html", {"partnership": pa.partnership, "form": form})


@login_required
def stakeholder_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    stakeholder = _stakeholder(pa, pk)
    relation_list = list(
        Relation.objects.active()
        .filter(Q(source=stakeholder) | Q(target=stakeholder), partnership=pa.partnership)
        .select_related("source", "target")
        .order_by("source__name", "target__name", "kind", "id")
    )
    tension_list = list(
        Tension.objects.active()
        .filter(Q(first=stakeholder) | Q(second=stakeholder), partnership=pa.partnership)
        .select_related("first", "second")
        .order_by("status", "-raised_on", "id")
    )
    history = list(stakeholder.snapshots.select_related("recorded_by").order_by("-recorded_at", "-id"))
    return render(
        request,
        "stakeholders/stakeholder_detail.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "stakeholder": stakeholder,
            "relations": relation_list,
            "tensions": tension_list,
            "history": history,
            "can_change": can_change_stakeholder(pa, stakeholder),
            "can_keep_map": can_keep_map(pa),
            "member_id": pa.member.pk,
        },
    )


@login_required
def stakeholder_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    stakeholder = _stakeholder(pa, pk)
    pa.require(can_change_stakeholder(pa, stakeholder))
    form = StakeholderForm(request.POST or None, partnership=pa.partnership, stakeholder=stakeholder)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in STAKEHOLDER_FIELDS}
        try:
            services.change_stakeholder(stakeholder, by=request.user, **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": changes["name"]})
            return redirect(stakeholder)
    return render(
        request,
        "stakeholders/stakeholder_form.html",
        {"partnership": pa.partnership, "form": form, "stakeholder": stakeholder, "can_keep_map": can_keep_map(pa)},
    )


@login_required
@require_POST
def stakeholder_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(can_keep_map(pa))
    stakeholder = _stakeholder(pa, pk)
    services.remove_stakeholder(stakeholder, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(name)s was taken off the map, with its relations and tensions.") % {"name": stakeholder.name},
    )
    return redirect("stakeholders:map", slug=slug)


def _initial_stakeholder(request: HttpRequest, pa: PartnershipAccess, name: str) -> dict[str, Any]:
    """Start a new relation or tension from the stakeholder page it was asked for on."""
    pk = request.GET.get(name, "")
    if pk.isdigit() and Stakeholder.objects.active().filter(partnership=pa.partnership, pk=int(pk)).exists():
        return {name: int(pk)}
    return {}


@login_required
def relation_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(can_keep_map(pa))
    form = RelationForm(
        request.POST or None, partnership=pa.partnership, initial=_initial_stakeholder(request, pa, "source")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_relation(pa.partnership, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The relation is on the map."))
            return redirect("stakeholders:map", slug=slug)
    return render(request, "stakeholders/relation_form.html", {"partnership": pa.partnership, "form": form})


@login_required
def relation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(can_keep_map(pa))
    relation = _relation(pa, pk)
    form = RelationForm(request.POST or None, partnership=pa.partnership, relation=relation)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_relation(relation, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The relation was saved."))
            return redirect("stakeholders:map", slug=slug)
    return render(
        request,
        "stakeholders/relation_form.html",
        {"partnership": pa.partnership, "form": form, "relation": relation},
    )


@login_required
@require_POST
def relation_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(can_keep_map(pa))
    relation = _relation(pa, pk)
    services.remove_relation(relation, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The relation was removed from the map."))
    return redirect("stakeholders:map", slug=slug)


@login_required
def tension_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(can_keep_map(pa))
    form = TensionForm(
        request.POST or None, partnership=pa.partnership, initial=_initial_stakeholder(request, pa, "first")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_tension(pa.partnership, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The tension is on the map."))
            return redirect("stakeholders:map", slug=slug)
    return render(request, "stakeholders/tension_form.html", {"partnership": pa.partnership, "form": form})


@login_required
def tension_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    tension = _tension(pa, pk)
    pa.require(can_change_tension(pa, tension))
    form = TensionForm(request.POST or None, partnership=pa.partnership, tension=tension)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in TENSION_FIELDS}
        try:
            services.change_tension(tension, by=request.user, **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The tension was saved."))
            return redirect("stakeholders:map", slug=slug)
    return render(
        request, "stakeholders/tension_form.html", {"partnership": pa.partnership, "form": form, "tension": tension}
    )


def _export(request: HttpRequest, slug: str, part: str) -> HttpResponseBase:
    pa = partnership_access(request, slug)
    elements = list(kumu.element_rows(pa.partnership)) if part in ("xlsx", "elements") else []
    connections = list(kumu.connection_rows(pa.partnership)) if part in ("xlsx", "connections") else []
    # The map names organisations and what the partnership thinks of them: who took it out of
    # the platform goes in the audit log, as with every other export.
    record(
        Action.EXPORT,
        pa.partnership,
        object_repr=f"stakeholder-map {pa.partnership.slug} {part}",
        changes={"part": part, "elements": len(elements), "connections": len(connections)},
    )
    name = kumu.filename(pa.partnership, part if part != "xlsx" else "kumu")
    if part == "elements":
        return csv_response(kumu.ELEMENT_HEADER, elements, filename=f"{name}.csv")
    if part == "connections":
        return csv_response(kumu.CONNECTION_HEADER, connections, filename=f"{name}.csv")
    return file_response(kumu.xlsx_bytes(elements, connections), content_type=XLSX, filename=f"{name}.xlsx")


@login_required
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _export(request, slug, "xlsx")


@login_required
def export_elements(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _export(request, slug, "elements")


@login_required
def export_connections(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _export(request, slug, "connections")
