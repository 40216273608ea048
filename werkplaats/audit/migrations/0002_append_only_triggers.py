"""Make the audit table append-only in the database itself, not only in the ORM.

Both SQLite and PostgreSQL refuse UPDATE and DELETE (and TRUNCATE) on the audit table, so
no code path (raw SQL, a bulk update, a script) can rewrite history. The statements live in
``werkplaats.audit.triggers`` so that ``flush`` can lift them while it empties a database.
"""

from django.db import migrations


def forward(apps, schema_editor):
    from werkplaats.audit.triggers import create_statements

    for sql in create_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    from werkplaats.audit.triggers import drop_statements

    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
