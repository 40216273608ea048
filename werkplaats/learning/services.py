"""Writes of learning communities and action research, and who may make them.

Once the owning group is closed (``Group.closed_on``), its meetings, knowledge list, results,
theme and action research are its record: every write here refuses with ``closed_message``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Action, ActionOrigin, Group, GroupKind, Partnership

from .models import (
    ALLOWED_TRANSITIONS,
    PHASE_FIELDS,
    PHASES,
    REQUIRED_FIELDS,
    Community,
    CommunityResult,
    Decision,
    Experiment,
    Involved,
    InvolvedRole,
    KnowledgeEntry,
    KnowledgeKind,
    Meeting,
    Phase,
    PhaseChange,
    ResearchProject,
)

# Groups that can own an action-research project: learning communities and working units.
RESEARCH_GROUP_KINDS = (GroupKind.LEARNING_COMMUNITY, GroupKind.WORKING)


# --- Who may do what ------------------------------------------------------------------------


def writes_for(pa: PartnershipAccess, group: Group | int) -> bool:
    """The group's members, its coordinator and the partnership's manager keep its meetings,
    knowledge list, results and research; every member of the partnership reads them."""
    return pa.reports_for(group)


def may_change(pa: PartnershipAccess, group: Group) -> bool:
    """Writes for the group, and the group is still open: a closed group's record is kept as it
    was when the group closed."""
    return group.is_open and writes_for(pa, group)


def closed_message(group: Group) -> str:
    assert group.closed_on is not None
    return _(
        "“%(group)s” was closed on %(date)s. Its meetings, knowledge list, results and action research can "
        "still be read, but no longer changed."
    ) % {"group": group.name, "date": date_format(group.closed_on, "j F Y")}


def _require_open(group: Group | int) -> Group:
    """Lock the group's row and refuse a change when it is closed. Closing takes the same lock
    (``steering.services.close_group``), so no change slips in after the group closed."""
    group_id = group if isinstance(group, int) else group.pk
    locked = Group.objects.select_for_update().get(pk=group_id)
    if not locked.is_open:
        raise ValidationError(closed_message(locked))
    return locked


def _lock_project(project: ResearchProject) -> ResearchProject:
    """The project, locked, after its group has been checked to be open (group first, then the
    project: the same order everywhere, so two changes never wait for each other in a circle)."""
    _require_open(project.group_id)
    return ResearchProject.objects.select_for_update().get(pk=project.pk)


def research_groups(pa: PartnershipAccess) -> list[Group]:
    """The open groups in which the member may start an action-research project."""
    groups = Group.objects.open().filter(partnership=pa.partnership, kind__in=RESEARCH_GROUP_KINDS)
    return [g for g in groups.order_by("kind", "name") if writes_for(pa, g)]


def _strip(value: str | None) -> str:
    return (value or "").strip()


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _is_member(partnership: Partnership, user: Any) -> bool:
    return partnership.members.active().filter(user_id=user.pk).exists()


# --- Learning communities -------------------------------------------------------------------


def _require_community(group: Group) -> None:
    if group.kind != GroupKind.LEARNING_COMMUNITY:
        raise ValidationError(_("This group is not a professional learning community."))


@transaction.atomic
def set_theme_goals(group: Group, *, goals: Iterable[Any]) -> Community:
    """Link the community's theme to goals of its own partnership."""
    _require_community(group)
    _require_open(group)
    goals = list(goals)
    if any(goal.partnership_id != group.partnership_id for goal in goals):
        raise ValidationError({"goals": _("Choose goals of this partnership.")})
    community, _created = Community.objects.get_or_create(group=group)
    community.goals.set(goals)
    return community


@dataclass(frozen=True)
class DecisionRow:
    row: int
    text: str
    owner: Any = None
    due_on: datetime.date | None = None


def decision_field(row: int, name: str) -> str:
    return f"decision_{row}_{name}"


def _clean_decisions(group: Group, decisions: Sequence[DecisionRow]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for d in decisions:
        wants_action = d.owner is not None or d.due_on is not None
        if not _one_line(d.text):
            errors[decision_field(d.row, "text")] = _("Write the decision, or leave the whole row empty.")
        if wants_action and d.owner is None:
            errors[decision_field(d.row, "owner")] = _("An action needs an owner as well as a due date.")
        if wants_action and d.due_on is None:
            errors[decision_field(d.row, "due_on")] = _("An action needs a due date as well as an owner.")
        if d.owner is not None and not _is_member(group.partnership, d.owner):
            errors[decision_field(d.row, "owner")] = _("The owner must be a member of the partnership.")
    return errors


def _add_decisions(meeting: Meeting, *, by: Any, decisions: Sequence[DecisionRow]) -> None:
    group = meeting.group
    for d in decisions:
        action = None
        if d.owner is not None and d.due_on is not None:
            action = Action.objects.create(
                partnership_id=group.partnership_id,
                title=_one_line(d.text),
                description=_("Decided in the meeting “%(meeting)s” of %(group)s on %(date)s.")
                % {"meeting": meeting.title, "group": group.name, "date": meeting.held_on.isoformat()},
                owner=d.owner,
                due_on=d.due_on,
                group=group,
                origin=ActionOrigin.MANUAL,
                created_by=by,
            )
        Decision.objects.create(meeting=meeting, text=_one_line(d.text), action=action)


@transaction.atomic
def save_meeting(
    group: Group,
    *,
    by: Any,
    held_on: datetime.date | None,
    title: str,
    agenda: str = "",
    notes: str = "",
    decisions: Sequence[DecisionRow] = (),
    meeting: Meeting | None = None,
) -> Meeting:
    """Record a meeting (or change ``meeting``) and add its new decisions; a decision with an
    owner and a due date also goes on the partnership's action list."""
    _require_community(group)
    _require_open(group)
    title = _one_line(title)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the meeting a title.")
    if held_on is None:
        errors["held_on"] = _("Enter the date of the meeting.")
    errors.update(_clean_decisions(group, decisions))
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    if meeting is None:
        meeting = Meeting.objects.create(
            group=group, held_on=held_on, title=title, agenda=_strip(agenda), notes=_strip(notes), created_by=by
        )
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, group=group)
        meeting.held_on, meeting.title, meeting.agenda, meeting.notes = held_on, title, _strip(agenda), _strip(notes)
        meeting.save(update_fields=["held_on", "title", "agenda", "notes"])
    _add_decisions(meeting, by=by, decisions=decisions)
    return meeting


@transaction.atomic
def add_knowledge(
    group: Group,
    *,
    by: Any,
    kind: str,
    title: str,
    reference: str = "",
    expert: Any = None,
) -> KnowledgeEntry:
    _require_community(group)
    _require_open(group)
    title, reference = _one_line(title), _one_line(reference)
    errors: dict[str, str] = {}
    if kind not in KnowledgeKind.values:
        errors["kind"] = _("Choose what kind of knowledge this is.")
    if not title:
        errors["title"] = _("Give the entry a title.")
    if expert is not None and not _is_member(group.partnership, expert):
        errors["expert"] = _("The expert must be a member of the partnership.")
    if kind == KnowledgeKind.EXPERT and expert is None and not reference:
        errors["expert"] = _("Name the member who is expert, or say how to reach the expert under reference.")
    lowered = reference.lower()
    if ":" in lowered.split(" ")[0] and not lowered.startswith(("http://", "https://")) and "://" in lowered:
        errors["reference"] = _("A link must start with https:// or http://.")
    if lowered.startswith(("javascript:", "data:", "vbscript:")):
        errors["reference"] = _("A link must start with https:// or http://.")
    if errors:
        raise ValidationError(errors)
    return KnowledgeEntry.objects.create(
        group=group, kind=kind, title=title, reference=reference, expert=expert, added_by=by
    )


@transaction.atomic
def remove_knowledge(entry: KnowledgeEntry) -> None:
    _require_open(entry.group_id)
    KnowledgeEntry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def add_result(
    group: Group, *, by: Any, achieved_on: datetime.date | None, title: str, description: str = ""
) -> CommunityResult:
    _require_community(group)
    _require_open(group)
    title = _one_line(title)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Say what the result is.")
    if achieved_on is None:
        errors["achieved_on"] = _("Enter the date of the result.")
    if errors:
        raise ValidationError(errors)
    assert achieved_on is not None
    return CommunityResult.objects.create(
        group=group, achieved_on=achieved_on, title=title, description=_strip(description), added_by=by
    )


@transaction.atomic
def remove_result(result: CommunityResult) -> None:
    _require_open(result.group_id)
    CommunityResult.objects.filter(pk=result.pk).delete()


# --- Action research ------------------------------------------------------------------------


@transaction.atomic
def start_project(
    partnership: Partnership, *, by: Any, group: Group | None, title: str, problem_statement: str = ""
) -> ResearchProject:
    title = _one_line(title)
    errors: dict[str, str] = {}
    if group is None or group.partnership_id != partnership.pk:
        errors["group"] = _("Choose the learning community or working unit that does the research.")
    elif group.kind not in RESEARCH_GROUP_KINDS:
        errors["group"] = _("Only a learning community or a working unit does action research.")
    elif not Group.objects.select_for_update().get(pk=group.pk).is_open:
        errors["group"] = _("The group is closed.")
    if not title:
        errors["title"] = _("Give the project a title.")
    if errors:
        raise ValidationError(errors)
    assert group is not None
    return ResearchProject.objects.create(
        partnership=partnership,
        group=group,
        title=title,
        problem_statement=_strip(problem_statement),
        created_by=by,
    )


def missing(project: ResearchProject, phase: str, values: Mapping[str, str] | None = None) -> dict[str, str]:
    """The required fields of ``phase`` that are empty, each with its message. ``values`` are
    the new values of the phase's fields, when they are being changed."""
    values = values or {}
    errors: dict[str, str] = {}
    for name in REQUIRED_FIELDS[phase]:
        value = values[name] if name in values else getattr(project, name)
        if not _strip(value):
            label = ResearchProject._meta.get_field(name).verbose_name  # type: ignore[union-attr]
            errors[name] = _("Fill in “%(field)s” before the project moves on.") % {"field": label}
    if phase == Phase.PRACTICE and not project.experiments.exists():
        errors["__all__"] = _("Record at least one experiment before the project moves on.")
    return errors


@transaction.atomic
def save_phase(
    project: ResearchProject, *, by: Any, phase: str, values: Mapping[str, str], advance: bool = False
) -> ResearchProject:
    """Save the fields of ``phase``; with ``advance``, also move the project on to the next phase.

    A phase the project has passed keeps its required fields: emptying one would leave a cycle
    with a hole in it. The current phase may be saved half-done, until it moves on."""
    project = _lock_project(project)
    if phase not in PHASES or phase == Phase.COMPLETED:
        raise ValidationError(_("This phase has nothing to fill in."))
    if not project.reached(phase):
        raise ValidationError(_("The project has not reached this phase yet."))
    fields = PHASE_FIELDS[phase]
    cleaned = {name: _strip(values.get(name, "")) for name in fields}
    passed = PHASES.index(phase) < project.phase_index
    if passed or advance:
        errors = missing(project, phase, cleaned)
        if advance and phase != project.phase:
            errors["__all__"] = _("Only the current phase can move the project on.")
        if errors:
            raise ValidationError(errors)
    for name, value in cleaned.items():
        setattr(project, name, value)
    project.save(update_fields=[*fields, "updated_at"])
    if advance:
        _move(project, by=by, to=PHASES[project.phase_index + 1])
    return project


def _move(project: ResearchProject, *, by: Any, to: str) -> None:
    """Change the phase of a locked project and record the change."""
    if to not in ALLOWED_TRANSITIONS[project.phase]:
        raise ValidationError(_("The project cannot move from this phase to that one."))
    from_phase = project.phase
    project.phase = to
    project.save(update_fields=["phase", "updated_at"])
    PhaseChange.objects.create(project=project, from_phase=from_phase, to_phase=to, by=by)


@transaction.atomic
def advance(project: ResearchProject, *, by: Any) -> ResearchProject:
    """Move on to the next phase, when the current one is complete."""
    project = _lock_project(project)
    if project.is_completed:
        raise ValidationError(_("The project is completed."))
    errors = missing(project, project.phase)
    if errors:
        raise ValidationError(errors)
    _move(project, by=by, to=PHASES[project.phase_index + 1])
    return project


@transaction.atomic
def step_back(project: ResearchProject, *, by: Any) -> ResearchProject:
    """Go back to the previous phase, to go round that part of the cycle again."""
    project = _lock_project(project)
    if project.phase_index == 0:
        raise ValidationError(_("The project is in its first phase."))
    _move(project, by=by, to=PHASES[project.phase_index - 1])
    return project


def _require_practice(project: ResearchProject) -> None:
    if project.phase != Phase.PRACTICE:
        raise ValidationError(_("Experiments are recorded in the practice cycle."))


def _clean_experiment(
    title: str, starts_on: datetime.date | None, ends_on: datetime.date | None
) -> tuple[str, dict[str, str]]:
    title = _one_line(title)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Say what was tried.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the start of the experiment.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The end cannot be before the start.")
    return title, errors


@transaction.atomic
def save_experiment(
    project: ResearchProject,
    *,
    by: Any,
    title: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None = None,
    description: str = "",
    data_collected: str = "",
    what_worked: str = "",
    experiment: Experiment | None = None,
) -> Experiment:
    """Add an experiment to a project in its practice cycle (or change ``experiment``)."""
    project = _lock_project(project)
    _require_practice(project)
    title, errors = _clean_experiment(title, starts_on, ends_on)
    if errors:
        raise ValidationError(errors)
    fields = {
        "title": title,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "description": _strip(description),
        "data_collected": _strip(data_collected),
        "what_worked": _strip(what_worked),
    }
    if experiment is None:
        return Experiment.objects.create(project=project, created_by=by, **fields)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk, project=project)
    for name, value in fields.items():
        setattr(experiment, name, value)
    experiment.save(update_fields=list(fields))
    return experiment


@transaction.atomic
def add_involved(project: ResearchProject, *, name: str, role: str, how: str = "") -> Involved:
    _require_open(project.group_id)
    name = _one_line(name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the person or group.")
    if role not in InvolvedRole.values:
        errors["role"] = _("Choose how they are involved.")
    if errors:
        raise ValidationError(errors)
    return Involved.objects.create(project=project, name=name, role=role, how=_one_line(how))


@transaction.atomic
def remove_involved(involved: Involved) -> None:
    _require_open(involved.project.group_id)
    Involved.objects.filter(pk=involved.pk).delete()
