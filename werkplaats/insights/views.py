"""The regional dashboard and its downloads (CSV per table, XLSX of every table)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core.exports import XLSX, csv_response, file_response

from . import charts, dashboard, figures
from .forms import DashboardForm

SAFE_METHODS = ("GET", "HEAD")


def _form(request: HttpRequest) -> DashboardForm:
    # Whoever has no region or organisation of their own sees no dashboard at all.
    if not dashboard.can_see_dashboard(request.user):
        raise PermissionDenied
    return DashboardForm(request.GET, scopes=dashboard.all_scopes(request.user))


def _dashboard(form: DashboardForm, *, all_rows: bool = False) -> dashboard.Dashboard:
    return dashboard.Dashboard(figures.compute_columns(form.columns(), all_rows=all_rows))


def _charts(result: dashboard.Dashboard) -> list[tuple[str, list[charts.Chart]]]:
    """Per column of figures: its label when comparing, and its funnel, stop reasons and months."""
    drawn = []
    for column, group in zip(result.columns, result.groups, strict=True):
        drawn.append(
            (
                group if result.comparing else "",
                [
                    charts.horizontal(
                        column.funnel,
                        _("Bar chart of the trajectories that reached each state. The table below holds the numbers."),
                    ),
                    charts.horizontal(
                        column.stop_reasons,
                        _("Bar chart of the reasons for stopping. The table below holds the numbers."),
                    ),
                    charts.per_month(
                        column.trend,
                        _(
                            "Bar chart per month of the trajectories started and completed. "
                            "The table below holds the numbers."
                        ),
                    ),
                ],
            )
        )
    return drawn


@login_required
def page(request: HttpRequest) -> HttpResponse:
    # The access check comes before the method check: a POST tells nobody more than a GET.
    form = _form(request)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        result = _dashboard(form)
        context.update(
            result=result,
            summary=result.summary(),
            tables={table.key: table for table in result.tables()},
            charts=_charts(result),
            hides_small=any(not column.scope.exact for column in result.columns),
            breakdowns=[dimension.key for dimension in figures.DIMENSIONS],
        )
    return render(request, "insights/dashboard.html", context)


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form = _form(request)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    if not form.is_valid():
        # Nothing to download: the page says what is wrong with the filters.
        query = request.GET.urlencode()
        return redirect(reverse("insights:dashboard") + (f"?{query}" if query else ""))
    result = _dashboard(form, all_rows=True)
    tables = [result.summary(), *result.tables()]
    key = request.GET.get("table", "")
    if key:
        tables = [table for table in tables if table.key == key]
        if not tables:
            raise Http404(_("There is no such table on the dashboard."))
    elif fmt == "csv":
        raise Http404(_("Choose a table to download as CSV."))
    record(
        Action.EXPORT,
        object_repr=f"dashboard.{fmt}",
        changes={"format": fmt, "table": key or "all", "filters": form.as_audit()},
    )
    first = result.columns[0]
    name = slugify(f"{_('dashboard')} {key} {first.scope.label} {first.period.start} {first.period.end}")
    if fmt == "csv":
        table = tables[0]
        return csv_response(dashboard.header(table), dashboard.csv_rows(table), filename=f"{name}.csv")
    return file_response(dashboard.xlsx_bytes(tables), content_type=XLSX, filename=f"{name}.xlsx")


@login_required
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "xlsx")
