"""Two workers delivering the same notifications at the same moment, each on its own database
connection (threads), on PostgreSQL: the claim (a conditional UPDATE) lets exactly one send."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.core.tests.threads import run_together
from werkplaats.notifications import services
from werkplaats.notifications.models import EmailFrequency, MailStatus, Notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers on one file lock",
    ),
]


def test_deliveries_at_the_same_moment_send_each_email_once(mailoutbox: list[Any]) -> None:
    people = [cast(User, UserFactory(email=f"p{i}@example.nl")) for i in range(5)]
    for person in people:
        services.set_frequency(person, EmailFrequency.DAILY)  # nothing is sent when notified
    services.notify(people, message="Bericht", key="event:1")
    for person in people:
        services.set_frequency(person, EmailFrequency.IMMEDIATE)
    ids = list(Notification.objects.values_list("pk", flat=True))

    results = run_together(4, lambda i: services.deliver(ids))

    assert sum(results) == 5
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert set(Notification.objects.values_list("mail_status", flat=True)) == {MailStatus.SENT}
