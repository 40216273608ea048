"""The reflection pages: who sees, answers, plans and closes; bad input at the field; and
query counts that do not grow with sessions, participants or answers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.models import Action, ActionOrigin
from werkplaats.partnerships.tests.factories import Cast, cast, join

from .. import dashboard, services
from ..models import Answer, PromptSet, ReflectionSession, SessionStatus
from ..starting_sets import PROFESSIONAL_SPACE
from .helpers import answer_all, planned, prompt_set

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    c = Client()
    c.force_login(user)
    return c


def url(c: Cast, name: str, **kwargs: Any) -> str:
    return reverse(f"reflections:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


def test_a_participant_answers_and_sees_the_others_answers_with_names() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)
    c.steering_member.user.name = "Sanne Steur"
    c.steering_member.user.save()
    answer_all(session, c.steering_member.user, "Volgens mij wel")
    first, second = session.prompts.order_by("position")
    member = client(c.member.user)

    assert member.get(url(c, "session-answer", pk=session.pk)).status_code == 200
    response = member.post(
        url(c, "session-answer", pk=session.pk), {f"prompt_{first.pk}": "Ja, zeker", f"prompt_{second.pk}": ""}
    )

    assert response.status_code == 302
    assert Answer.objects.get(author=c.member.user).text == "Ja, zeker"
    page = member.get(url(c, "session", pk=session.pk)).content.decode()
    assert "Sanne Steur" in page and "Volgens mij wel (1)" in page and "Ja, zeker" in page
    assert "not an anonymous one" in page


def test_an_outsider_gets_404_on_every_page() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)
    chosen = c.partnership.prompt_sets.get()
    outsider = client(c.outsider)

    for name, kwargs in [
        ("list", {}),
        ("session-add", {}),
        ("session", {"pk": session.pk}),
        ("session-answer", {"pk": session.pk}),
        ("session-close", {"pk": session.pk}),
        ("prompt-sets", {}),
        ("prompt-set-edit", {"pk": chosen.pk}),
        ("prompt-set-guide", {"pk": chosen.pk}),
    ]:
        assert outsider.get(url(c, name, **kwargs)).status_code == 404, name
    assert outsider.post(url(c, "session-close", pk=session.pk), {"summary": "x"}).status_code == 404
    assert outsider.post(url(c, "prompt-set-delete", pk=chosen.pk)).status_code == 404
    assert outsider.post(url(c, "prompt-set-add-built-in"), {"set": "partnership", "language": "nl"}).status_code == 404
    assert PromptSet.objects.count() == 1


def test_a_plain_member_may_not_plan_close_or_edit_prompts() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)
    chosen = c.partnership.prompt_sets.get()
    member = client(c.member.user)

    assert member.get(url(c, "list")).status_code == 200
    assert member.get(url(c, "prompt-sets")).status_code == 200
    assert member.get(url(c, "session-add")).status_code == 403
    assert member.get(url(c, "session-edit", pk=session.pk)).status_code == 403
    assert member.post(url(c, "session-close", pk=session.pk), {"summary": "Klaar"}).status_code == 403
    assert member.post(url(c, "prompt-set-edit", pk=chosen.pk), {"name": "x", "prompts": "y"}).status_code == 403
    assert member.post(url(c, "prompt-set-delete", pk=chosen.pk)).status_code == 403
    assert member.post(url(c, "prompt-set-add-built-in"), {"set": "partnership", "language": "nl"}).status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert PromptSet.objects.get().name == "Stuurgroep"


def test_a_group_session_shares_answers_within_the_group_only() -> None:
    c = cast()
    session = planned(c.partnership, c.worker.user, group=c.working)  # the group's coordinator plans it
    answer_all(session, c.worker.user, "Geheim voor de werkgroep")
    outside = client(c.member.user)

    page = outside.get(url(c, "session", pk=session.pk))
    assert page.status_code == 200
    assert "Geheim voor de werkgroep" not in page.content.decode()
    assert outside.get(url(c, "session-answer", pk=session.pk)).status_code == 403
    assert "Geheim voor de werkgroep" in client(c.manager.user).get(url(c, "session", pk=session.pk)).content.decode()


def test_a_group_coordinator_plans_for_their_group_only() -> None:
    c = cast()
    prompt_set(c.partnership)
    coordinator = client(c.worker.user)
    data = {
        "title": "Reflectie werkgroep",
        "scheduled_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "prompt_set": c.partnership.prompt_sets.get().pk,
    }

    refused = coordinator.post(url(c, "session-add"), {**data, "group": c.steering.pk})
    whole = coordinator.post(url(c, "session-add"), data)
    accepted = coordinator.post(url(c, "session-add"), {**data, "group": c.working.pk})

    assert "group" in refused.context["form"].errors
    assert "group" in whole.context["form"].errors
    assert accepted.status_code == 302
    assert ReflectionSession.objects.get().group == c.working


def test_the_organiser_closes_their_session_with_follow_up_actions() -> None:
    c = cast()
    session = planned(c.partnership, c.worker.user, group=c.working)
    due = session.scheduled_on + datetime.timedelta(days=14)

    response = client(c.worker.user).post(
        url(c, "session-close", pk=session.pk),
        {
            "summary": "We gaan er nog voor.",
            "action_1_title": "Werkgevers uitnodigen",
            "action_1_owner": c.worker.user.pk,
            "action_1_due_on": due.isoformat(),
            "action_2_title": "Successen vieren",
            "action_2_owner": c.manager.user.pk,
            "action_2_due_on": due.strftime("%d-%m-%Y"),
        },
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert Action.objects.filter(origin=ActionOrigin.REFLECTION, origin_id=session.pk).count() == 2
    page = client(c.member.user).get(url(c, "session", pk=session.pk)).content.decode()
    assert "We gaan er nog voor." in page and "Successen vieren" in page


def test_a_steering_member_who_did_not_organise_it_may_not_close_it() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)

    assert client(c.steering_member.user).get(url(c, "session-close", pk=session.pk)).status_code == 403


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"summary": ""}, {"summary"}),
        ({"summary": "Goed", "action_1_title": "Iets doen"}, {"action_1_owner", "action_1_due_on"}),
        ({"summary": "Goed", "action_3_due_on": "morgen"}, {"action_3_due_on"}),
        ({"summary": "Goed", "action_2_owner": "999999"}, {"action_2_owner"}),
    ],
)
def test_closing_with_bad_input_shows_it_at_the_field_and_closes_nothing(
    data: dict[str, str], fields: set[str]
) -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)

    response = client(c.manager.user).post(url(c, "session-close", pk=session.pk), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert not Action.objects.exists()


def test_planning_with_a_past_date_is_shown_at_the_field() -> None:
    c = cast()
    prompt_set(c.partnership)

    response = client(c.manager.user).post(
        url(c, "session-add"),
        {"title": "Terugblik", "scheduled_on": "01-01-2020", "prompt_set": c.partnership.prompt_sets.get().pk},
    )

    assert set(response.context["form"].errors) == {"scheduled_on"}
    assert not ReflectionSession.objects.exists()


def test_a_bad_prompt_set_is_shown_at_the_field() -> None:
    c = cast()

    response = client(c.manager.user).post(
        url(c, "prompt-set-add"), {"name": "Leeg", "language": "nl", "purpose": "reflection", "prompts": "\n  \n"}
    )

    assert set(response.context["form"].errors) == {"prompts"}
    assert not PromptSet.objects.exists()


def test_without_prompt_sets_the_plan_page_offers_the_built_in_sets_in_every_language() -> None:
    c = cast()
    manager = client(c.manager.user)

    page = manager.get(url(c, "session-add")).content.decode()
    assert "Are we still on the right road?" in page and "Professional space" in page
    assert url(c, "prompt-set-add-built-in") in page
    assert "Add “Professionele ruimte” in Nederlands" in page and "Add “Professional space” in English" in page

    response = manager.post(url(c, "prompt-set-add-built-in"), {"set": "professional-space", "language": "nl"})
    added = PromptSet.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(c, "prompt-set-edit", pk=added.pk)
    assert (added.name, added.language, added.prompts.count()) == (
        "Professionele ruimte",
        "nl",
        len(PROFESSIONAL_SPACE.prompts["nl"]),
    )

    again = manager.post(
        url(c, "prompt-set-add-built-in"), {"set": "professional-space", "language": "nl"}, follow=True
    )
    assert "already has this built-in set in Nederlands" in again.content.decode()
    assert PromptSet.objects.count() == 1
    assert manager.post(url(c, "prompt-set-add-built-in"), {"set": "nonsense", "language": "xx"}).status_code == 302
    assert PromptSet.objects.count() == 1


def test_the_list_shows_language_and_purpose_and_offers_only_missing_built_in_languages() -> None:
    c = cast()
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")
    prompt_set(c.partnership, "Stuurgroep")

    page = client(c.manager.user).get(url(c, "prompt-sets")).content.decode()

    assert "Annual and development conversations" in page and "Reflection sessions" in page
    assert "Nederlands" in page
    assert "Add “Professional space” in English" in page
    assert "Add “Professionele ruimte” in Nederlands" not in page
    assert url(c, "prompt-set-guide", pk=PromptSet.objects.get(name="Stuurgroep").pk) in page


def test_the_list_filters_by_language_and_ignores_an_unknown_one() -> None:
    c = cast()
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")
    member = client(c.member.user)

    english = member.get(url(c, "prompt-sets"), {"language": "en"})
    unknown = member.get(url(c, "prompt-sets"), {"language": "xx"})

    assert [s.language for s in english.context["prompt_sets"]] == ["en"]
    assert unknown.status_code == 200
    assert len(unknown.context["prompt_sets"]) == 2


def test_english_screens_show_english_set_names_first_and_dutch_screens_dutch_ones() -> None:
    c = cast()
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")
    services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")
    english = client(c.manager.user)

    page = english.get(url(c, "session-add"))
    labels = [label for _value, label in page.context["form"].fields["prompt_set"].choices]
    assert labels[0] == "Professional space (English) · annual and development conversations"
    assert labels[1].startswith("Professionele ruimte (Nederlands)")
    listed = english.get(url(c, "prompt-sets")).context["prompt_sets"]
    assert [s.name for s in listed] == ["Professional space", "Professionele ruimte"]
    offers = english.get(url(c, "prompt-sets")).context["offers"]
    assert [o.name for o in offers] == ["Reflecting on the partnership", "Professional space"]

    c.member.user.language = "nl"
    c.member.user.save(update_fields=["language"])
    dutch = Client()
    dutch.force_login(c.member.user)
    listed = dutch.get(url(c, "prompt-sets")).context["prompt_sets"]
    assert [s.name for s in listed] == ["Professionele ruimte", "Professional space"]


def test_a_session_can_be_planned_with_a_conversation_set() -> None:
    c = cast()
    chosen = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="en")
    day = timezone.localdate() + datetime.timedelta(days=3)

    response = client(c.manager.user).post(
        url(c, "session-add"),
        {"title": "Ruimte", "scheduled_on": day.isoformat(), "prompt_set": chosen.pk},
    )

    session = ReflectionSession.objects.get()
    assert response.status_code == 302
    assert session.prompt_set_name == "Professional space"
    assert [p.text for p in session.prompts.order_by("position")] == PROFESSIONAL_SPACE.prompts["en"]


def test_the_manager_chooses_language_and_purpose_of_a_set() -> None:
    c = cast()
    manager = client(c.manager.user)

    form = manager.get(url(c, "prompt-set-add")).context["form"]
    assert form["language"].value() == "en"  # their own language
    response = manager.post(
        url(c, "prompt-set-add"),
        {"name": "Annual talk", "language": "en", "purpose": "conversation", "prompts": "How are you?\nWhat next?"},
    )

    made = PromptSet.objects.get()
    assert response.status_code == 302
    assert (made.language, made.purpose, made.prompts.count()) == ("en", "conversation", 2)
    edit = manager.get(url(c, "prompt-set-edit", pk=made.pk)).context["form"]
    assert (edit["language"].value(), edit["purpose"].value()) == ("en", "conversation")


def test_an_unknown_language_or_purpose_is_shown_at_the_field() -> None:
    c = cast()

    response = client(c.manager.user).post(
        url(c, "prompt-set-add"), {"name": "Nieuw", "language": "de", "purpose": "gossip", "prompts": "Waarom?"}
    )

    assert set(response.context["form"].errors) == {"language", "purpose"}
    assert not PromptSet.objects.exists()


def test_any_member_opens_the_printable_conversation_guide() -> None:
    c = cast()
    chosen = services.add_starting_set(c.partnership, key=PROFESSIONAL_SPACE.key, language="nl")
    member = client(c.member.user)  # a plain member: no steering group, no manager

    response = member.get(url(c, "prompt-set-guide", pk=chosen.pk))

    page = response.content.decode()
    assert response.status_code == 200
    for text in PROFESSIONAL_SPACE.prompts["nl"]:
        assert escape(text) in page
    assert '<article class="reflections-guide" lang="nl"' in page
    assert "reflections/guide.css" in page
    assert "de antwoorden blijven tussen de mensen in het gesprek" in page  # the guide speaks the set's language
    assert "<textarea" not in page  # nothing to fill in and send: the answers are not stored
    assert f'href="{url(c, "prompt-set-edit", pk=chosen.pk)}"' not in page  # a plain member does not change it
    manager_page = client(c.manager.user).get(url(c, "prompt-set-guide", pk=chosen.pk)).content.decode()
    assert f'href="{url(c, "prompt-set-edit", pk=chosen.pk)}"' in manager_page


def test_the_prompt_set_list_costs_the_same_queries_at_1_and_4_sets() -> None:
    small, large = cast(), cast()
    prompt_set(small.partnership, "Stuurgroep")
    for name in ("A", "B", "C", "D"):
        prompt_set(large.partnership, name)

    assert _queries(large.manager.user, url(large, "prompt-sets")) == _queries(
        small.manager.user, url(small, "prompt-sets")
    )


def test_an_answer_cannot_be_changed_once_the_session_is_closed() -> None:
    c = cast()
    session = planned(c.partnership, c.manager.user)
    answer_all(session, c.member.user)
    services.close_session(session, by=c.manager.user, summary="Klaar.")
    prompt = session.prompts.first()
    assert prompt is not None

    response = client(c.member.user).post(url(c, "session-answer", pk=session.pk), {f"prompt_{prompt.pk}": "Later"})

    assert response.status_code == 302
    assert not Answer.objects.filter(text="Later").exists()


# --- Query counts ---------------------------------------------------------------------------


def _queries(user: Any, path: str) -> int:
    c = client(user)
    with CaptureQueriesContext(connection) as captured:
        assert c.get(path).status_code == 200
    return len(captured)


def _sessions(c: Cast, n: int) -> None:
    for i in range(n):
        session = planned(c.partnership, c.manager.user, title=f"Sessie {i}", group=c.steering if i % 2 else None)
        answer_all(session, c.steering_member.user)
        if i % 2:
            services.close_session(session, by=c.manager.user, summary=f"Samenvatting {i}")


def test_the_list_costs_the_same_queries_at_2_and_6_sessions() -> None:
    small, large = cast(), cast()
    _sessions(small, 2)
    _sessions(large, 6)

    assert _queries(large.manager.user, url(large, "list")) == _queries(small.manager.user, url(small, "list"))


def _participants(c: Cast, n: int) -> ReflectionSession:
    session = planned(c.partnership, c.manager.user)
    for _i in range(n):
        answer_all(session, join(c.partnership).user)
    return session


def test_a_session_costs_the_same_queries_at_2_and_6_participants() -> None:
    small, large = cast(), cast()
    two, six = _participants(small, 2), _participants(large, 6)

    assert _queries(large.manager.user, url(large, "session", pk=six.pk)) == _queries(
        small.manager.user, url(small, "session", pk=two.pk)
    )
    assert _queries(large.manager.user, url(large, "session-close", pk=six.pk)) == _queries(
        small.manager.user, url(small, "session-close", pk=two.pk)
    )


def test_the_dashboard_panel_shows_the_next_session_and_the_last_summary_in_two_queries(rf: Any) -> None:
    from django.template.loader import render_to_string

    c = cast()
    _sessions(c, 4)
    soon = planned(c.partnership, c.manager.user, title="Eerstvolgende", days=1)
    request = rf.get("/")
    request.user = c.manager.user
    pa = partnership_access(request, c.partnership.slug)

    with CaptureQueriesContext(connection) as captured:
        panel = dashboard.panel(pa)

    assert len(captured) == 2
    assert panel is not None
    assert panel["next"] == soon
    assert panel["last"].summary == "Samenvatting 3"
    html = render_to_string(
        "reflections/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": panel}
    )
    assert "Eerstvolgende" in html and "Samenvatting 3" in html
