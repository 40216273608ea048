"""Milestones: the 10th, 25th, 50th, 100th… valid praktijkverklaring of a region or a school is a
success, recorded once and told to those who made it happen."""

from __future__ import annotations

import pytest

from werkplaats.accounts.models import User
from werkplaats.notifications.models import Notification
from werkplaats.trajectories.models import Trajectory

from .. import services
from ..models import Certificate, Milestone, MilestoneScope
from .world import CertificateWorld, another_ready_trajectory

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("count", [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000])
def test_round_numbers_are_milestones(count: int) -> None:
    assert services.is_milestone(count)


@pytest.mark.parametrize("count", [0, 1, 2, 5, 9, 11, 20, 24, 30, 75, 99, 101, 150, 200, 750, 1500, 2000, 9999])
def test_other_numbers_are_not(count: int) -> None:
    assert not services.is_milestone(count)


def ready(world: CertificateWorld, count: int) -> list[Trajectory]:
    return [world.trajectory] + [another_ready_trajectory(world, f"Leerling {n}") for n in range(1, count)]


def issue_all(world: CertificateWorld, trajectories: list[Trajectory]) -> list[Certificate]:
    return [services.issue(t, by=world.school_staff) for t in trajectories]


def told(key_prefix: str = "milestone:") -> list[Notification]:
    return list(Notification.objects.filter(key__startswith=key_prefix).select_related("recipient"))


def test_nine_certificates_are_no_milestone_yet(world: CertificateWorld) -> None:
    issue_all(world, ready(world, 9))

    assert not Milestone.objects.exists()
    assert not told()


def test_the_tenth_certificate_of_a_region_is_a_milestone(world: CertificateWorld) -> None:
    certificates = issue_all(world, ready(world, 10))

    milestone = Milestone.objects.get(scope=MilestoneScope.REGION)
    assert (milestone.region, milestone.school, milestone.count) == (world.work.municipality.region, None, 10)
    assert milestone.certificate == certificates[-1]
    assert milestone.subject == world.work.municipality.region


def in_english(*users: User) -> None:
    """Notifications are written in each recipient's language."""
    User.objects.filter(pk__in=[u.pk for u in users]).update(language="en")


def test_the_regions_coordinators_hear_of_it(world: CertificateWorld) -> None:
    in_english(world.coordinator)

    issue_all(world, ready(world, 10))

    region_milestone = Milestone.objects.get(scope=MilestoneScope.REGION)
    notifications = [n for n in told() if n.key == f"milestone:{region_milestone.pk}"]
    assert [n.recipient for n in notifications] == [world.coordinator]
    assert notifications[0].message == "A success: Groningen has issued its 10th praktijkverklaring."
    assert notifications[0].url


def test_the_tenth_certificate_of_a_school_is_a_milestone_the_staff_hear_of(world: CertificateWorld) -> None:
    in_english(world.school_staff)

    certificates = issue_all(world, ready(world, 10))

    milestone = Milestone.objects.get(scope=MilestoneScope.SCHOOL)
    assert (milestone.school, milestone.region, milestone.count) == (world.school, None, 10)
    assert milestone.certificate == certificates[-1]
    recipients = {n.recipient for n in told() if n.key == f"milestone:{milestone.pk}"}
    assert world.school_staff in recipients
    assert world.work.consultant not in recipients
    assert world.work.outsider not in recipients  # school staff, but of another school
    message = Notification.objects.get(key=f"milestone:{milestone.pk}", recipient=world.school_staff).message
    assert message == "A success: Noorderpoort has issued its 10th praktijkverklaring."


def test_the_eleventh_is_no_milestone(world: CertificateWorld) -> None:
    trajectories = ready(world, 11)
    issue_all(world, trajectories[:10])
    before = (Milestone.objects.count(), Notification.objects.count())

    services.issue(trajectories[10], by=world.school_staff)

    assert (Milestone.objects.count(), Notification.objects.count()) == before


def test_only_valid_certificates_count(world: CertificateWorld) -> None:
    trajectories = ready(world, 10)
    certificates = issue_all(world, trajectories[:9])
    services.revoke(certificates[0], by=world.school_staff, reason="Fout")

    services.issue(trajectories[9], by=world.school_staff)

    assert not Milestone.objects.exists()


def test_reaching_ten_again_after_a_revocation_is_not_celebrated_twice(world: CertificateWorld) -> None:
    certificates = issue_all(world, ready(world, 10))
    assert Milestone.objects.count() == 2
    notifications = Notification.objects.count()
    services.revoke(certificates[3], by=world.school_staff, reason="Verkeerde naam")
    revocation_notices = Notification.objects.count() - notifications

    corrected = services.issue(certificates[3].trajectory, by=world.school_staff)

    assert Certificate.objects.valid().count() == 10
    assert corrected.sequence == 11
    assert sorted(Milestone.objects.values_list("scope", "count", "certificate")) == [
        (MilestoneScope.REGION, 10, certificates[-1].pk),
        (MilestoneScope.SCHOOL, 10, certificates[-1].pk),
    ]
    assert Notification.objects.count() == notifications + revocation_notices
