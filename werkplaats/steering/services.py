"""How a partnership steers: its groups, the progress reports they owe and the steering group's
decisions and actions on them.

The models live in ``werkplaats.partnerships`` (the base every partnership app shares); the rules
that change them live here.

The cadence: a group that accounts to another group (``accountable_to``) every N weeks
(``report_every_weeks``) owes a report N, 2N, 3N… weeks after its start (or, without a start,
after it was created), up to its end. A report *falls due* ``OPENS_DAYS_BEFORE`` days before its
due date: from then on its row exists, the group can write it and is reminded. After the due date
an unsubmitted report is overdue. A closed group owes nothing more.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.partnerships.models import (
    Action,
    ActionOrigin,
    ActionStatus,
    Group,
    GroupKind,
    GroupMember,
    Partnership,
    PartnershipMember,
    ProgressReport,
    ReportStatus,
)

OPENS_DAYS_BEFORE = 7

# --- Cadence ----------------------------------------------------------------------------------


def report_anchor(group: Group) -> datetime.date:
    """The date the cadence counts from: the group's start, else the day it was created."""
    return group.starts_on or timezone.localdate(group.created_at)


def due_dates(group: Group, *, until: datetime.date) -> list[datetime.date]:
    """The due dates ``group`` owes a report on, up to and including ``until`` (and its end)."""
    if group.closed_on is not None or group.accountable_to_id is None or not group.report_every_weeks:
        return []
    step = datetime.timedelta(weeks=group.report_every_weeks)
    last = min(until, group.ends_on) if group.ends_on else until
    dates = []
    due = report_anchor(group) + step
    while due <= last:
        dates.append(due)
        due += step
    return dates


def next_due_date(group: Group, *, today: datetime.date) -> datetime.date | None:
    """The first due date on or after ``today``, or None when the group owes nothing more."""
    if group.closed_on is not None or group.accountable_to_id is None or not group.report_every_weeks:
        return None
    step = datetime.timedelta(weeks=group.report_every_weeks)
    anchor = report_anchor(group)
    periods = max(1, -((anchor - today) // step))  # whole periods from the anchor, rounded up
    due = anchor + step * periods
    if group.ends_on is not None and due > group.ends_on:
        return None
    return due


def ensure_due_reports(today: datetime.date | None = None, *, partnership: Partnership | None = None) -> int:
    """Create the report rows that have fallen due (up to ``OPENS_DAYS_BEFORE`` days ahead) for
    every open reporting group, or only those of ``partnership``. Returns how many were created.

    Idempotent and safe to run at the same time as itself: the database's unique constraint on
    (group, due date) decides, and a row another run inserted first is skipped. Three queries
    whatever the number of groups."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=OPENS_DAYS_BEFORE)
    groups = Group.objects.open().filter(
        accountable_to__isnull=False, report_every_weeks__isnull=False, partnership__is_active=True
    )
    if partnership is not None:
        groups = groups.filter(partnership=partnership)
    groups_list = list(groups)
    if not groups_list:
        return 0
    existing = set(
        ProgressReport.objects.filter(group__in=[g.pk for g in groups_list]).values_list("group_id", "due_on")
    )
    new = [
        ProgressReport(group=group, due_on=due)
        for group in groups_list
        for due in due_dates(group, until=until)
        if (group.pk, due) not in existing
    ]
    if not new:
        return 0
    ProgressReport.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- Groups -----------------------------------------------------------------------------------

GROUP_FIELDS = (
    "kind",
    "name",
    "theme",
    "assignment",
    "result",
    "starts_on",
    "ends_on",
    "coordinator",
    "accountable_to",
    "report_every_weeks",
)


def _active_member(partnership: Partnership, user: Any) -> PartnershipMember | None:
    if user is None:
        return None
    return partnership.members.active().filter(user=user).first()


def _check_group(partnership: Partnership, group: Group | None, fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (fields.get("name") or "").strip():
        error("name", _("Give the group a name."))
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        error("ends_on", _("The end cannot be before the start."))
    coordinator = fields.get("coordinator")
    if coordinator is not None and _active_member(partnership, coordinator) is None:
        error("coordinator", _("The coordinator must be a member of the partnership."))
    accountable_to: Group | None = fields.get("accountable_to")
    every = fields.get("report_every_weeks")
    if accountable_to is not None:
        if accountable_to.partnership_id != partnership.pk or not accountable_to.is_open:
            error("accountable_to", _("Choose one of the partnership's open groups."))
        elif group is not None and accountable_to.pk == group.pk:
            error("accountable_to", _("A group cannot account to itself."))
    if every is not None and every < 1:
        error("report_every_weeks", _("Enter a number of weeks of at least 1."))
    if every and accountable_to is None:
        error("accountable_to", _("Choose to whom the group reports, or leave the number of weeks empty."))
    if accountable_to is not None and not every:
        error("report_every_weeks", _("Say how often the group reports, in weeks."))
    if fields.get("kind") == GroupKind.STEERING:
        others = partnership.groups.open().filter(kind=GroupKind.STEERING)
        if group is not None:
            others = others.exclude(pk=group.pk)
        other = others.first()
        if other is not None:
            error(
                "kind",
                _("The partnership already has an open steering group (%(name)s). Close it first.")
                % {"name": other.name},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_group(partnership: Partnership, **fields: Any) -> Group:
    """A new group. A partnership has at most one open steering group: it is the one that
    decides on progress reports, so two would leave it unclear who answers."""
    fields = {name: fields.get(name) for name in GROUP_FIELDS}
    for name in ("theme", "assignment", "result"):
        fields[name] = fields[name] or ""
    # Lock the partnership so that two managers cannot set up two steering groups at once.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    _check_group(partnership, None, fields)
    return Group.objects.create(partnership=partnership, **fields)


@transaction.atomic
def update_group(group: Group, **fields: Any) -> Group:
    """Change a group's description, term and cadence. Unsubmitted reports that are not yet
    overdue and no longer on the new cadence are removed, unless someone has started writing one."""
    Partnership.objects.select_for_update().filter(pk=group.partnership_id).first()
    group = Group.objects.select_for_update().select_related("partnership").get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(_("A closed group cannot be changed."))
    current = {name: getattr(group, name) for name in GROUP_FIELDS}
    current.update({name: value for name, value in fields.items() if name in GROUP_FIELDS})
    for name in ("theme", "assignment", "result"):
        current[name] = current[name] or ""
    _check_group(group.partnership, group, current)
    for name, value in current.items():
        setattr(group, name, value)
    group.save()
    today = timezone.localdate()
    keep = set(due_dates(group, until=today + datetime.timedelta(days=OPENS_DAYS_BEFORE + 366 * 10)))
    stale = group.reports.unsubmitted().filter(due_on__gte=today).exclude(due_on__in=keep)
    stale.filter(progress="", goals_progress="", obstacles="", needs="", next_steps="").delete()
    return group


@transaction.atomic
def close_group(group: Group, *, closing_note: str, on: datetime.date | None = None) -> Group:
    """Close a unit whose result is achieved and anchored. The note says what was achieved and
    how it lives on. A closed group owes no further reports: those not yet overdue are removed
    (reports already overdue stay, so the record of timeliness stays honest)."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError({"closing_note": _("This group is closed already.")})
    closing_note = (closing_note or "").strip()
    if not closing_note:
        raise ValidationError(
            {"closing_note": _("Write what the group achieved and how it is anchored before closing it.")}
        )
    on = on or timezone.localdate()
    if group.starts_on and on < group.starts_on:
        raise ValidationError({"closing_note": _("A group cannot close before it starts.")})
    group.closed_on = on
    group.closing_note = closing_note
    group.save(update_fields=["closed_on", "closing_note"])
    group.reports.unsubmitted().filter(due_on__gte=on).delete()
    return group


def group_candidates(group: Group) -> list[PartnershipMember]:
    """Active members of the partnership who are not in the group yet."""
    current = group.members.active().values("member_id")
    return list(
        group.partnership.members.active()
        .exclude(pk__in=current)
        .select_related("user", "partner__organisation")
        .order_by("user__name", "user__email")
    )


@transaction.atomic
def add_group_member(group: Group, *, member: PartnershipMember, quality: str = "") -> GroupMember:
    group = Group.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError({"member": _("A closed group takes no new members.")})
    if member.partnership_id != group.partnership_id or member.left_on is not None:
        raise ValidationError({"member": _("Choose an active member of the partnership.")})
    if group.members.active().filter(member=member).exists():
        raise ValidationError({"member": _("This person is already in the group.")})
    return GroupMember.objects.create(group=group, member=member, quality=(quality or "").strip())


@transaction.atomic
def remove_group_member(group_member: GroupMember, *, on: datetime.date | None = None) -> None:
    """The person leaves the group; what they wrote stays."""
    group_member = GroupMember.objects.select_for_update().get(pk=group_member.pk)
    if group_member.left_on is not None:
        return
    group_member.left_on = max(on or timezone.localdate(), group_member.joined_on)
    group_member.save(update_fields=["left_on"])


# --- Progress reports -------------------------------------------------------------------------

REPORT_FIELDS = ("progress", "goals_progress", "obstacles", "needs", "next_steps")


def _locked_report(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update().select_related("group").get(pk=report.pk)


@transaction.atomic
def save_report(report: ProgressReport, *, by: Any, submit: bool = False, **fields: Any) -> ProgressReport:
    """Save what the group wrote; with ``submit`` send it to the group it accounts to. A
    submitted report is no longer the group's to change."""
    report = _locked_report(report)
    if report.status != ReportStatus.DUE:
        raise ValidationError(_("This report was submitted and can no longer be changed."))
    for name in REPORT_FIELDS:
        if name in fields:
            setattr(report, name, (fields[name] or "").strip())
    if submit:
        if not report.progress:
            raise ValidationError({"progress": _("Describe the progress on the assignment before submitting.")})
        if not report.next_steps:
            raise ValidationError({"next_steps": _("Name the next steps before submitting.")})
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = by
    report.save()
    if submit:
        from .tasks import notify_report_submitted

        report_id = report.pk
        transaction.on_commit(lambda: notify_report_submitted.enqueue(report_id))
    return report


@dataclass(frozen=True)
class NewAction:
    title: str
    owner: Any = None
    due_on: datetime.date | None = None
    description: str = ""


def _check_owner(partnership: Partnership, owner: Any, field: str = "owner") -> None:
    if owner is not None and _active_member(partnership, owner) is None:
        raise ValidationError({field: _("The owner must be a member of the partnership.")})


@transaction.atomic
def answer_report(report: ProgressReport, *, by: Any, decision: str, actions: Sequence[NewAction] = ()) -> list[Action]:
    """Record the steering group's decision or response on a submitted report, with the actions
    it agreed (origin: this report). Returns the actions created."""
    report = _locked_report(report)
    if report.status == ReportStatus.DUE:
        raise ValidationError({"decision": _("A report can be answered only after the group has submitted it.")})
    if report.status == ReportStatus.ANSWERED:
        raise ValidationError({"decision": _("The steering group has answered this report already.")})
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("Write the decision or response of the steering group.")})
    partnership = report.group.partnership
    for action in actions:
        if not action.title.strip():
            raise ValidationError({"title": _("Describe the action.")})
        _check_owner(partnership, action.owner)
    report.decision = decision
    report.decided_at = timezone.now()
    report.decided_by = by
    report.status = ReportStatus.ANSWERED
    report.save(update_fields=["decision", "decided_at", "decided_by", "status"])
    created = [
        Action.objects.create(
            partnership=partnership,
            title=action.title.strip(),
            description=action.description,
            owner=action.owner,
            due_on=action.due_on,
            group=report.group,
            origin=ActionOrigin.PROGRESS_REPORT,
            origin_id=report.pk,
            created_by=by,
        )
        for action in actions
    ]
    from .tasks import notify_report_answered

    report_id = report.pk
    transaction.on_commit(lambda: notify_report_answered.enqueue(report_id))
    return created


# --- Actions ----------------------------------------------------------------------------------


@transaction.atomic
def add_action(
    partnership: Partnership,
    *,
    by: Any,
    title: str,
    description: str = "",
    owner: Any = None,
    due_on: datetime.date | None = None,
    group: Group | None = None,
) -> Action:
    """An action agreed in a meeting (origin manual)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the action.")})
    _check_owner(partnership, owner)
    if group is not None and group.partnership_id != partnership.pk:
        raise ValidationError({"group": _("Choose one of the partnership's groups.")})
    return Action.objects.create(
        partnership=partnership,
        title=title,
        description=(description or "").strip(),
        owner=owner,
        due_on=due_on,
        group=group,
        origin=ActionOrigin.MANUAL,
        created_by=by,
    )


@transaction.atomic
def set_action_status(action: Action, *, status: str) -> Action:
    """Mark an action done or dropped, or open it again."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose done, dropped or open.")})
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status == status:
        return action
    action.status = status
    action.closed_at = None if status == ActionStatus.OPEN else timezone.now()
    action.save(update_fields=["status", "closed_at"])
    return action


def report_recipients(group: Group) -> list[Any]:
    """The people who write a group's report: its coordinator and active members (who are still
    members of the partnership)."""
    people = {}
    if group.coordinator is not None and group.coordinator.is_active:
        people[group.coordinator.pk] = group.coordinator
    for group_member in _active_group_members(group):
        user = group_member.member.user
        if user.is_active:
            people.setdefault(user.pk, user)
    return list(people.values())


def _active_group_members(group: Group) -> Iterable[GroupMember]:
    """From a prefetch (``active_members``) when there is one, else a query."""
    prefetched = getattr(group, "active_members", None)
    if prefetched is not None:
        return prefetched
    return group.members.active().filter(member__left_on__isnull=True).select_related("member__user")
