"""The invitation e-mail also goes out through the real queue: the database backend and its worker.

These tests commit for real (``transaction=True``): the invitation is enqueued when its
transaction commits, and the worker checks its connection the way a separate process would.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.services import invite_member, revoke_invitation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_database_tasks"),
]


@pytest.fixture
def _database_tasks() -> Any:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        yield


def _worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())


def test_the_invitation_waits_in_the_queue_until_a_worker_runs(
    organisation: Organisation, org_admin: User, mailoutbox: list[Any]
) -> None:
    invite_member(organisation, email="fenna@example.nl", roles=[Role.MEMBER], by=org_admin)

    assert DBTaskResult.objects.ready().count() == 1
    assert mailoutbox == []


def test_the_database_worker_sends_the_invitation_once(
    organisation: Organisation, org_admin: User, mailoutbox: list[Any]
) -> None:
    invite_member(organisation, email="fenna@example.nl", roles=[Role.MEMBER], by=org_admin, language="en")

    _worker()
    _worker()

    assert [m.to for m in mailoutbox] == [["fenna@example.nl"]]
    assert mailoutbox[0].subject == "Invitation to join Gemeente Haren in Werkplaats"
    assert DBTaskResult.objects.successful().count() == 1


def test_a_withdrawn_invitation_is_not_sent_by_the_worker(
    organisation: Organisation, org_admin: User, mailoutbox: list[Any]
) -> None:
    invitation = invite_member(organisation, email="fenna@example.nl", roles=[Role.MEMBER], by=org_admin)
    revoke_invitation(invitation, by=org_admin)

    _worker()

    assert mailoutbox == []
    assert DBTaskResult.objects.successful().count() == 1


def test_the_queue_never_holds_the_link_and_the_mailed_link_is_the_valid_one(
    organisation: Organisation, org_admin: User, mailoutbox: list[Any]
) -> None:
    import hashlib
    import re

    invitation = invite_member(organisation, email="fenna@example.nl", roles=[Role.MEMBER], by=org_admin)
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [invitation.pk], "kwargs": {}}

    _worker()

    token = re.search(r"/invitations/([^/\s]+)/", mailoutbox[0].body).group(1)  # type: ignore[union-attr]
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(DBTaskResult.objects.get().args_kwargs)
