"""Signals of the recognitions app."""

from django.dispatch import Signal

# Sent after recognitions were added or changed in bulk (an import), which sends no model signals:
# ``employer_ids`` is the set of employers whose recognitions changed.
recognitions_changed = Signal()
