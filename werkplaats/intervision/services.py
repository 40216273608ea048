"""Intervision groups, their membership, their methods and their sessions.

The rules, each enforced here with a message at the field it concerns:
- a group has 4 to 8 participants when it is set up or its membership is changed;
- its facilitator is a member of the partnership and not one of the participants;
- a participant may always leave, even when that leaves the group with fewer than 4: the group
  then holds no new sessions until its facilitator has added participants;
- only a current participant can be a session's case contributor;
- when the facilitator leaves the partnership or no longer fits, the partnership's manager
  appoints another one (never themselves, so the manager still sees no sessions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Partnership, PartnershipMember

from .models import (
    MAX_PARTICIPANTS,
    MIN_PARTICIPANTS,
    IntervisionGroup,
    IntervisionSession,
    Method,
    Participant,
)

# The methods a partnership starts with (seed 004 speaks of guided intervision; these are the
# methods Dutch intervision groups commonly use). English source strings: a partnership gets them
# in the language of the person who sets up its first group, and can change them afterwards.
DEFAULT_METHODS: list[Promise] = [
    gettext_lazy("incident method"),
    gettext_lazy("Balint method"),
    gettext_lazy("gossip method"),
    gettext_lazy("Socratic dialogue"),
    gettext_lazy("problem-solving method"),
]

MAX_METHODS = 30
METHOD_LENGTH = 120


# --- Who may do what ------------------------------------------------------------------------


def may_create_groups(pa: PartnershipAccess) -> bool:
    """The manager sets groups up (and then sees no sessions, unless taking part)."""
    return pa.is_manager


def may_edit_methods(pa: PartnershipAccess) -> bool:
    return pa.is_manager


def may_replace_facilitator(pa: PartnershipAccess) -> bool:
    """When a facilitator leaves the partnership or no longer fits, nobody manages the group:
    the manager appoints a new one (and still sees no sessions)."""
    return pa.is_manager


def facilitates(pa: PartnershipAccess, group: IntervisionGroup) -> bool:
    return group.facilitator.user_id == pa.user_id and group.facilitator.left_on is None


def takes_part(pa: PartnershipAccess, group: IntervisionGroup) -> bool:
    return Participant.objects.current().filter(group=group, member__user_id=pa.user_id).exists()


def has_access(pa: PartnershipAccess, group: IntervisionGroup) -> bool:
    """Sees the group and its sessions: a current participant or the facilitator, nobody else."""
    return facilitates(pa, group) or takes_part(pa, group)


def current_participants(group: IntervisionGroup) -> list[Participant]:
    return list(
        Participant.objects.current()
        .filter(group=group)
        .select_related("member__user", "member__partner__organisation")
        .order_by("member__user__name", "member__user__email", "id")
    )


def holds_sessions(participant_count: int) -> bool:
    return participant_count >= MIN_PARTICIPANTS


# --- Methods --------------------------------------------------------------------------------


def ensure_methods(partnership: Partnership) -> None:
    """Give the partnership the default methods, in the active language, if it has none yet."""
    if Method.objects.filter(partnership=partnership).exists():
        return
    Method.objects.bulk_create(
        Method(partnership=partnership, name=str(name), position=n) for n, name in enumerate(DEFAULT_METHODS, 1)
    )


def _clean_method_names(names: Sequence[str]) -> list[str]:
    cleaned = [" ".join(n.split()) for n in names]
    cleaned = [n for n in cleaned if n]
    if not cleaned:
        raise ValidationError({"methods": _("Keep at least one method on the list.")})
    if len(cleaned) > MAX_METHODS:
        raise ValidationError({"methods": _("The list holds at most %(n)s methods.") % {"n": MAX_METHODS}})
    too_long = [n for n in cleaned if len(n) > METHOD_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "methods": _("Keep each method under %(n)s characters; this one is longer: “%(name)s…”")
                % {"n": METHOD_LENGTH, "name": too_long[0][:60]}
            }
        )
    seen: set[str] = set()
    for name in cleaned:
        if name.casefold() in seen:
            raise ValidationError({"methods": _("“%(name)s” is on the list twice.") % {"name": name}})
        seen.add(name.casefold())
    return cleaned


@transaction.atomic
def save_methods(partnership: Partnership, *, names: Sequence[str]) -> list[Method]:
    """Make ``names`` the partnership's list of methods, in this order. A method taken off the
    list is archived: past sessions keep it, new sessions cannot choose it."""
    cleaned = _clean_method_names(names)
    existing = {m.name.casefold(): m for m in Method.objects.select_for_update().filter(partnership=partnership)}
    kept = []
    for position, name in enumerate(cleaned, start=1):
        method = existing.pop(name.casefold(), None)
        if method is None:
            method = Method.objects.create(partnership=partnership, name=name, position=position)
        else:
            method.name, method.position, method.is_active = name, position, True
            method.save(update_fields=["name", "position", "is_active"])
        kept.append(method)
    for method in existing.values():
        if method.is_active:
            method.is_active = False
            method.save(update_fields=["is_active"])
    return kept


# --- Groups and membership ------------------------------------------------------------------


def _people_errors(
    partnership: Partnership, *, facilitator: PartnershipMember | None, participants: Iterable[PartnershipMember]
) -> dict[str, str]:
    chosen = {p.pk: p for p in participants}
    active = set(
        PartnershipMember.objects.active()
        .filter(partnership=partnership, pk__in=[*chosen, *([facilitator.pk] if facilitator else [])])
        .values_list("pk", flat=True)
    )
    errors: dict[str, str] = {}
    if any(pk not in active for pk in chosen):
        errors["participants"] = _("Choose participants from the members of the partnership.")
    elif not MIN_PARTICIPANTS <= len(chosen) <= MAX_PARTICIPANTS:
        errors["participants"] = _(
            "An intervision group has %(min)s to %(max)s participants, so that everyone can bring in a case and "
            "be heard; you chose %(n)s."
        ) % {"min": MIN_PARTICIPANTS, "max": MAX_PARTICIPANTS, "n": len(chosen)}
    if facilitator is None:
        errors["facilitator"] = _("Choose the facilitator who guides the sessions.")
    elif facilitator.pk not in active:
        errors["facilitator"] = _("Choose a facilitator from the members of the partnership.")
    elif facilitator.pk in chosen:
        errors["facilitator"] = _(
            "The facilitator guides the group and does not take part in it: choose another facilitator, or take "
            "%(name)s off the participants."
        ) % {"name": facilitator.user}
    return errors


@transaction.atomic
def create_group(
    partnership: Partnership,
    *,
    by: Any,
    name: str,
    facilitator: PartnershipMember | None,
    participants: Sequence[PartnershipMember],
) -> IntervisionGroup:
    name = " ".join((name or "").split())
    errors = _people_errors(partnership, facilitator=facilitator, participants=participants)
    if not name:
        errors["name"] = _("Give the group a name.")
    elif IntervisionGroup.objects.filter(partnership=partnership, name__iexact=name).exists():
        errors["name"] = _("The partnership already has an intervision group with this name.")
    if errors:
        raise ValidationError(errors)
    assert facilitator is not None
    group = IntervisionGroup.objects.create(partnership=partnership, name=name, facilitator=facilitator, created_by=by)
    today = timezone.localdate()
    for member in {p.pk: p for p in participants}.values():
        Participant.objects.create(group=group, member=member, joined_on=today)
    ensure_methods(partnership)
    return group


def _lock(group: IntervisionGroup) -> IntervisionGroup:
    """Lock the group row: membership changes, leaving and new sessions wait for each other, so
    no session is added to a group that has just fallen below the minimum."""
    return IntervisionGroup.objects.select_for_update().select_related("facilitator").get(pk=group.pk)


@transaction.atomic
def change_membership(
    group: IntervisionGroup,
    *,
    participants: Sequence[PartnershipMember],
    facilitator: PartnershipMember | None,
) -> IntervisionGroup:
    """Set the group's participants and facilitator. Whoever is taken off leaves today and loses
    access to the sessions; whoever is added sees the group's sessions, past ones included."""
    group = _lock(group)
    errors = _people_errors(group.partnership, facilitator=facilitator, participants=participants)
    if errors:
        raise ValidationError(errors)
    assert facilitator is not None
    today = timezone.localdate()
    wanted = {p.pk: p for p in participants}
    current = {p.member_id: p for p in Participant.objects.current().filter(group=group)}
    for member_id, participant in current.items():
        if member_id not in wanted:
            participant.left_on = max(today, participant.joined_on)
            participant.save(update_fields=["left_on"])
    for member_id, member in wanted.items():
        if member_id not in current:
            Participant.objects.create(group=group, member=member, joined_on=today)
    if group.facilitator_id != facilitator.pk:
        group.facilitator = facilitator
        group.save(update_fields=["facilitator"])
    return group


@transaction.atomic
def leave_group(group: IntervisionGroup, *, member: PartnershipMember) -> Participant:
    """``member`` leaves the group today. Always allowed: nobody is kept in intervision. The
    sessions stay, with what the member contributed, for the others."""
    group = _lock(group)
    participant = Participant.objects.current().filter(group=group, member=member).first()
    if participant is None:
        raise ValidationError(_("You do not take part in this group."))
    participant.left_on = max(timezone.localdate(), participant.joined_on)
    participant.save(update_fields=["left_on"])
    remaining = Participant.objects.current().filter(group=group).count()
    facilitator = group.facilitator
    if facilitator.left_on is None:
        transaction.on_commit(lambda: _tell_facilitator(group, facilitator, participant, remaining))
    return participant


def _tell_facilitator(
    group: IntervisionGroup, facilitator: PartnershipMember, participant: Participant, remaining: int
) -> None:
    from werkplaats.notifications.services import notify

    def message() -> str:
        if holds_sessions(remaining):
            return _("%(person)s left the intervision group “%(group)s”.") % {
                "person": participant.member.user,
                "group": group.name,
            }
        return _(
            "%(person)s left the intervision group “%(group)s”. It now has %(n)s participants and holds no new "
            "sessions until you add participants."
        ) % {"person": participant.member.user, "group": group.name, "n": remaining}

    notify(
        [facilitator.user],
        message=message,
        url=group.get_absolute_url(),
        key=f"intervision-left:{participant.pk}",
    )


def _replacement_error(
    group: IntervisionGroup, *, by: Any, old: PartnershipMember, new: PartnershipMember | None
) -> str | None:
    """Why ``new`` cannot take over the group from ``old``, or None. The rules of ``create_group``
    (a member of the partnership, not a participant), and not the manager who appoints: what is
    said in the group would open up to them."""
    if new is None:
        return _("Choose the new facilitator.")
    is_member = (
        PartnershipMember.objects.active()
        .filter(partnership_id=group.partnership_id, pk=new.pk, user__is_active=True)
        .exists()
    )
    if not is_member:
        return _("Choose a facilitator from the members of the partnership.")
    if new.pk == old.pk:
        return _("%(name)s already facilitates this group: choose someone else.") % {"name": new.user}
    if by is not None and new.user_id == by.pk:
        return _(
            "You cannot appoint yourself: the facilitator reads the group's sessions and notes, which are for "
            "the group only. Choose another member."
        )
    if Participant.objects.current().filter(group=group, member=new).exists():
        return _(
            "%(name)s takes part in this group, and the facilitator guides the group without taking part in it: "
            "choose another member."
        ) % {"name": new.user}
    return None


@transaction.atomic
def replace_facilitator(group: IntervisionGroup, *, by: Any, facilitator: PartnershipMember | None) -> IntervisionGroup:
    """The partnership's manager hands the group to a new facilitator, for example because the
    old one left the partnership. The old facilitator loses access to the sessions at once; the
    new one sees them all, past ones included, and is told in the app. The audit log records the
    change of facilitator (the group is audited, see apps.py)."""
    group = _lock(group)
    old = group.facilitator
    error = _replacement_error(group, by=by, old=old, new=facilitator)
    if error:
        raise ValidationError({"facilitator": error})
    assert facilitator is not None
    group.facilitator = facilitator
    group.save(update_fields=["facilitator"])
    transaction.on_commit(lambda: _tell_new_facilitator(group, facilitator))
    if old.left_on is None and old.user.is_active:
        transaction.on_commit(lambda: _tell_old_facilitator(group, old))
    return group


def _tell_new_facilitator(group: IntervisionGroup, facilitator: PartnershipMember) -> None:
    from werkplaats.notifications.services import notify

    def message() -> str:
        return _(
            "You are now the facilitator of the intervision group “%(group)s”: you guide its sessions and "
            "manage who takes part."
        ) % {"group": group.name}

    notify(
        [facilitator.user],
        message=message,
        url=group.get_absolute_url(),
        key=f"intervision-facilitator:{group.pk}:{facilitator.pk}:{timezone.now().isoformat()}",
    )


def _tell_old_facilitator(group: IntervisionGroup, facilitator: PartnershipMember) -> None:
    from werkplaats.notifications.services import notify

    def message() -> str:
        return _(
            "The partnership's manager appointed another facilitator for the intervision group “%(group)s”. "
            "Its sessions are no longer visible to you."
        ) % {"group": group.name}

    notify(
        [facilitator.user],
        message=message,
        url=reverse("intervision:list", kwargs={"slug": group.partnership.slug}),
        key=f"intervision-facilitator-ended:{group.pk}:{facilitator.pk}:{timezone.now().isoformat()}",
    )


# --- Sessions -------------------------------------------------------------------------------


@transaction.atomic
def save_session(
    group: IntervisionGroup,
    *,
    by: Any,
    held_on: datetime.date | None,
    case_contributor: PartnershipMember | None,
    method: Method | None,
    work_question: str = "",
    notes: str = "",
    session: IntervisionSession | None = None,
) -> IntervisionSession:
    """Plan a session (``session`` None) or change one. A new session needs a group of at least
    the minimum size; a past session can always be completed, whoever has left since."""
    group = _lock(group)
    participant_ids = set(Participant.objects.current().filter(group=group).values_list("member_id", flat=True))
    errors: dict[str, str] = {}
    if session is None and not holds_sessions(len(participant_ids)):
        raise ValidationError(
            _(
                "The group has %(n)s participants and needs at least %(min)s to hold a session. Its facilitator can "
                "add participants."
            )
            % {"n": len(participant_ids), "min": MIN_PARTICIPANTS}
        )
    if held_on is None:
        errors["held_on"] = _("Choose the date of the session.")
    unchanged_contributor = (
        session is not None and case_contributor is not None and case_contributor.pk == session.case_contributor_id
    )
    if case_contributor is None:
        errors["case_contributor"] = _("Choose the participant who brings in the case.")
    elif case_contributor.pk not in participant_ids and not unchanged_contributor:
        errors["case_contributor"] = _("The case contributor is one of the group's current participants.")
    unchanged_method = session is not None and method is not None and method.pk == session.method_id
    if method is None:
        errors["method"] = _("Choose a method.")
    elif method.partnership_id != group.partnership_id or not (method.is_active or unchanged_method):
        errors["method"] = _("Choose one of the partnership's methods.")
    if errors:
        raise ValidationError(errors)
    assert held_on is not None and case_contributor is not None and method is not None
    if session is None:
        session = IntervisionSession(group=group, created_by=by)
    else:
        session = IntervisionSession.objects.select_for_update().get(pk=session.pk, group=group)
    session.held_on = held_on
    session.case_contributor = case_contributor
    session.method = method
    session.work_question = (work_question or "").strip()
    session.notes = (notes or "").strip()
    session.save()
    return session
