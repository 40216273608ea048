"""Groups, progress reports and the action list of a partnership. Thin: parse, call a service,
render."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import (
    Action,
    ActionOrigin,
    ActionStatus,
    Group,
    GroupKind,
    GroupMember,
    ProgressReport,
    ProgressReportQuerySet,
    ReportStatus,
)

from . import services
from .forms import (
    ActionFilterForm,
    ActionForm,
    ActionRowFormSet,
    ActionStatusForm,
    CloseGroupForm,
    DecisionForm,
    GroupForm,
    GroupMemberForm,
    ReportFilterForm,
    ReportForm,
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _active_members() -> Prefetch:
    return Prefetch(
        "members",
        queryset=GroupMember.objects.active()
        .filter(member__left_on__isnull=True)
        .select_related("member__user", "member__partner__organisation")
        .order_by("member__user__name", "member__user__email"),
        to_attr="active_members",
    )


def _group(pa: PartnershipAccess, pk: int) -> Group:
    return get_object_or_404(
        Group.objects.select_related("coordinator", "accountable_to"), partnership=pa.partnership, pk=pk
    )


def can_answer(pa: PartnershipAccess, report: ProgressReport) -> bool:
    """The steering group (or the manager) answers; so does the group the report accounts to."""
    accountable_to = report.group.accountable_to_id
    return pa.is_steering or (accountable_to is not None and pa.in_group(accountable_to))


# --- Groups -----------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    today = timezone.localdate()
    groups = list(
        pa.partnership.groups.select_related("coordinator", "accountable_to")
        .prefetch_related(_active_members())
        .order_by("kind", "name")
    )
    for group in groups:
        group.next_due = services.next_due_date(group, today=today)  # type: ignore[attr-defined]
    open_groups = [g for g in groups if g.is_open]
    by_kind = [
        {"kind": kind, "label": label, "groups": [g for g in open_groups if g.kind == kind]}
        for kind, label in GroupKind.choices
    ]
    closed = sorted((g for g in groups if not g.is_open), key=lambda g: g.closed_on or today, reverse=True)
    return render(
        request,
        "steering/groups.html",
        {"partnership": pa.partnership, "pa": pa, "by_kind": by_kind, "closed": closed},
    )


@login_required
def group_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    today = timezone.localdate()
    services.ensure_due_reports(today, partnership=pa.partnership)
    members = list(
        group.members.active()
        .filter(member__left_on__isnull=True)
        .select_related("member__user", "member__partner__organisation")
        .order_by("member__user__name", "member__user__email")
    )
    reports = list(group.reports.select_related("submitted_by").order_by("-due_on"))
    actions = list(group.actions.select_related("owner").order_by(F("due_on").asc(nulls_last=True), "id"))
    reporting = list(group.accountable_groups.open().order_by("name"))
    return render(
        request,
        "steering/group_detail.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "group": group,
            "members": members,
            "reports": reports,
            "actions": actions,
            "reporting": reporting,
            "next_due": services.next_due_date(group, today=today),
            "can_lead": pa.leads(group),
            "today": today,
        },
    )


@login_required
def group_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    form = GroupForm(_posted(request), partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(pa.partnership, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The group %(name)s was set up. Add its members next.") % {"name": group.name})
            return redirect("steering:group", slug=slug, pk=group.pk)
    return render(request, "steering/group_form.html", {"partnership": pa.partnership, "form": form, "group": None})


@login_required
def group_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    group = _group(pa, pk)
    if not group.is_open:
        messages.error(request, _("A closed group cannot be changed."))
        return redirect("steering:group", slug=slug, pk=group.pk)
    form = GroupForm(_posted(request), partnership=pa.partnership, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(group, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The group was saved."))
            return redirect("steering:group", slug=slug, pk=group.pk)
    return render(request, "steering/group_form.html", {"partnership": pa.partnership, "form": form, "group": group})


@login_required
def group_member_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    pa.require(pa.leads(group))
    if not group.is_open:
        messages.error(request, _("A closed group takes no new members."))
        return redirect("steering:group", slug=slug, pk=group.pk)
    candidates = services.group_candidates(group)
    form = GroupMemberForm(_posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_group_member(group, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is now in %(group)s.") % {"name": added.member.user, "group": group.name}
            )
            return redirect("steering:group", slug=slug, pk=group.pk)
    return render(
        request,
        "steering/group_member_add.html",
        {"partnership": pa.partnership, "group": group, "form": form, "candidates": candidates},
    )


@login_required
@require_POST
def group_member_remove(request: HttpRequest, slug: str, pk: int, member_pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    pa.require(pa.leads(group))
    group_member = get_object_or_404(
        GroupMember.objects.active().select_related("member__user"), group=group, pk=member_pk
    )
    services.remove_group_member(group_member)
    messages.success(
        request, _("%(name)s has left %(group)s.") % {"name": group_member.member.user, "group": group.name}
    )
    return redirect("steering:group", slug=slug, pk=group.pk)


@login_required
def group_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    pa.require(pa.leads(group))
    if not group.is_open:
        messages.error(request, _("This group is closed already."))
        return redirect("steering:group", slug=slug, pk=group.pk)
    form = CloseGroupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.close_group(group, closing_note=form.cleaned_data["closing_note"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(group)s is closed. Well done!") % {"group": group.name})
            return redirect("steering:group", slug=slug, pk=group.pk)
    return render(request, "steering/group_close.html", {"partnership": pa.partnership, "group": group, "form": form})


# --- Progress reports -------------------------------------------------------------------------


@dataclass
class GroupReports:
    group: Group
    next_due: datetime.date | None
    overdue: int = 0
    due: int = 0
    submitted: int = 0
    answered: int = 0
    reports: list[ProgressReport] = field(default_factory=list)


def _report_state(report: ProgressReport, today: datetime.date) -> str:
    if report.status == ReportStatus.DUE:
        return "overdue" if report.due_on < today else "due"
    return str(report.status)


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    today = timezone.localdate()
    services.ensure_due_reports(today, partnership=pa.partnership)
    form = ReportFilterForm(request.GET or None, partnership=pa.partnership)
    reports: ProgressReportQuerySet = ProgressReport.objects.filter(group__partnership=pa.partnership).select_related(
        "group__accountable_to", "group__coordinator", "submitted_by"
    )
    state = ""
    if form.is_valid():
        if form.cleaned_data["group"] is not None:
            reports = reports.filter(group=form.cleaned_data["group"])
        state = form.cleaned_data["state"]
    if state == "overdue":
        reports = reports.overdue(today)
    elif state == "due":
        reports = reports.unsubmitted().filter(due_on__gte=today)
    elif state in (ReportStatus.SUBMITTED, ReportStatus.ANSWERED):
        reports = reports.filter(status=state)
    rows = list(reports.order_by("due_on", "group__name", "pk"))
    buckets: dict[str, list[ProgressReport]] = {"overdue": [], "due": [], "submitted": [], "answered": []}
    per_group: dict[int, GroupReports] = {}
    for report in rows:
        report.state = _report_state(report, today)  # type: ignore[attr-defined]
        report.days_late = (today - report.due_on).days  # type: ignore[attr-defined]
        buckets[report.state].append(report)  # type: ignore[attr-defined]
        summary = per_group.get(report.group_id)
        if summary is None:
            summary = per_group[report.group_id] = GroupReports(
                group=report.group, next_due=services.next_due_date(report.group, today=today)
            )
        setattr(summary, report.state, getattr(summary, report.state) + 1)  # type: ignore[attr-defined]
    buckets["answered"].reverse()  # the latest answer first
    return render(
        request,
        "steering/reports.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "form": form,
            "buckets": buckets,
            "per_group": sorted(per_group.values(), key=lambda s: (s.group.name, s.group.pk)),
            "count": len(rows),
            "today": today,
        },
    )


def _report(pa: PartnershipAccess, pk: int) -> ProgressReport:
    return get_object_or_404(
        ProgressReport.objects.select_related(
            "group__accountable_to", "group__coordinator", "submitted_by", "decided_by"
        ),
        group__partnership=pa.partnership,
        pk=pk,
    )


def _report_actions(pa: PartnershipAccess, report: ProgressReport) -> list[Action]:
    return list(
        pa.partnership.actions.filter(origin=ActionOrigin.PROGRESS_REPORT, origin_id=report.pk)
        .select_related("owner")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    report = _report(pa, pk)
    today = timezone.localdate()
    return render(
        request,
        "steering/report_detail.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "report": report,
            "state": _report_state(report, today),
            "actions": _report_actions(pa, report),
            "can_write": report.status == ReportStatus.DUE and pa.reports_for(report.group),
            "can_answer": report.status == ReportStatus.SUBMITTED and can_answer(pa, report),
            "today": today,
        },
    )


@login_required
def report_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    report = _report(pa, pk)
    pa.require(pa.reports_for(report.group))
    if report.status != ReportStatus.DUE:
        messages.error(request, _("This report was submitted and can no longer be changed."))
        return redirect("steering:report", slug=slug, pk=report.pk)
    initial = {name: getattr(report, name) for name in services.REPORT_FIELDS}
    form = ReportForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_report(report, by=request.user, submit=submit, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            if submit:
                messages.success(
                    request,
                    _("The report was submitted to %(group)s.")
                    % {"group": report.group.accountable_to or _("the steering group")},
                )
            else:
                messages.success(request, _("The draft was saved. Submit the report when it is complete."))
            return redirect("steering:report", slug=slug, pk=report.pk)
    return render(
        request,
        "steering/report_form.html",
        {"partnership": pa.partnership, "report": report, "form": form, "today": timezone.localdate()},
    )


@login_required
def report_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    report = _report(pa, pk)
    pa.require(can_answer(pa, report))
    if report.status != ReportStatus.SUBMITTED:
        if report.status == ReportStatus.DUE:
            messages.error(request, _("A report can be answered only after the group has submitted it."))
        else:
            messages.error(request, _("The steering group has answered this report already."))
        return redirect("steering:report", slug=slug, pk=report.pk)
    form = DecisionForm(_posted(request))
    formset = ActionRowFormSet(_posted(request), prefix="actions", form_kwargs={"partnership": pa.partnership})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        actions = [
            services.NewAction(title=row["title"], owner=row.get("owner"), due_on=row.get("due_on"))
            for row in formset.cleaned_data
            if row and (row.get("title") or "").strip()
        ]
        try:
            services.answer_report(report, by=request.user, decision=form.cleaned_data["decision"], actions=actions)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("steering:report", slug=slug, pk=report.pk)
    return render(
        request,
        "steering/report_answer.html",
        {"partnership": pa.partnership, "report": report, "form": form, "formset": formset},
    )


# --- Actions ----------------------------------------------------------------------------------


@login_required
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    form = ActionFilterForm(request.GET or None)
    show, mine = "open", False
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        mine = form.cleaned_data["mine"]
    actions = pa.partnership.actions.select_related("owner", "group")
    if show == "open":
        actions = actions.open()
    elif show == "done":
        actions = actions.exclude(status=ActionStatus.OPEN)
    if mine:
        actions = actions.filter(owner_id=pa.user_id)
    # Open first (``open`` sorts after ``done`` and ``dropped``), soonest due first.
    rows = list(actions.order_by("-status", F("due_on").asc(nulls_last=True), "id"))
    return render(
        request,
        "steering/actions.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "form": form,
            "actions": rows,
            "show": show,
            "today": timezone.localdate(),
        },
    )


@login_required
def action_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    form = ActionForm(_posted(request), partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(pa.partnership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The action was added."))
            return redirect("steering:actions", slug=slug)
    return render(request, "steering/action_form.html", {"partnership": pa.partnership, "form": form})


def _back(request: HttpRequest, slug: str) -> HttpResponse:
    """Back to the page the form was on (``next``, when it is ours), else the action list."""
    back = request.POST.get("next", "")
    # Only a path of this site: any other text would be taken for a view's name by redirect().
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return redirect("steering:actions", slug=slug)


@login_required
@require_POST
def action_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    action = get_object_or_404(Action, partnership=pa.partnership, pk=pk)
    pa.require(pa.is_manager or (action.owner_id is not None and action.owner_id == pa.user_id))
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the action is done, dropped or open."))
        return _back(request, slug)
    services.set_action_status(action, status=form.cleaned_data["status"])
    if form.cleaned_data["status"] == ActionStatus.DONE:
        text = _("The action %(title)s is done.")
    elif form.cleaned_data["status"] == ActionStatus.DROPPED:
        text = _("The action %(title)s was dropped.")
    else:
        text = _("The action %(title)s is open again.")
    messages.success(request, text % {"title": action.title})
    return _back(request, slug)
