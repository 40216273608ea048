"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

The session of the walk is for the whole partnership and organised by the manager, so the
consultant and the administrator (plain and external members) take part and answer, but may not
change, summarise or close it; the prompt sets are kept by the steering group, and any member
opens a set's conversation guide."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.tests.url_access import manager, partnership_of
from werkplaats.reflections.models import Prompt, PromptSet, ReflectionSession, SessionPrompt


def prompt_set(w: Any) -> PromptSet:
    found, created = PromptSet.objects.get_or_create(partnership=partnership_of(w), name="Stuurgroep")
    if created:
        Prompt.objects.create(prompt_set=found, position=1, text="Zitten we nog op de goede weg?")
    return found


def session(w: Any) -> ReflectionSession:
    found, created = ReflectionSession.objects.get_or_create(
        partnership=partnership_of(w),
        title="Reflectie najaar",
        defaults={
            "scheduled_on": timezone.localdate() + datetime.timedelta(days=14),
            "organiser": w.coordinator,
            "prompt_set_name": "Stuurgroep",
        },
    )
    if created:
        SessionPrompt.objects.create(session=found, position=1, text="Zitten we nog op de goede weg?")
    return found


def slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def session_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": session(w).pk}


def prompt_set_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": prompt_set(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "reflections:list": slug,
    "reflections:session-add": slug,
    "reflections:session": session_kwargs,
    "reflections:session-edit": session_kwargs,
    "reflections:session-answer": session_kwargs,
    "reflections:session-close": session_kwargs,
    "reflections:prompt-sets": slug,
    "reflections:prompt-set-add-built-in": slug,
    "reflections:prompt-set-add": slug,
    "reflections:prompt-set-edit": prompt_set_kwargs,
    "reflections:prompt-set-delete": prompt_set_kwargs,
    "reflections:prompt-set-guide": prompt_set_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "reflections:session-add": manager,
    "reflections:session-edit": manager,
    "reflections:session-close": manager,
    "reflections:prompt-set-add-built-in": manager,
    "reflections:prompt-set-add": manager,
    "reflections:prompt-set-edit": manager,
    "reflections:prompt-set-delete": manager,
}
