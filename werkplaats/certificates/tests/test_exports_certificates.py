"""The list of the praktijkverklaringen a user may see and its CSV and XLSX: the same columns and
rows in both, Dutch headers unless the user chose English, only visible certificates, a query
count that does not grow with the rows, an audit entry per download, and nothing a spreadsheet
would run."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.certificates import views_list
from werkplaats.certificates.models import Certificate, Revocation
from werkplaats.core.tests.test_exports_table import read_csv, read_xlsx
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.trajectories.models import Status
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory

ENGLISH = [
    "Number",
    "Date of issue",
    "Learner",
    "Qualification",
    "Crebo",
    "Level",
    "School",
    "Employer",
    "Region",
    "Revoked on",
]
_sequence = itertools.count(1)


@pytest.fixture
def school(groningen: Region) -> Organisation:
    created: Organisation = OrganisationFactory.create(
        name="Noorderpoort", kind=OrganisationKind.MBO_SCHOOL, region=groningen
    )
    return created


@pytest.fixture
def school_staff(school: Organisation) -> User:
    return member_of(school, Role.SCHOOL_STAFF, email="bpv@noorderpoort.example.nl")


@pytest.fixture
def employer(groningen: Region) -> Organisation:
    created: Organisation = OrganisationFactory.create(name="Bakkerij Bolhuis", employer=True, region=groningen)
    return created


@pytest.fixture
def qualification(db: None) -> Qualification:
    created: Qualification = QualificationFactory.create(crebo="25173", name="Uitvoerend bakker", level=2)
    return created


def _issue(
    n: int,
    organisation: Organisation,
    *,
    school: Organisation,
    employer: Organisation,
    qualification: Qualification,
    by: User,
    first_name: str = "Noor",
    on: datetime.date = datetime.date(2026, 3, 2),
) -> list[Certificate]:
    """``n`` praktijkverklaringen of completed trajectories of ``organisation``'s learners."""
    made = []
    for _ in range(n):
        learner = LearnerFactory.create(organisation=organisation, first_name=first_name, support_needs="GEHEIM")
        trajectory = TrajectoryFactory.create(
            learner=learner, school=school, employer=employer, qualification=qualification, status=Status.COMPLETED
        )
        sequence = next(_sequence)
        made.append(
            Certificate.objects.create(
                number=f"PV-{on.year}-{sequence:06d}",
                year=on.year,
                sequence=sequence,
                trajectory=trajectory,
                learner=learner,
                qualification=qualification,
                school=school,
                employer=employer,
                region=organisation.region,
                issued_on=on,
                issued_by=by,
                learner_first_name=learner.first_name,
                learner_last_name=learner.last_name,
                learner_date_of_birth=learner.date_of_birth,
                qualification_name=qualification.name,
                crebo=qualification.crebo,
                level=qualification.level,
                dossier_crebo=qualification.file.dossier_crebo,
                dossier_version="1",
                work_processes=[],
                employer_name=employer.name,
                employer_kvk="12345678",
                trainer_name="",
                school_name=school.name,
                signatory_name="",
                place="Groningen",
            )
        )
    return made


def _client(user: User, language: str = "") -> Client:
    if language:
        User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def _downloads(client: Client, query: str = "") -> tuple[list[list[str]], list[list[str]]]:
    suffix = f"?{query}" if query else ""
    return (
        read_csv(client.get(reverse("certificates:list-csv") + suffix)),
        read_xlsx(client.get(reverse("certificates:list-xlsx") + suffix)),
    )


@pytest.fixture
def issued(
    organisation: Organisation,
    school: Organisation,
    school_staff: User,
    employer: Organisation,
    qualification: Qualification,
) -> list[Certificate]:
    """Three certificates of Haren's learners; the last one revoked."""
    made = _issue(3, organisation, school=school, employer=employer, qualification=qualification, by=school_staff)
    Revocation.objects.create(
        certificate=made[-1], reason="Onjuist", revoked_on=datetime.date(2026, 4, 1), revoked_by=school_staff
    )
    return made


def test_csv_and_xlsx_have_the_same_columns_and_rows_as_the_page(issued: list[Certificate], school_staff: User) -> None:
    client = _client(school_staff, "en")

    from_csv, from_xlsx = _downloads(client)
    page = client.get(reverse("certificates:list"))

    assert from_csv == from_xlsx
    assert from_csv[0] == page.context["headers"] == ENGLISH
    assert [row[0] for row in from_csv[1:]] == [c.number for c, _revoked in page.context["rows"]]
    last = issued[-1]
    assert from_csv[1] == [
        last.number,
        "2026-03-02",
        last.learner_name,
        "Uitvoerend bakker",
        "25173",
        "2",
        "Noorderpoort",
        "Bakkerij Bolhuis",
        "Groningen",
        "2026-04-01",
    ]
    assert from_csv[2][-1] == ""


def test_no_date_of_birth_or_support_needs_are_exported(issued: list[Certificate], school_staff: User) -> None:
    from_csv, from_xlsx = _downloads(_client(school_staff, "en"))
    cells = [cell for row in from_csv + from_xlsx for cell in row]
    assert not any("GEHEIM" in cell for cell in cells)
    assert issued[0].learner_date_of_birth.isoformat() not in cells


def test_the_headers_are_dutch_by_default(issued: list[Certificate], school_staff: User) -> None:
    from_csv, from_xlsx = _downloads(_client(school_staff))
    with translation.override("nl"):
        assert from_csv[0] == views_list.TABLE.headers()
    assert from_csv[0][:3] == ["Nummer", "Datum van uitgifte", "Deelnemer"]
    assert from_xlsx[0] == from_csv[0]


def test_the_headers_follow_a_user_who_chose_english(issued: list[Certificate], school_staff: User) -> None:
    from_csv, from_xlsx = _downloads(_client(school_staff, "en"))
    assert from_csv[0] == from_xlsx[0] == ENGLISH


def test_only_the_certificates_the_user_may_see_are_listed_and_exported(
    issued: list[Certificate],
    organisation: Organisation,
    other_organisation: Organisation,
    consultant: User,
    school_staff: User,
    outsider: User,
    qualification: Qualification,
    drenthe: Region,
) -> None:
    other_school = OrganisationFactory.create(name="Drenthe College", kind=OrganisationKind.MBO_SCHOOL, region=drenthe)
    other_staff = member_of(other_school, Role.SCHOOL_STAFF)
    theirs = _issue(
        2,
        other_organisation,
        school=other_school,
        employer=OrganisationFactory.create(name="Bakkerij Zuid", employer=True, region=drenthe),
        qualification=qualification,
        by=other_staff,
    )

    def numbers(user: User) -> set[str]:
        from_csv, from_xlsx = _downloads(_client(user, "en"))
        assert from_csv == from_xlsx
        page = _client(user).get(reverse("certificates:list"))
        assert {c.number for c, _revoked in page.context["rows"]} == {row[0] for row in from_csv[1:]}
        return {row[0] for row in from_csv[1:]}

    ours = {c.number for c in issued}
    assert numbers(school_staff) == ours
    assert numbers(consultant) == ours
    assert numbers(other_staff) == {c.number for c in theirs}
    assert numbers(outsider) == {c.number for c in theirs}
    assert numbers(member_of(OrganisationFactory.create(name="Elders"), Role.SCHOOL_STAFF)) == set()


def test_the_filters_choose_the_rows_of_page_and_downloads(
    issued: list[Certificate],
    organisation: Organisation,
    school: Organisation,
    school_staff: User,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    [older] = _issue(
        1,
        organisation,
        school=school,
        employer=employer,
        qualification=qualification,
        by=school_staff,
        first_name="Bram",
        on=datetime.date(2025, 6, 1),
    )
    client = _client(school_staff, "en")

    def numbers(query: str) -> set[str]:
        from_csv, from_xlsx = _downloads(client, query)
        assert from_csv == from_xlsx
        return {row[0] for row in from_csv[1:]}

    everything = {c.number for c in issued} | {older.number}
    assert numbers("") == everything
    assert numbers("status=revoked") == {issued[-1].number}
    assert numbers("status=valid") == everything - {issued[-1].number}
    assert numbers("date_from=2026-01-01") == {c.number for c in issued}
    assert numbers("date_to=31-12-2025") == {older.number}
    assert numbers("q=bram") == {older.number}
    assert numbers("crebo=25499") == set()


@pytest.mark.parametrize(
    "query", ["crebo=abc", "date_from=2026-13-01", "date_from=2026-02-01&date_to=2026-01-01", "region=x", "status=x"]
)
def test_wrong_filters_are_shown_on_the_page_and_nothing_is_downloaded(
    issued: list[Certificate], school_staff: User, query: str
) -> None:
    client = _client(school_staff, "en")

    page = client.get(f"{reverse('certificates:list')}?{query}")
    assert page.status_code == 200
    assert page.context["form"].errors
    assert page.context["page"] is None

    for name in ("certificates:list-csv", "certificates:list-xlsx"):
        response = client.get(f"{reverse(name)}?{query}")
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('certificates:list')}?{query}"
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    issued: list[Certificate],
    organisation: Organisation,
    school: Organisation,
    school_staff: User,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    client = _client(school_staff)
    urls = [reverse("certificates:list"), reverse("certificates:list-csv"), reverse("certificates:list-xlsx")]
    few = [_queries(client, url) for url in urls]
    made = _issue(30, organisation, school=school, employer=employer, qualification=qualification, by=school_staff)
    for certificate in made[::3]:
        Revocation.objects.create(
            certificate=certificate, reason="Onjuist", revoked_on=datetime.date(2026, 4, 1), revoked_by=school_staff
        )
    many = [_queries(client, url) for url in urls]
    assert few == many


def test_each_download_is_in_the_audit_log(issued: list[Certificate], school_staff: User) -> None:
    client = _client(school_staff)

    read_xlsx(client.get(reverse("certificates:list-xlsx") + "?status=valid"))
    read_csv(client.get(reverse("certificates:list-csv")))

    entries = list(AuditLogEntry.objects.filter(action=Action.EXPORT).order_by("pk"))
    assert [(e.actor, e.changes["format"], e.changes["rows"]) for e in entries] == [
        (school_staff, "xlsx", 2),
        (school_staff, "csv", 3),
    ]
    assert entries[0].changes["filters"] == "status=valid"
    assert entries[0].object_repr == "certificates.xlsx (2)"


def test_text_a_spreadsheet_would_run_is_shown_and_control_characters_are_dropped(
    organisation: Organisation,
    school: Organisation,
    school_staff: User,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    Organisation.objects.filter(pk=employer.pk).update(name="@SUM(1+1)\x1b")
    employer.refresh_from_db()
    _issue(1, organisation, school=school, employer=employer, qualification=qualification, by=school_staff)

    from_csv, from_xlsx = _downloads(_client(school_staff, "en"))

    assert from_csv == from_xlsx
    assert from_csv[1][7] == "'@SUM(1+1)"


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    for name in ("certificates:list", "certificates:list-csv", "certificates:list-xlsx"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
