"""Prompt sets (per language, built-in sets, editing), planning (prompts copied), answering
(participants only, until closed) and closing with a summary and follow-up actions."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from werkplaats.partnerships.models import Action, ActionOrigin, ActionStatus
from werkplaats.partnerships.tests.factories import cast

from .. import services
from ..models import Answer, PromptSet, PromptSetPurpose, SessionStatus
from ..services import FollowUp
from ..starting_sets import PARTNERSHIP, PROFESSIONAL_SPACE, STARTING_SETS
from .helpers import TEXTS, answer_all, planned, prompt_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# --- Prompt sets ----------------------------------------------------------------------------


def test_every_built_in_set_has_a_name_and_the_same_number_of_prompts_in_every_language() -> None:
    languages = {code for code, _name in settings.LANGUAGES}
    for starting in STARTING_SETS.values():
        assert set(starting.names) == set(starting.prompts) == languages, starting.key
        counts = {code: len(prompts) for code, prompts in starting.prompts.items()}
        assert len(set(counts.values())) == 1, (starting.key, counts)
        for prompts in starting.prompts.values():
            assert services._clean_texts(prompts) == prompts  # fits a set as it is: no blanks, doubles, long ones


def test_the_partnership_set_asks_seed_002s_three_questions_first() -> None:
    c = cast()

    added = services.add_starting_set(c.partnership, key=PARTNERSHIP.key, language="en")

    texts = [p.text for p in added.prompts.order_by("position")]
    assert texts[:3] == [
        "Are we still on the right road?",
        "Is everyone still involved and inspired?",
        "Are we still going for it, together?",
    ]
    assert (added.name, added.purpose, added.built_in) == (
        "Reflecting on the partnership",
        PromptSetPurpose.REFLECTION,
        "partnership",
    )


def test_a_built_in_set_is_stored_in_the_chosen_language_whatever_the_screen_speaks() -> None:
    c = cast()

    with translation.override("en"):
        dutch = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")
    with translation.override("nl"):
        english = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")

    assert (dutch.name, dutch.language, dutch.purpose) == ("Professionele ruimte", "nl", PromptSetPurpose.CONVERSATION)
    assert [p.text for p in dutch.prompts.order_by("position")] == PROFESSIONAL_SPACE.prompts["nl"]
    assert (english.name, english.language) == ("Professional space", "en")
    assert [p.text for p in english.prompts.order_by("position")] == PROFESSIONAL_SPACE.prompts["en"]


def test_adding_a_built_in_set_twice_in_one_language_says_so_and_adds_nothing() -> None:
    c = cast()
    first = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")
    services.save_prompt_set(c.partnership, prompt_set=first, name="Annual talk", texts=["How are you?"])

    with pytest.raises(ValidationError) as exc:
        services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")

    assert exc.value.messages == [
        "The partnership already has this built-in set in English, as “Annual talk”; change that set instead."
    ]
    assert PromptSet.objects.count() == 1


def test_a_built_in_set_whose_name_is_taken_in_that_language_asks_to_rename_the_other_set() -> None:
    c = cast()
    prompt_set(c.partnership, "Professionele ruimte")

    with pytest.raises(ValidationError) as exc:
        services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")

    assert "Rename that set first" in exc.value.messages[0]
    assert PromptSet.objects.count() == 1
    assert services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en").language == "en"


@pytest.mark.parametrize(("key", "language"), [("no-such-set", "nl"), (PARTNERSHIP.key, "de"), ("", "")])
def test_an_unknown_built_in_set_or_language_is_refused(key: str, language: str) -> None:
    c = cast()

    with pytest.raises(ValidationError):
        services.add_starting_set(c.partnership, key=key, language=language)

    assert not PromptSet.objects.exists()


def test_the_offers_list_the_languages_a_built_in_set_is_still_missing_in() -> None:
    c = cast()
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")

    offers = {o.key: o for o in services.starting_set_offers(c.partnership, language="en")}

    assert offers[PROFESSIONAL_SPACE.key].name == "Professional space"
    assert offers[PROFESSIONAL_SPACE.key].prompts == PROFESSIONAL_SPACE.prompts["en"]
    assert [code for code, _lang, _name in offers[PROFESSIONAL_SPACE.key].missing] == ["en"]
    assert [code for code, _lang, _name in offers[PARTNERSHIP.key].missing] == ["nl", "en"]


def test_a_name_is_used_once_per_language() -> None:
    c = cast()
    prompt_set(c.partnership, "Stuurgroep")

    english = services.save_prompt_set(c.partnership, name="Stuurgroep", texts=TEXTS, language="en")
    with pytest.raises(ValidationError) as exc:
        services.save_prompt_set(c.partnership, name="STUURGROEP", texts=TEXTS, language="nl")

    assert english.language == "en"
    assert errors(exc) == {"name"}
    assert PromptSet.objects.count() == 2


def test_the_database_holds_a_name_once_per_language() -> None:
    c = cast()
    PromptSet.objects.create(partnership=c.partnership, name="Stuurgroep", language="nl")
    PromptSet.objects.create(partnership=c.partnership, name="Stuurgroep", language="en")

    with pytest.raises(IntegrityError), transaction.atomic():
        PromptSet.objects.create(partnership=c.partnership, name="Stuurgroep", language="en")


def test_a_new_set_is_dutch_and_for_reflection_unless_told_otherwise() -> None:
    c = cast()

    plain = prompt_set(c.partnership)
    chosen = services.save_prompt_set(
        c.partnership, name="Jaargesprek", texts=TEXTS, language="en", purpose=PromptSetPurpose.CONVERSATION
    )

    assert (plain.language, plain.purpose, plain.built_in) == ("nl", PromptSetPurpose.REFLECTION, "")
    assert (chosen.language, chosen.purpose) == ("en", PromptSetPurpose.CONVERSATION)


def test_editing_a_set_keeps_its_language_and_purpose_unless_they_are_changed() -> None:
    c = cast()
    kept = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")

    services.save_prompt_set(c.partnership, prompt_set=kept, name="Jaargesprek", texts=["Hoe gaat het?"])
    kept.refresh_from_db()
    assert (kept.name, kept.language, kept.purpose, kept.built_in) == (
        "Jaargesprek",
        "nl",
        PromptSetPurpose.CONVERSATION,
        PROFESSIONAL_SPACE.key,
    )
    assert [p.text for p in kept.prompts.all()] == ["Hoe gaat het?"]

    services.save_prompt_set(
        c.partnership, prompt_set=kept, name="Jaargesprek", texts=["Hoe gaat het?"], purpose=PromptSetPurpose.REFLECTION
    )
    kept.refresh_from_db()
    assert kept.purpose == PromptSetPurpose.REFLECTION


def test_a_built_in_set_moved_to_another_language_is_a_set_of_its_own() -> None:
    c = cast()
    moved = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")

    services.save_prompt_set(
        c.partnership, prompt_set=moved, name="Room to work", texts=["How are you?"], language="en"
    )

    moved.refresh_from_db()
    assert (moved.language, moved.built_in) == ("en", "")
    assert services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl").built_in


@pytest.mark.parametrize(("language", "purpose", "field"), [("de", None, "language"), (None, "gossip", "purpose")])
def test_a_set_refuses_an_unknown_language_or_purpose(language: str | None, purpose: str | None, field: str) -> None:
    c = cast()

    with pytest.raises(ValidationError) as exc:
        services.save_prompt_set(c.partnership, name="Nieuw", texts=TEXTS, language=language, purpose=purpose)

    assert errors(exc) == {field}
    assert not PromptSet.objects.exists()


def test_sets_in_the_readers_language_come_first() -> None:
    c = cast()
    for name, language in [("B", "nl"), ("A", "nl"), ("C", "en"), ("D", "en")]:
        services.save_prompt_set(c.partnership, name=name, texts=TEXTS, language=language)

    def names(language: str) -> list[str]:
        return [s.name for s in PromptSet.objects.filter(partnership=c.partnership).own_language_first(language)]

    assert names("en") == ["C", "D", "A", "B"]
    assert names("nl") == ["A", "B", "C", "D"]


def test_the_migration_marks_sets_adopted_from_the_former_default_set() -> None:
    migration = importlib.import_module("werkplaats.reflections.migrations.0002_prompt_set_language_purpose")
    c = cast()
    english = PromptSet.objects.create(partnership=c.partnership, name="Reflection on our collaboration")
    dutch = PromptSet.objects.create(partnership=c.partnership, name="Reflectie op onze samenwerking")
    own = PromptSet.objects.create(partnership=c.partnership, name="Stuurgroep")

    migration.mark_adopted_default_sets(apps, None)

    for found in (english, dutch, own):
        found.refresh_from_db()
    assert (english.language, english.built_in) == ("en", "partnership")
    assert (dutch.language, dutch.built_in) == ("nl", "partnership")
    assert (own.language, own.built_in) == ("nl", "")


@pytest.mark.parametrize(
    ("name", "texts", "field"),
    [
        ("  ", TEXTS, "name"),
        ("Nieuw", ["", "   "], "prompts"),
        ("Nieuw", ["Waarom?", "waarom? ", "Waarom?"], "prompts"),
        ("Nieuw", ["x" * 301], "prompts"),
        ("stuurgroep", TEXTS, "name"),  # the name is taken, in another case
    ],
)
def test_a_prompt_set_refuses_bad_input_at_the_field(name: str, texts: list[str], field: str) -> None:
    c = cast()
    prompt_set(c.partnership, "Stuurgroep")

    with pytest.raises(ValidationError) as exc:
        services.save_prompt_set(c.partnership, name=name, texts=texts)

    assert field in errors(exc)
    assert PromptSet.objects.count() == 1


def test_changing_a_set_keeps_the_order_of_its_lines() -> None:
    c = cast()
    kept = prompt_set(c.partnership)

    services.save_prompt_set(c.partnership, prompt_set=kept, name="Stuurgroep", texts=["B", "", "A"])

    assert [p.text for p in kept.prompts.order_by("position")] == ["B", "A"]


# --- Planning -------------------------------------------------------------------------------


def test_a_session_copies_its_prompts_so_later_changes_to_the_set_leave_it_be() -> None:
    c = cast()
    chosen = prompt_set(c.partnership)
    session = planned(c.partnership, c.manager.user)

    services.save_prompt_set(c.partnership, prompt_set=chosen, name="Stuurgroep", texts=["Iets heel anders?"])
    services.delete_prompt_set(chosen)

    assert [p.text for p in session.prompts.order_by("position")] == TEXTS
    assert session.prompt_set_name == "Stuurgroep"
    assert (session.organiser, session.status) == (c.manager.user, SessionStatus.PLANNED)


def test_planning_refuses_a_past_date_a_foreign_group_and_a_foreign_set() -> None:
    c, other = cast(), cast()
    theirs = prompt_set(other.partnership, "Hun set")

    with pytest.raises(ValidationError) as exc:
        services.plan_session(
            c.partnership,
            by=c.manager.user,
            title=" ",
            scheduled_on=TODAY() - datetime.timedelta(days=1),
            group=other.working,
            prompt_set=theirs,
        )

    assert errors(exc) == {"title", "scheduled_on", "group", "prompt_set"}
    assert not c.partnership.reflection_sessions.exists()


def test_planning_refuses_a_closed_group() -> None:
    c = cast()
    c.working.closed_on = TODAY()
    c.working.save()

    with pytest.raises(ValidationError) as exc:
        planned(c.partnership, c.manager.user, group=c.working)

    assert errors(exc) == {"group"}


# --- Answering ------------------------------------------------------------------------------


def test_a_participant_answers_changes_and_withdraws_answers() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)
    first, second = session.prompts.order_by("position")

    services.save_answers(session, by=c.member.user, answers={first.pk: "Ja", second.pk: "Grotendeels"})
    count = services.save_answers(session, by=c.member.user, answers={first.pk: "Nee, toch niet", second.pk: " "})

    assert count == 1
    assert list(Answer.objects.values_list("author", "text")) == [(c.member.user.pk, "Nee, toch niet")]


def test_only_the_groups_members_answer_a_group_session() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user, group=c.working)
    prompt = session.prompts.first()
    assert prompt is not None

    with pytest.raises(ValidationError):
        services.save_answers(session, by=c.member.user, answers={prompt.pk: "Ik doe mee"})
    services.save_answers(session, by=c.worker.user, answers={prompt.pk: "Ik doe mee"})

    assert Answer.objects.get().author == c.worker.user


def test_an_answer_to_another_sessions_prompt_is_refused() -> None:
    c = cast()
    ours, theirs = planned(c.partnership, c.manager.user), planned(c.partnership, c.manager.user, title="Andere")
    foreign = theirs.prompts.first()
    assert foreign is not None

    with pytest.raises(ValidationError):
        services.save_answers(ours, by=c.member.user, answers={foreign.pk: "Ja"})
    assert not Answer.objects.exists()


# --- Closing --------------------------------------------------------------------------------


def test_closing_records_the_summary_and_the_follow_up_actions() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user, group=c.steering)
    answer_all(session, c.steering_member.user)
    due = session.scheduled_on + datetime.timedelta(days=30)

    actions = services.close_session(
        session,
        by=c.manager.user,
        summary="We zitten op de goede weg, maar de achterban weet te weinig.",
        follow_ups=[FollowUp(row=1, title="Nieuwsbrief naar de achterban", owner=c.member.user, due_on=due)],
    )

    session.refresh_from_db()
    assert (session.status, session.closed_by) == (SessionStatus.CLOSED, c.manager.user)
    assert session.closed_at is not None
    [action] = actions
    stored = Action.objects.get()
    assert stored == action
    assert (stored.origin, stored.origin_id, stored.owner, stored.due_on) == (
        ActionOrigin.REFLECTION,
        session.pk,
        c.member.user,
        due,
    )
    assert (stored.partnership, stored.group, stored.status) == (c.partnership, c.steering, ActionStatus.OPEN)


def test_closing_refuses_a_missing_summary_and_incomplete_follow_ups_and_writes_nothing() -> None:
    c, other = cast(), cast()
    session = planned(c.partnership, c.manager.user)

    with pytest.raises(ValidationError) as exc:
        services.close_session(
            session,
            by=c.manager.user,
            summary="  ",
            follow_ups=[
                FollowUp(row=1, title="Iets", owner=None, due_on=None),
                FollowUp(row=2, title="", owner=other.member.user, due_on=session.scheduled_on - datetime.timedelta(1)),
            ],
        )

    assert errors(exc) == {
        "summary",
        "action_1_owner",
        "action_1_due_on",
        "action_2_title",
        "action_2_owner",
        "action_2_due_on",
    }
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert not Action.objects.exists()


def test_a_closed_session_takes_no_more_answers_and_cannot_be_closed_again() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)
    answer_all(session, c.member.user)
    services.close_session(session, by=c.manager.user, summary="Goed gesprek.")

    with pytest.raises(ValidationError):
        answer_all(session, c.member.user, "Alsnog")
    with pytest.raises(ValidationError):
        services.close_session(session, by=c.manager.user, summary="Nog eens.")
    with pytest.raises(ValidationError):
        services.change_session(session, title="Nieuw", scheduled_on=TODAY())
    assert set(Answer.objects.values_list("text", flat=True)) == {"Ja (1)", "Ja (2)"}
