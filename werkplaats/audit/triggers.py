"""The database triggers that keep the audit table append-only (see migration 0002)."""

from typing import Any

TABLE = "audit_auditlogentry"

_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]

_POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE};",
    f"""CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();""",
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_append_only();",
]


def create_statements(vendor: str) -> list[str]:
    return {"sqlite": _SQLITE_CREATE, "postgresql": _POSTGRES_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}.get(vendor, [])


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def enable_triggers(connection: Any) -> None:
    if TABLE in connection.introspection.table_names():
        _run(connection, create_statements(connection.vendor))


def disable_triggers(connection: Any) -> None:
    if TABLE in connection.introspection.table_names():
        _run(connection, drop_statements(connection.vendor))
