"""Page stamps: a counter per trajectory that the database raises on every write to a row that the
trajectory page shows, so a rendered page can be kept and served again for as long as its stamp
is unchanged (werkplaats/trajectories/pagecache.py).

Triggers, not Django signals: they also see bulk ``update()`` and ``delete()`` calls, raw SQL,
imports and the erasure of personal data, so no write can leave a kept page stale. A write to a
table of the page that is not tied to one trajectory (names of organisations and people,
memberships and roles, qualifications, matching rounds, the register of recognised learning
companies) raises that table's shared stamp (rows
-1, -2, ...), and every kept page depends on their sum. One row per table, so that a long import
of qualifications does not hold up a change of membership. ``test_page_cache.py`` checks that every table the page reads has a
trigger here.
"""

from typing import Any

from django.db import migrations, models

STAMP = "trajectories_pagestamp"

# Per table: a query for the trajectories a row touches, as a column ``t``; ``{row}`` is NEW or OLD.
PER_TRAJECTORY = {
    "trajectories_trajectory": "SELECT {row}.id AS t",
    "trajectories_learner": "SELECT id AS t FROM trajectories_trajectory WHERE learner_id = {row}.id",
    "trajectories_trajectoryevent": "SELECT {row}.trajectory_id AS t",
    "trajectories_fundingsource": "SELECT {row}.trajectory_id AS t",
    "trajectories_learningplanversion": "SELECT {row}.trajectory_id AS t",
    "trajectories_learningplanversion_work_processes": (
        "SELECT trajectory_id AS t FROM trajectories_learningplanversion WHERE id = {row}.learningplanversion_id"
    ),
    "trajectories_planapproval": (
        "SELECT trajectory_id AS t FROM trajectories_learningplanversion WHERE id = {row}.version_id"
    ),
    "trajectories_progressreview": "SELECT {row}.trajectory_id AS t",
    "trajectories_practicehours": "SELECT {row}.trajectory_id AS t",
    "trajectories_workprocessassessment": "SELECT {row}.trajectory_id AS t",
    "trajectories_logentry": "SELECT {row}.trajectory_id AS t",
    "certificates_certificate": "SELECT {row}.trajectory_id AS t",
    "certificates_revocation": "SELECT trajectory_id AS t FROM certificates_certificate WHERE id = {row}.certificate_id",
    "matching_roundlearner": "SELECT {row}.trajectory_id AS t",
}
SHARED_TABLES = [
    "accounts_user",
    "organisations_region",
    "organisations_organisation",
    "organisations_membership",
    "organisations_membershiprole",
    "qualifications_qualification",
    "qualifications_coretask",
    "qualifications_workprocess",
    "matching_matchinground",
    # The placement guard asks the register whether the employer is recognised.
    "recognitions_recognition",
]
# A login writes the user's last_login; that is not on any page, and should not raise the stamp.
USER_TABLE = "accounts_user"
USER_COLUMNS_NOT_SHOWN = {"last_login"}


def _bump(ids: str) -> str:
    # Constant SQL: table names and queries of this module, no input.
    return (
        f"INSERT INTO {STAMP} (trajectory_id, n) SELECT t, 1 FROM ({ids}) AS touched WHERE t IS NOT NULL "  # noqa: S608
        f"ON CONFLICT (trajectory_id) DO UPDATE SET n = {STAMP}.n + 1;"
    )


def _shared_bump(table: str) -> str:
    """The shared stamp of ``table``: -1 for the first of SHARED_TABLES, -2 for the next."""
    return _bump(f"SELECT {-1 - SHARED_TABLES.index(table)} AS t")


def _update_of(columns: list[str]) -> str:
    return "UPDATE OF " + ", ".join(columns)


def _postgres(user_columns: list[str]) -> list[str]:
    statements = []
    for table, ids in PER_TRAJECTORY.items():
        statements += [
            f"""CREATE OR REPLACE FUNCTION pagestamp_{table}() RETURNS trigger AS $$
               BEGIN
                 IF TG_OP <> 'INSERT' THEN {_bump(ids.format(row="OLD"))} END IF;
                 IF TG_OP <> 'DELETE' THEN {_bump(ids.format(row="NEW"))} END IF;
                 RETURN NULL;
               END; $$ LANGUAGE plpgsql;""",
            f"DROP TRIGGER IF EXISTS pagestamp ON {table};",
            f"""CREATE TRIGGER pagestamp AFTER INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION pagestamp_{table}();""",
        ]
    for table in SHARED_TABLES:
        update = _update_of(user_columns) if table == USER_TABLE else "UPDATE"
        statements += [
            f"""CREATE OR REPLACE FUNCTION pagestamp_{table}() RETURNS trigger AS $$
               BEGIN {_shared_bump(table)} RETURN NULL; END; $$ LANGUAGE plpgsql;""",
            f"DROP TRIGGER IF EXISTS pagestamp ON {table};",
            # Once per statement: a bulk import of organisations raises the shared stamp once.
            f"""CREATE TRIGGER pagestamp AFTER INSERT OR {update} OR DELETE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION pagestamp_{table}();""",
        ]
    return statements


def _sqlite(user_columns: list[str]) -> list[str]:
    statements = []
    for table, ids in PER_TRAJECTORY.items():
        old, new = _bump(ids.format(row="OLD")), _bump(ids.format(row="NEW"))
        statements += [
            f"CREATE TRIGGER pagestamp_{table}_insert AFTER INSERT ON {table} BEGIN {new} END;",
            f"CREATE TRIGGER pagestamp_{table}_update AFTER UPDATE ON {table} BEGIN {old} {new} END;",
            f"CREATE TRIGGER pagestamp_{table}_delete AFTER DELETE ON {table} BEGIN {old} END;",
        ]
    for table in SHARED_TABLES:
        update = _update_of(user_columns) if table == USER_TABLE else "UPDATE"
        statements += [
            f"CREATE TRIGGER pagestamp_{table}_insert AFTER INSERT ON {table} BEGIN {_shared_bump(table)} END;",
            f"CREATE TRIGGER pagestamp_{table}_update AFTER {update} ON {table} BEGIN {_shared_bump(table)} END;",
            f"CREATE TRIGGER pagestamp_{table}_delete AFTER DELETE ON {table} BEGIN {_shared_bump(table)} END;",
        ]
    return statements


def _user_columns(apps: Any) -> list[str]:
    user = apps.get_model("accounts", "User")
    return [f.column for f in user._meta.concrete_fields if f.column not in USER_COLUMNS_NOT_SHOWN]


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgres(_user_columns(apps))
    elif vendor == "sqlite":
        statements = _sqlite(_user_columns(apps))
    else:  # pragma: no cover - the project runs on these two
        return
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in [*PER_TRAJECTORY, *SHARED_TABLES]:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS pagestamp ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS pagestamp_{table}();")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS pagestamp_{table}_{event};")


class Migration(migrations.Migration):
    dependencies = [
        ("trajectories", "0004_fill_trajectory_region"),
        ("accounts", "0001_initial"),
        ("organisations", "0005_organisation_organisation_inactive_idx"),
        ("qualifications", "0001_initial"),
        ("matching", "0005_fill_place_search_facts"),
        ("certificates", "0006_erasure_pseudonymises_the_holder"),
        ("recognitions", "0002_recognition_current_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageStamp",
            fields=[
                ("trajectory_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "page stamp", "verbose_name_plural": "page stamps"},
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
