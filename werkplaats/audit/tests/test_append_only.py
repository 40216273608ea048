"""Audit entries can be added, never changed or removed: not by the model, not by a queryset,
not by raw SQL (database triggers, on SQLite and on PostgreSQL alike)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.audit.models import Action, AppendOnlyError, AuditLogEntry
from werkplaats.audit.recorder import record
from werkplaats.audit.triggers import TABLE


@pytest.fixture
def entry(db: None) -> AuditLogEntry:
    return record(Action.EXPORT, object_repr="participants.xlsx")


def _unchanged(entry: AuditLogEntry) -> bool:
    return AuditLogEntry.objects.filter(pk=entry.pk, object_repr="participants.xlsx", action=Action.EXPORT).exists()


def test_an_entry_cannot_be_saved_again(entry: AuditLogEntry) -> None:
    entry.object_repr = "something else"

    with pytest.raises(AppendOnlyError):
        entry.save()
    assert _unchanged(entry)


def test_an_entry_cannot_be_deleted(entry: AuditLogEntry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert _unchanged(entry)


def test_entries_cannot_be_updated_through_a_queryset(entry: AuditLogEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.filter(pk=entry.pk).update(object_repr="something else")
    assert _unchanged(entry)


def test_entries_cannot_be_deleted_through_a_queryset(entry: AuditLogEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.all().delete()
    assert _unchanged(entry)


def test_bulk_update_is_refused(entry: AuditLogEntry) -> None:
    entry.object_repr = "something else"

    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditLogEntry.objects.bulk_update([entry], ["object_repr"])
    assert _unchanged(entry)


def test_the_database_refuses_an_update_that_bypasses_the_model(entry: AuditLogEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLogEntry._base_manager.filter(pk=entry.pk).update(object_repr="something else")
    assert _unchanged(entry)


def test_the_database_refuses_a_raw_sql_update(entry: AuditLogEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["something else", entry.pk])  # noqa: S608
    assert _unchanged(entry)


def test_the_database_refuses_a_raw_sql_delete(entry: AuditLogEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    assert _unchanged(entry)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_to_truncate_the_audit_table(entry: AuditLogEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
    assert _unchanged(entry)


def test_deleting_a_person_keeps_their_history(db: None) -> None:
    user = UserFactory.create()
    entries = AuditLogEntry.objects.filter(object_id=str(user.pk), content_type__model="user")
    assert entries.count() == 1

    User.objects.filter(pk=user.pk).delete()

    assert entries.count() == 2
    assert set(entries.values_list("action", flat=True)) == {Action.CREATE, Action.DELETE}


def test_new_entries_can_still_be_added(entry: AuditLogEntry) -> None:
    record(Action.EXPORT, object_repr="second.xlsx")

    assert AuditLogEntry.objects.filter(action=Action.EXPORT).count() == 2
