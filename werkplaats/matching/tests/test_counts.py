"""The stored counts of the learning places stay equal to a fresh count after every change."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.core.scheduling import DAILY_JOBS
from werkplaats.matching import counts
from werkplaats.matching.models import LearningPlace, PlaceCounts, PlacementRequest, RequestStatus
from werkplaats.matching.services import answer_request, propose_place, suggest_places, withdraw_request
from werkplaats.organisations.models import Municipality, Organisation
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.models import Qualification
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.recognitions.models import Recognition, RecognitionSource
from werkplaats.recognitions.services import import_recognitions
from werkplaats.recognitions.tests.factories import employer as make_employer
from werkplaats.recognitions.tests.factories import qualification as make_qualification
from werkplaats.recognitions.tests.importing import HEADER, csv_bytes
from werkplaats.trajectories import services as trajectories
from werkplaats.trajectories.models import Status as S
from werkplaats.trajectories.models import StopReason, Trajectory
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory

from .world import World, build

pytestmark = pytest.mark.usefixtures("english")

PLACED = {S.PLACED, S.IN_PROGRESS, S.ASSESSMENT}
START = datetime.date(2026, 9, 1)


def fresh() -> dict[int, tuple[Any, ...]]:
    """Per place: employer, crebo, accepted requests whose learner is not placed, trajectories placed at the
    employer for the place's crebo, completed and stopped at the employer; then the employer's facts (active,
    name, region, coordinates or else its municipality's) and its recognitions for the crebo that were not
    withdrawn (how many, and the period of the only one); counted here in Python."""
    trajectories = list(Trajectory.objects.select_related("qualification"))  # every one has a qualification
    status = {t.pk: t.status for t in trajectories}
    requests = list(PlacementRequest.objects.filter(status=RequestStatus.ACCEPTED))
    recognitions = list(Recognition.objects.filter(withdrawn_at__isnull=True))
    result = {}
    for place in LearningPlace.objects.select_related("employer__municipality"):
        at_employer = [t for t in trajectories if t.employer_id == place.employer_id]
        employer = place.employer
        own = [r for r in recognitions if r.employer_id == place.employer_id and r.crebo == place.crebo]
        latitude, longitude = employer.latitude, employer.longitude
        if latitude is None and employer.municipality is not None:
            latitude = employer.municipality.latitude
        if longitude is None and employer.municipality is not None:
            longitude = employer.municipality.longitude
        result[place.pk] = (
            place.employer_id,
            place.crebo,
            sum(1 for r in requests if r.place_id == place.pk and status[r.trajectory_id] not in PLACED),
            sum(
                1
                for t in at_employer
                if t.status in PLACED and t.qualification and t.qualification.crebo == place.crebo
            ),
            sum(1 for t in at_employer if t.status == S.COMPLETED),
            sum(1 for t in at_employer if t.status == S.STOPPED),
            employer.is_active,
            employer.name,
            employer.region_id,
            latitude,
            longitude,
            len(own),
            own[0].start_date if len(own) == 1 else None,
            own[0].end_date if len(own) == 1 else None,
        )
    return result


def stored() -> dict[int, tuple[Any, ...]]:
    return {
        row.place_id: (
            row.employer_id,
            row.crebo,
            row.accepted,
            row.placed,
            row.completed,
            row.stopped,
            row.active,
            row.employer_name,
            row.region_id,
            row.latitude,
            row.longitude,
            row.recognitions,
            row.recognition_start,
            row.recognition_end,
        )
        for row in PlaceCounts.objects.all()
    }


def assert_exact() -> None:
    assert stored() == fresh()


# --- A random sequence of changes ---------------------------------------------------------------


class Scene:
    """Three employers recognised for two qualifications, places for some of the pairs, and
    learners in every state; ``step`` makes one random change the way the app makes it."""

    def __init__(self, organisation: Organisation, admin: User, rng: random.Random) -> None:
        self.rng = rng
        self.admin = admin
        self.organisation = organisation
        self.qualifications: list[Qualification] = [
            QualificationFactory.create(crebo="25499"),
            QualificationFactory.create(crebo="25173"),
        ]
        assert organisation.region is not None
        self.municipality = Municipality.objects.create(
            name="Scènegem", region=organisation.region, latitude=Decimal("52.5"), longitude=Decimal("6.1")
        )
        self.employers: list[Organisation] = [
            OrganisationFactory.create(
                name=f"Leerbedrijf {n}", employer=True, region=organisation.region, municipality=self.municipality
            )
            for n in range(3)
        ]
        for employer in self.employers:
            for qualification in self.qualifications:
                Recognition.objects.create(
                    employer=employer,
                    crebo=qualification.crebo,
                    start_date=datetime.date(2020, 1, 1),
                    source=RecognitionSource.MANUAL,
                )
        for employer, qualification in zip(self.employers, self.qualifications * 2, strict=False):
            self.new_place(employer, qualification.crebo)
        for status in (S.SEARCHING, S.SEARCHING, S.SEARCHING, S.PLACED, S.IN_PROGRESS, S.COMPLETED, S.STOPPED):
            self.new_trajectory(status, employed=status not in (S.SEARCHING,))

    # Things to pick.

    def employers_or_none(self) -> list[Organisation | None]:
        return [*self.employers, None]

    def trajectory(self) -> Trajectory | None:
        pks = list(Trajectory.objects.values_list("pk", flat=True))
        return Trajectory.objects.get(pk=self.rng.choice(pks)) if pks else None

    def place(self) -> LearningPlace | None:
        pks = list(LearningPlace.objects.values_list("pk", flat=True))
        return LearningPlace.objects.get(pk=self.rng.choice(pks)) if pks else None

    def request(self, *states: str) -> PlacementRequest | None:
        pks = list(PlacementRequest.objects.filter(status__in=states).values_list("pk", flat=True))
        return PlacementRequest.objects.get(pk=self.rng.choice(pks)) if pks else None

    def new_place(self, employer: Organisation, crebo: str) -> None:
        LearningPlace.objects.create(
            employer=employer, crebo=crebo, capacity=self.rng.randrange(1, 4), period_start=datetime.date(2025, 1, 1)
        )

    def new_trajectory(self, status: str | None = None, *, employed: bool = False) -> None:
        TrajectoryFactory.create(
            learner=LearnerFactory.create(organisation=self.organisation),
            qualification=self.rng.choice(self.qualifications),
            employer=self.rng.choice(self.employers if employed else self.employers_or_none()),
            status=status or self.rng.choice(list(S)),
            planned_start=START,
        )

    # The changes.

    def transition(self) -> None:
        trajectory = self.trajectory()
        if trajectory is None:
            return
        to = self.rng.choice([s for s in S if s != trajectory.status])
        try:
            trajectories.transition(
                trajectory, to, by=self.admin, reason="Zo is het", stop_reason=StopReason.MOTIVATION
            )
        except ValidationError:
            # What the guards refuse here (a plan, assessments), set as ``transition`` sets it.
            trajectory.status = to
            trajectory.save(update_fields=["status", "status_changed_at"])

    def change_employer(self) -> None:
        trajectory = self.trajectory()
        if trajectory is None:
            return
        employer = self.rng.choice(self.employers_or_none())
        if employer is not None and trajectory.status in (S.PLACED, S.IN_PROGRESS) and self.rng.random() < 0.5:
            trajectories.change_employer(
                trajectory, employer=employer, workplace_trainer=self.admin, by=self.admin, reason="Verhuisd", on=START
            )
        else:
            trajectory.employer = employer
            trajectory.save(update_fields=["employer"])

    def change_qualification(self) -> None:
        trajectory = self.trajectory()
        if trajectory is None:
            return
        trajectory.qualification = self.rng.choice(self.qualifications)
        trajectory.save()  # every field

    def change_something_else(self) -> None:
        trajectory = self.trajectory()
        if trajectory is not None:
            trajectory.planned_end = START + datetime.timedelta(days=self.rng.randrange(400))
            trajectory.save(update_fields=["planned_end"])

    def create_trajectory(self) -> None:
        self.new_trajectory()

    def delete_trajectory(self) -> None:
        trajectory = self.trajectory()
        if trajectory is not None:
            trajectory.delete()

    def propose(self) -> None:
        trajectory, place = self.trajectory(), self.place()
        if trajectory is not None and place is not None:
            propose_place(trajectory, place, by=self.admin)

    def answer(self) -> None:
        request = self.request(RequestStatus.PROPOSED)
        if request is not None:
            accept = self.rng.random() < 0.7
            answer_request(request, accept=accept, by=self.admin, reason="" if accept else "Vol")

    def withdraw(self) -> None:
        request = self.request(RequestStatus.PROPOSED, RequestStatus.ACCEPTED)
        if request is not None:
            withdraw_request(request, by=self.admin, reason="Elders")

    def accept_directly(self) -> None:
        """As a published matching round does: an accepted request at once."""
        trajectory, place = self.trajectory(), self.place()
        if trajectory is not None and place is not None:
            PlacementRequest.objects.create(
                trajectory=trajectory, employer=place.employer, place=place, status=RequestStatus.ACCEPTED
            )

    def delete_request(self) -> None:
        request = self.request(*RequestStatus.values)
        if request is not None:
            request.delete()

    def create_place(self) -> None:
        self.new_place(self.rng.choice(self.employers), self.rng.choice(self.qualifications).crebo)

    def change_place(self) -> None:
        place = self.place()
        if place is None:
            return
        if self.rng.random() < 0.5:
            place.crebo = self.rng.choice(self.qualifications).crebo
        else:
            place.employer = self.rng.choice(self.employers)
        place.save()

    def change_capacity(self) -> None:
        place = self.place()
        if place is not None:
            place.capacity = self.rng.randrange(0, 4)
            place.save(update_fields=["capacity", "updated_at"])

    def delete_place(self) -> None:
        place = self.place()
        if place is not None:
            place.delete()

    def recognition(self) -> Recognition | None:
        pks = list(Recognition.objects.values_list("pk", flat=True))
        return Recognition.objects.get(pk=self.rng.choice(pks)) if pks else None

    def add_recognition(self) -> None:
        """Another period (a renewal, or one after a gap), later than the employer's others."""
        employer, crebo = self.rng.choice(self.employers), self.rng.choice(self.qualifications).crebo
        last = Recognition.objects.filter(employer=employer, crebo=crebo).order_by("-start_date").first()
        start = START
        if last is not None:
            if last.end_date is None:
                last.end_date = last.start_date + datetime.timedelta(days=self.rng.randrange(200, 900))
                last.save()
            start = last.end_date + datetime.timedelta(days=self.rng.choice([1, 60]))
        Recognition.objects.create(employer=employer, crebo=crebo, start_date=start, source=RecognitionSource.MANUAL)

    def change_recognition(self) -> None:
        recognition = self.recognition()
        if recognition is None:
            return
        if self.rng.random() < 0.5:
            recognition.withdrawn_at = None if recognition.withdrawn_at else timezone.now()
            recognition.save(update_fields=["withdrawn_at"])
        else:
            recognition.end_date = self.rng.choice([None, START, START + datetime.timedelta(days=400)])
            if recognition.end_date is not None and recognition.end_date < recognition.start_date:
                recognition.end_date = recognition.start_date
            recognition.save()

    def delete_recognition(self) -> None:
        recognition = self.recognition()
        if recognition is not None:
            recognition.delete()

    def change_employer_facts(self) -> None:
        employer = self.rng.choice(self.employers)
        change = self.rng.randrange(4)
        if change == 0:
            employer.is_active = not employer.is_active
        elif change == 1:
            employer.name = f"Leerbedrijf {self.rng.randrange(1000)}"
        elif change == 2:
            employer.latitude, employer.longitude = (
                (None, None) if employer.latitude is not None else (Decimal("53.21917"), Decimal("6.56667"))
            )
        else:
            employer.municipality = self.rng.choice([None, self.municipality])
        employer.save()

    def move_municipality(self) -> None:
        self.municipality.latitude = Decimal(f"52.{self.rng.randrange(10000, 99999)}")
        self.municipality.save()

    def step(self) -> str:
        change: Callable[[], None] = self.rng.choice(
            [
                self.transition,
                self.transition,
                self.transition,
                self.change_employer,
                self.change_qualification,
                self.change_something_else,
                self.create_trajectory,
                self.delete_trajectory,
                self.propose,
                self.propose,
                self.answer,
                self.answer,
                self.withdraw,
                self.accept_directly,
                self.delete_request,
                self.create_place,
                self.change_place,
                self.change_capacity,
                self.delete_place,
                self.add_recognition,
                self.change_recognition,
                self.delete_recognition,
                self.change_employer_facts,
                self.move_municipality,
            ]
        )
        try:
            with transaction.atomic():
                change()
        except (ValidationError, PermissionDenied, IntegrityError, ProtectedError):
            return f"{change.__name__} (refused)"
        return change.__name__


@pytest.mark.parametrize("seed", range(4))
def test_the_counts_equal_a_fresh_count_after_every_change(
    organisation: Organisation, platform_admin: User, seed: int
) -> None:
    scene = Scene(organisation, platform_admin, random.Random(seed))
    assert_exact()
    done = []
    seen: set[int] = set()  # which counts were above zero at some point
    for _ in range(120):
        done.append(scene.step())
        now = stored()
        assert now == fresh(), done
        seen |= {column for row in now.values() for column in range(2, 6) if row[column]}
    # The sequence did change the counts, and through each kind of change.
    assert {name for name in done if "refused" not in name} >= {
        "transition",
        "change_employer",
        "change_qualification",
        "delete_trajectory",
        "answer",
        "accept_directly",
        "change_place",
        "add_recognition",
        "change_recognition",
        "change_employer_facts",
        "move_municipality",
    }
    assert seen == {2, 3, 4, 5}


# --- Each kind of change on its own ----------------------------------------------------------------


@pytest.fixture
def w(organisation: Organisation, consultant: User) -> World:
    return build(organisation, consultant)


def _row(employer: Organisation) -> PlaceCounts:
    return PlaceCounts.objects.get(place__employer=employer)


def test_the_world_is_counted_as_it_was_built(w: World) -> None:
    assert (_row(w.near).completed, _row(w.near).stopped) == (3, 1)
    assert _row(w.full).placed == 1
    assert _row(w.full_by_request).accepted == 1
    assert_exact()


def test_placing_the_accepted_learner_moves_the_count_from_the_request_to_the_trajectory(w: World) -> None:
    request = PlacementRequest.objects.get(employer=w.full_by_request)
    trajectory = request.trajectory

    trajectory.employer = w.full_by_request
    trajectory.status = S.PLACED
    trajectory.save()

    row = _row(w.full_by_request)
    assert (row.accepted, row.placed) == (0, 1)
    assert_exact()


def test_a_change_in_a_rolled_back_transaction_leaves_the_counts_as_they_were(w: World) -> None:
    trajectory = Trajectory.objects.get(employer=w.full)
    before = stored()

    with pytest.raises(RuntimeError), transaction.atomic():
        trajectory.status = S.STOPPED
        trajectory.save(update_fields=["status"])
        assert _row(w.full).stopped == 1
        raise RuntimeError

    assert stored() == before


def test_a_save_that_changes_no_counted_field_costs_no_query(w: World) -> None:
    trajectory = Trajectory.objects.get(employer=w.full)
    request = PlacementRequest.objects.get(employer=w.full_by_request)
    place = LearningPlace.objects.get(employer=w.near)

    def saves(n: int) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            trajectory.planned_end = datetime.date(2027, 6, n)
            trajectory.save(update_fields=["planned_end"])
            request.message = f"Graag {n}"
            request.save(update_fields=["message"])
            place.capacity = n
            place.save(update_fields=["capacity"])
        return [q["sql"] for q in queries]

    saves(1)  # the audit log loads related objects once
    counted = saves(2)
    try:
        counts.disconnect()
        uncounted = saves(3)
    finally:
        counts.connect()

    assert len(counted) == len(uncounted)
    assert not [sql for sql in counted if "matching_placecounts" in sql]


def test_a_proposal_and_its_decline_recount_nothing(w: World, platform_admin: User) -> None:
    """Only accepted requests are counted."""
    place = LearningPlace.objects.get(employer=w.near)
    request = propose_place(w.trajectory, place, by=platform_admin)
    with CaptureQueriesContext(connection) as queries:
        answer_request(request, accept=False, by=platform_admin, reason="Vol")

    assert not [q for q in queries if "matching_placecounts" in q["sql"]]
    assert_exact()


def test_deleting_an_employer_with_a_place_leaves_no_row_behind(w: World) -> None:
    assert PlaceCounts.objects.filter(employer=w.later_period).exists()

    w.later_period.delete()

    connection.check_constraints()  # the deferred foreign keys, as at commit
    assert not PlaceCounts.objects.filter(employer_id=w.later_period.pk).exists()
    assert_exact()


def test_the_counts_are_read_by_the_suggestions(w: World) -> None:
    """The suggestions show the stored counts, not a count of their own."""
    PlaceCounts.objects.filter(place__employer=w.near).update(completed=1, stopped=1)

    near = next(s for s in suggest_places(w.trajectory).suggestions if s.place.employer == w.near)

    assert "1 of 2 trajectories completed" in near.reasons


def test_the_rebuild_corrects_what_bypassed_the_signals(w: World) -> None:
    Trajectory.objects.filter(employer=w.near, status=S.STOPPED).update(status=S.COMPLETED)  # no signal
    PlaceCounts.objects.filter(place__employer=w.far).delete()
    assert stored() != fresh()

    assert counts.rebuild_counts() == 2  # near's row wrong, far's missing
    assert_exact()
    assert counts.rebuild_counts() == 0


def test_the_command_recounts_and_says_how_many_rows_it_corrected(w: World) -> None:
    PlaceCounts.objects.filter(place__employer=w.near).update(placed=7)
    out = StringIO()

    call_command("refresh_matching_counts", stdout=out)

    assert out.getvalue().strip() == "1 learning place counts corrected"
    assert_exact()


def test_the_recount_is_a_daily_job() -> None:
    assert "werkplaats.matching.counts.refresh_matching_counts" in DAILY_JOBS


def test_the_daily_task_recounts(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    PlaceCounts.objects.filter(place__employer=w.near).update(accepted=3)
    monkeypatch.setattr(counts, "schedule_daily", lambda task: False)

    assert counts.refresh_matching_counts.call() == 1
    assert_exact()


def test_a_recount_of_many_employers_takes_the_same_queries_as_of_one(w: World) -> None:
    with CaptureQueriesContext(connection) as one:
        counts.refresh_counts([w.near.pk])
    everyone = list(Organisation.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as many:
        counts.refresh_counts(everyone)

    assert len(one) == len(many)
    assert_exact()


def test_an_import_of_recognitions_updates_the_rows_of_the_places(organisation: Organisation) -> None:
    # The import writes in bulk, without model signals.
    assert organisation.region is not None
    bakery = make_employer(organisation.region, "Bakkerij Bolhuis", slug="bakkerij-bolhuis", kvk_number="12345678")
    make_qualification("25173", "Uitvoerend bakker")
    place = LearningPlace.objects.create(employer=bakery, crebo="25173", capacity=2, period_start=START)
    assert PlaceCounts.objects.get(place=place).recognitions == 0

    import_recognitions("erkenningen.csv", csv_bytes([["12345678", "25173", "2024-01-01", ""]], header=HEADER[:4]))

    row = PlaceCounts.objects.get(place=place)
    assert (row.recognitions, row.recognition_start, row.recognition_end) == (1, datetime.date(2024, 1, 1), None)

    import_recognitions(
        "erkenningen.csv", csv_bytes([["12345678", "25173", "2024-01-01", "2026-08-31"]], header=HEADER[:4])
    )

    assert PlaceCounts.objects.get(place=place).recognition_end == datetime.date(2026, 8, 31)
    assert_exact()
