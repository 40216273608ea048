"""Meetings with decisions that become actions, the knowledge list, results and theme goals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from werkplaats.goals.models import Goal
from werkplaats.learning import services
from werkplaats.learning.models import Decision, KnowledgeEntry, Meeting
from werkplaats.learning.services import DecisionRow
from werkplaats.partnerships.models import Action, ActionOrigin
from werkplaats.partnerships.tests.factories import PartnershipFactory

from .conftest import World

DAY = datetime.date(2026, 3, 2)


def test_a_decision_with_owner_and_due_date_goes_on_the_action_list(w: World) -> None:
    meeting = services.save_meeting(
        w.plg,
        by=w.learner,
        title="Start",
        held_on=DAY,
        agenda="1. Kennismaken",
        decisions=[
            DecisionRow(row=1, text="We doen actieonderzoek"),
            DecisionRow(row=2, text="Literatuur zoeken", owner=w.learner, due_on=DAY + datetime.timedelta(days=14)),
        ],
    )

    plain, with_action = Decision.objects.filter(meeting=meeting).order_by("id")
    assert plain.action is None
    action = with_action.action
    assert action is not None
    assert (action.partnership, action.group, action.owner, action.origin) == (
        w.c.partnership,
        w.plg,
        w.learner,
        ActionOrigin.MANUAL,
    )


def test_an_action_needs_both_an_owner_and_a_due_date_and_nothing_is_written(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_meeting(
            w.plg,
            by=w.learner,
            title="Start",
            held_on=DAY,
            decisions=[
                DecisionRow(row=1, text="Alleen een eigenaar", owner=w.learner),
                DecisionRow(row=2, text="", due_on=DAY),
            ],
        )

    assert set(caught.value.message_dict) == {
        "decision_1_due_on",
        "decision_2_text",
        "decision_2_owner",
    }
    assert not Meeting.objects.exists() and not Action.objects.exists()


def test_the_owner_of_an_action_is_a_member_of_the_partnership(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_meeting(
            w.plg,
            by=w.learner,
            title="Start",
            held_on=DAY,
            decisions=[DecisionRow(row=1, text="Iets", owner=w.c.outsider, due_on=DAY)],
        )
    assert list(caught.value.message_dict) == ["decision_1_owner"]


def test_changing_a_meeting_keeps_its_decisions_and_adds_new_ones(w: World) -> None:
    meeting = services.save_meeting(
        w.plg, by=w.learner, title="Start", held_on=DAY, decisions=[DecisionRow(row=1, text="Eerste")]
    )
    services.save_meeting(
        w.plg,
        by=w.learner,
        title="Startbijeenkomst",
        held_on=DAY,
        notes="Verslag",
        decisions=[DecisionRow(row=1, text="Tweede")],
        meeting=meeting,
    )
    meeting.refresh_from_db()
    assert meeting.title == "Startbijeenkomst" and meeting.notes == "Verslag"
    assert list(meeting.decisions.values_list("text", flat=True)) == ["Eerste", "Tweede"]


def test_meetings_belong_to_learning_communities(w: World) -> None:
    with pytest.raises(ValidationError):
        services.save_meeting(w.c.working, by=w.learner, title="Werkgroep", held_on=DAY)


def test_an_expert_entry_names_a_member_or_how_to_reach_the_expert(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_knowledge(w.plg, by=w.learner, kind="expert", title="Outreachend werken")
    assert list(caught.value.message_dict) == ["expert"]

    services.add_knowledge(w.plg, by=w.learner, kind="expert", title="Outreachend werken", expert=w.c.worker.user)
    services.add_knowledge(w.plg, by=w.learner, kind="expert", title="Ouderenadviseur", reference="Via het wijkteam")
    assert KnowledgeEntry.objects.filter(group=w.plg).count() == 2


def test_the_expert_is_a_member_of_the_partnership(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_knowledge(w.plg, by=w.learner, kind="expert", title="X", expert=w.c.outsider)
    assert list(caught.value.message_dict) == ["expert"]


@pytest.mark.parametrize("reference", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "ftp://x"])
def test_a_link_in_the_knowledge_list_is_a_web_address(w: World, reference: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_knowledge(w.plg, by=w.learner, kind="source", title="Bron", reference=reference)
    assert list(caught.value.message_dict) == ["reference"]


def test_a_bad_kind_and_an_empty_title_are_named(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_knowledge(w.plg, by=w.learner, kind="rumour", title="  ")
    assert set(caught.value.message_dict) == {"kind", "title"}


def test_a_result_needs_a_title_and_a_date(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_result(w.plg, by=w.learner, title="", achieved_on=None)
    assert set(caught.value.message_dict) == {"title", "achieved_on"}
    result = services.add_result(w.plg, by=w.learner, title="Handreiking", achieved_on=DAY)
    assert result.group == w.plg


def test_the_theme_links_only_to_goals_of_the_own_partnership(w: World) -> None:
    own = Goal.objects.create(partnership=w.c.partnership, title="Meer leerplekken")
    other = Goal.objects.create(partnership=PartnershipFactory.create(), title="Elders")

    with pytest.raises(ValidationError) as caught:
        services.set_theme_goals(w.plg, goals=[own, other])
    assert list(caught.value.message_dict) == ["goals"]

    community = services.set_theme_goals(w.plg, goals=[own])
    assert list(community.goals.all()) == [own]
    assert list(services.set_theme_goals(w.plg, goals=[]).goals.all()) == []
