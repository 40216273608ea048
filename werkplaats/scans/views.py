"""Pages of the health scan: rounds, answering, results, trend and the scan template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.models import Action, ActionOrigin

from . import charts, results, services
from .forms import AnswerForm, OpenRoundForm, StatementChangeForm, StatementForm
from .models import ELEMENT_DESCRIPTIONS, Element, ScanResponse, ScanRound, Statement
from .stats import MINIMUM


def _round(pa: object, pk: int) -> ScanRound:
    return get_object_or_404(ScanRound, partnership=pa.partnership, pk=pk)  # type: ignore[attr-defined]


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def scan_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    rounds = list(
        ScanRound.objects.filter(partnership=pa.partnership)
        .select_related("partnership")
        .annotate(respondents=Count("responses"))
        .order_by("-opened_at", "-id")
    )
    open_rounds = [r for r in rounds if r.is_open]
    answered = set(
        ScanResponse.objects.filter(round__in=[r.pk for r in open_rounds], member=pa.member).values_list(
            "round_id", flat=True
        )
    )
    return render(
        request,
        "scans/list.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "open_rounds": [(r, r.pk in answered) for r in open_rounds],
            "closed_rounds": [r for r in rounds if not r.is_open],
            "minimum": MINIMUM,
        },
    )


@login_required
def open_round(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    form = OpenRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scan_round = services.open_round(pa.partnership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, _("The round %(title)s is open. Members can answer now.") % {"title": scan_round.title}
            )
            return redirect("scans:list", slug=slug)
    already_open = ScanRound.objects.open().filter(partnership=pa.partnership).first()
    return render(
        request,
        "scans/open.html",
        {"partnership": pa.partnership, "pa": pa, "form": form, "already_open": already_open},
    )


@login_required
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    scan_round = _round(pa, pk)
    context = {"partnership": pa.partnership, "pa": pa, "round": scan_round}
    if not scan_round.is_open:
        return render(request, "scans/answer.html", {**context, "form": None})
    statements = list(scan_round.statements.order_by("position", "id"))
    response = ScanResponse.objects.filter(round=scan_round, member=pa.member).first()
    initial: dict[str, str] = {}
    if response is not None:
        initial = AnswerForm.initial_for(
            dict(response.answers.values_list("statement_id", "score")),
            dict(response.comments.values_list("element", "text")),
        )
    form = AnswerForm(request.POST or None, statements=statements, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_response(scan_round, member=pa.member, answers=form.answers(), comments=form.comments())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your answers were saved. You can change them until the round closes."))
            return redirect("scans:list", slug=slug)
    return render(request, "scans/answer.html", {**context, "form": form, "answered": response is not None})


@login_required
@require_POST
def close_round(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    scan_round = _round(pa, pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Use the button “Close the round” to close it."))
        return redirect("scans:list", slug=slug)
    try:
        services.close_round(scan_round, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("scans:list", slug=slug)
    messages.success(request, _("The round %(title)s is closed. The results are below.") % {"title": scan_round.title})
    return redirect("scans:results", slug=slug, pk=scan_round.pk)


def _radar(result: results.Table) -> charts.Radar:
    elements = [(row.element, row.label) for row in result.rows]
    series = [(_("All respondents"), 0, [row.overall for row in result.rows])]
    for i, column in enumerate(result.columns, start=1):
        series.append((column.label, i, [row.cells[i - 1] for row in result.rows]))
    return charts.radar(elements, series)


@login_required
def round_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    scan_round = _round(pa, pk)
    context: dict[str, object] = {"partnership": pa.partnership, "pa": pa, "round": scan_round, "minimum": MINIMUM}
    if scan_round.is_open:
        if pa.is_manager:
            context["respondents"] = scan_round.responses.count()
        return render(request, "scans/results.html", context)
    result = results.round_stats(scan_round)
    table = results.table(result)
    actions = list(
        Action.objects.filter(
            partnership=pa.partnership, origin=ActionOrigin.SCAN, origin_id=scan_round.pk
        ).select_related("owner")
    )
    planned = {e for e in Element.values if any(a.title.startswith(services.action_title_prefix(e)) for a in actions)}
    lowest = [(element, str(Element(element).label), cell, element in planned) for element, cell in result.lowest(2)]
    context.update(
        {
            "result": result,
            "table": table,
            "radar": _radar(table) if result.shown else None,
            "comments": results.comments(scan_round, result),
            "lowest": lowest,
            "actions": actions,
            "descriptions": [(e, str(Element(e).label), str(ELEMENT_DESCRIPTIONS[Element(e)])) for e in Element.values],
        }
    )
    return render(request, "scans/results.html", context)


@login_required
@require_POST
def plan_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    scan_round = _round(pa, pk)
    try:
        action = services.plan_action(scan_round, by=request.user, element=request.POST.get("element", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("“%(title)s” is on the action list.") % {"title": action.title})
    return redirect("scans:results", slug=slug, pk=scan_round.pk)


@login_required
def trend(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    rounds = list(ScanRound.objects.closed().filter(partnership=pa.partnership).order_by("closed_at", "id"))
    figures = results.rounds_stats(rounds)
    rows = [
        (element, str(Element(element).label), [figures[r.pk].overall[element] for r in rounds])
        for element in Element.values
    ]
    chart = charts.trend_chart([r.title for r in rounds], rows) if rounds else None
    return render(
        request,
        "scans/trend.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "rounds": [(r, figures[r.pk]) for r in rounds],
            "rows": rows,
            "chart": chart,
            "minimum": MINIMUM,
        },
    )


# --- The scan template --------------------------------------------------------------------------


@login_required
def template(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    services.ensure_template(pa.partnership)
    statements = list(Statement.objects.filter(partnership=pa.partnership).order_by("position", "id"))
    groups = []
    for element in Element.values:
        mine = [s for s in statements if s.element == element]
        groups.append((element, str(Element(element).label), str(ELEMENT_DESCRIPTIONS[Element(element)]), mine))
    return render(request, "scans/template.html", {"partnership": pa.partnership, "pa": pa, "groups": groups})


@login_required
def statement_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    initial = {"element": request.GET.get("element")} if request.GET.get("element") in Element.values else {}
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_statement(pa.partnership, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The statement was added to the scan template."))
            return redirect("scans:template", slug=slug)
    return render(request, "scans/statement_form.html", {"partnership": pa.partnership, "form": form})


@login_required
def statement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    statement = get_object_or_404(Statement, partnership=pa.partnership, pk=pk)
    form = StatementChangeForm(
        request.POST or None,
        initial={"element": statement.element, "text": statement.text, "is_active": statement.is_active},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_statement(statement, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The statement was saved. Rounds already opened keep their own copy."))
            return redirect("scans:template", slug=slug)
    return render(
        request, "scans/statement_form.html", {"partnership": pa.partnership, "form": form, "statement": statement}
    )


@login_required
@require_POST
def statement_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    statement = get_object_or_404(Statement, partnership=pa.partnership, pk=pk)
    try:
        services.move_statement(statement, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scans:template", slug=slug)
