"""The demo: Groningen's working groups have answered reports with decisions and actions, one
report awaiting a decision and one overdue, and the cadence adds no gaps afterwards."""

from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.partnerships.models import Action, ActionOrigin, ActionStatus, GroupKind, ProgressReport
from werkplaats.partnerships.tests.factories import Cast, PartnershipFactory, group
from werkplaats.steering import demo, services


def test_the_demo_fills_the_cadence_of_the_groningen_working_groups(c: Cast) -> None:
    today = timezone.localdate()
    c.steering.name = demo.STEERING
    c.steering.save()
    c.working.name = demo.EMPLOYERS
    c.working.starts_on = today - datetime.timedelta(weeks=20)
    c.working.save()
    route = group(
        c.partnership,
        GroupKind.WORKING,
        c.member,
        name=demo.LEARNING_ROUTE,
        coordinator=c.member.user,
        accountable_to=c.steering,
        report_every_weeks=8,
        starts_on=today - datetime.timedelta(weeks=17),
    )
    werkplaats = PartnershipFactory.create()

    demo.load(c.partnership, werkplaats)

    reports = ProgressReport.objects.filter(group__partnership=c.partnership)
    assert reports.filter(status="answered").exclude(decision="").count() == 2 + 1
    assert list(reports.filter(status="submitted").values_list("group__name", flat=True)) == [demo.EMPLOYERS]
    assert list(reports.overdue(today).values_list("group", flat=True)) == [route.pk]
    from_reports = Action.objects.filter(partnership=c.partnership, origin=ActionOrigin.PROGRESS_REPORT)
    assert from_reports.count() == 5
    assert set(from_reports.values_list("origin_id", flat=True)) <= set(reports.values_list("pk", flat=True))
    assert Action.objects.filter(partnership=c.partnership, status=ActionStatus.DONE).exists()
    assert Action.objects.filter(partnership=c.partnership, status=ActionStatus.OPEN).exists()
    assert Action.objects.filter(partnership=werkplaats).count() == 2

    # Opening the reports page afterwards adds no back-dated gaps.
    services.ensure_due_reports(today)
    assert reports.overdue(today).count() == 1
