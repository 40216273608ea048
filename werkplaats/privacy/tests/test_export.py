"""Subject access: the export holds every registered field of the person, and nothing secret."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.privacy import register
from werkplaats.privacy.export import NOT_LINKED_TO_A_LEARNER, build_export
from werkplaats.privacy.register import Subject

from .world import build

pytestmark = pytest.mark.django_db

# What a learner's own account holds, besides their learner record.
ACCOUNT_MODELS = {
    "accounts.User",
    "organisations.Membership",
    "notifications.Notification",
    "notifications.NotificationSettings",
}


def test_the_export_covers_every_field_the_register_lists_for_the_learner() -> None:
    world = build(revoke=True)
    client = Client()
    client.force_login(world.learner_user)

    response = client.get(f"/privacy/learners/{world.learner.pk}/json/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    covered = {
        (section["model"], name)
        for section in data["sections"]
        for record in section["records"]
        for name in record["fields"]
    }
    expected = {
        entry.key
        for entry in register.entries()
        if (entry.subject == Subject.LEARNER and entry.model not in NOT_LINKED_TO_A_LEARNER | {"privacy.Erasure"})
        or entry.model in ACCOUNT_MODELS
    }
    assert expected - covered == set()
    # The learner reads their own support needs; nobody reads a password hash.
    assert "Dyslexie" in response.content.decode()
    assert ("accounts.User", "password") not in covered
    assert AuditLogEntry.objects.filter(
        action=Action.EXPORT, object_id=str(world.learner.pk), actor=world.learner_user
    ).exists()


def test_a_coordinator_without_a_role_in_the_trajectory_gets_no_support_needs(english: None) -> None:
    world = build()
    export = build_export(world.learner, include_sensitive=False)
    assert ("trajectories.Learner", "support_needs") not in export.covered()
    assert export.withheld == ["support needs"]
    assert "Dyslexie" not in json.dumps(export.as_dict(), default=str)

    client = Client()
    client.force_login(world.coordinator)
    page = client.get(f"/privacy/learners/{world.learner.pk}/")
    assert page.status_code == 200
    assert "Dyslexie" not in page.content.decode()
    assert "Noor was twee weken ziek" in page.content.decode()


def test_every_label_of_the_export_is_in_dutch_for_a_dutch_reader() -> None:
    from django.utils import translation

    from werkplaats.audit.tests.test_field_names import SAME_IN_DUTCH

    world = build()
    with translation.override("en"):
        english = build_export(world.learner, include_sensitive=True)
    with translation.override("nl"):
        dutch = build_export(world.learner, include_sensitive=True)

    def labels(export: object) -> list[str]:
        return [
            label
            for section in export.sections  # type: ignore[attr-defined]
            for record in section.records
            for _name, label, _value in record.fields
        ]

    pairs = list(zip(labels(english), labels(dutch), strict=True))
    assert len(pairs) > 50
    untranslated = sorted({en for en, nl in pairs if en == nl and en.lower() not in SAME_IN_DUTCH})
    assert untranslated == []
