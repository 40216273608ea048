"""The timeline: logged successes and the live certificate milestones of the partnership's
regions and partner schools, newest first; milestones elsewhere stay out."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from werkplaats.certificates.models import Certificate, Milestone, MilestoneScope
from werkplaats.organisations.tests.factories import OrganisationFactory, RegionFactory
from werkplaats.partnerships.tests.factories import cast, partner

from .. import timeline
from ..models import Success

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def reached(certificate: Certificate, *, days_ago: int, count: int = 100, **where: object) -> Milestone:
    scope = MilestoneScope.REGION if "region" in where else MilestoneScope.SCHOOL
    return Milestone.objects.create(
        scope=scope,
        count=count,
        certificate=certificate,
        reached_at=timezone.now() - datetime.timedelta(days=days_ago),
        **where,
    )


def logged(partnership: object, title: str, *, days_ago: int) -> Success:
    return Success.objects.create(
        partnership=partnership,  # type: ignore[misc]
        title=title,
        happened_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def titles(partnership: object) -> list[str]:
    return [e.title for e in timeline.entries(list(timeline.keys(partnership)))]  # type: ignore[arg-type]


def test_logged_successes_and_milestones_are_one_timeline_newest_first(certificate: Certificate) -> None:
    c = cast()
    region = RegionFactory.create(name="Groningen")
    c.partnership.regions.set([region])
    logged(c.partnership, "Convenant getekend", days_ago=30)
    reached(certificate, region=region, days_ago=10)
    logged(c.partnership, "Werkgeversontbijt", days_ago=2)

    entries = timeline.entries(list(timeline.keys(c.partnership)))

    assert [e.title for e in entries] == [
        "Werkgeversontbijt",
        "100th praktijkverklaring in region Groningen",
        "Convenant getekend",
    ]
    assert [e.is_automatic for e in entries] == [False, True, False]
    assert entries[1].day == timezone.localdate() - datetime.timedelta(days=10)


def test_a_partner_schools_milestone_is_shown(certificate: Certificate) -> None:
    c = cast()  # the cast's school is a partner
    school = c.steering_member.partner.organisation  # type: ignore[union-attr]
    reached(certificate, school=school, count=25, days_ago=1)

    assert titles(c.partnership) == [f"25th praktijkverklaring of {school.name}"]


def test_milestones_of_other_regions_and_schools_are_not_shown(certificate: Certificate) -> None:
    c = cast()
    ours, theirs = RegionFactory.create(name="Groningen"), RegionFactory.create(name="Drenthe")
    c.partnership.regions.set([ours])
    employer = c.worker.partner.organisation  # type: ignore[union-attr]
    other_school = OrganisationFactory.create(kind="mbo_school", name="Drenthe College")
    reached(certificate, region=theirs, days_ago=1)
    reached(certificate, school=other_school, days_ago=1)
    reached(certificate, school=employer, days_ago=1)  # a partner, but not a school
    reached(certificate, region=ours, count=10, days_ago=3)

    assert titles(c.partnership) == ["10th praktijkverklaring in region Groningen"]


def test_a_school_that_left_takes_its_milestones_along(certificate: Certificate) -> None:
    c = cast()
    school = OrganisationFactory.create(kind="mbo_school", name="Alfa-college")
    membership = partner(c.partnership, school)
    reached(certificate, school=school, days_ago=1)
    assert len(titles(c.partnership)) == 1

    membership.left_on = timezone.localdate()
    membership.save()

    assert titles(c.partnership) == []


def test_another_partnerships_successes_are_not_shown() -> None:
    ours, theirs = cast(), cast()
    logged(theirs.partnership, "Hun succes", days_ago=1)
    logged(ours.partnership, "Ons succes", days_ago=1)

    assert titles(ours.partnership) == ["Ons succes"]


def test_recent_gives_the_last_five() -> None:
    c = cast()
    for n in range(7):
        logged(c.partnership, f"Succes {n}", days_ago=n)

    assert [e.title for e in timeline.recent(c.partnership)] == [f"Succes {n}" for n in range(5)]
