"""The list of every trajectory a user may see and its CSV and XLSX: the same columns and rows in
both, Dutch headers unless the user chose English, only visible trajectories, a query count that
does not grow with the rows, an audit entry per download, and nothing a spreadsheet would run."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.core.tests.test_exports_table import read_csv, read_xlsx
from werkplaats.organisations.models import Organisation, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories import views_lists
from werkplaats.trajectories.models import Status, Trajectory

from .factories import LearnerFactory, TrajectoryFactory

ENGLISH = [
    "Learner",
    "Registered by",
    "Learning route",
    "Qualification",
    "Crebo",
    "School",
    "Employer",
    "Region",
    "State",
    "In this state since",
    "Planned start",
    "Planned end",
]


def _client(user: User, language: str = "") -> Client:
    if language:
        User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def _make(
    n: int,
    organisation: Organisation,
    *,
    school: Organisation | None = None,
    employer: Organisation | None = None,
    qualification: Qualification | None = None,
    status: str = Status.IN_PROGRESS,
    first_name: str = "",
) -> list[Trajectory]:
    made = []
    for i in range(n):
        learner = LearnerFactory.create(
            organisation=organisation, support_needs=f"GEHEIM-{i}", **({"first_name": first_name} if first_name else {})
        )
        made.append(
            TrajectoryFactory.create(
                learner=learner,
                school=school,
                employer=employer,
                qualification=qualification,
                status=status,
                planned_start=datetime.date(2026, 1, 5),
            )
        )
    return made


def _downloads(client: Client, query: str = "") -> tuple[list[list[str]], list[list[str]]]:
    suffix = f"?{query}" if query else ""
    return (
        read_csv(client.get(reverse("trajectories:list-csv") + suffix)),
        read_xlsx(client.get(reverse("trajectories:list-xlsx") + suffix)),
    )


def test_csv_and_xlsx_have_the_same_columns_and_rows_as_the_page(
    organisation: Organisation,
    consultant: User,
    school: Organisation,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    _make(3, organisation, school=school, employer=employer, qualification=qualification)
    client = _client(consultant, "en")

    from_csv, from_xlsx = _downloads(client)
    page = client.get(reverse("trajectories:list"))

    assert from_csv == from_xlsx
    assert from_csv[0] == ENGLISH
    assert page.context["headers"] == ENGLISH
    assert [row[0] for row in from_csv[1:]] == [t.learner.full_name for t, _since in page.context["rows"]]
    first = Trajectory.objects.filter(learner__first_name=from_csv[1][0].split()[0]).first()
    assert first is not None
    assert from_csv[1] == [
        first.learner.full_name,
        "Gemeente Haren",
        "praktijkleren (learning at work, praktijkverklaring)",
        qualification.name,
        qualification.crebo,
        school.name,
        employer.name,
        "Groningen",
        "learning at work",
        timezone.localdate(first.status_changed_at).isoformat(),
        "2026-01-05",
        "",
    ]
    # The page names the route shortly, so the columns fit; the downloads give it in full.
    assert '<td class="utrecht-table__cell">Praktijkleren</td>' in page.content.decode()
    assert "praktijkverklaring)</td>" not in page.content.decode()  # (the filter's options keep it)


def test_no_support_needs_or_dates_of_birth_are_exported(organisation: Organisation, consultant: User) -> None:
    _make(2, organisation)
    from_csv, from_xlsx = _downloads(_client(consultant, "en"))

    cells = [cell for row in from_csv + from_xlsx for cell in row]
    assert not any("GEHEIM" in cell for cell in cells)
    assert "1990-05-01" not in cells


def test_the_headers_are_dutch_by_default(organisation: Organisation, consultant: User) -> None:
    _make(1, organisation)
    from_csv, from_xlsx = _downloads(_client(consultant))

    with translation.override("nl"):
        assert from_csv[0] == views_lists.TABLE.headers()
    assert from_csv[0][:4] == ["Deelnemer", from_csv[0][1], "Leerweg", "Kwalificatie"]
    assert from_xlsx[0] == from_csv[0]


def test_the_headers_follow_a_user_who_chose_english(organisation: Organisation, consultant: User) -> None:
    _make(1, organisation)
    from_csv, from_xlsx = _downloads(_client(consultant, "en"))
    assert from_csv[0] == from_xlsx[0] == ENGLISH


def test_only_the_trajectories_the_user_may_see_are_listed_and_exported(
    organisation: Organisation,
    other_organisation: Organisation,
    consultant: User,
    coordinator: User,
    outsider: User,
    groningen: Region,
) -> None:
    ours = _make(2, organisation, first_name="Haren")
    neighbour = OrganisationFactory.create(name="Gemeente Zuidhorn", region=groningen)
    in_region = _make(1, neighbour, first_name="Zuidhorn")
    theirs = _make(2, other_organisation, first_name="Coevorden")

    def names(user: User) -> set[str]:
        from_csv, from_xlsx = _downloads(_client(user, "en"))
        assert from_csv == from_xlsx
        page = _client(user).get(reverse("trajectories:list"))
        listed = {t.learner.full_name for t, _since in page.context["rows"]}
        exported = {row[0] for row in from_csv[1:]}
        assert listed == exported
        return exported

    assert names(consultant) == {t.learner.full_name for t in ours}
    assert names(coordinator) == {t.learner.full_name for t in ours + in_region}
    assert names(outsider) == {t.learner.full_name for t in theirs}
    stranger = member_of(OrganisationFactory.create(name="Elders"), Role.CONSULTANT)
    assert names(stranger) == set()


def test_the_filters_choose_the_rows_of_page_and_downloads(
    organisation: Organisation, consultant: User, qualification: Qualification
) -> None:
    _make(2, organisation, qualification=qualification, first_name="Anna")
    _make(1, organisation, status=Status.COMPLETED, first_name="Bram")
    _make(1, organisation, first_name="Cor")
    client = _client(consultant, "en")

    def first_names(query: str) -> list[str]:
        from_csv, from_xlsx = _downloads(client, query)
        assert from_csv == from_xlsx
        return sorted(row[0].split()[0] for row in from_csv[1:])

    assert first_names("") == ["Anna", "Anna", "Cor"]  # open trajectories by default
    assert first_names("state=all") == ["Anna", "Anna", "Bram", "Cor"]
    assert first_names("state=afgerond") == ["Bram"]
    assert first_names(f"crebo={qualification.crebo}") == ["Anna", "Anna"]
    assert first_names("q=cor") == ["Cor"]


@pytest.mark.parametrize("query", ["crebo=12", "region=abc", "state=nope", "route=nope"])
def test_wrong_filters_are_shown_on_the_page_and_nothing_is_downloaded(
    organisation: Organisation, consultant: User, query: str
) -> None:
    _make(1, organisation)
    client = _client(consultant, "en")

    page = client.get(f"{reverse('trajectories:list')}?{query}")
    assert page.status_code == 200
    assert page.context["form"].errors
    assert page.context["page"] is None

    for name in ("trajectories:list-csv", "trajectories:list-xlsx"):
        response = client.get(f"{reverse(name)}?{query}")
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('trajectories:list')}?{query}"
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    organisation: Organisation,
    coordinator: User,
    school: Organisation,
    employer: Organisation,
    qualification: Qualification,
) -> None:
    client = _client(coordinator)
    urls = [reverse("trajectories:list"), reverse("trajectories:list-csv"), reverse("trajectories:list-xlsx")]
    _make(2, organisation, school=school, employer=employer, qualification=qualification)
    few = [_queries(client, url) for url in urls]
    _make(30, organisation, school=school, employer=employer, qualification=qualification)
    many = [_queries(client, url) for url in urls]
    assert few == many


def test_each_download_is_in_the_audit_log(organisation: Organisation, consultant: User) -> None:
    _make(3, organisation)
    client = _client(consultant)

    client.get(reverse("trajectories:list-xlsx") + "?state=open")
    read_csv(client.get(reverse("trajectories:list-csv")))

    entries = list(AuditLogEntry.objects.filter(action=Action.EXPORT).order_by("pk"))
    assert [(e.actor, e.changes["format"], e.changes["rows"]) for e in entries] == [
        (consultant, "xlsx", 3),
        (consultant, "csv", 3),
    ]
    assert entries[0].changes["filters"] == "state=open"
    assert entries[0].object_repr == "trajectories.xlsx (3)"


def test_text_a_spreadsheet_would_run_is_shown_and_control_characters_are_dropped(
    organisation: Organisation, consultant: User
) -> None:
    [trajectory] = _make(1, organisation, first_name='=HYPERLINK("http://example.com")')
    trajectory.learner.last_name = "de\x07 Vries"
    trajectory.learner.save()

    from_csv, from_xlsx = _downloads(_client(consultant, "en"))

    assert from_csv == from_xlsx
    assert from_csv[1][0] == '\'=HYPERLINK("http://example.com") de Vries'


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    for name in ("trajectories:list", "trajectories:list-csv", "trajectories:list-xlsx"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- The caseload's downloads, written by ``trajectories.exports`` with the shared safe cells ----


def test_the_caseload_downloads_survive_control_characters_and_show_formulas(
    organisation: Organisation, consultant: User, employer: Organisation, qualification: Qualification
) -> None:
    [trajectory] = _make(1, organisation, employer=employer, qualification=qualification, first_name="+31\x0c612")
    Trajectory.objects.filter(pk=trajectory.pk).update(consultant=consultant)
    client = _client(consultant, "en")

    from_csv = read_csv(client.get(reverse("trajectories:caseload-csv")))
    from_xlsx = read_xlsx(client.get(reverse("trajectories:caseload-xlsx")))

    assert from_csv == from_xlsx
    assert from_csv[1][0].startswith("'+31612 ")
    assert [e.changes["format"] for e in AuditLogEntry.objects.filter(action=Action.EXPORT).order_by("pk")] == [
        "csv",
        "xlsx",
    ]
