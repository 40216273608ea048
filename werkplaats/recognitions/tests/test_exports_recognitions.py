"""Downloads of the recognition register (of the employers the index finds, or of one employer)
and of the learning-company search: the same columns and rows in CSV and XLSX, Dutch headers
unless the user chose English, a query count that does not grow with the rows, an audit entry per
download, and nothing a spreadsheet would run. The register is reference data every logged-in
user reads, so every employer's recognitions may be downloaded; other kinds of organisation have
no register."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.core.tests.test_exports_table import read_csv, read_xlsx
from werkplaats.organisations.models import Municipality, Organisation, Region
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions import views
from werkplaats.recognitions.models import Recognition

from .factories import employer, recognition

ENGLISH = [
    "Employer",
    "KvK number",
    "Place",
    "Labour-market region",
    "Crebo",
    "Qualification",
    "From",
    "Until",
    "Places",
    "Source",
    "Last verified",
    "Status",
    "Reason for withdrawal",
]


def _client(user: User, language: str = "") -> Client:
    if language:
        User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def _downloads(client: Client, query: str = "") -> tuple[list[list[str]], list[list[str]]]:
    suffix = f"?{query}" if query else ""
    return (
        read_csv(client.get(reverse("recognitions:export-csv") + suffix)),
        read_xlsx(client.get(reverse("recognitions:export-xlsx") + suffix)),
    )


@pytest.fixture
def register(bakery: Organisation, uitvoerend_bakker: Qualification, verkoper: Qualification) -> list[Recognition]:
    """The bakery: recognised for Uitvoerend bakker (verified), and for Verkoper until it was
    withdrawn; another employer for a crebo that is not in the catalogue."""
    withdrawn = recognition(bakery, "25167", start_date=datetime.date(2023, 1, 1), places_offered=1)
    Recognition.objects.filter(pk=withdrawn.pk).update(
        end_date=datetime.date(2024, 6, 30), withdrawn_at=timezone.now(), withdrawal_reason="Geen opleider meer"
    )
    return [
        recognition(
            bakery,
            "25173",
            start_date=datetime.date(2024, 1, 1),
            places_offered=3,
            last_verified_on=datetime.date(2025, 2, 3),
        ),
        withdrawn,
        recognition(
            employer(bakery.region, "Zuivel Zuid", city="Zuidbroek", kvk_number="87654321"),  # type: ignore[arg-type]
            "99999",
            start_date=datetime.date(2025, 1, 1),
        ),
    ]


def test_csv_and_xlsx_have_the_same_columns_and_rows(register: list[Recognition], consultant: User) -> None:
    from_csv, from_xlsx = _downloads(_client(consultant, "en"))

    assert from_csv == from_xlsx
    assert from_csv == [
        ENGLISH,
        [
            "Bakkerij Bolhuis",
            "12345678",
            from_csv[1][2],
            "Groningen",
            "25167",
            "Verkoper",
            "2023-01-01",
            "2024-06-30",
            "1",
            "entered by hand",
            "",
            "withdrawn",
            "Geen opleider meer",
        ],
        [
            "Bakkerij Bolhuis",
            "12345678",
            from_csv[2][2],
            "Groningen",
            "25173",
            "Uitvoerend bakker",
            "2024-01-01",
            "",
            "3",
            "entered by hand",
            "2025-02-03",
            "valid",
            "",
        ],
        [
            "Zuivel Zuid",
            "87654321",
            "Zuidbroek",
            "Groningen",
            "99999",
            "",
            "2025-01-01",
            "",
            "1",
            "entered by hand",
            "",
            "valid",
            "",
        ],
    ]


def test_one_employers_register_has_the_rows_of_its_page(
    register: list[Recognition], bakery: Organisation, consultant: User
) -> None:
    client = _client(consultant, "en")
    page = client.get(reverse("recognitions:register", kwargs={"slug": bakery.slug}))
    from_csv, from_xlsx = _downloads(client, f"employer={bakery.slug}")

    assert from_csv == from_xlsx
    assert [(row[0], row[4]) for row in from_csv[1:]] == [
        ("Bakkerij Bolhuis", row["recognition"].crebo) for row in page.context["rows"]
    ]
    assert f"{reverse('recognitions:export-xlsx')}?employer={bakery.slug}".encode() in page.content


def test_the_search_of_the_index_chooses_the_employers(register: list[Recognition], consultant: User) -> None:
    client = _client(consultant, "en")
    page = client.get(reverse("recognitions:index"), {"q": "zuivel"})
    from_csv, _from_xlsx = _downloads(client, "q=zuivel")

    assert [row[0] for row in from_csv[1:]] == ["Zuivel Zuid"]
    assert f"{reverse('recognitions:export-csv')}?q=zuivel".encode() in page.content


def test_an_unknown_employer_or_another_kind_of_organisation_is_not_found(
    register: list[Recognition], consultant: User, organisation: Organisation
) -> None:
    client = _client(consultant)
    for slug in ("no-such-employer", organisation.slug):
        for name in ("recognitions:export-csv", "recognitions:export-xlsx"):
            assert client.get(reverse(name), {"employer": slug}).status_code == 404
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_headers_are_dutch_by_default(register: list[Recognition], consultant: User) -> None:
    from_csv, from_xlsx = _downloads(_client(consultant))
    with translation.override("nl"):
        assert from_csv[0] == views.REGISTER_TABLE.headers()
    assert from_csv[0][:4] == ["Werkgever", "KvK-nummer", "Plaats", "Arbeidsmarktregio"]
    assert from_xlsx[0] == from_csv[0]


def test_the_headers_follow_a_user_who_chose_english(register: list[Recognition], consultant: User) -> None:
    from_csv, from_xlsx = _downloads(_client(consultant, "en"))
    assert from_csv[0] == from_xlsx[0] == ENGLISH


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    register: list[Recognition], consultant: User, groningen: Region
) -> None:
    client = _client(consultant)
    urls = [reverse("recognitions:export-csv"), reverse("recognitions:export-xlsx")]
    few = [_queries(client, url) for url in urls]
    for n in range(20):
        recognition(employer(groningen, f"Bakkerij {n:02d}"), "25173" if n % 2 else "25167")
    many = [_queries(client, url) for url in urls]
    assert few == many


def test_each_download_is_in_the_audit_log(register: list[Recognition], bakery: Organisation, consultant: User) -> None:
    client = _client(consultant)

    read_xlsx(client.get(reverse("recognitions:export-xlsx"), {"employer": bakery.slug}))
    read_csv(client.get(reverse("recognitions:export-csv")))

    entries = list(AuditLogEntry.objects.filter(action=Action.EXPORT).order_by("pk"))
    assert [(e.actor, e.changes["format"], e.changes["rows"]) for e in entries] == [
        (consultant, "xlsx", 2),
        (consultant, "csv", 3),
    ]
    assert entries[0].changes["filters"] == f"employer={bakery.slug}"


def test_text_a_spreadsheet_would_run_is_shown_and_control_characters_are_dropped(
    register: list[Recognition], bakery: Organisation, consultant: User
) -> None:
    Organisation.objects.filter(pk=bakery.pk).update(name="=cmd|' /C calc'!A0\x02")

    from_csv, from_xlsx = _downloads(_client(consultant, "en"), f"employer={bakery.slug}")

    assert from_csv == from_xlsx
    assert {row[0] for row in from_csv[1:]} == {"'=cmd|' /C calc'!A0"}


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    for name in ("recognitions:export-csv", "recognitions:export-xlsx", "learning_companies:export-xlsx"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- The learning-company search ------------------------------------------------------------------


def _search_downloads(client: Client, params: dict[str, str]) -> tuple[list[list[str]], list[list[str]]]:
    return (
        read_csv(client.get(reverse("learning_companies:export"), params)),
        read_xlsx(client.get(reverse("learning_companies:export-xlsx"), params)),
    )


@pytest.fixture
def centre(groningen: Region) -> Municipality:
    return Municipality.objects.create(
        name="Groningen", region=groningen, latitude=Decimal("53.21940"), longitude=Decimal("6.56650")
    )


def test_the_search_downloads_have_the_same_columns_and_rows(
    register: list[Recognition], uitvoerend_bakker: Qualification, consultant: User, centre: Municipality
) -> None:
    Organisation.objects.filter(pk=register[0].employer_id).update(
        latitude=Decimal("53.1622"), longitude=Decimal("6.7897")
    )
    client = _client(consultant, "en")

    plain_csv, plain_xlsx = _search_downloads(client, {"q": "25173"})
    near_csv, near_xlsx = _search_downloads(client, {"q": "25173", "near": f"m{centre.pk}", "radius": "50"})

    assert plain_csv == plain_xlsx
    assert plain_csv[0][0] == "Employer"
    assert [row[0] for row in plain_csv[1:]] == ["Bakkerij Bolhuis"]
    assert near_csv == near_xlsx
    assert near_csv[0][-1] == "Distance (km)"
    assert len(near_csv[0]) == len(plain_csv[0]) + 1


def test_the_search_downloads_are_dutch_by_default_and_in_the_audit_log(
    register: list[Recognition], uitvoerend_bakker: Qualification, consultant: User
) -> None:
    client = _client(consultant)

    from_csv, from_xlsx = _search_downloads(client, {"q": "25173"})

    assert from_csv == from_xlsx
    assert from_csv[0][:3] == ["Werkgever", "Plaats", "Arbeidsmarktregio"]
    entries = list(AuditLogEntry.objects.filter(action=Action.EXPORT).order_by("pk"))
    assert [(e.changes["format"], e.changes["rows"], e.changes["filters"]) for e in entries] == [
        ("csv", 1, "q=25173"),
        ("xlsx", 1, "q=25173"),
    ]


def test_a_search_download_with_bad_input_goes_back_to_the_form(
    register: list[Recognition], uitvoerend_bakker: Qualification, consultant: User
) -> None:
    response = _client(consultant).get(reverse("learning_companies:export-xlsx"), {"q": "abc"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("learning_companies:search"))
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()
