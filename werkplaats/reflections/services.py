"""Prompt sets, planning, answering and closing reflection sessions."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
    PromptSetPurpose,
    ReflectionSession,
    SessionPrompt,
    SessionStatus,
)
from .starting_sets import STARTING_SETS

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


def own_language() -> str:
    """The language the person's screen is in, as one of the platform's languages."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _lock_partnership(partnership: Partnership) -> None:
    """Two people saving a set of the same name at once: the second waits here, then sees the
    first one's set and gets a form error instead of a database error."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()


def _write_prompt_set(
    partnership: Partnership,
    *,
    name: str,
    texts: Sequence[str],
    language: str | None,
    purpose: str | None,
    prompt_set: PromptSet | None,
    built_in: str = "",
) -> PromptSet:
    _lock_partnership(partnership)
    if prompt_set is not None:
        prompt_set = PromptSet.objects.select_for_update().get(pk=prompt_set.pk, partnership=partnership)
    language = language or (prompt_set.language if prompt_set is not None else settings.LANGUAGE_CODE)
    purpose = purpose or (prompt_set.purpose if prompt_set is not None else PromptSetPurpose.REFLECTION)
    name = " ".join((name or "").split())
    errors: dict[str, Any] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the platform's languages.")
    if purpose not in PromptSetPurpose.values:
        errors["purpose"] = _("Choose what the set is used for.")
    same_name = PromptSet.objects.filter(partnership=partnership, language=language, name__iexact=name)
    if prompt_set is not None:
        same_name = same_name.exclude(pk=prompt_set.pk)
    if not name:
        errors["name"] = _("Give the set a name.")
    elif same_name.exists():
        errors["name"] = _("The partnership already has a prompt set with this name in this language.")
    try:
        cleaned = _clean_texts(texts)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if prompt_set is None:
        prompt_set = PromptSet.objects.create(
            partnership=partnership, name=name, language=language, purpose=purpose, built_in=built_in
        )
    else:
        if language != prompt_set.language:
            # Its prompts are no longer the built-in set in the language it was added in.
            prompt_set.built_in = ""
        prompt_set.name = name
        prompt_set.language = language
        prompt_set.purpose = purpose
        prompt_set.save(update_fields=["name", "language", "purpose", "built_in"])
        prompt_set.prompts.all().delete()
    Prompt.objects.bulk_create(
        Prompt(prompt_set=prompt_set, position=n, text=text) for n, text in enumerate(cleaned, start=1)
    )
    return prompt_set


@transaction.atomic
def save_prompt_set(
    partnership: Partnership,
    *,
    name: str,
    texts: Sequence[str],
    language: str | None = None,
    purpose: str | None = None,
    prompt_set: PromptSet | None = None,
) -> PromptSet:
    """Create a set, or replace the name, language, purpose and prompts of ``prompt_set``. A new
    set without a language or purpose is in the platform's default language, for reflection
    sessions; a changed one keeps what it had. Past sessions keep their own copies of the
    prompts, so replacing them changes nothing that was asked."""
    return _write_prompt_set(
        partnership, name=name, texts=texts, language=language, purpose=purpose, prompt_set=prompt_set
    )


@transaction.atomic
def add_starting_set(partnership: Partnership, *, key: str, language: str) -> PromptSet:
    """Copy the built-in set ``key`` into the partnership, in ``language``, once per language."""
    starting = STARTING_SETS.get(key)
    if starting is None or language not in starting.prompts:
        raise ValidationError(_("Choose one of the built-in sets and one of its languages."))
    _lock_partnership(partnership)
    present = PromptSet.objects.filter(partnership=partnership, built_in=key, language=language).first()
    if present is not None:
        raise ValidationError(
            _("The partnership already has this built-in set in %(language)s, as “%(name)s”; change that set instead.")
            % {"language": language_name(language), "name": present.name}
        )
    name = starting.names[language]
    if PromptSet.objects.filter(partnership=partnership, language=language, name__iexact=name).exists():
        raise ValidationError(
            _(
                "The partnership already has a set called “%(name)s” in %(language)s. Rename that set first, "
                "then add the built-in one."
            )
            % {"name": name, "language": language_name(language)}
        )
    return _write_prompt_set(
        partnership,
        name=name,
        texts=starting.prompts[language],
        language=language,
        purpose=starting.purpose,
        prompt_set=None,
        built_in=key,
    )


@dataclass(frozen=True)
class StartingSetOffer:
    """A built-in set as the prompt-set pages show it: in the reader's language, with the
    languages the partnership does not have it in yet."""

    key: str
    language: str  # of the name and prompts shown
    name: str
    purpose: str
    prompts: list[str]
    missing: list[tuple[str, str, str]]  # (language code, language name, the set's name in it)


def starting_set_offers(partnership: Partnership, *, language: str) -> list[StartingSetOffer]:
    """One query."""
    present = set(
        PromptSet.objects.filter(partnership=partnership).exclude(built_in="").values_list("built_in", "language")
    )
    offers = []
    for starting in STARTING_SETS.values():
        shown = language if language in starting.prompts else settings.LANGUAGE_CODE
        offers.append(
            StartingSetOffer(
                key=starting.key,
                language=shown,
                name=starting.names[shown],
                purpose=str(starting.purpose.label),
                prompts=starting.prompts[shown],
                missing=[
                    (code, language_name(code), starting.names[code])
                    for code, _name in settings.LANGUAGES
                    if code in starting.prompts and (starting.key, code) not in present
                ],
            )
        )
    return offers


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
