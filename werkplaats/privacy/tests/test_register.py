"""The register of personal data stays complete: every field that looks personal is registered
or explained, and every registered field exists."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from werkplaats.privacy import register
from werkplaats.privacy.register import NOT_PERSONAL, REGISTER, Category, looks_personal, models_about_learners


def _our_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("werkplaats.") and not m._meta.proxy]


def test_every_field_that_looks_personal_is_registered_or_explained() -> None:
    about_learners = models_about_learners()
    known = register.entry_keys() | set(NOT_PERSONAL)
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in _our_models()
        for field in model._meta.concrete_fields
        if looks_personal(model, field, about_learners) and (model._meta.label, field.name) not in known
    ]
    assert not missing, "Add these fields to privacy/register.py (REGISTER or NOT_PERSONAL): " + ", ".join(missing)


def test_every_registered_field_exists() -> None:
    for key in [*register.entry_keys(), *NOT_PERSONAL]:
        model = apps.get_model(key[0])
        model._meta.get_field(key[1])  # raises FieldDoesNotExist for a stale entry


def test_no_field_is_both_registered_and_called_not_personal() -> None:
    assert not register.entry_keys() & set(NOT_PERSONAL)
    assert len(register.entry_keys()) == len(REGISTER), "a field is registered twice"


def test_a_new_personal_field_would_be_noticed() -> None:
    learner = apps.get_model("trajectories", "Learner")
    about_learners = models_about_learners()
    fields: list[models.Field[object, object]] = [models.CharField(max_length=10), models.TextField()]
    for name, field in zip(("home_address", "health_notes"), fields, strict=True):
        field.set_attributes_from_name(name)
        assert looks_personal(learner, field, about_learners)
        assert (learner._meta.label, name) not in register.entry_keys()


def test_support_needs_and_only_health_data_are_sensitive() -> None:
    assert register.sensitive_fields() == {("trajectories.Learner", "support_needs")}
    assert all(entry.category in Category.values for entry in REGISTER)


def test_the_models_about_learners_include_their_work_and_certificates() -> None:
    labels = {m._meta.label for m in models_about_learners()}
    assert {"trajectories.Trajectory", "trajectories.EvidenceFile", "certificates.Certificate"} <= labels
    assert "partnerships.Partnership" not in labels
