"""The learner and trajectory pages: who opens them, what they show, and what bad input gets.

Pages are read in English (the user's language decides), the source language of the messages."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import services
from werkplaats.trajectories.models import (
    FollowUp,
    FundingKind,
    IntendedOutcome,
    Learner,
    Route,
    Status,
    StopReason,
    Trajectory,
)

from .factories import LearnerFactory, employer_in, set_state

SUPPORT = b"Dyslexie; korte instructies"


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _learner_url(learner: Learner) -> str:
    return reverse("trajectories:learner", kwargs={"pk": learner.pk})


def _detail(trajectory: Trajectory) -> str:
    return reverse("trajectories:detail", kwargs={"pk": trajectory.pk})


def _transition(trajectory: Trajectory, to: str) -> str:
    return reverse("trajectories:transition", kwargs={"pk": trajectory.pk, "to": to})


@pytest.fixture
def org_member(organisation: Organisation) -> User:
    """A member of the learner's organisation whose roles give no access to learners."""
    return member_of(organisation, Role.ADMIN, email="beheerder@haren.example.nl")


# --- The learner page -------------------------------------------------------------------------


def test_the_consultant_reads_the_learner_with_support_needs(
    learner: Learner, trajectory: Trajectory, consultant: User
) -> None:
    response = _client(consultant).get(_learner_url(learner))

    assert response.status_code == 200
    assert b"Noor Jansen" in response.content
    assert SUPPORT in response.content
    assert _detail(trajectory).encode() in response.content


def test_every_view_of_the_learner_page_is_recorded_in_the_audit_log(learner: Learner, consultant: User) -> None:
    client = _client(consultant)
    client.get(_learner_url(learner))
    client.get(_learner_url(learner))

    entries = AuditLogEntry.objects.filter(action=Action.VIEW, object_id=str(learner.pk), actor=consultant)
    assert entries.count() == 2
    assert entries.first().subject_organisation_id == learner.organisation_id  # type: ignore[union-attr]


def test_a_coordinator_reads_the_learner_without_support_needs(
    learner: Learner, trajectory: Trajectory, coordinator: User
) -> None:
    response = _client(coordinator).get(_learner_url(learner))

    assert response.status_code == 200
    assert SUPPORT not in response.content


def test_a_trainer_not_named_on_the_trajectory_does_not_see_support_needs(
    learner: Learner, trajectory: Trajectory, trainer: User, employer: Organisation
) -> None:
    colleague = member_of(employer, Role.WORKPLACE_TRAINER, email="collega@facilitair.example.nl")

    assert SUPPORT in _client(trainer).get(_learner_url(learner)).content
    response = _client(colleague).get(_learner_url(learner))
    assert response.status_code == 200
    assert SUPPORT not in response.content


def test_the_learner_page_is_a_404_for_a_member_without_access_and_for_an_outsider(
    learner: Learner, org_member: User, outsider: User
) -> None:
    assert _client(org_member).get(_learner_url(learner)).status_code == 404
    assert _client(outsider).get(_learner_url(learner)).status_code == 404
    assert not AuditLogEntry.objects.filter(action=Action.VIEW, object_id=str(learner.pk)).exists()


# --- Registering a learner --------------------------------------------------------------------

REGISTER = {
    "first_name": "Daan",
    "last_name": "de Boer",
    "date_of_birth": "1988-02-03",
    "target_group": "ww",
    "language_level": "B2",
    "support_needs": "Rolstoel",
}


def test_a_consultant_registers_a_learner(consultant: User, organisation: Organisation) -> None:
    client = _client(consultant)
    assert client.get(reverse("trajectories:learner-register")).status_code == 200

    response = client.post(reverse("trajectories:learner-register"), REGISTER)

    learner = Learner.objects.get(last_name="de Boer")
    assert response.status_code == 302
    assert response["Location"] == _learner_url(learner)
    assert learner.organisation == organisation
    assert learner.support_needs == "Rolstoel"


def test_registering_needs_a_consultant_or_coordinator(org_member: User) -> None:
    client = _client(org_member)
    assert client.get(reverse("trajectories:learner-register")).status_code == 403
    assert client.post(reverse("trajectories:learner-register"), REGISTER).status_code == 403
    assert not Learner.objects.exists()


def test_bad_input_gets_messages_next_to_the_fields(consultant: User) -> None:
    data = {**REGISTER, "first_name": "", "date_of_birth": "31-02-2001", "email": "geen-adres", "target_group": "x"}
    response = _client(consultant).post(reverse("trajectories:learner-register"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"first_name", "date_of_birth", "email", "target_group"}
    assert not Learner.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused(consultant: User) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _client(consultant).post(
        reverse("trajectories:learner-register"), {**REGISTER, "date_of_birth": tomorrow}
    )

    assert response.status_code == 200
    assert "date_of_birth" in response.context["form"].errors


def test_a_duplicate_shows_the_existing_learner_and_continues_when_it_is_someone_else(
    consultant: User, learner: Learner
) -> None:
    client = _client(consultant)
    data = {**REGISTER, "first_name": "noor", "last_name": "Jansen ", "date_of_birth": "1990-05-01"}

    refused = client.post(reverse("trajectories:learner-register"), data)

    assert refused.status_code == 200
    assert b"is already registered" in refused.content
    assert _learner_url(learner).encode() in refused.content
    assert b'name="someone_else"' in refused.content
    assert Learner.objects.count() == 1

    accepted = client.post(reverse("trajectories:learner-register"), {**data, "someone_else": "on"})

    assert accepted.status_code == 302
    assert Learner.objects.count() == 2


# --- Creating and changing a trajectory -------------------------------------------------------


def _trajectory_data(school: Organisation, employer: Organisation, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "route": Route.PRAKTIJKLEREN,
        "intended_outcome": IntendedOutcome.PRACTICE_CERTIFICATE,
        "crebo": "25499",
        "school": school.pk,
        "employer": employer.pk,
        "planned_start": "2025-09-01",
        "planned_end": "2026-02-28",
        "review_interval_weeks": "6",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "20",
        "funding-0-kind": FundingKind.MUNICIPALITY,
        "funding-0-amount": "2500.00",
        "funding-0-period_start": "2025-09-01",
        "funding-0-period_end": "2026-02-28",
        "funding-1-kind": FundingKind.SUBSIDY,
        "funding-1-amount": "1000",
    }
    data.update(extra)
    return data


def test_a_consultant_starts_a_trajectory_with_funding(
    consultant: User, learner: Learner, school: Organisation, employer: Organisation, qualification: Qualification
) -> None:
    url = reverse("trajectories:create", kwargs={"pk": learner.pk})
    client = _client(consultant)
    assert client.get(url).status_code == 200

    response = client.post(url, _trajectory_data(school, employer))

    trajectory = Trajectory.objects.get(learner=learner)
    assert response.status_code == 302
    assert response["Location"] == _detail(trajectory)
    assert trajectory.qualification == qualification
    assert trajectory.status == Status.REFERRED
    assert sorted(f.kind for f in trajectory.funding_sources.all()) == ["municipality", "subsidy_praktijkleren"]
    assert [e.to_status for e in trajectory.events.all()] == [Status.REFERRED]


def test_an_unknown_crebo_and_a_bad_funding_row_write_nothing(
    consultant: User, learner: Learner, school: Organisation, employer: Organisation, qualification: Qualification
) -> None:
    url = reverse("trajectories:create", kwargs={"pk": learner.pk})
    data = _trajectory_data(school, employer, crebo="99999", **{"funding-0-amount": "-5", "planned_end": "2025-01-01"})

    response = _client(consultant).post(url, data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"crebo", "planned_end"}
    assert "amount" in response.context["funding"].forms[0].errors
    assert not Trajectory.objects.filter(learner=learner).exists()


def test_a_service_refusal_leaves_no_trajectory_behind(
    consultant: User, learner: Learner, employer: Organisation, qualification: Qualification
) -> None:
    """The school field offered a school; a praktijkverklaring without qualification is refused by
    the service after the form passed."""
    data = _trajectory_data(employer, employer, crebo="")
    data["school"] = ""

    response = _client(consultant).post(reverse("trajectories:create", kwargs={"pk": learner.pk}), data)

    assert response.status_code == 200
    assert "qualification" in str(response.context["form"].errors) or response.context["form"].non_field_errors()
    assert not Trajectory.objects.filter(learner=learner).exists()


def test_a_trainer_may_not_start_a_trajectory(learner: Learner, trajectory: Trajectory, trainer: User) -> None:
    url = reverse("trajectories:create", kwargs={"pk": learner.pk})
    assert _client(trainer).get(url).status_code == 403


def test_adding_a_funding_row_shows_the_form_again_with_one_more_row(
    consultant: User, learner: Learner, school: Organisation, employer: Organisation, qualification: Qualification
) -> None:
    data = _trajectory_data(school, employer, add_funding="1")
    response = _client(consultant).post(reverse("trajectories:create", kwargs={"pk": learner.pk}), data)

    assert response.status_code == 200
    assert len(response.context["funding"].forms) == 3
    assert not Trajectory.objects.filter(learner=learner).exists()


def _edit_data(trajectory: Trajectory, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "route": trajectory.route,
        "intended_outcome": trajectory.intended_outcome,
        "crebo": trajectory.qualification.crebo if trajectory.qualification else "",
        "school": trajectory.school_id or "",
        "employer": trajectory.employer_id or "",
        "workplace_trainer": trajectory.workplace_trainer_id or "",
        "school_coach": trajectory.school_coach_id or "",
        "consultant": trajectory.consultant_id or "",
        "planned_start": "2025-03-03",
        "planned_end": "",
        "review_interval_weeks": "4",
        "expected_version": str(trajectory.version),
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def test_the_consultant_changes_the_trajectory(trajectory: Trajectory, consultant: User) -> None:
    url = reverse("trajectories:edit", kwargs={"pk": trajectory.pk})
    client = _client(consultant)
    assert client.get(url).status_code == 200

    response = client.post(url, _edit_data(trajectory))

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.review_interval_weeks == 4
    assert trajectory.version == 2


def test_a_stale_version_shows_that_someone_else_changed_it(trajectory: Trajectory, consultant: User) -> None:
    seen = _edit_data(trajectory)
    services.update_trajectory(trajectory, by=consultant, expected_version=trajectory.version, review_interval_weeks=8)

    response = _client(consultant).post(reverse("trajectories:edit", kwargs={"pk": trajectory.pk}), seen)

    assert response.status_code == 200
    assert b"Someone else changed this trajectory" in response.content
    trajectory.refresh_from_db()
    assert trajectory.review_interval_weeks == 8


def test_editing_needs_a_role_that_steers_the_trajectory(trajectory: Trajectory, trainer: User, outsider: User) -> None:
    url = reverse("trajectories:edit", kwargs={"pk": trajectory.pk})
    assert _client(trainer).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404


# --- The trajectory page ----------------------------------------------------------------------


def test_the_trajectory_page_shows_facts_timeline_norm_and_next_steps(trajectory: Trajectory, consultant: User) -> None:
    services.transition(trajectory, Status.INTAKE, by=consultant)

    response = _client(consultant).get(_detail(trajectory))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Facilitair Test" in content
    assert "Timeline" in content
    assert "referred → intake" in content
    assert "On track for the 3\u20136-month norm" in content
    assert _transition(trajectory, Status.SEARCHING) in content
    assert _transition(trajectory, Status.STOPPED) in content
    assert _transition(trajectory, Status.PLACED) not in content


def test_the_trajectory_page_lists_what_is_still_missing_before_placement(
    trajectory: Trajectory, consultant: User
) -> None:
    set_state(trajectory, Status.SEARCHING)

    response = _client(consultant).get(_detail(trajectory))

    assert b"what is still missing" in response.content
    assert b"The learning plan has to be agreed" in response.content


def test_the_trajectory_page_access_trio(
    trajectory: Trajectory, trainer: User, coach: User, org_member: User, outsider: User, employer: Organisation
) -> None:
    other_trainer = member_of(employer_in(employer), Role.WORKPLACE_TRAINER)

    assert _client(trainer).get(_detail(trajectory)).status_code == 200
    assert _client(coach).get(_detail(trajectory)).status_code == 200
    assert _client(other_trainer).get(_detail(trajectory)).status_code == 404
    assert _client(org_member).get(_detail(trajectory)).status_code == 404
    assert _client(outsider).get(_detail(trajectory)).status_code == 404


@pytest.mark.usefixtures("demo")
def test_trainer2_gets_a_404_on_a_trajectory_at_hilvers_bakkerij() -> None:
    consultant = User.objects.get(email="consultant@demo.nl")
    learner = services.register_learner(
        Organisation.objects.get(slug="gemeente-groningen"),
        by=consultant,
        first_name="Sem",
        last_name="Bakker",
        date_of_birth=datetime.date(2001, 1, 1),
        target_group="participatiewet",
    )
    trajectory = services.create_trajectory(
        learner,
        by=consultant,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.CERTIFICATE,
        employer=Organisation.objects.get(slug="hilvers-bakkerij"),
    )

    assert _client(User.objects.get(email="trainer@demo.nl")).get(_detail(trajectory)).status_code == 200
    trainer2 = _client(User.objects.get(email="trainer2@demo.nl"))
    assert trainer2.get(_detail(trajectory)).status_code == 404
    assert trainer2.get(_learner_url(learner)).status_code == 404
    assert trainer2.post(_transition(trajectory, Status.INTAKE)).status_code == 404


# --- Transitions ------------------------------------------------------------------------------


def test_a_transition_moves_the_trajectory_and_records_the_event(trajectory: Trajectory, consultant: User) -> None:
    response = _client(consultant).post(
        _transition(trajectory, Status.INTAKE), {"to-intake-expected_version": trajectory.version}
    )

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == Status.INTAKE
    assert trajectory.events.last().actor == consultant  # type: ignore[union-attr]


def test_a_refused_transition_shows_the_guard_messages_on_the_page(trajectory: Trajectory, consultant: User) -> None:
    set_state(trajectory, Status.SEARCHING)

    response = _client(consultant).post(_transition(trajectory, Status.PLACED), {})

    assert response.status_code == 200
    assert "is not possible yet" in response.content.decode()
    assert b"The learning plan has to be agreed by the learner, the workplace and the school." in response.content
    trajectory.refresh_from_db()
    assert trajectory.status == Status.SEARCHING


def test_stopping_needs_a_reason_from_the_list_and_an_explanation(trajectory: Trajectory, consultant: User) -> None:
    client = _client(consultant)
    url = _transition(trajectory, Status.STOPPED)
    assert client.get(url).status_code == 200

    refused = client.post(url, {"to-gestopt-stop_reason": "", "to-gestopt-reason": ""})
    assert refused.status_code == 200
    assert b"Choose the reason for stopping from the list." in refused.content

    stopped = client.post(
        url, {"to-gestopt-stop_reason": StopReason.MOVED, "to-gestopt-reason": "Verhuisd naar Zwolle"}
    )
    assert stopped.status_code == 302
    trajectory.refresh_from_db()
    assert (trajectory.status, trajectory.stop_reason) == (Status.STOPPED, StopReason.MOVED)
    timeline = client.get(trajectory.get_absolute_url()).content.decode()
    assert f"Reason for stopping: {StopReason.MOVED.label}</span>" in timeline


def test_a_transition_with_a_stale_version_is_a_conflict(trajectory: Trajectory, consultant: User) -> None:
    seen = trajectory.version
    services.transition(trajectory, Status.INTAKE, by=consultant)

    response = _client(consultant).post(
        _transition(trajectory, Status.STOPPED),
        {
            "to-gestopt-expected_version": seen,
            "to-gestopt-stop_reason": StopReason.OTHER,
            "to-gestopt-reason": "Dubbel",
        },
    )

    assert response.status_code == 200
    assert b"Someone else changed this trajectory" in response.content
    trajectory.refresh_from_db()
    assert trajectory.status == Status.INTAKE


def test_a_transition_that_is_not_allowed_from_this_state_goes_back_with_a_message(
    trajectory: Trajectory, consultant: User
) -> None:
    response = _client(consultant).post(_transition(trajectory, Status.COMPLETED), {})
    assert response.status_code == 302
    assert _client(consultant).get(_transition(trajectory, "nonsense")).status_code == 404


def test_a_trainer_may_not_change_the_state(trajectory: Trajectory, trainer: User) -> None:
    assert _client(trainer).post(_transition(trajectory, Status.INTAKE), {}).status_code == 403
    trajectory.refresh_from_db()
    assert trajectory.status == Status.REFERRED


# --- Employer change and outcome --------------------------------------------------------------


def test_changing_employer_before_placement_is_refused_with_a_message(
    trajectory: Trajectory, consultant: User, trainer: User, employer: Organisation
) -> None:
    other = employer_in(employer)
    url = reverse("trajectories:change-employer", kwargs={"pk": trajectory.pk})
    response = _client(consultant).post(
        url,
        {
            "employer": other.pk,
            "workplace_trainer": trainer.pk,
            "on": "2025-04-01",
            "reason": "Beter passend",
            "expected_version": trajectory.version,
        },
    )

    assert response.status_code == 200
    assert b"Only a placed or learning trajectory can change employer" in response.content
    trajectory.refresh_from_db()
    assert trajectory.employer == employer


def test_the_outcome_and_the_aftercare_check_are_recorded(trajectory: Trajectory, consultant: User) -> None:
    set_state(trajectory, Status.COMPLETED)
    url = reverse("trajectories:outcome", kwargs={"pk": trajectory.pk})
    client = _client(consultant)

    missing_date = client.post(
        url, {"outcome_at_completion": FollowUp.WORK_SAME_EMPLOYER, "outcome_after_six_months": FollowUp.OTHER_WORK}
    )
    assert missing_date.status_code == 200
    assert "aftercare_checked_on" in missing_date.context["form"].errors

    saved = client.post(
        url,
        {
            "outcome_at_completion": FollowUp.WORK_SAME_EMPLOYER,
            "outcome_after_six_months": FollowUp.OTHER_WORK,
            "aftercare_checked_on": timezone.localdate().isoformat(),
        },
    )
    assert saved.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.outcome_at_completion == FollowUp.WORK_SAME_EMPLOYER
    assert trajectory.outcome_after_six_months == FollowUp.OTHER_WORK


def test_the_outcome_is_only_recorded_for_a_completed_trajectory(trajectory: Trajectory, consultant: User) -> None:
    response = _client(consultant).post(
        reverse("trajectories:outcome", kwargs={"pk": trajectory.pk}), {"outcome_at_completion": FollowUp.NONE}
    )
    assert response.status_code == 200
    assert b"once the trajectory is completed" in response.content


def test_a_learner_of_another_organisation_cannot_be_reached(outsider: User, db: None) -> None:
    stranger = LearnerFactory.create()
    assert _client(outsider).get(_learner_url(stranger)).status_code == 404
