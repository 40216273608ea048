"""The action-research cycle: one phase at a time, each phase's required fields before moving on."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from werkplaats.learning import services
from werkplaats.learning.models import PHASES, Phase, PhaseChange, ResearchProject
from werkplaats.partnerships.models import GroupKind
from werkplaats.partnerships.tests.factories import PartnershipFactory, group

from .conftest import World

DAY = datetime.date(2026, 3, 2)
FILLED: dict[str, dict[str, str]] = {
    Phase.PROBLEM: {"problem_statement": "Ouderen bereiken we niet.", "research_questions": "Hoe wel?"},
    Phase.THEORY: {"existing_knowledge": "Vertrouwde personen.", "theory_conclusions": "Samen op pad."},
    Phase.HYPOTHESIS: {"working_hypothesis": "Met de wijkverpleging mee bereiken we meer ouderen."},
    Phase.PRACTICE: {"practice_conclusions": "Huisbezoeken werken."},
    Phase.REFLECTION: {"reflection": "De hypothese houdt stand."},
    Phase.RESULT: {"result": "Een nieuwe werkwijze.", "practice_changes": "We gaan standaard mee."},
}


def _project(w: World) -> ResearchProject:
    return services.start_project(w.c.partnership, by=w.learner, group=w.plg, title="Hoe bereiken we ouderen?")


def _to(project: ResearchProject, phase: str, by: object) -> ResearchProject:
    while project.phase != phase:
        if project.phase == Phase.PRACTICE and not project.experiments.exists():
            services.save_experiment(project, by=by, title="Huisbezoek", starts_on=DAY)
        project = services.save_phase(project, by=by, phase=project.phase, values=FILLED[project.phase], advance=True)
    return project


def test_a_new_project_starts_with_the_problem(w: World) -> None:
    project = _project(w)
    assert project.phase == Phase.PROBLEM
    assert project.partnership == w.c.partnership


def test_moving_on_needs_the_required_fields_of_the_current_phase(w: World) -> None:
    project = _project(w)

    with pytest.raises(ValidationError) as caught:
        services.advance(project, by=w.learner)

    assert set(caught.value.message_dict) == {"problem_statement", "research_questions"}
    project.refresh_from_db()
    assert project.phase == Phase.PROBLEM
    assert not PhaseChange.objects.exists()


def test_saving_with_advance_names_only_the_empty_fields_and_writes_nothing(w: World) -> None:
    project = _project(w)

    with pytest.raises(ValidationError) as caught:
        services.save_phase(
            project,
            by=w.learner,
            phase=Phase.PROBLEM,
            values={"problem_statement": "Iets", "research_questions": "  "},
            advance=True,
        )

    assert list(caught.value.message_dict) == ["research_questions"]
    project.refresh_from_db()
    assert project.problem_statement == "" and project.phase == Phase.PROBLEM


def test_the_current_phase_can_be_saved_half_done(w: World) -> None:
    project = services.save_phase(
        _project(w), by=w.learner, phase=Phase.PROBLEM, values={"problem_statement": "Half af"}
    )
    assert project.problem_statement == "Half af" and project.phase == Phase.PROBLEM


def test_a_complete_phase_moves_on_and_the_move_is_recorded(w: World) -> None:
    project = services.save_phase(
        _project(w), by=w.learner, phase=Phase.PROBLEM, values=FILLED[Phase.PROBLEM], advance=True
    )

    assert project.phase == Phase.THEORY
    change = PhaseChange.objects.get(project=project)
    assert (change.from_phase, change.to_phase, change.by) == (Phase.PROBLEM, Phase.THEORY, w.learner)


def test_a_phase_not_yet_reached_cannot_be_edited(w: World) -> None:
    with pytest.raises(ValidationError):
        services.save_phase(_project(w), by=w.learner, phase=Phase.HYPOTHESIS, values={"working_hypothesis": "x"})


def test_a_passed_phase_keeps_its_required_fields(w: World) -> None:
    project = _to(_project(w), Phase.HYPOTHESIS, w.learner)

    with pytest.raises(ValidationError) as caught:
        services.save_phase(
            project, by=w.learner, phase=Phase.PROBLEM, values={"problem_statement": "", "research_questions": "Hoe?"}
        )

    assert list(caught.value.message_dict) == ["problem_statement"]
    changed = services.save_phase(project, by=w.learner, phase=Phase.THEORY, values={**FILLED[Phase.THEORY]})
    assert changed.phase == Phase.HYPOTHESIS


def test_only_the_current_phase_moves_the_project_on(w: World) -> None:
    project = _to(_project(w), Phase.THEORY, w.learner)
    with pytest.raises(ValidationError) as caught:
        services.save_phase(project, by=w.learner, phase=Phase.PROBLEM, values=FILLED[Phase.PROBLEM], advance=True)
    assert "__all__" in caught.value.message_dict


def test_the_practice_cycle_needs_an_experiment(w: World) -> None:
    project = _to(_project(w), Phase.PRACTICE, w.learner)

    with pytest.raises(ValidationError) as caught:
        services.save_phase(project, by=w.learner, phase=Phase.PRACTICE, values=FILLED[Phase.PRACTICE], advance=True)
    assert "__all__" in caught.value.message_dict

    services.save_experiment(project, by=w.learner, title="Koffieochtend", starts_on=DAY)
    project = services.save_phase(
        project, by=w.learner, phase=Phase.PRACTICE, values=FILLED[Phase.PRACTICE], advance=True
    )
    assert project.phase == Phase.REFLECTION


def test_the_whole_cycle_ends_completed(w: World) -> None:
    project = _to(_project(w), Phase.COMPLETED, w.learner)

    assert project.is_completed
    assert [c.to_phase for c in project.phase_changes.order_by("id")] == PHASES[1:]
    with pytest.raises(ValidationError):
        services.advance(project, by=w.learner)


def test_a_project_steps_back_one_phase_and_not_before_the_first(w: World) -> None:
    project = _to(_project(w), Phase.HYPOTHESIS, w.learner)

    project = services.step_back(project, by=w.learner)

    assert project.phase == Phase.THEORY
    project = services.step_back(project, by=w.learner)
    with pytest.raises(ValidationError):
        services.step_back(project, by=w.learner)


def test_experiments_belong_to_the_practice_cycle(w: World) -> None:
    project = _project(w)
    with pytest.raises(ValidationError):
        services.save_experiment(project, by=w.learner, title="Te vroeg", starts_on=DAY)


def test_an_experiment_cannot_end_before_it_starts(w: World) -> None:
    project = _to(_project(w), Phase.PRACTICE, w.learner)
    with pytest.raises(ValidationError) as caught:
        services.save_experiment(
            project, by=w.learner, title="Terug in de tijd", starts_on=DAY, ends_on=DAY - datetime.timedelta(days=1)
        )
    assert list(caught.value.message_dict) == ["ends_on"]
    assert not project.experiments.exists()


def test_only_a_learning_community_or_working_unit_of_the_partnership_does_research(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.start_project(w.c.partnership, by=w.learner, group=w.c.steering, title="Stuur")
    assert list(caught.value.message_dict) == ["group"]

    elsewhere = group(PartnershipFactory.create(), GroupKind.LEARNING_COMMUNITY)
    with pytest.raises(ValidationError):
        services.start_project(w.c.partnership, by=w.learner, group=elsewhere, title="Elders")

    project = services.start_project(w.c.partnership, by=w.learner, group=w.c.working, title="Werkgroep")
    assert project.group == w.c.working


def test_involved_people_need_a_name_and_a_role(w: World) -> None:
    project = _project(w)
    with pytest.raises(ValidationError) as caught:
        services.add_involved(project, name=" ", role="pets")
    assert set(caught.value.message_dict) == {"name", "role"}
    services.add_involved(project, name="Ouders van klas 2B", role="parents")
    assert project.involved.get().name == "Ouders van klas 2B"
