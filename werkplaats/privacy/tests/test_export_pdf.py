"""Subject access as a PDF: the same data as the JSON export, readable, for the same people."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.privacy import register
from werkplaats.privacy.export import NOT_LINKED_TO_A_LEARNER, build_export
from werkplaats.privacy.register import Subject

from .test_export import ACCOUNT_MODELS
from .world import PrivacyWorld, build

pytestmark = pytest.mark.django_db

# Values world.build() writes, spelled out here so the test does not only trust the export.
WORLD_VALUES = (
    "noor@example.nl",
    "06 12345678",
    "Zelfstandig een groep begeleiden",
    "Bij ziekte langer dan drie maanden",
    "Noor, Tineke, Sander",
    "Ziek op vrijdag",
    "Filmpje van de kring",
    "bewijs.pdf",
    "Vandaag de kring geleid",
    "Budget re-integratie Noor",
    "Noor was twee weken ziek",
    "Noor past goed bij jullie",
    "voorkeur ochtend",
    "Noor, je plan is akkoord",
    "Op verzoek van Noor opnieuw uit te geven",
)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pdf_url(world: PrivacyWorld) -> str:
    return f"/privacy/learners/{world.learner.pk}/pdf/"


def _text(response: HttpResponseBase) -> str:
    """The PDF's text, without any whitespace: a long value may wrap anywhere in its cell."""
    assert isinstance(response, HttpResponse) and response.content.startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "install poppler-utils"
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on a PDF we drew
        [pdftotext, "-enc", "UTF-8", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    return _squeeze(text)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value not in (None, ""):
        yield str(value)


def _shown(model: str, name: str, value: Any) -> list[str]:
    """How an exported value reads on paper, in Dutch: choices by their label, dates in words."""
    field = apps.get_model(model)._meta.get_field(name)
    if isinstance(value, dict) and field.choices:
        return [str(value["label"])]
    if field.get_internal_type() == "DateTimeField":
        return [format_date(timezone.localtime(datetime.datetime.fromisoformat(value)), "j F Y H:i")]
    if field.get_internal_type() == "DateField":
        return [format_date(datetime.date.fromisoformat(value), "j F Y")]
    return list(_leaves(value))


def _registered_for_the_learner() -> set[tuple[str, str]]:
    return {
        entry.key
        for entry in register.entries()
        if (entry.subject == Subject.LEARNER and entry.model not in NOT_LINKED_TO_A_LEARNER | {"privacy.Erasure"})
        or entry.model in ACCOUNT_MODELS
    }


def test_the_coordinator_gets_a_pdf_with_every_registered_field_the_learner_has() -> None:
    world = build(revoke=True)

    response = _client(world.coordinator).get(_pdf_url(world))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="learner-{world.learner.pk}.pdf"'
    text = _text(response)
    assert _squeeze(world.learner.full_name) in text
    for value in WORLD_VALUES:
        assert _squeeze(value) in text, value

    # Every filled value of every registered field, as the JSON export holds it.
    expected = _registered_for_the_learner() - register.sensitive_fields()  # a coordinator may not see those
    export = build_export(world.learner, include_sensitive=False)
    filled: set[tuple[str, str]] = set()
    missing = []
    with translation.override("nl"):
        for section in export.sections:
            for record in section.records:
                for name, _label, value in record.fields:
                    if (section.model, name) not in expected or value in (None, "", [], {}):
                        continue
                    filled.add((section.model, name))
                    missing += [
                        (section.model, name, s) for s in _shown(section.model, name, value) if _squeeze(s) not in text
                    ]
    assert missing == []
    assert len(filled) >= 50  # the world fills all but ten of the registered fields
    assert ("trajectories.Learner", "date_of_birth") in filled
    assert "Dyslexie" not in text


def test_the_learner_gets_their_own_pdf_with_support_needs_in_their_language() -> None:
    world = build()
    world.learner_user.language = "en"
    world.learner_user.save()
    client = _client(world.learner_user)

    page = client.get(f"/privacy/learners/{world.learner.pk}/")
    response = client.get(_pdf_url(world))

    assert f'href="{_pdf_url(world)}"' in page.content.decode()
    assert response.status_code == 200
    text = _text(response)
    assert "Dyslexie;heeftextratijdnodig" in text
    born = world.learner.date_of_birth
    with translation.override("en"):
        assert _squeeze(format_date(born, "j F Y")) in text
    with translation.override("nl"):
        assert _squeeze(format_date(born, "j F Y")) not in text


def test_the_pdf_is_for_the_same_people_as_the_json() -> None:
    world = build()
    url = _pdf_url(world)

    assert _client(world.consultant).get(url).status_code == 403  # sees the learner; no coordinator
    assert _client(world.consultant).get(url.replace("/pdf/", "/json/")).status_code == 403
    assert _client(world.outsider).get(url).status_code == 404
    assert _client(world.outsider).get(url.replace("/pdf/", "/json/")).status_code == 404
    assert _client().get(url).status_code == 302
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT, object_id=str(world.learner.pk)).exists()


def test_a_pdf_download_is_audited() -> None:
    world = build()

    assert _client(world.coordinator).get(_pdf_url(world)).status_code == 200

    entry = AuditLogEntry.objects.get(action=Action.EXPORT, object_id=str(world.learner.pk))
    assert entry.actor == world.coordinator
    assert entry.object_repr.endswith("(pdf)")
    assert entry.subject_organisation_id == world.learner.organisation_id
