"""The CSV export of the learning-company search: the same rows as the page, every page of them, in Dutch,
streamed, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.core.exports import csv_text as csv_safe
from werkplaats.organisations.models import Municipality, Region
from werkplaats.qualifications.models import QualificationFile

from .test_search import EMMEN, SAPPEMEER, employer, qualification, qualification_file, recognise

SEARCH = reverse("learning_companies:search")
EXPORT = reverse("learning_companies:export")


@pytest.fixture
def bakery_catalogue(db: None) -> QualificationFile:
    file = qualification_file("23082", "Bakkerij")
    qualification(file, "25173", "Uitvoerend bakker")
    return file


@pytest.fixture
def signed_in(client: Client, consultant: User) -> Client:
    client.force_login(consultant)
    return client


@pytest.fixture
def groningen_centre(groningen: Region) -> Municipality:
    return Municipality.objects.create(
        name="Groningen", region=groningen, latitude=Decimal("53.21940"), longitude=Decimal("6.56650")
    )


def download(client: Client, params: dict[str, str]) -> list[list[str]]:
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def page_rows(client: Client, params: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, crebo, free places) of every row on every page of the search."""
    rows, number = [], 1
    while True:
        response = client.get(SEARCH, {**params, "page": str(number)})
        page = response.context["page"]
        rows += [
            (r["company"].employer_name, r["company"].crebo, str(r["company"].free_places))
            for r in response.context["rows"]
        ]
        if not page.has_next():
            return rows
        number += 1


def test_the_csv_has_the_same_rows_as_all_pages_of_the_search(
    signed_in: Client, bakery_catalogue: Any, groningen: Region, groningen_centre: Municipality
) -> None:
    for n in range(30):
        recognise(employer(f"Bakkerij {n:02d}", at=SAPPEMEER if n % 2 else EMMEN, region=groningen), places=n % 3)
    recognise(employer("Bakkerij Elders", at=SAPPEMEER))  # another region
    params = {"q": "25173", "region": str(groningen.pk), "near": f"m{groningen_centre.pk}", "radius": "100"}
    on_pages = page_rows(signed_in, params)
    assert len(on_pages) == 30
    exported = download(signed_in, params)[1:]
    assert [(row[0], row[3], row[7]) for row in exported] == on_pages


def test_the_csv_lists_distances_with_a_decimal_comma(
    signed_in: Client, bakery_catalogue: Any, groningen_centre: Municipality
) -> None:
    recognise(employer("Sappemeer", at=SAPPEMEER))
    header, row = download(signed_in, {"q": "25173", "near": f"m{groningen_centre.pk}"})
    assert len(header) == 9
    assert row[8] == "16,2"


def test_the_csv_has_dutch_column_headers_by_default(signed_in: Client, bakery_catalogue: Any) -> None:
    recognise(employer("Hilvers Bakkerij", city="Groningen"))
    header, row = download(signed_in, {"q": "25173"})
    assert header[:5] == ["Werkgever", "Plaats", "Arbeidsmarktregio", "Crebo", "Kwalificatie"]
    assert row[:5] == ["Hilvers Bakkerij", "Groningen", row[2], "25173", "Uitvoerend bakker"]


def test_the_csv_follows_a_user_who_chose_english(signed_in: Client, consultant: User, bakery_catalogue: Any) -> None:
    recognise(employer("Hilvers Bakkerij"))
    consultant.language = "en"
    consultant.save(update_fields=["language"])
    header, _row = download(signed_in, {"q": "25173"})
    assert header[:3] == ["Employer", "Place", "Labour-market region"]


def test_a_company_name_that_is_a_formula_is_neutralised(signed_in: Client, bakery_catalogue: Any) -> None:
    recognise(employer('=HYPERLINK("http://evil.example/","Klik")', slug="evil"))
    _header, row = download(signed_in, {"q": "25173"})
    assert row[0] == '\'=HYPERLINK("http://evil.example/","Klik")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 50 123", "'+31 50 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Bakkerij = goed", "Bakkerij = goed"),
        (3, "3"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(value: object, expected: str) -> None:
    assert csv_safe(value) == expected


def test_a_csv_with_bad_input_sends_the_user_back_to_the_form(signed_in: Client, bakery_catalogue: Any) -> None:
    response = signed_in.get(EXPORT, {"q": "abc", "radius": "-5"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SEARCH}?")
    follow = signed_in.get(response["Location"])
    assert follow.context["form"].errors["q"]
    assert follow.context["form"].errors["radius"]


def test_a_csv_without_a_code_asks_for_one_on_the_form(signed_in: Client, bakery_catalogue: Any) -> None:
    response = signed_in.get(EXPORT)
    assert response.status_code == 302
    assert signed_in.get(response["Location"]).context["form"].errors["q"]


def test_an_anonymous_visitor_cannot_download(client: Client, db: None) -> None:
    response = client.get(EXPORT, {"q": "25173"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT, params)
        assert isinstance(response, StreamingHttpResponse)
        b"".join(response.streaming_content)
    return len(queries)


def test_the_query_count_of_the_csv_does_not_grow_with_the_number_of_rows(
    signed_in: Client, bakery_catalogue: Any, groningen_centre: Municipality
) -> None:
    params = {"q": "25173", "near": f"m{groningen_centre.pk}", "radius": "100"}
    for n in range(5):
        recognise(employer(f"Bakkerij {n:02d}", at=SAPPEMEER))
    few = _queries(signed_in, params)
    for n in range(5, 60):
        recognise(employer(f"Bakkerij {n:02d}", at=EMMEN))
    many = _queries(signed_in, params)
    assert len(download(signed_in, params)) == 61
    assert few == many
