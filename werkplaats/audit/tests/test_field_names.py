"""Every field the audit log can name as changed has a Dutch name."""

from __future__ import annotations

from django.utils import translation

from werkplaats.audit.field_names import field_label
from werkplaats.audit.registry import _registry

# Words Dutch writes the same as English.
SAME_IN_DUTCH = {
    "status",
    "code",
    "type",
    "id",
    "e-mail",
    "crebo",
    "data",
    "postcode",
    "website",
    "school",
    "start",
    "partner",
    "indicator",
    "context",
    "pdf",
    "link",
    "score",
}


def test_every_audited_field_has_a_dutch_name() -> None:
    untranslated = []
    for model, config in _registry.items():
        for field in config.fields():
            with translation.override("en"):
                english = field_label(field)
            with translation.override("nl"):
                dutch = field_label(field)
            if dutch == english and english.lower() not in SAME_IN_DUTCH:
                untranslated.append(f"{model._meta.label}.{field.name}: {english!r}")

    assert untranslated == [], "\n".join(untranslated)
