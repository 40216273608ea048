"""The database itself refuses to change what an issued certificate states, or a revocation: the
model refuses it too, but raw SQL and bulk updates pass the model by. Only the stored PDF (its
file name and hash) may be filled in after issuing. A migration that adds a column to the
certificate adds it to this list."""

from typing import Any

from django.db import migrations

CERTIFICATE = "certificates_certificate"
REVOCATION = "certificates_revocation"
STATED = [
    "id", "number", "year", "sequence", "code", "trajectory_id", "learner_id", "qualification_id", "school_id",
    "employer_id", "region_id", "issued_on", "issued_at", "issued_by_id", "language", "learner_first_name",
    "learner_last_name", "learner_date_of_birth", "qualification_name", "crebo", "level", "dossier_crebo",
    "dossier_version", "work_processes", "employer_name", "employer_kvk", "trainer_name", "school_name",
    "signatory_name", "place",
]  # fmt: skip


def _postgres_create() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in STATED)
    return [
        f"""CREATE OR REPLACE FUNCTION certificate_immutable() RETURNS trigger AS $$
           BEGIN
             IF {changed} THEN RAISE EXCEPTION 'an issued certificate cannot be changed'; END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER certificate_immutable BEFORE UPDATE ON {CERTIFICATE}
            FOR EACH ROW EXECUTE FUNCTION certificate_immutable();""",
        """CREATE OR REPLACE FUNCTION revocation_immutable() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'a revocation cannot be changed'; END; $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER revocation_immutable BEFORE UPDATE ON {REVOCATION}
            FOR EACH ROW EXECUTE FUNCTION revocation_immutable();""",
    ]


POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS certificate_immutable ON {CERTIFICATE};",
    "DROP FUNCTION IF EXISTS certificate_immutable();",
    f"DROP TRIGGER IF EXISTS revocation_immutable ON {REVOCATION};",
    "DROP FUNCTION IF EXISTS revocation_immutable();",
]


def _sqlite_create() -> list[str]:
    # "UPDATE OF" fires when a listed column is assigned; the WHEN keeps assigning the same
    # value (as Django's save(update_fields) never does here, but a bulk update might) harmless.
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in STATED)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS certificate_immutable BEFORE UPDATE ON {CERTIFICATE}
            WHEN {changed}
            BEGIN SELECT RAISE(ABORT, 'an issued certificate cannot be changed'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS revocation_immutable BEFORE UPDATE ON {REVOCATION}
            BEGIN SELECT RAISE(ABORT, 'a revocation cannot be changed'); END;""",
    ]


SQLITE_DROP = ["DROP TRIGGER IF EXISTS certificate_immutable;", "DROP TRIGGER IF EXISTS revocation_immutable;"]


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgres_create(), "sqlite": _sqlite_create()}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
