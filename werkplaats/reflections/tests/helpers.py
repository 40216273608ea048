"""Sessions for the reflection tests, built through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.models import Group, Partnership

from .. import services
from ..models import PromptSet, ReflectionSession

TEXTS = ["Zitten we nog op de goede weg?", "Is iedereen nog betrokken en geïnspireerd?"]


def prompt_set(partnership: Partnership, name: str = "Stuurgroep", texts: list[str] | None = None) -> PromptSet:
    return services.save_prompt_set(partnership, name=name, texts=texts or TEXTS)


def planned(
    partnership: Partnership, by: Any, *, group: Group | None = None, title: str = "Reflectie", days: int = 7
) -> ReflectionSession:
    chosen = partnership.prompt_sets.first() or prompt_set(partnership)
    return services.plan_session(
        partnership,
        by=by,
        title=title,
        scheduled_on=timezone.localdate() + datetime.timedelta(days=days),
        group=group,
        prompt_set=chosen,
    )


def answer_all(session: ReflectionSession, user: Any, text: str = "Ja") -> None:
    services.save_answers(session, by=user, answers={p.pk: f"{text} ({p.position})" for p in session.prompts.all()})
