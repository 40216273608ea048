"""This app's part of the URL-walking access test (tests/test_url_access.py).

Organisation A's consultant uploaded a file of learners and imported the valid rows: the import
(with its rejected rows) is theirs alone, so a member of another organisation gets a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkplaats.imports.models import ImportJob, ImportKind, ImportMode, JobStatus


def job(w: Any) -> ImportJob:
    found, _created = ImportJob.objects.get_or_create(
        organisation=w.organisation,
        kind=ImportKind.LEARNERS,
        created_by=w.consultant,
        file_name="deelnemers.csv",
        defaults={
            "data": b"Voornaam,Achternaam,Geboortedatum,Doelgroep\r\nSem,Bos,1990-01-01,WW\r\nFout,Datum,x,WW\r\n",
            "headers": ["Voornaam", "Achternaam", "Geboortedatum", "Doelgroep"],
            "mapping": {"first_name": 0, "last_name": 1, "date_of_birth": 2, "target_group": 3},
            "status": JobStatus.DONE,
            "mode": ImportMode.VALID_ONLY,
            "rejected": b"PK",
        },
    )
    return found


def job_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": job(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "imports:detail": job_kwargs,
    "imports:rejected": job_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {}
