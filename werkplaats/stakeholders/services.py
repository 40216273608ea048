"""Changes to the stakeholder map. Each function checks its input and raises a
``ValidationError`` naming the field, so nothing half-written reaches the database."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation
from werkplaats.partnerships.models import Partnership, PartnershipMember

from .models import (
    SCALE_MAX,
    SCALE_MIN,
    TRACKED_FIELDS,
    Engagement,
    Relation,
    RelationKind,
    Stakeholder,
    StakeholderKind,
    StakeholderSnapshot,
    Stance,
    Tension,
    TensionStatus,
)

STAKEHOLDER_FIELDS = (
    "name",
    "kind",
    "organisation",
    "interests",
    "influence",
    "interest",
    "stance",
    "engagement",
    "desired_engagement",
    "owner",
)


def _check_stakeholder(stakeholder: Stakeholder) -> None:
    """Collect every problem with the stakeholder's fields, each at its field."""
    errors: dict[str, str] = {}
    stakeholder.name = (stakeholder.name or "").strip()
    if not stakeholder.name:
        errors["name"] = _("Give the stakeholder a name.")
    elif (
        Stakeholder.objects.active()
        .filter(partnership_id=stakeholder.partnership_id, name__iexact=stakeholder.name)
        .exclude(pk=stakeholder.pk)
        .exists()
    ):
        errors["name"] = _("The map already has a stakeholder with this name.")
    if stakeholder.kind not in StakeholderKind.values:
        errors["kind"] = _("Choose whether this is an organisation or a group of people.")
    for field in ("influence", "interest"):
        value = getattr(stakeholder, field)
        if not isinstance(value, int) or isinstance(value, bool) or not SCALE_MIN <= value <= SCALE_MAX:
            errors[field] = _("Choose a value from %(min)s to %(max)s.") % {"min": SCALE_MIN, "max": SCALE_MAX}
    if stakeholder.stance not in Stance.values:
        errors["stance"] = _("Choose a stance from the list.")
    for field in ("engagement", "desired_engagement"):
        if getattr(stakeholder, field) not in Engagement.values:
            errors[field] = _("Choose a step of the engagement ladder.")
    if stakeholder.organisation_id is not None:
        if stakeholder.kind != StakeholderKind.ORGANISATION:
            errors["organisation"] = _("Only an organisation can be linked to an organisation in Werkplaats.")
        elif (
            Stakeholder.objects.active()
            .filter(partnership_id=stakeholder.partnership_id, organisation_id=stakeholder.organisation_id)
            .exclude(pk=stakeholder.pk)
            .exists()
        ):
            errors["organisation"] = _("This organisation is already on the map.")
    if (
        stakeholder.owner_id is not None
        and not PartnershipMember.objects.active()
        .filter(pk=stakeholder.owner_id, partnership_id=stakeholder.partnership_id)
        .exists()
    ):
        errors["owner"] = _("The owner must be a member of the partnership.")
    if errors:
        raise ValidationError(errors)


def _snapshot(stakeholder: Stakeholder, *, by: User | None, at: datetime.datetime | None = None) -> None:
    StakeholderSnapshot.objects.create(
        stakeholder=stakeholder,
        recorded_by=by,
        recorded_at=at or timezone.now(),
        **{field: getattr(stakeholder, field) for field in TRACKED_FIELDS},
    )


@transaction.atomic
def add_stakeholder(
    partnership: Partnership,
    *,
    by: User | None,
    name: str,
    kind: str,
    influence: int,
    interest: int,
    stance: str = Stance.NEUTRAL,
    engagement: str = Engagement.INFORM,
    desired_engagement: str = Engagement.INFORM,
    interests: str = "",
    organisation: Organisation | None = None,
    owner: PartnershipMember | None = None,
    at: datetime.datetime | None = None,
) -> Stakeholder:
    """Put a stakeholder on the map, with its first snapshot: where it stood when added."""
    stakeholder = Stakeholder(
        partnership=partnership,
        name=name,
        kind=kind,
        organisation=organisation,
        interests=interests,
        influence=influence,
        interest=interest,
        stance=stance,
        engagement=engagement,
        desired_engagement=desired_engagement,
        owner=owner,
        created_by=by,
        created_at=at or timezone.now(),
    )
    _check_stakeholder(stakeholder)
    stakeholder.save()
    _snapshot(stakeholder, by=by, at=at)
    return stakeholder


@transaction.atomic
def change_stakeholder(
    stakeholder: Stakeholder, *, by: User | None, at: datetime.datetime | None = None, **changes: Any
) -> Stakeholder:
    """Change the stakeholder; a change of position, stance or engagement appends a snapshot."""
    unknown = set(changes) - set(STAKEHOLDER_FIELDS)
    if unknown:
        raise TypeError(f"Not a field of a stakeholder: {', '.join(sorted(unknown))}")
    # Lock the row: two people moving the same stakeholder at once each get their own snapshot,
    # in order, and the last one is where the stakeholder stands.
    locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    if locked.removed_at is not None:
        raise ValidationError(_("This stakeholder has been removed from the map."))
    before = [getattr(locked, field) for field in TRACKED_FIELDS]
    for field, value in changes.items():
        setattr(locked, field, value)
    _check_stakeholder(locked)
    locked.save()
    if [getattr(locked, field) for field in TRACKED_FIELDS] != before:
        _snapshot(locked, by=by, at=at)
    return locked


@transaction.atomic
def remove_stakeholder(stakeholder: Stakeholder, *, by: User | None) -> Stakeholder:
    """Take the stakeholder off the map. Its relations, tensions and history stay in the
    database, out of sight: nothing that refers to it breaks."""
    locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    if locked.removed_at is not None:
        raise ValidationError(_("This stakeholder has already been removed from the map."))
    locked.removed_at = timezone.now()
    locked.removed_by = by
    locked.save(update_fields=["removed_at", "removed_by", "updated_at"])
    return locked


def _on_map(partnership: Partnership, stakeholder: Stakeholder | None, field: str, errors: dict[str, str]) -> None:
    if stakeholder is None:
        errors[field] = _("Choose a stakeholder.")
    elif stakeholder.partnership_id != partnership.pk or stakeholder.removed_at is not None:
        errors[field] = _("Choose a stakeholder on this map.")


def _check_relation(relation: Relation) -> None:
    errors: dict[str, str] = {}
    partnership = relation.partnership
    source = relation.source if relation.source_id else None
    target = relation.target if relation.target_id else None
    _on_map(partnership, source, "source", errors)
    _on_map(partnership, target, "target", errors)
    if relation.kind not in RelationKind.values:
        errors["kind"] = _("Choose a kind of relation.")
    if not errors and relation.source_id == relation.target_id:
        errors["target"] = _("A stakeholder cannot have a relation with itself.")
    if (
        not errors
        and Relation.objects.filter(source_id=relation.source_id, target_id=relation.target_id, kind=relation.kind)
        .exclude(pk=relation.pk)
        .exists()
    ):
        errors["kind"] = _("This relation is already on the map.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_relation(
    partnership: Partnership,
    *,
    by: User | None,
    source: Stakeholder | None,
    target: Stakeholder | None,
    kind: str,
    note: str = "",
) -> Relation:
    relation = Relation(partnership=partnership, kind=kind, note=note.strip(), created_by=by)
    if source is not None:
        relation.source = source
    if target is not None:
        relation.target = target
    _check_relation(relation)
    relation.save()
    return relation


@transaction.atomic
def change_relation(relation: Relation, *, by: User | None, **changes: Any) -> Relation:
    unknown = set(changes) - {"source", "target", "kind", "note"}
    if unknown:
        raise TypeError(f"Not a field of a relation: {', '.join(sorted(unknown))}")
    locked = Relation.objects.select_for_update().select_related("partnership").get(pk=relation.pk)
    for field, value in changes.items():
        setattr(locked, field, value.strip() if field == "note" else value)
    _check_relation(locked)
    locked.save()
    return locked


@transaction.atomic
def remove_relation(relation: Relation, *, by: User | None) -> None:
    Relation.objects.filter(pk=relation.pk).delete()


def _check_tension(tension: Tension) -> None:
    errors: dict[str, str] = {}
    partnership = tension.partnership
    _on_map(partnership, tension.first if tension.first_id else None, "first", errors)
    _on_map(partnership, tension.second if tension.second_id else None, "second", errors)
    if "first" not in errors and "second" not in errors and tension.first_id == tension.second_id:
        errors["second"] = _("A tension is between two different stakeholders.")
    tension.title = (tension.title or "").strip()
    if not tension.title:
        errors["title"] = _("Say in a few words what clashes.")
    if tension.status not in TensionStatus.values:
        errors["status"] = _("Choose a status.")
    today = timezone.localdate()
    if tension.raised_on is None:
        errors["raised_on"] = _("Enter the date the tension was noticed.")
    elif tension.raised_on > today:
        errors["raised_on"] = _("This date cannot be in the future.")
    if tension.resolved_on is not None:
        if tension.resolved_on > today:
            errors["resolved_on"] = _("This date cannot be in the future.")
        elif tension.raised_on is not None and tension.resolved_on < tension.raised_on:
            errors["resolved_on"] = _("A tension cannot be resolved before it was noticed.")
    if errors:
        raise ValidationError(errors)


def _settle_resolution(tension: Tension) -> None:
    """A resolved tension has a date of resolution (today unless given); an open one has none."""
    if tension.status == TensionStatus.RESOLVED:
        tension.resolved_on = tension.resolved_on or timezone.localdate()
    else:
        tension.resolved_on = None


@transaction.atomic
def add_tension(
    partnership: Partnership,
    *,
    by: User | None,
    first: Stakeholder | None,
    second: Stakeholder | None,
    title: str,
    note: str = "",
    status: str = TensionStatus.OPEN,
    raised_on: datetime.date | None = None,
    resolved_on: datetime.date | None = None,
) -> Tension:
    tension = Tension(
        partnership=partnership,
        title=title,
        note=note.strip(),
        status=status,
        raised_on=raised_on or timezone.localdate(),
        resolved_on=resolved_on,
        created_by=by,
    )
    if first is not None:
        tension.first = first
    if second is not None:
        tension.second = second
    _settle_resolution(tension)
    _check_tension(tension)
    tension.save()
    return tension


@transaction.atomic
def change_tension(tension: Tension, *, by: User | None, **changes: Any) -> Tension:
    unknown = set(changes) - {"first", "second", "title", "note", "status", "raised_on", "resolved_on"}
    if unknown:
        raise TypeError(f"Not a field of a tension: {', '.join(sorted(unknown))}")
    locked = Tension.objects.select_for_update().select_related("partnership").get(pk=tension.pk)
    for field, value in changes.items():
        setattr(locked, field, value.strip() if field == "note" else value)
    _settle_resolution(locked)
    _check_tension(locked)
    locked.save()
    return locked
