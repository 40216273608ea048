"""The export Kumu imports: exactly its sheets, columns and rows, cells that never run as a
formula, and an audit entry for every download."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.partnerships.tests.factories import Cast
from werkplaats.stakeholders import services
from werkplaats.stakeholders.models import StakeholderKind, TensionStatus

from .factories import relation, stakeholder, tension


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def kumu_map(crew: Cast) -> Cast:
    gemeente = stakeholder(
        crew.partnership,
        "Gemeente Groningen",
        influence=5,
        interest=5,
        stance="supportive",
        interests="Snelle uitstroom naar werk",
    )
    school = stakeholder(crew.partnership, "Noorderpoort", influence=4, interest=2, stance="critical")
    bijstand = stakeholder(
        crew.partnership,
        "=Werkzoekenden in de bijstand",
        kind=StakeholderKind.GROUP,
        influence=1,
        interest=4,
        interests="+ een baan | een diploma",
    )
    gone = stakeholder(crew.partnership, "Weg")
    relation(gemeente, school, "funds")
    relation(school, bijstand, "works_with")
    relation(gone, school, "supervises")
    tension(gemeente, school, "Snel of grondig")
    tension(school, bijstand, "Opgelost", status=TensionStatus.RESOLVED)
    services.remove_stakeholder(gone, by=None)
    return crew


ELEMENTS: list[list[str | None]] = [
    ["Label", "Type", "Description", "Tags"],
    ["'=Werkzoekenden in de bijstand", "group of people", "'+ een baan | een diploma", "neutral|keep informed"],
    ["Gemeente Groningen", "organisation", "Snelle uitstroom naar werk", "supportive|manage closely"],
    ["Noorderpoort", "organisation", None, "critical|keep satisfied"],
]
CONNECTIONS: list[list[str | None]] = [
    ["From", "To", "Type"],
    ["Gemeente Groningen", "Noorderpoort", "funds"],
    ["Noorderpoort", "'=Werkzoekenden in de bijstand", "works with"],
    ["Gemeente Groningen", "Noorderpoort", "tension"],
]


def test_the_workbook_has_kumus_sheets_columns_and_rows_exactly(kumu_map: Cast) -> None:
    response = _client(kumu_map.member.user).get(
        reverse("stakeholders:export-xlsx", kwargs={"slug": kumu_map.partnership.slug})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Elements", "Connections"]
    assert [list(row) for row in workbook["Elements"].iter_rows(values_only=True)] == ELEMENTS
    assert [list(row) for row in workbook["Connections"].iter_rows(values_only=True)] == CONNECTIONS


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_downloads_hold_the_same_rows(kumu_map: Cast) -> None:
    client = _client(kumu_map.member.user)
    slug = kumu_map.partnership.slug
    elements = _csv(client.get(reverse("stakeholders:export-elements", kwargs={"slug": slug})))
    connections = _csv(client.get(reverse("stakeholders:export-connections", kwargs={"slug": slug})))
    assert elements == [[cell or "" for cell in row] for row in ELEMENTS]
    assert connections == CONNECTIONS


def test_every_download_is_in_the_audit_log(kumu_map: Cast) -> None:
    client = _client(kumu_map.member.user)
    slug = kumu_map.partnership.slug
    for name in ("export-xlsx", "export-elements", "export-connections"):
        client.get(reverse(f"stakeholders:{name}", kwargs={"slug": slug}))
    entries = AuditLogEntry.objects.filter(action=Action.EXPORT).order_by("id")
    assert [(e.actor, e.changes["part"]) for e in entries] == [
        (kumu_map.member.user, "xlsx"),
        (kumu_map.member.user, "elements"),
        (kumu_map.member.user, "connections"),
    ]
    assert entries[0].changes == {"part": "xlsx", "elements": 3, "connections": 3}
