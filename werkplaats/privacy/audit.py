"""What the audit log may keep of a learner.

The audit log is append-only and kept longer than a learner's data, so it outlives an erasure.
It therefore keeps no values that identify a learner or tell their story: every field the
register lists as a learner's that holds free text, a name, a date or a file is logged as
changed without its values (the log still says who changed which field, when). Choices
(a state, a target group) and references by number stay, so the history of a trajectory can be
followed without saying whose it is; records about a learner are named by number too
(``audit_repr``).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models

from werkplaats.audit.registry import mark_sensitive

from .register import REGISTER, Subject


def learner_values() -> dict[type[models.Model], set[str]]:
    """By model, the fields (attnames) of learners' personal data whose values stay out of the log."""
    found: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in REGISTER:
        if entry.subject != Subject.LEARNER:
            continue
        field = entry.django_field()
        if field.concrete and not field.is_relation and not field.choices:
            found[entry.model_class()].add(field.attname)
    return found


def keep_learner_values_out_of_the_audit_log() -> None:
    for model, names in learner_values().items():
        mark_sensitive(model, names)
