"""The catalogue list and the qualification page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.qualifications.models import Qualification
from werkplaats.qualifications.services import import_catalogue

from .factories import CoreTaskFactory, QualificationFactory, QualificationFileFactory, WorkProcessFactory
from .helpers import CSV_PATH, XML_PATHS, read

LIST = reverse("qualifications:list")


@pytest.fixture
def catalogue(db: None) -> None:
    import_catalogue([read(CSV_PATH), *[read(p) for p in XML_PATHS]])


def _crebos(response: object) -> list[str]:
    return [q.crebo for q in response.context["page"].object_list]  # type: ignore[attr-defined]


def _detail(qualification: Qualification) -> str:
    return reverse("qualifications:detail", kwargs={"pk": qualification.pk})


# --- Access ---------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    qualification = QualificationFactory.create()

    for url in (LIST, _detail(qualification)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_every_logged_in_user_reads_the_catalogue(user_client: Client, db: None) -> None:
    qualification = QualificationFactory.create(name="Uitvoerend bakker")

    assert user_client.get(LIST).status_code == 200
    assert user_client.get(_detail(qualification)).status_code == 200


def test_an_unknown_qualification_is_a_404(user_client: Client, db: None) -> None:
    assert user_client.get(reverse("qualifications:detail", kwargs={"pk": 999999})).status_code == 404


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_every_current_qualification_fifty_per_page(user_client: Client, catalogue: None) -> None:
    first = user_client.get(LIST)
    last = user_client.get(LIST, {"page": 10})

    assert first.context["page"].paginator.count == 470
    assert len(first.context["page"].object_list) == 50
    assert len(last.context["page"].object_list) == 470 - 9 * 50
    assert "Page 1 of 10" in first.content.decode()


def test_searching_digits_finds_crebos_that_start_with_them(user_client: Client, catalogue: None) -> None:
    expected = [row.split(",")[3] for row in CSV_PATH.read_text(encoding="utf-8-sig").splitlines()[1:]]
    expected = sorted(c for c in expected if c.startswith("2549"))

    response = user_client.get(LIST, {"q": "2549", "sort": "crebo"})

    assert len(expected) > 5
    assert _crebos(response) == expected


def test_searching_a_whole_crebo_finds_that_qualification(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "25173"})

    assert _crebos(response) == ["25173"]
    assert "Uitvoerend bakker" in response.content.decode()


def test_searching_words_finds_them_in_the_name(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "bakker"})

    names = [q.name for q in response.context["page"].object_list]
    assert "Uitvoerend bakker" in names
    assert "Zelfstandig werkend bakker" in names
    assert "Kok" not in names
    assert all(
        "bakker" in n.lower() or "bakker" in q.file.name.lower()
        for n, q in zip(names, response.context["page"].object_list, strict=True)
    )


def test_every_word_must_match(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "zelfstandig bakker"})

    assert _crebos(response) == ["25174"]


def test_the_level_filter_keeps_that_level_only(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "bakker", "level": "2"})

    assert _crebos(response) == ["25173"]


def test_the_domain_filter_offers_the_domains_present_and_keeps_one(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"domain": "Horeca en bakkerij"})

    domains = [value for value, _label in response.context["form"].fields["domain"].choices]
    assert "Horeca en bakkerij" in domains
    assert "Zorg en welzijn" in domains
    assert response.context["page"].paginator.count == 19
    assert {q.domain for q in response.context["page"].object_list} == {"Horeca en bakkerij"}


def test_an_unknown_domain_or_level_is_ignored_instead_of_failing(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"domain": "Ruimtevaart", "level": "9"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 470


def test_sorting_by_level_descending_puts_level_4_first(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "bakker", "sort": "-level"})

    levels = [q.level for q in response.context["page"].object_list]
    assert levels == sorted(levels, reverse=True)
    assert levels[0] == 4


def test_sorting_by_crebo_orders_by_crebo(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"sort": "crebo"})

    crebos = _crebos(response)
    assert crebos == sorted(crebos)
    assert 'aria-sort="ascending"' in response.content.decode()


def test_the_list_counts_the_work_processes_and_says_when_none_are_known(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "2549"})
    counts = {q.crebo: q.work_process_count for q in response.context["page"].object_list}

    assert counts["25499"] == 9 + 3
    assert counts["25498"] == 9 + 3
    assert counts["25490"] == 0
    assert "not known" in response.content.decode()


def test_only_qualifications_with_work_processes_can_be_asked_for(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"with_work_processes": "on"})

    assert response.context["page"].paginator.count == 14


def test_older_versions_are_left_out_unless_asked_for(user_client: Client, db: None) -> None:
    old = QualificationFactory.create(crebo="25173", name="Uitvoerend bakker", file__is_current=False)
    new = QualificationFactory.create(
        crebo="25173", name="Uitvoerend bakker", file__dossier_crebo=old.file.dossier_crebo, file__version_number=2
    )

    current = user_client.get(LIST, {"q": "25173"})
    every = user_client.get(LIST, {"q": "25173", "all_versions": "on"})

    assert list(current.context["page"].object_list) == [new]
    assert set(every.context["page"].object_list) == {old, new}
    assert "version 1" in every.content.decode()


def test_an_htmx_request_gets_only_the_results(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "bakker"}, headers={"HX-Request": "true", "HX-Target": "catalogue-results"})
    page = user_client.get(LIST, {"q": "bakker"})

    assert "<html" not in response.content.decode()
    assert "Uitvoerend bakker" in response.content.decode()
    assert "<html" in page.content.decode()
    assert "HX-Request" in response["Vary"]


def test_the_page_links_keep_the_search(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"level": "2", "sort": "crebo"})

    assert response.context["page"].paginator.num_pages > 1
    assert "?level=2&amp;sort=crebo&amp;page=2" in response.content.decode()


def test_a_search_without_results_says_so(user_client: Client, catalogue: None) -> None:
    response = user_client.get(LIST, {"q": "astronaut"})

    assert response.context["page"].paginator.count == 0
    assert "No qualification matches your search" in response.content.decode()


# --- The qualification page -----------------------------------------------------------------


def test_the_page_shows_the_facts_and_the_qualification_file(user_client: Client, catalogue: None) -> None:
    qualification = Qualification.objects.current().get(crebo="25499")

    html = user_client.get(_detail(qualification)).content.decode()

    for text in ("Medewerker facilitaire dienstverlening", "25499", "23189", "Dienstverlening", "BOL/BBL"):
        assert text in html
    assert "1 August 2015" in html or "1 augustus 2015" in html


def test_the_page_lists_the_basic_part_and_the_own_profile(user_client: Client, catalogue: None) -> None:
    qualification = Qualification.objects.current().get(crebo="25499")

    response = user_client.get(_detail(qualification))
    html = response.content.decode()

    assert [t.code for t in response.context["basis_tasks"]] == ["B1-K1"]
    assert [t.code for t in response.context["profile_tasks"]] == ["P1-K1"]
    for code in ("B1-K1", "B1-K1-W1", "B1-K1-W9", "P1-K1", "P1-K1-W1", "P1-K1-W3"):
        assert f">{code}<" in html
    assert "P2-K1" not in html
    assert "Assisteert bij beheer van gebouwen" in html
    assert "<details" in html


def test_a_qualification_from_the_crebo_list_only_says_that_work_processes_are_missing(
    user_client: Client, catalogue: None
) -> None:
    bakker = Qualification.objects.current().get(crebo="25173")

    html = user_client.get(_detail(bakker)).content.decode()

    assert "only the crebo list was imported" in html
    assert "Import the SBB qualification file" in html


def test_the_page_links_to_the_other_versions(user_client: Client, db: None) -> None:
    old = QualificationFactory.create(crebo="25173", file__is_current=False)
    new = QualificationFactory.create(crebo="25173", file__dossier_crebo=old.file.dossier_crebo, file__version_number=2)

    old_page = user_client.get(_detail(old)).content.decode()
    new_page = user_client.get(_detail(new)).content.decode()

    assert f'href="{_detail(new)}"' in old_page
    assert "A newer version exists" in old_page
    assert f'href="{_detail(old)}"' in new_page
    assert "A newer version exists" not in new_page


def test_work_processes_of_another_profile_are_not_shown(user_client: Client, db: None) -> None:
    file = QualificationFileFactory.create()
    mine, other = QualificationFactory.create(file=file), QualificationFactory.create(file=file)
    WorkProcessFactory.create(
        core_task=CoreTaskFactory.create(file=file, code="B1-K1"), code="B1-K1-W1", title="Gedeeld"
    )
    WorkProcessFactory.create(
        core_task=CoreTaskFactory.create(file=file, qualification=mine, code="P1-K1"), title="Het mijne"
    )
    WorkProcessFactory.create(
        core_task=CoreTaskFactory.create(file=file, qualification=other, code="P2-K1"), title="Het andere"
    )

    html = user_client.get(_detail(mine)).content.decode()

    assert "Gedeeld" in html
    assert "Het mijne" in html
    assert "Het andere" not in html


def test_the_page_shows_the_employers_recognised_for_it_today(user_client: Client, db: None) -> None:
    recognitions = pytest.importorskip("werkplaats.recognitions.models")

    qualification = QualificationFactory.create(crebo="25173")
    today = timezone.localdate()
    recognised, ended, other = (
        Organisation.objects.create(name=name, slug=slugify(name), kind=OrganisationKind.EMPLOYER, kvk_number=kvk)
        for name, kvk in (("Hilvers Bakkerij", "60000001"), ("Oude Bakkerij", "60000002"), ("Garage Noord", "60000003"))
    )
    recognitions.Recognition.objects.create(
        employer=recognised, crebo="25173", start_date=today - datetime.timedelta(days=30), source="manual"
    )
    recognitions.Recognition.objects.create(
        employer=ended,
        crebo="25173",
        start_date=today - datetime.timedelta(days=300),
        end_date=today - datetime.timedelta(days=1),
        source="manual",
    )
    recognitions.Recognition.objects.create(
        employer=other, crebo="25180", start_date=today - datetime.timedelta(days=30), source="manual"
    )

    html = user_client.get(_detail(qualification)).content.decode()

    assert 'id="recognised-employers"' in html
    section = html.split('id="recognised-employers"', 1)[1].split("</section>", 1)[0]
    assert "Hilvers Bakkerij" in section
    assert "Oude Bakkerij" not in section
    assert "Garage Noord" not in section
    assert f'href="{reverse("learning_companies:search")}?q=25173"' in section
