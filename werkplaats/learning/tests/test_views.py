"""Who reads and who writes, bad input at the field, and the cycle on the project page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from werkplaats.learning import services
from werkplaats.learning.models import (
    CommunityResult,
    Experiment,
    KnowledgeEntry,
    Meeting,
    Phase,
    ResearchProject,
)
from werkplaats.partnerships.models import Action

from .conftest import World, client_for

DAY = datetime.date(2026, 3, 2)


def _project(w: World, phase: str = Phase.PROBLEM) -> ResearchProject:
    project = services.start_project(w.c.partnership, by=w.learner, group=w.plg, title="Hoe bereiken we ouderen?")
    ResearchProject.objects.filter(pk=project.pk).update(phase=phase)
    project.refresh_from_db()
    return project


def _url(name: str, w: World, pk: int | None = None, **kwargs: Any) -> str:
    args: dict[str, Any] = {"slug": w.c.partnership.slug, **kwargs}
    if pk is not None:
        args["pk"] = pk
    return reverse(f"learning:{name}", kwargs=args)


READ: dict[str, Callable[[World], str]] = {
    "list": lambda w: _url("list", w),
    "community": lambda w: _url("community", w, w.plg.pk),
    "project": lambda w: _url("project", w, _project(w).pk),
    "meeting": lambda w: _url("meeting", w, services.save_meeting(w.plg, by=w.learner, title="Start", held_on=DAY).pk),
}
WRITE: dict[str, Callable[[World], str]] = {
    "community-edit": lambda w: _url("community-edit", w, w.plg.pk),
    "meeting-add": lambda w: _url("meeting-add", w, w.plg.pk),
    "knowledge-add": lambda w: _url("knowledge-add", w, w.plg.pk),
    "result-add": lambda w: _url("result-add", w, w.plg.pk),
    "project-add": lambda w: _url("project-add", w),
    "phase-edit": lambda w: _url("phase-edit", w, _project(w).pk, phase="problem"),
    "experiment-add": lambda w: _url("experiment-add", w, _project(w, Phase.PRACTICE).pk),
    "involved-add": lambda w: _url("involved-add", w, _project(w).pk),
}


@pytest.mark.parametrize("page", READ)
def test_every_member_reads_and_an_outsider_gets_404(w: World, page: str) -> None:
    url = READ[page](w)
    assert client_for(w.c.member.user).get(url).status_code == 200
    assert client_for(w.c.outsider).get(url).status_code == 404


@pytest.mark.parametrize("page", WRITE)
def test_members_coordinator_and_manager_write_others_get_403_outsiders_404(w: World, page: str) -> None:
    url = WRITE[page](w)
    for user in (w.learner, w.coordinator, w.c.manager.user):
        assert client_for(user).get(url).status_code == 200, user
    assert client_for(w.c.member.user).get(url).status_code == 403
    assert client_for(w.c.member.user).post(url, {}).status_code == 403
    assert client_for(w.c.outsider).get(url).status_code == 404
    assert client_for(w.c.outsider).post(url, {}).status_code == 404


def test_write_links_are_shown_only_to_those_who_write(w: World) -> None:
    url = _url("community", w, w.plg.pk)
    add = _url("meeting-add", w, w.plg.pk)
    assert add in client_for(w.learner).get(url).content.decode()
    assert add not in client_for(w.c.member.user).get(url).content.decode()


def test_removing_is_for_writers_only(w: World) -> None:
    entry = services.add_knowledge(w.plg, by=w.learner, kind="source", title="Boek", reference="Boek, 2020")
    result = services.add_result(w.plg, by=w.learner, title="Handreiking", achieved_on=DAY)
    knowledge_url = _url("knowledge-remove", w, entry.pk)
    result_url = _url("result-remove", w, result.pk)

    assert client_for(w.c.member.user).post(knowledge_url).status_code == 403
    assert client_for(w.c.outsider).post(result_url).status_code == 404
    assert KnowledgeEntry.objects.exists() and CommunityResult.objects.exists()

    assert client_for(w.coordinator).post(knowledge_url).status_code == 302
    assert client_for(w.learner).post(result_url).status_code == 302
    assert not KnowledgeEntry.objects.exists() and not CommunityResult.objects.exists()


def test_a_meeting_form_with_bad_input_shows_the_errors_at_the_fields(w: World) -> None:
    response = client_for(w.learner).post(
        _url("meeting-add", w, w.plg.pk),
        {"title": "Start", "held_on": "31-02-2026", "decision_1_text": "Iets", "decision_1_owner": w.learner.pk},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "held_on" in form.errors
    assert not Meeting.objects.exists()

    response = client_for(w.learner).post(
        _url("meeting-add", w, w.plg.pk),
        {"title": "Start", "held_on": "02-03-2026", "decision_1_text": "Iets", "decision_1_owner": w.learner.pk},
    )
    assert response.status_code == 200
    assert "decision_1_due_on" in response.context["form"].errors
    assert "An action needs a due date" in response.content.decode()
    assert not Meeting.objects.exists() and not Action.objects.exists()


def test_a_meeting_with_decisions_is_saved_and_its_action_listed(w: World) -> None:
    response = client_for(w.learner).post(
        _url("meeting-add", w, w.plg.pk),
        {
            "title": "Start",
            "held_on": "2026-03-02",
            "agenda": "1. Kennismaken",
            "decision_1_text": "Literatuur zoeken",
            "decision_1_owner": w.learner.pk,
            "decision_1_due_on": "2026-03-20",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("meeting", w, meeting.pk)
    assert Action.objects.get().title == "Literatuur zoeken"
    page = client_for(w.c.member.user).get(_url("meeting", w, meeting.pk)).content.decode()
    assert "Literatuur zoeken" in page and "1. Kennismaken" in page


def test_a_knowledge_link_is_only_a_link_when_it_is_a_web_address(w: World) -> None:
    response = client_for(w.learner).post(
        _url("knowledge-add", w, w.plg.pk), {"kind": "source", "title": "Bron", "reference": "javascript:alert(1)"}
    )
    assert response.status_code == 200 and "reference" in response.context["form"].errors
    services.add_knowledge(w.plg, by=w.learner, kind="source", title="Movisie", reference="https://www.movisie.nl")
    services.add_knowledge(w.plg, by=w.learner, kind="source", title="Boek", reference="Boek <b>vet</b>")

    page = client_for(w.c.member.user).get(_url("community", w, w.plg.pk)).content.decode()

    assert 'href="https://www.movisie.nl"' in page
    assert "Boek &lt;b&gt;vet&lt;/b&gt;" in page


def test_the_project_page_marks_the_current_step(w: World) -> None:
    project = _project(w, Phase.PRACTICE)

    page = client_for(w.c.member.user).get(_url("project", w, project.pk)).content.decode()

    assert page.count('aria-current="step"') == 1
    current = page.split('aria-current="step"')[1].split("</li>")[0]
    assert "Practice cycle" in current


def test_advancing_through_the_page_shows_missing_fields_then_moves_on(w: World) -> None:
    project = _project(w)
    url = _url("phase-edit", w, project.pk, phase="problem")

    response = client_for(w.learner).post(url, {"problem_statement": "Ouderen", "advance": "1"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["research_questions"]
    project.refresh_from_db()
    assert project.phase == Phase.PROBLEM and project.problem_statement == ""

    response = client_for(w.learner).post(
        url, {"problem_statement": "Ouderen", "research_questions": "Hoe?", "advance": "1"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.phase == Phase.THEORY


def test_a_phase_not_reached_redirects_and_an_unknown_phase_is_404(w: World) -> None:
    project = _project(w)
    client = client_for(w.learner)
    assert client.get(_url("phase-edit", w, project.pk, phase="reflection")).status_code == 302
    assert client.get(_url("phase-edit", w, project.pk, phase="nonsense")).status_code == 404
    assert client.get(_url("phase-edit", w, project.pk, phase="completed")).status_code == 404


def test_an_experiment_with_bad_dates_is_refused_at_the_field(w: World) -> None:
    project = _project(w, Phase.PRACTICE)
    response = client_for(w.learner).post(
        _url("experiment-add", w, project.pk),
        {"title": "Koffieochtend", "starts_on": "2026-03-10", "ends_on": "2026-03-01"},
    )
    assert response.status_code == 200 and list(response.context["form"].errors) == ["ends_on"]
    assert not Experiment.objects.exists()


def test_a_project_is_started_only_in_a_group_one_writes_for(w: World) -> None:
    client = client_for(w.learner)
    response = client.post(_url("project-add", w), {"group": w.c.working.pk, "title": "Werkgroep"})
    assert response.status_code == 200 and "group" in response.context["form"].errors

    response = client.post(_url("project-add", w), {"group": w.plg.pk, "title": "Ouderen"})
    assert response.status_code == 302
    assert ResearchProject.objects.get().group == w.plg


def test_stepping_back_is_a_post_that_redirects_even_in_the_first_phase(w: World) -> None:
    project = _project(w)
    url = _url("project-back", w, project.pk)
    assert client_for(w.learner).get(url).status_code == 405
    assert client_for(w.learner).post(url).status_code == 302
    project.refresh_from_db()
    assert project.phase == Phase.PROBLEM
