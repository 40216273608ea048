"""An issued certificate stays unchangeable, with one exception: when the learner's personal data
is erased (werkplaats/privacy/services.py), the holder's name and date of birth on the certificate
become the learner's pseudonym ("Deelnemer", "#<learner id>", 1 January 1900), once and for good.
The database allows exactly that change and nothing else: every other column, and any other new
value of those three, is still refused."""

from typing import Any

from django.db import migrations

CERTIFICATE = "certificates_certificate"
HOLDER = ["learner_first_name", "learner_last_name", "learner_date_of_birth"]
STATED = [
    "id", "number", "year", "sequence", "code", "trajectory_id", "learner_id", "qualification_id", "school_id",
    "employer_id", "region_id", "issued_on", "issued_at", "issued_by_id", "language", "qualification_name",
    "crebo", "level", "dossier_crebo", "dossier_version", "work_processes", "employer_name", "employer_kvk",
    "trainer_name", "school_name", "signatory_name", "place",
]  # fmt: skip
# Kept equal to PSEUDONYM_FIRST_NAME and ERASED_DATE_OF_BIRTH in werkplaats/privacy/services.py
# (a test checks that they are).
PSEUDONYM_FIRST_NAME = "Deelnemer"
ERASED_DATE_OF_BIRTH = "1900-01-01"

# The 0002 versions, to go back to.
OLD_STATED = STATED[:15] + HOLDER + STATED[15:]


def _changed(stated: list[str], *, pseudonym: bool, differs: str, birth_date: str) -> str:
    """The trigger's condition: a stated column differs (``differs``: the database's operator),
    or, with ``pseudonym``, the holder's fields change to anything but the pseudonym."""
    changed = " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in stated)
    if not pseudonym:
        return changed
    holder_changed = " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in HOLDER)
    to_pseudonym = (
        f"NEW.learner_first_name = '{PSEUDONYM_FIRST_NAME}' AND NEW.learner_last_name = '#' || NEW.learner_id "
        f"AND NEW.learner_date_of_birth = {birth_date}"
    )
    return f"{changed} OR (({holder_changed}) AND NOT ({to_pseudonym}))"


def _postgres(stated: list[str], *, pseudonym: bool) -> list[str]:
    changed = _changed(
        stated, pseudonym=pseudonym, differs="IS DISTINCT FROM", birth_date=f"DATE '{ERASED_DATE_OF_BIRTH}'"
    )
    return [
        f"""CREATE OR REPLACE FUNCTION certificate_immutable() RETURNS trigger AS $$
           BEGIN
             IF {changed} THEN RAISE EXCEPTION 'an issued certificate cannot be changed'; END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql;""",
    ]


def _sqlite(stated: list[str], *, pseudonym: bool) -> list[str]:
    # SQLite keeps dates as text.
    changed = _changed(stated, pseudonym=pseudonym, differs="IS NOT", birth_date=f"'{ERASED_DATE_OF_BIRTH}'")
    return [
        "DROP TRIGGER IF EXISTS certificate_immutable;",
        f"""CREATE TRIGGER certificate_immutable BEFORE UPDATE ON {CERTIFICATE}
            WHEN {changed}
            BEGIN SELECT RAISE(ABORT, 'an issued certificate cannot be changed'); END;""",
    ]


def _statements(vendor: str, *, pseudonym: bool) -> list[str]:
    stated = STATED if pseudonym else OLD_STATED
    if vendor == "postgresql":
        return _postgres(stated, pseudonym=pseudonym)
    if vendor == "sqlite":
        return _sqlite(stated, pseudonym=pseudonym)
    return []


def forwards(apps: Any, schema_editor: Any) -> None:
    for sql in _statements(schema_editor.connection.vendor, pseudonym=True):
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    for sql in _statements(schema_editor.connection.vendor, pseudonym=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0005_counts_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
