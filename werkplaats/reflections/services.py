"""Prompt sets, planning, answering and closing reflection sessions."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import (
    Action,
    ActionOrigin,
    Group,
    GroupMember,
    Partnership,
    PartnershipMember,
)

from .models import (
    ALLOWED_TRANSITIONS,
    Answer,
    Prompt,
    PromptSet,
    ReflectionSession,
    SessionPrompt,
    SessionStatus,
)

# The default set: the three questions of seed 002's last tip, then questions drawn from its
# other tips (the right people at the right tables, steering on results, small steps and
# celebrated successes, each other's world, the rank and file). English source strings; a set
# that a partnership adopts gets them in the language of the person who adopts it.
DEFAULT_SET_NAME: Promise = gettext_lazy("Reflection on our collaboration")
DEFAULT_PROMPTS: list[Promise] = [
    gettext_lazy("Are we still on the right road?"),
    gettext_lazy("Is everyone still involved and inspired?"),
    gettext_lazy("Are we still going for it, together?"),
    gettext_lazy("Are the right people at the right tables, with the mandate and expertise the work needs?"),
    gettext_lazy("Does the steering group steer on results, and do the working groups know what they must deliver?"),
    gettext_lazy("Which small steps succeeded since last time, and did we celebrate them?"),
    gettext_lazy("Do we understand each other's world well enough: what does the other side need?"),
    gettext_lazy("Do the people in our own organisations know what we do and what it has brought?"),
]

MAX_PROMPTS = 20
PROMPT_LENGTH = 300


# --- Who may do what ------------------------------------------------------------------------


def may_edit_prompts(pa: PartnershipAccess) -> bool:
    """The steering group (and the manager) keeps the partnership's prompt sets."""
    return pa.is_steering


def may_plan(pa: PartnershipAccess, group: Group | None = None) -> bool:
    """The steering group plans sessions for anyone; a group's coordinator for their group."""
    if pa.is_steering:
        return True
    if group is None:
        return bool(pa.coordinated_group_ids)
    return pa.leads(group)


def runs(pa: PartnershipAccess, session: ReflectionSession) -> bool:
    """The manager and the session's organiser change it, summarise it and close it."""
    return pa.is_manager or (session.organiser_id is not None and session.organiser_id == pa.user_id)


def takes_part(pa: PartnershipAccess, session: ReflectionSession) -> bool:
    return session.group_id is None or pa.in_group(session.group_id)


def sees_answers(pa: PartnershipAccess, session: ReflectionSession) -> bool:
    """The answers are shared among the participants and whoever runs the session."""
    return takes_part(pa, session) or runs(pa, session)


def participants(session: ReflectionSession) -> list[Any]:
    """The people who take part: the group's members, or every member of the partnership."""
    from werkplaats.accounts.models import User

    user_ids: Any
    if session.group_id is not None:
        members = GroupMember.objects.active().filter(group_id=session.group_id, member__left_on__isnull=True)
        user_ids = members.values("member__user_id")
    else:
        user_ids = PartnershipMember.objects.active().filter(partnership_id=session.partnership_id).values("user_id")
    return list(User.objects.filter(pk__in=user_ids).order_by("name", "email"))


def _is_participant(session: ReflectionSession, user: Any) -> bool:
    if session.group_id is not None:
        return (
            GroupMember.objects.active()
            .filter(group_id=session.group_id, group__closed_on__isnull=True, member__user_id=user.pk)
            .filter(member__left_on__isnull=True)
            .exists()
        )
    return PartnershipMember.objects.active().filter(partnership_id=session.partnership_id, user_id=user.pk).exists()


# --- Prompt sets ----------------------------------------------------------------------------


def _clean_texts(texts: Sequence[str]) -> list[str]:
    cleaned = [" ".join(t.split()) for t in texts]
    cleaned = [t for t in cleaned if t]
    if not cleaned:
        raise ValidationError({"prompts": _("Write at least one prompt.")})
    if len(cleaned) > MAX_PROMPTS:
        raise ValidationError({"prompts": _("A set holds at most %(n)s prompts.") % {"n": MAX_PROMPTS}})
    too_long = [t for t in cleaned if len(t) > PROMPT_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "prompts": _("Keep each prompt under %(n)s characters; this one is longer: “%(text)s…”")
                % {"n": PROMPT_LENGTH, "text": too_long[0][:60]}
            }
        )
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"prompts": _("Each prompt appears only once in a set.")})
    return cleaned


@transaction.atomic
def save_prompt_set(
    partnership: Partnership, *, name: str, texts: Sequence[str], prompt_set: PromptSet | None = None
) -> PromptSet:
    """Create a set, or replace the name and prompts of ``prompt_set``. Past sessions keep
    their own copies of the prompts, so replacing them changes nothing that was asked."""
    name = " ".join((name or "").split())
    errors: dict[str, Any] = {}
    same_name = PromptSet.objects.filter(partnership=partnership, name__iexact=name)
    if prompt_set is not None:
        same_name = same_name.exclude(pk=prompt_set.pk)
    if not name:
        errors["name"] = _("Give the set a name.")
    elif same_name.exists():
        errors["name"] = _("The partnership already has a prompt set with this name.")
    try:
        cleaned = _clean_texts(texts)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if prompt_set is None:
        prompt_set = PromptSet.objects.create(partnership=partnership, name=name)
    else:
        prompt_set = PromptSet.objects.select_for_update().get(pk=prompt_set.pk, partnership=partnership)
        prompt_set.name = name
        prompt_set.save(update_fields=["name"])
        prompt_set.prompts.all().delete()
    Prompt.objects.bulk_create(
        Prompt(prompt_set=prompt_set, position=n, text=text) for n, text in enumerate(cleaned, start=1)
    )
    return prompt_set


@transaction.atomic
def adopt_default_prompts(partnership: Partnership) -> PromptSet:
    """Start the partnership's first set from the default prompts, in the active language."""
    if PromptSet.objects.select_for_update().filter(partnership=partnership).exists():
        raise ValidationError(_("The partnership already has prompt sets; change one of those instead."))
    return save_prompt_set(partnership, name=str(DEFAULT_SET_NAME), texts=[str(p) for p in DEFAULT_PROMPTS])


@transaction.atomic
def delete_prompt_set(prompt_set: PromptSet) -> None:
    """Sessions planned with it keep their prompts."""
    PromptSet.objects.filter(pk=prompt_set.pk).delete()


# --- Sessions -------------------------------------------------------------------------------


@transaction.atomic
def plan_session(
    partnership: Partnership,
    *,
    by: Any,
    title: str,
    scheduled_on: datetime.date,
    prompt_set: PromptSet,
    group: Group | None = None,
) -> ReflectionSession:
    """Plan a session and copy the set's prompts into it, as they are now."""
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the session a title.")
    if scheduled_on < timezone.localdate():
        errors["scheduled_on"] = _("Plan the session for today or a later date.")
    if group is not None and (group.partnership_id != partnership.pk or not group.is_open):
        errors["group"] = _("Choose one of the partnership's open groups.")
    if prompt_set.partnership_id != partnership.pk:
        errors["prompt_set"] = _("Choose one of the partnership's prompt sets.")
    prompts = list(prompt_set.prompts.order_by("position"))
    if not prompts and "prompt_set" not in errors:
        errors["prompt_set"] = _("This set has no prompts yet.")
    if errors:
        raise ValidationError(errors)
    session = ReflectionSession.objects.create(
        partnership=partnership,
        title=title,
        scheduled_on=scheduled_on,
        group=group,
        organiser=by,
        prompt_set_name=prompt_set.name,
    )
    SessionPrompt.objects.bulk_create(
        SessionPrompt(session=session, position=n, text=p.text) for n, p in enumerate(prompts, start=1)
    )
    return session


def _lock_open(session: ReflectionSession) -> ReflectionSession:
    """Lock the session's row, so an answer saved while someone closes it waits and is refused."""
    locked = ReflectionSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.PLANNED:
        raise ValidationError(_("The session is closed; it can no longer be changed."))
    return locked


@transaction.atomic
def change_session(session: ReflectionSession, *, title: str, scheduled_on: datetime.date) -> ReflectionSession:
    session = _lock_open(session)
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the session a title.")
    if scheduled_on < timezone.localdate() and scheduled_on != session.scheduled_on:
        errors["scheduled_on"] = _("Plan the session for today or a later date.")
    if errors:
        raise ValidationError(errors)
    session.title = title
    session.scheduled_on = scheduled_on
    session.save(update_fields=["title", "scheduled_on"])
    return session


def answer_field(prompt: SessionPrompt) -> str:
    return f"prompt_{prompt.pk}"


@transaction.atomic
def save_answers(session: ReflectionSession, *, by: Any, answers: Mapping[int, str]) -> int:
    """Save ``by``'s answers (prompt id → text); an empty text withdraws that answer. Returns
    how many answers they now have in the session."""
    session = _lock_open(session)
    if not _is_participant(session, by):
        raise ValidationError(_("Only the session's participants answer its prompts."))
    prompts = {p.pk: p for p in session.prompts.all()}
    unknown = set(answers) - set(prompts)
    if unknown:
        raise ValidationError(_("Answer the prompts of this session."))
    for prompt_id, text in answers.items():
        text = (text or "").strip()
        if text:
            Answer.objects.update_or_create(prompt=prompts[prompt_id], author=by, defaults={"text": text})
        else:
            Answer.objects.filter(prompt=prompts[prompt_id], author=by).delete()
    return Answer.objects.filter(prompt__session=session, author=by).count()


@dataclass(frozen=True)
class FollowUp:
    """A follow-up action as the closing form gives it: ``row`` names its fields for errors."""

    row: int
    title: str
    owner: Any
    due_on: datetime.date | None


def follow_up_field(row: int, name: str) -> str:
    return f"action_{row}_{name}"


@transaction.atomic
def close_session(
    session: ReflectionSession, *, by: Any, summary: str, follow_ups: Sequence[FollowUp] = ()
) -> list[Action]:
    """Record the summary and the follow-up actions, and close the session to answers."""
    session = _lock_open(session)
    assert SessionStatus.CLOSED in ALLOWED_TRANSITIONS[session.status]
    errors: dict[str, str] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Write what the session brought: the summary is what the partnership reads.")
    member_ids = set(
        PartnershipMember.objects.active()
        .filter(partnership_id=session.partnership_id)
        .values_list("user_id", flat=True)
    )
    for f in follow_ups:
        if not (f.title or "").strip():
            errors[follow_up_field(f.row, "title")] = _("Say what is to be done.")
        if f.owner is None:
            errors[follow_up_field(f.row, "owner")] = _("Choose who takes it on.")
        elif f.owner.pk not in member_ids:
            errors[follow_up_field(f.row, "owner")] = _("Choose a member of the partnership.")
        if f.due_on is None:
            errors[follow_up_field(f.row, "due_on")] = _("Choose when it is due.")
        elif f.due_on < session.scheduled_on:
            errors[follow_up_field(f.row, "due_on")] = _("A follow-up is due on or after the session's date.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    actions = [
        Action.objects.create(
            partnership_id=session.partnership_id,
            title=f.title.strip(),
            owner=f.owner,
            due_on=f.due_on,
            group_id=session.group_id,
            origin=ActionOrigin.REFLECTION,
            origin_id=session.pk,
            created_by=by,
            created_at=now,
        )
        for f in follow_ups
    ]
    session.summary = summary
    session.status = SessionStatus.CLOSED
    session.closed_at = now
    session.closed_by = by
    session.save(update_fields=["summary", "status", "closed_at", "closed_by"])
    return actions


def follow_up_actions(session: ReflectionSession) -> list[Action]:
    return list(
        Action.objects.filter(
            partnership_id=session.partnership_id, origin=ActionOrigin.REFLECTION, origin_id=session.pk
        )
        .select_related("owner")
        .order_by("due_on", "id")
    )
