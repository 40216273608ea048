"""A closed group's learning record is read-only: every write refuses with the date it closed, the
pages show no buttons to change anything, a stray request gets the message (never a 500), and
everyone who read the record before still reads it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from werkplaats.goals.models import Goal
from werkplaats.learning import dashboard, services
from werkplaats.learning.models import (
    Community,
    CommunityResult,
    Experiment,
    Involved,
    KnowledgeEntry,
    Meeting,
    Phase,
    PhaseChange,
    ResearchProject,
)
from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group
from werkplaats.steering.services import close_group

from .conftest import World, client_for

DAY = datetime.date(2026, 3, 2)
CLOSED_ON = datetime.date(2026, 6, 15)
CLOSED_TEXT = "was closed on 15 June 2026"


@dataclass(frozen=True)
class Record:
    """What the world's learning community left behind when it closed."""

    group: Group
    meeting: Meeting
    entry: KnowledgeEntry
    result: CommunityResult
    project: ResearchProject
    experiment: Experiment
    involved: Involved
    goal: Goal


def _record(w: World, group: Group | None = None) -> Record:
    group = group or w.plg
    goal = Goal.objects.create(partnership=w.c.partnership, title="Meer praktijkopleiders")
    meeting = services.save_meeting(
        w.plg, by=w.learner, title="Eerste bijeenkomst", held_on=DAY, notes="Wat we leerden"
    )
    entry = services.add_knowledge(w.plg, by=w.learner, kind="source", title="Boek over leren", reference="Boek, 2020")
    result = services.add_result(w.plg, by=w.learner, title="Handreiking begeleiding", achieved_on=DAY)
    project = services.start_project(w.c.partnership, by=w.learner, group=group, title="Wat helpt nieuwe opleiders?")
    ResearchProject.objects.filter(pk=project.pk).update(phase=Phase.PRACTICE, problem_statement="Zij haken af.")
    project.refresh_from_db()
    experiment = services.save_experiment(project, by=w.learner, title="Maatjes", starts_on=DAY)
    involved = services.add_involved(project, name="Praktijkopleiders", role="colleagues")
    close_group(group, closing_note="Handreiking is af en in gebruik.", on=CLOSED_ON)
    if group.pk != w.plg.pk:
        close_group(w.plg, closing_note="Klaar.", on=CLOSED_ON)
    return Record(
        group=Group.objects.get(pk=group.pk),
        meeting=meeting,
        entry=entry,
        result=result,
        project=project,
        experiment=experiment,
        involved=involved,
        goal=goal,
    )


@pytest.fixture
def record(w: World) -> Record:
    return _record(w)


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Meeting.objects.values_list("title", "notes", "held_on")),
        Meeting.objects.get().decisions.count(),
        list(KnowledgeEntry.objects.values_list("title", flat=True)),
        list(CommunityResult.objects.values_list("title", flat=True)),
        list(Community.objects.values_list("goals", flat=True)),
        list(ResearchProject.objects.values_list("title", "phase", "problem_statement", "practice_conclusions")),
        list(Experiment.objects.values_list("title", "what_worked")),
        list(Involved.objects.values_list("name", flat=True)),
        PhaseChange.objects.count(),
    )


# --- The services ---------------------------------------------------------------------------


WRITES: dict[str, Callable[[World, Record], Any]] = {
    "theme goals": lambda w, r: services.set_theme_goals(w.plg, goals=[r.goal]),
    "new meeting": lambda w, r: services.save_meeting(w.plg, by=w.learner, title="Nog een", held_on=DAY),
    "changed meeting": lambda w, r: services.save_meeting(
        w.plg,
        by=w.learner,
        title="Anders",
        held_on=DAY,
        meeting=r.meeting,
        decisions=[services.DecisionRow(row=1, text="Nog iets")],
    ),
    "new knowledge": lambda w, r: services.add_knowledge(w.plg, by=w.learner, kind="source", title="Nog een boek"),
    "removed knowledge": lambda w, r: services.remove_knowledge(r.entry),
    "new result": lambda w, r: services.add_result(w.plg, by=w.learner, title="Nog een", achieved_on=DAY),
    "removed result": lambda w, r: services.remove_result(r.result),
    "saved phase": lambda w, r: services.save_phase(
        r.project, by=w.learner, phase=Phase.PRACTICE, values={"practice_conclusions": "Maatjes werken."}
    ),
    "advanced": lambda w, r: services.advance(r.project, by=w.learner),
    "stepped back": lambda w, r: services.step_back(r.project, by=w.learner),
    "new experiment": lambda w, r: services.save_experiment(r.project, by=w.learner, title="Nog een", starts_on=DAY),
    "changed experiment": lambda w, r: services.save_experiment(
        r.project, by=w.learner, title="Anders", starts_on=DAY, what_worked="Alles", experiment=r.experiment
    ),
    "new involved": lambda w, r: services.add_involved(r.project, name="Ouders", role="parents"),
    "removed involved": lambda w, r: services.remove_involved(r.involved),
}


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_a_closed_groups_record_is_refused_with_the_date(w: World, record: Record, write: str) -> None:
    # ``w.plg`` is a copy from before the group closed: the services read the closure from the database.
    assert w.plg.closed_on is None
    before = _snapshot()

    with pytest.raises(ValidationError) as caught:
        WRITES[write](w, record)

    assert caught.value.messages == [
        "“Leergemeenschap Samen leren” was closed on 15 June 2026. Its meetings, knowledge list, results and "
        "action research can still be read, but no longer changed."
    ]
    assert _snapshot() == before


def test_no_new_project_starts_in_a_closed_group(w: World, record: Record) -> None:
    with pytest.raises(ValidationError) as caught:
        services.start_project(w.c.partnership, by=w.c.manager.user, group=record.group, title="Nog een project")

    assert list(caught.value.message_dict) == ["group"]
    assert ResearchProject.objects.count() == 1


@pytest.mark.usefixtures("english")
def test_the_research_of_a_closed_working_unit_is_read_only_too(w: World) -> None:
    record = _record(w, group=w.c.working)

    with pytest.raises(ValidationError) as caught:
        services.add_involved(record.project, name="Ouders", role="parents")

    assert "“Werkgroep werkgevers” was closed on 15 June 2026" in caught.value.messages[0]
    assert Involved.objects.count() == 1


def test_an_open_group_is_still_written_to(w: World) -> None:
    services.add_result(w.plg, by=w.learner, title="Open", achieved_on=DAY)
    assert CommunityResult.objects.filter(title="Open").exists()


def test_the_dashboard_no_longer_lists_a_closed_groups_research_as_under_way(w: World, record: Record) -> None:
    pa = PartnershipAccess(
        partnership=w.c.partnership,
        member=w.c.manager,
        group_ids=frozenset(),
        steering_group_ids=frozenset(),
        coordinated_group_ids=frozenset(),
    )

    panel = dashboard.panel(pa)

    assert panel is not None
    assert panel["projects"] == [] and panel["results"] == [record.result]


# --- The pages ------------------------------------------------------------------------------


def _url(name: str, w: World, **kwargs: Any) -> str:
    return reverse(f"learning:{name}", kwargs={"slug": w.c.partnership.slug, **kwargs})


def _read_pages(w: World, r: Record) -> dict[str, str]:
    return {
        "community": _url("community", w, pk=r.group.pk),
        "meeting": _url("meeting", w, pk=r.meeting.pk),
        "project": _url("project", w, pk=r.project.pk),
    }


def _write_pages(w: World, r: Record) -> dict[str, tuple[str, str]]:
    """Each page that changes the record, with the page it sends back to."""
    community = _url("community", w, pk=r.group.pk)
    project = _url("project", w, pk=r.project.pk)
    return {
        "community-edit": (_url("community-edit", w, pk=r.group.pk), community),
        "meeting-add": (_url("meeting-add", w, pk=r.group.pk), community),
        "meeting-edit": (_url("meeting-edit", w, pk=r.meeting.pk), _url("meeting", w, pk=r.meeting.pk)),
        "knowledge-add": (_url("knowledge-add", w, pk=r.group.pk), community),
        "knowledge-remove": (_url("knowledge-remove", w, pk=r.entry.pk), community),
        "result-add": (_url("result-add", w, pk=r.group.pk), community),
        "result-remove": (_url("result-remove", w, pk=r.result.pk), community),
        "phase-edit": (_url("phase-edit", w, pk=r.project.pk, phase="practice"), project),
        "project-back": (_url("project-back", w, pk=r.project.pk), project),
        "experiment-add": (_url("experiment-add", w, pk=r.project.pk), project),
        "experiment-edit": (_url("experiment-edit", w, pk=r.experiment.pk), project),
        "involved-add": (_url("involved-add", w, pk=r.project.pk), project),
        "involved-remove": (_url("involved-remove", w, pk=r.involved.pk), project),
    }


def test_the_pages_say_when_the_group_closed_and_offer_nothing_to_change(w: World, record: Record) -> None:
    writes = [url for url, _back in _write_pages(w, record).values()]
    # The manager, the coordinator and a former member all wrote while the group was open.
    for user in (w.c.manager.user, w.coordinator, w.learner, w.c.member.user):
        client = client_for(user)
        for name, url in _read_pages(w, record).items():
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200, (user, name)
            assert CLOSED_TEXT in page, (user, name)
            assert not [write for write in writes if write in page], (user, name)
            assert _url("project-add", w) not in page


def test_the_history_stays_readable(w: World, record: Record) -> None:
    client = client_for(w.c.member.user)
    community = client.get(_url("community", w, pk=record.group.pk)).content.decode()
    meeting = client.get(_url("meeting", w, pk=record.meeting.pk)).content.decode()
    project = client.get(_url("project", w, pk=record.project.pk)).content.decode()
    listing = client.get(_url("list", w)).content.decode()

    assert all(t in community for t in ("Eerste bijeenkomst", "Boek over leren", "Handreiking begeleiding"))
    assert "Wat we leerden" in meeting
    assert all(t in project for t in ("Zij haken af.", "Maatjes", "Praktijkopleiders"))
    project_row = listing.split("Wat helpt nieuwe opleiders?")[1].split("</tr>")[0]
    assert "werkplaats-status--done" in project_row and ">closed<" in project_row
    for url in _read_pages(w, record).values():
        assert client_for(w.c.outsider).get(url).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_request_to_change_the_record_gets_the_message_and_changes_nothing(
    w: World, record: Record, method: str
) -> None:
    before = _snapshot()
    data = {
        "title": "Anders",
        "held_on": "02-03-2026",
        "kind": "source",
        "achieved_on": "02-03-2026",
        "starts_on": "02-03-2026",
        "name": "Ouders",
        "role": "parents",
        "practice_conclusions": "Alles",
        "goals": [record.goal.pk],
    }
    for user in (w.c.manager.user, w.learner, w.c.member.user):
        client = client_for(user)
        for name, (url, back) in _write_pages(w, record).items():
            if method == "get" and name.endswith(("-remove", "-back")):
                continue  # POST-only
            response = getattr(client, method)(url, data)
            assert response.status_code == 302 and response["Location"] == back, (user, name)
            page = client.get(back).content.decode()
            assert page.count(CLOSED_TEXT) >= 2, (user, name)  # the message, and the notice on the page
    assert _snapshot() == before


def test_an_outsider_still_gets_404_on_the_pages_of_a_closed_group(w: World, record: Record) -> None:
    client = client_for(w.c.outsider)
    for url, _back in _write_pages(w, record).values():
        assert client.post(url).status_code == 404
