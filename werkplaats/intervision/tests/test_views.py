"""The intervision pages: the group and its sessions exist only for its current participants and
facilitator (a 404 for the manager, other members, outsiders and platform administrators); bad
input at the field; query counts that do not grow with groups or sessions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action as AuditAction
from werkplaats.audit.models import AuditLogEntry
from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.tests.factories import Cast, cast, join

from .. import dashboard, services
from ..models import IntervisionGroup, IntervisionSession, Method, Participant
from .helpers import held, intervision, members

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    c = Client()
    c.force_login(user)
    return c


def url(c: Cast, name: str, **kwargs: Any) -> str:
    return reverse(f"intervision:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


def private_pages(c: Cast, group: IntervisionGroup, session: IntervisionSession) -> list[str]:
    return [
        url(c, "group", pk=group.pk),
        url(c, "membership", pk=group.pk),
        url(c, "session-add", group=group.pk),
        url(c, "session", group=group.pk, pk=session.pk),
        url(c, "session-edit", group=group.pk, pk=session.pk),
    ]


def test_participants_and_the_facilitator_read_the_notes() -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member, notes="Wat hier gezegd wordt, blijft hier")

    for user in (c.member.user, c.worker.user, c.steering_member.user):
        response = client(user).get(url(c, "session", group=group.pk, pk=session.pk))
        assert response.status_code == 200
        assert "Wat hier gezegd wordt, blijft hier" in response.content.decode()


@pytest.mark.parametrize("who", ["manager", "bystander", "outsider", "platform_admin", "coordinator_elsewhere"])
def test_everyone_else_gets_404_on_the_group_and_its_sessions(who: str) -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member)
    user = {
        "manager": c.manager.user,  # set the group up, takes no part
        "bystander": join(c.partnership).user,  # a member of the partnership in no group
        "outsider": c.outsider,  # coordinator and admin of another organisation
        "platform_admin": User.objects.create_superuser("beheer@example.nl", "een-lang-wachtwoord-9"),
        "coordinator_elsewhere": cast().manager.user,
    }[who]
    browser = client(user)

    for page in private_pages(c, group, session):
        assert browser.get(page).status_code == 404, page
        assert browser.post(page, {"notes": "x", "participants": []}).status_code == 404, page
    assert browser.post(url(c, "leave", pk=group.pk)).status_code == 404
    assert IntervisionSession.objects.get().notes == "Vertrouwelijke aantekeningen"


def test_a_participant_who_leaves_loses_access_and_the_history_stays() -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member)
    browser = client(c.member.user)

    response = browser.post(url(c, "leave", pk=group.pk))

    assert response.status_code == 302 and response["Location"] == url(c, "list")
    for page in private_pages(c, group, session):
        assert browser.get(page).status_code == 404, page
    assert c.member.user.email not in [p.member.user.email for p in services.current_participants(group)]
    page = client(c.worker.user).get(url(c, "group", pk=group.pk)).content.decode()
    assert "Former participants" in page and "needs at least 4" in page
    assert "Plan a session" not in page
    assert client(c.worker.user).get(url(c, "session", group=group.pk, pk=session.pk)).status_code == 200


def test_leave_is_post_only_and_not_for_the_facilitator() -> None:
    c = cast()
    group = intervision(c)

    assert client(c.member.user).get(url(c, "leave", pk=group.pk)).status_code == 405
    assert client(c.steering_member.user).post(url(c, "leave", pk=group.pk)).status_code == 403


def test_only_the_facilitator_changes_who_takes_part() -> None:
    c = cast()
    group = intervision(c)

    assert client(c.member.user).get(url(c, "membership", pk=group.pk)).status_code == 403
    assert client(c.steering_member.user).get(url(c, "membership", pk=group.pk)).status_code == 200


def test_the_facilitator_sees_the_size_rule_at_the_field() -> None:
    c = cast()
    group = intervision(c)
    browser = client(c.steering_member.user)

    response = browser.post(
        url(c, "membership", pk=group.pk),
        {"participants": [c.member.pk, c.worker.pk], "facilitator": c.steering_member.pk},
    )

    assert response.status_code == 200
    assert "An intervision group has 4 to 8 participants" in response.content.decode()
    assert "participants_error" in response.content.decode()
    assert Participant.objects.current().filter(group=group).count() == 4


def test_the_manager_sets_a_group_up_and_then_only_sees_its_name() -> None:
    c = cast()
    people = members(c, 4)
    browser = client(c.manager.user)

    response = browser.post(
        url(c, "group-add"),
        {"name": "Intervisie docenten", "participants": [p.pk for p in people], "facilitator": c.steering_member.pk},
    )

    assert response.status_code == 302
    group = IntervisionGroup.objects.get()
    page = browser.get(url(c, "list")).content.decode()
    assert "Intervisie docenten" in page
    assert url(c, "group", pk=group.pk) not in page
    assert browser.get(url(c, "group", pk=group.pk)).status_code == 404


def test_setting_up_a_group_refuses_bad_input_at_the_field() -> None:
    c = cast()
    people = members(c, 3)
    browser = client(c.manager.user)

    response = browser.post(
        url(c, "group-add"),
        {"name": "Intervisie", "participants": [p.pk for p in people], "facilitator": people[0].pk},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "you chose 3" in content and "does not take part" in content
    assert "participants_error" in content and "facilitator_error" in content
    assert not IntervisionGroup.objects.exists()
    assert browser.post(url(c, "group-add"), {"name": ""}).status_code == 200
    assert browser.post(url(c, "group-add"), {"participants": ["x"], "facilitator": "999999"}).status_code == 200


def test_only_the_manager_sets_groups_up_and_edits_methods() -> None:
    c = cast()

    for page in (url(c, "group-add"), url(c, "methods")):
        assert client(c.member.user).get(page).status_code == 403
        assert client(c.outsider).get(page).status_code == 404
        assert client(c.manager.user).get(page).status_code == 200


def test_the_manager_edits_the_methods() -> None:
    c = cast()
    browser = client(c.manager.user)

    page = browser.get(url(c, "methods")).content.decode()
    assert "incident method" in page
    response = browser.post(url(c, "methods"), {"methods": "incidentmethode\nbalintmethode\n\n"})
    assert response.status_code == 302
    assert list(Method.objects.filter(partnership=c.partnership).values_list("name", flat=True)) == [
        "incidentmethode",
        "balintmethode",
    ]
    assert "twice" in browser.post(url(c, "methods"), {"methods": "a\nA"}).content.decode()


def test_a_participant_plans_and_writes_a_session() -> None:
    c = cast()
    group = intervision(c)
    method = Method.objects.filter(partnership=c.partnership).first()
    assert method is not None
    browser = client(c.worker.user)

    response = browser.post(
        url(c, "session-add", group=group.pk),
        {
            "held_on": "12-03-2026",
            "case_contributor": c.member.pk,
            "method": method.pk,
            "work_question": "Hoe houd ik grenzen?",
            "notes": "",
        },
    )

    session = IntervisionSession.objects.get()
    assert response.status_code == 302 and response["Location"] == url(c, "session", group=group.pk, pk=session.pk)
    assert session.case_contributor == c.member and session.created_by == c.worker.user
    bad = browser.post(
        url(c, "session-add", group=group.pk),
        {"held_on": "31-02-2026", "case_contributor": c.steering_member.pk, "method": "abc"},
    )
    assert bad.status_code == 200 and IntervisionSession.objects.count() == 1
    assert "Enter a date as DD-MM-YYYY." in bad.content.decode()


def test_opening_a_session_is_logged_without_its_content() -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member, notes="HEEL PERSOONLIJK")

    client(c.worker.user).get(url(c, "session", group=group.pk, pk=session.pk))

    entry = AuditLogEntry.objects.get(action=AuditAction.VIEW, object_id=str(session.pk))
    assert entry.actor == c.worker.user
    assert "PERSOONLIJK" not in repr((entry.changes, entry.object_repr))


def test_the_list_shows_a_member_only_their_own_groups() -> None:
    c = cast()
    intervision(c, name="Groep van anderen")
    bystander = join(c.partnership)

    page = client(bystander.user).get(url(c, "list")).content.decode()

    assert "Groep van anderen" not in page
    assert "You do not take part" in page
    assert url(c, "group-add") not in page


def test_the_dashboard_panel_is_only_for_participants_and_the_facilitator() -> None:
    c = cast()
    group = intervision(c)
    upcoming = held(group, c.member.user, c.member, days=10)
    held(group, c.member.user, c.member, days=30)
    held(group, c.member.user, c.member, days=-3)

    def panel(user: Any) -> Any:
        request: Any = type("R", (), {"user": user})()
        return dashboard.panel(partnership_access(request, c.partnership.slug))

    assert panel(c.manager.user) is None
    assert panel(join(c.partnership).user) is None
    assert panel(c.member.user)["next"] == upcoming
    assert panel(c.steering_member.user)["next"] == upcoming


def _queries(callable_: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_list_group_and_panel_queries_do_not_grow_with_groups_or_sessions() -> None:
    c = cast()
    manager, member = client(c.manager.user), client(c.member.user)

    def grow(n: int) -> IntervisionGroup:
        first = None
        for _ in range(n):
            group = intervision(c, name=f"Groep {IntervisionGroup.objects.count() + 1}")
            for _ in range(2):
                held(group, c.member.user, c.member)
            first = first or group
        assert first is not None
        return first

    def measure(group: IntervisionGroup) -> tuple[int, ...]:
        request: Any = type("R", (), {"user": c.member.user})()
        return (
            _queries(lambda: manager.get(url(c, "list"))),
            _queries(lambda: member.get(url(c, "list"))),
            _queries(lambda: member.get(url(c, "group", pk=group.pk))),
            _queries(lambda: dashboard.panel(partnership_access(request, c.partnership.slug))),
        )

    group = grow(2)
    small = measure(group)
    grow(4)
    for _ in range(4):
        held(group, c.member.user, c.member)

    assert measure(group) == small


def test_the_dashboard_panel_renders_the_next_session() -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    c = cast()
    group = intervision(c)
    upcoming = held(group, c.member.user, c.member, days=10)
    request: Any = type("R", (), {"user": c.member.user})()
    pa = partnership_access(request, c.partnership.slug)

    with translation.override("en"):
        html = render_to_string(
            "intervision/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": dashboard.panel(pa)}
        )

    assert url(c, "session", group=group.pk, pk=upcoming.pk) in html
    assert group.name in html and "Your intervision group" in html
