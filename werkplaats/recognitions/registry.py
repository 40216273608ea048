"""Where the answer to "is this employer recognised for this qualification on this date?" comes
from. Callers use ``is_recognised`` in services; the source behind it is configurable with
``WERKPLAATS_RECOGNITION_REGISTRY`` so that a live registry client (such as SBB's check by
leerbedrijf-ID + crebo + date) can replace or back up the local register without changing
any caller."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from werkplaats.organisations.models import Organisation

Pair = tuple[int, str]  # (employer id, crebo)


class RecognitionRegistry(Protocol):
    def is_recognised(self, employer: Organisation, crebo: str, on: datetime.date) -> bool: ...


class BulkRecognitionRegistry(RecognitionRegistry, Protocol):
    """A registry that can also answer many (employer, crebo) questions at once (lists do)."""

    def recognised_pairs(
        self, employers: Iterable[Organisation], pairs: Collection[Pair], on: datetime.date
    ) -> set[Pair]: ...


class LocalRegister:
    """The register kept in Werkplaats itself (entered by hand or imported)."""

    def is_recognised(self, employer: Organisation, crebo: str, on: datetime.date) -> bool:
        from .models import Recognition

        return Recognition.objects.filter(employer=employer, crebo=crebo).valid_on(on).exists()

    def recognised_pairs(
        self, employers: Iterable[Organisation], pairs: Collection[Pair], on: datetime.date
    ) -> set[Pair]:
        """All of ``pairs`` in one query."""
        from .models import Recognition

        if not pairs:
            return set()
        found = (
            Recognition.objects.filter(employer_id__in={e for e, _c in pairs}, crebo__in={c for _e, c in pairs})
            .valid_on(on)
            .values_list("employer_id", "crebo")
        )
        return set(found) & set(pairs)


@cache
def _registry(path: str) -> RecognitionRegistry:
    return import_string(path)()


def get_registry() -> RecognitionRegistry:
    return _registry(settings.WERKPLAATS_RECOGNITION_REGISTRY)
