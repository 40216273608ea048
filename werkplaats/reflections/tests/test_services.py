"""Prompt sets, planning (prompts copied), answering (participants only, until closed) and
closing with a summary and follow-up actions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from werkplaats.partnerships.models import Action, ActionOrigin, ActionStatus
from werkplaats.partnerships.tests.factories import cast

from .. import services
from ..models import Answer, PromptSet, SessionStatus
from ..services import FollowUp
from .helpers import TEXTS, answer_all, planned, prompt_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# --- Prompt sets ----------------------------------------------------------------------------


def test_the_default_set_holds_seed_002s_three_questions_first() -> None:
    c = cast()

    adopted = services.adopt_default_prompts(c.partnership)

    texts = [p.text for p in adopted.prompts.order_by("position")]
    assert texts[:3] == [
        "Are we still on the right road?",
        "Is everyone still involved and inspired?",
        "Are we still going for it, together?",
    ]
    assert len(texts) == len(services.DEFAULT_PROMPTS) >= 6


def test_the_default_set_is_copied_in_the_language_of_who_adopts_it() -> None:
    c = cast()
    with translation.override("nl"):
        expected = [str(p) for p in services.DEFAULT_PROMPTS]
        name = str(services.DEFAULT_SET_NAME)
        adopted = services.adopt_default_prompts(c.partnership)

    assert [p.text for p in adopted.prompts.order_by("position")] == expected
    assert adopted.name == name


def test_the_default_set_is_offered_only_to_a_partnership_without_sets() -> None:
    c = cast()
    prompt_set(c.partnership)

    with pytest.raises(ValidationError):
        services.adopt_default_prompts(c.partnership)
    assert PromptSet.objects.count() == 1


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
