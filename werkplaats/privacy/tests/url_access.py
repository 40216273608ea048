"""This app's part of the URL-walking access test (tests/test_url_access.py).

A learner of organisation A: the coordinators of A (and of its region) read everything linked to
them and erase it; a consultant of A sees the learner but may not; a member of another region
sees nothing. The register of processing activities is for platform administrators. Every
logged-in user opens "who looked at my data" (it shows their own learner record's entries only).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import models

from werkplaats.privacy.models import Erasure, LearnerRecord
from werkplaats.trajectories.models import Learner, TargetGroup


def learner(w: Any) -> Learner:
    return Learner.objects.get_or_create(
        organisation=w.organisation,
        first_name="Sara",
        last_name="Bakker",
        date_of_birth=datetime.date(1995, 3, 2),
        defaults={"target_group": TargetGroup.WW, "support_needs": "Gevoelig"},
    )[0]


def learner_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": learner(w).pk}


def _erasure(w: Any) -> models.Model:
    return Erasure.objects.get_or_create(learner=learner(w), defaults={"reason": "request"})[0]


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "privacy:access": learner_kwargs,
    "privacy:access-json": learner_kwargs,
    "privacy:access-pdf": learner_kwargs,
    "privacy:erase": learner_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "privacy:register": lambda w: w.platform_admin,
    "privacy:access": lambda w: w.coordinator,
    "privacy:access-json": lambda w: w.coordinator,
    "privacy:access-pdf": lambda w: w.coordinator,
    "privacy:erase": lambda w: w.coordinator,
}
_NOT_A_VIEWER = "an organisation's administrator alone does not see its learners, so not their data either"
PERSONAL: dict[str, str] = {
    "privacy:access": _NOT_A_VIEWER,
    "privacy:access-json": _NOT_A_VIEWER,
    "privacy:access-pdf": _NOT_A_VIEWER,
    "privacy:erase": _NOT_A_VIEWER,
}
ADMIN_OBJECTS: dict[str, Callable[[Any], models.Model]] = {
    "privacy.erasure": _erasure,
    "privacy.learnerrecord": lambda w: LearnerRecord.objects.get(pk=learner(w).pk),
}
