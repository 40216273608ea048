"""``flush`` that may empty the append-only audit table.

Django's own flush (also used between transactional tests) deletes every row of every table;
the audit table's triggers refuse that. Emptying the whole database is an operator's act
outside the application, so the triggers are lifted for the duration of the flush only.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from werkplaats.audit.triggers import disable_triggers, enable_triggers


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        disable_triggers(connection)
        try:
            super().handle(**options)
        finally:
            enable_triggers(connection)
