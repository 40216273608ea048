"""The "Find a learning company" page: who may search, the form's messages, the table, links and pages."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Municipality, Organisation, Region, Role
from werkplaats.organisations.tests.factories import MunicipalityFactory, member_of
from werkplaats.qualifications.models import QualificationFile

from .test_search import ASSEN, EMMEN, GRONINGEN, SAPPEMEER, employer, qualification, qualification_file, recognise

URL = reverse("learning_companies:search")


@pytest.fixture
def bakery_catalogue(db: None) -> QualificationFile:
    file = qualification_file("23082", "Bakkerij")
    qualification(file, "25173", "Uitvoerend bakker")
    return file


@pytest.fixture
def client_of(client: Client, consultant: User) -> Client:
    """A consultant who reads the page in English, the source language, so that the messages below are
    the ones in the code whatever the Dutch translation says."""
    consultant.language = "en"
    consultant.save(update_fields=["language"])
    client.force_login(consultant)
    return client


@pytest.fixture
def groningen_centre(groningen: Region) -> Municipality:
    return Municipality.objects.create(
        name="Groningen", region=groningen, latitude=Decimal("53.21940"), longitude=Decimal("6.56650")
    )


def get(client: Client, **params: Any) -> Any:
    return client.get(URL, params)


def errors(response: Any, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def table_names(response: Any) -> list[str]:
    return [row["company"].employer_name for row in response.context["rows"]]


# --- Access ----------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_search(client: Client, organisation: Organisation, bakery_catalogue: Any, role: Role) -> None:
    client.force_login(member_of(organisation, role))
    recognise(employer("Hilvers Bakkerij"))
    response = get(client, q="25173")
    assert response.status_code == 200
    assert table_names(response) == ["Hilvers Bakkerij"]


# --- The form --------------------------------------------------------------------------------------------


def test_the_empty_form_shows_no_results_and_no_messages(client_of: Client) -> None:
    response = client_of.get(URL)
    assert response.status_code == 200
    assert not response.context["form"].is_bound
    assert "rows" not in response.context
    assert b"utrecht-form-field-error-message" not in response.content


def test_the_form_offers_the_regions_and_the_places_with_coordinates(
    client_of: Client, groningen_centre: Municipality, drenthe: Region
) -> None:
    MunicipalityFactory(name="Zonder Midden", region=drenthe)
    school = employer("Noorderpoort", at=GRONINGEN, region=groningen_centre.region, kind="mbo_school", kvk_number="")
    form = client_of.get(URL).context["form"]
    assert [r.name for r in form.fields["region"].queryset] == ["Drenthe", "Groningen"]
    labels = {label for _, group in form.fields["near"].choices[1:] for _, label in group}
    assert labels == {"Groningen", school.name}


def test_a_crebo_that_is_not_a_crebo_gets_a_message_next_to_the_field(client_of: Client, bakery_catalogue: Any) -> None:
    response = get(client_of, q="abc")
    assert response.status_code == 200
    assert errors(response, "q") == [
        "Enter a crebo of 5 digits (for example 25173) or a work-process code (for example B1-K1-W2)."
    ]
    assert b'id="id_q_error"' in response.content


def test_an_unknown_crebo_is_not_in_the_catalogue(client_of: Client, bakery_catalogue: Any) -> None:
    assert errors(get(client_of, q="99999"), "q") == ["Crebo 99999 is not in the catalogue."]


def test_an_unknown_work_process_is_not_in_the_catalogue(client_of: Client, bakery_catalogue: Any) -> None:
    assert "is not in the catalogue" in errors(get(client_of, q="b9-k9-w9"), "q")[0]


def test_a_negative_radius_gets_a_message(client_of: Client, bakery_catalogue: Any, groningen_centre: Any) -> None:
    response = get(client_of, q="25173", near=f"m{groningen_centre.pk}", radius="-5")
    assert errors(response, "radius") == ["Enter a distance of at least 1 km."]


def test_a_radius_without_a_place_asks_for_one(client_of: Client, bakery_catalogue: Any) -> None:
    response = get(client_of, q="25173", radius="10")
    assert errors(response, "radius") == ["Choose a place under “Near” to measure the distance from."]


@pytest.mark.parametrize("near", ["o999999", "m999999", "999", "o", "<script>"])
def test_an_unknown_place_gets_a_message(client_of: Client, bakery_catalogue: Any, near: str) -> None:
    response = get(client_of, q="25173", near=near, radius="10")
    assert response.status_code == 200
    assert errors(response, "near") == ["Choose a place or organisation from the list."]
    assert errors(response, "radius") == []


def test_a_place_without_coordinates_cannot_be_chosen(client_of: Client, bakery_catalogue: Any) -> None:
    nowhere = employer("Bakkerij Nergens")
    assert errors(get(client_of, q="25173", near=f"o{nowhere.pk}"), "near") != []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"on": "31-02-2026"}, "on"),
        ({"region": "abc"}, "region"),
        ({"radius": "ten"}, "radius"),
        ({"radius": "100000"}, "radius"),
        ({"q": ""}, "q"),
        ({"q": "x" * 300}, "q"),
    ],
)
def test_bad_input_gets_a_field_message_never_an_error_page(
    client_of: Client, bakery_catalogue: Any, params: dict[str, str], field: str
) -> None:
    response = get(client_of, **{"q": "25173", **params})
    assert response.status_code == 200
    assert errors(response, field)


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client_of: Client, bakery_catalogue: Any) -> None:
    recognise(employer("Hilvers Bakkerij"))
    response = get(client_of, q="25173", page="abc")
    assert response.status_code == 200
    assert table_names(response) == ["Hilvers Bakkerij"]


# --- Results ---------------------------------------------------------------------------------------------


def test_the_caption_says_how_many_companies_were_found(client_of: Client, bakery_catalogue: Any) -> None:
    recognise(employer("Hilvers Bakkerij"))
    recognise(employer("Bakkerij Zuidenveld"))
    response = get(client_of, q="25173")
    caption = re.search(rb"<caption[^>]*>(.*?)</caption>", response.content, re.S)
    assert caption is not None
    assert re.search(rb"\b2\b", caption.group(1))


def test_results_come_25_to_a_page_in_a_stable_order(client_of: Client, bakery_catalogue: Any) -> None:
    for n in range(30):
        recognise(employer("Bakkerij Gelijk", slug=f"gelijk-{n}"))  # the same name: the order must still be fixed
        recognise(employer(f"Bakkerij {n:02d}"))
    first, second = get(client_of, q="25173"), get(client_of, q="25173", page="2")
    third = get(client_of, q="25173", page="3")
    ids = [row["company"].recognition_id for r in (first, second, third) for row in r.context["rows"]]
    assert [len(r.context["rows"]) for r in (first, second, third)] == [25, 25, 10]
    assert len(set(ids)) == 60
    assert ids == [row["company"].recognition_id for row in get(client_of, q="25173").context["rows"]] + [
        row["company"].recognition_id for r in (second, third) for row in r.context["rows"]
    ]
    assert b"q=25173&amp;page=2" in first.content


def test_results_near_a_municipality_show_distances_nearest_first(
    client_of: Client, bakery_catalogue: Any, groningen_centre: Municipality
) -> None:
    recognise(employer("Emmen", at=EMMEN))
    recognise(employer("Assen", at=ASSEN))
    recognise(employer("Sappemeer", at=SAPPEMEER))
    response = get(client_of, q="25173", near=f"m{groningen_centre.pk}", radius="30")
    assert table_names(response) == ["Sappemeer", "Assen"]
    content = response.content.decode()
    assert "16.2 km" in content
    assert "25.1 km" in content


def test_results_near_an_organisation_are_measured_from_it(client_of: Client, bakery_catalogue: Any) -> None:
    school = employer("Drenthe College", at=ASSEN, kind="mbo_school", kvk_number="")
    recognise(employer("Emmen", at=EMMEN))
    recognise(employer("Sappemeer", at=SAPPEMEER))
    response = get(client_of, q="25173", near=f"o{school.pk}")
    assert table_names(response) == ["Sappemeer", "Emmen"]


def test_the_page_says_how_many_companies_have_no_known_location(
    client_of: Client, bakery_catalogue: Any, groningen_centre: Municipality
) -> None:
    recognise(employer("Sappemeer", at=SAPPEMEER))
    for name in ("Nergens", "Ook nergens", "Nog steeds nergens"):
        recognise(employer(name))
    response = get(client_of, q="25173", near=f"m{groningen_centre.pk}", radius="50")
    assert table_names(response) == ["Sappemeer"]
    assert "3 recognised companies have no known location" in response.content.decode()


def test_the_page_says_how_many_companies_have_no_free_place(client_of: Client, bakery_catalogue: Any) -> None:
    recognise(employer("Vol"), places=0)
    recognise(employer("Vrij"), places=1)
    response = get(client_of, q="25173", free_only="on")
    assert table_names(response) == ["Vrij"]
    assert "1 company is recognised but has no free place" in response.content.decode()


def test_a_work_process_search_names_the_qualifications_it_covers(client_of: Client, db: None) -> None:
    from .test_search import work_process

    file = qualification_file("23190", "Pedagogisch werk")
    qualification(file, "25486", "Pedagogisch medewerker kinderopvang", level=3)
    qualification(file, "25487", "Pedagogisch medewerker jeugdzorg", level=4)
    work_process(file, "B1-K1-W2")
    recognise(employer("Kinderopvang Zonnetje"), "25486")
    response = get(client_of, q="B1-K1-W2")
    content = response.content.decode()
    assert "Pedagogisch medewerker jeugdzorg (25487)" in content
    assert table_names(response) == ["Kinderopvang Zonnetje"]


def test_an_employer_links_to_its_page_only_for_users_who_may_open_it(
    client: Client, organisation: Organisation, bakery_catalogue: Any, groningen: Region, drenthe: Region
) -> None:
    near = employer("Bakkerij Stad", region=groningen)
    far = employer("Bakkerij Zuidenveld", region=drenthe)
    recognise(near)
    recognise(far)
    client.force_login(member_of(organisation, Role.COORDINATOR))
    content = get(client, q="25173").content.decode()
    assert f'href="{near.get_absolute_url()}"' in content
    assert f'href="{far.get_absolute_url()}"' not in content
    assert "Bakkerij Zuidenveld" in content


def test_a_consultant_sees_employers_as_plain_text(client_of: Client, bakery_catalogue: Any) -> None:
    bakery = employer("Hilvers Bakkerij")
    recognise(bakery)
    content = get(client_of, q="25173").content.decode()
    assert "Hilvers Bakkerij" in content
    assert bakery.get_absolute_url() not in content


def test_the_download_link_carries_the_same_filters(
    client_of: Client, bakery_catalogue: Any, groningen: Region
) -> None:
    recognise(employer("Hilvers Bakkerij", region=groningen))
    response = get(client_of, q="25173", region=str(groningen.pk), page="1")
    export = reverse("learning_companies:export")
    assert f'href="{export}?q=25173&amp;region={groningen.pk}"' in response.content.decode()


# --- Query count -----------------------------------------------------------------------------------------


def _queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
        assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_results(
    client: Client,
    organisation: Organisation,
    bakery_catalogue: Any,
    groningen: Region,
    groningen_centre: Municipality,
) -> None:
    client.force_login(member_of(organisation, Role.COORDINATOR))
    params = {"q": "25173", "region": str(groningen.pk), "near": f"m{groningen_centre.pk}", "radius": "100"}
    for n in range(5):
        recognise(employer(f"Bakkerij {n:02d}", at=SAPPEMEER, region=groningen))
    employer("Bakkerij Nergens", region=groningen)
    few = _queries(client, params)
    for n in range(5, 60):
        recognise(employer(f"Bakkerij {n:02d}", at=EMMEN, region=groningen))
    many = _queries(client, params)
    assert len(get(client, **params).context["rows"]) == 25
    assert few == many


def test_the_search_page_with_a_placement_counter_costs_one_query_more_not_one_per_row(
    client_of: Client, bakery_catalogue: Any
) -> None:
    from werkplaats.recognitions.search import register_placement_counter, unregister_placement_counter

    from ..models import Recognition

    def count(employer_ids: Any, crebos: Any, day: datetime.date) -> dict[tuple[int, str], int]:
        rows = Recognition.objects.filter(employer_id__in=employer_ids, crebo__in=crebos).values_list(
            "employer_id", "crebo"
        )
        return dict.fromkeys(rows, 1)

    for n in range(5):
        recognise(employer(f"Bakkerij {n:02d}"))
    register_placement_counter(count)
    try:
        few = _queries(client_of, {"q": "25173"})
        for n in range(5, 60):
            recognise(employer(f"Bakkerij {n:02d}"))
        many = _queries(client_of, {"q": "25173"})
        taken = [row["company"].places_taken for row in get(client_of, q="25173").context["rows"]]
    finally:
        unregister_placement_counter(count)
    assert few == many
    assert set(taken) == {1}


# --- The register page, which another part of the app provides ------------------------------------------


def _urlconf(*, with_register: bool) -> ModuleType:
    """The project's URLs with or without the recognition register's pages."""
    from config import urls

    patterns: list[Any] = [p for p in urls.urlpatterns if getattr(p, "namespace", None) != "recognitions"]
    if with_register:
        register = [path("register/<slug:slug>/", lambda request, slug: HttpResponse(slug), name="register")]
        patterns.append(path("", include((register, "recognitions"))))
    module = ModuleType(f"search_test_urls_{with_register}")
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


def test_each_row_links_to_the_register_page_of_the_employer(
    client_of: Client, bakery_catalogue: Any, settings: Any
) -> None:
    settings.ROOT_URLCONF = _urlconf(with_register=True)
    recognise(employer("Hilvers Bakkerij", slug="hilvers-bakkerij"))
    content = client_of.get(URL, {"q": "25173"}).content.decode()
    assert 'href="/register/hilvers-bakkerij/"' in content


def test_without_the_register_pages_the_rows_have_no_register_link(
    client_of: Client, bakery_catalogue: Any, settings: Any
) -> None:
    settings.ROOT_URLCONF = _urlconf(with_register=False)
    recognise(employer("Hilvers Bakkerij", slug="hilvers-bakkerij"))
    response = client_of.get(URL, {"q": "25173"})
    assert table_names(response) == ["Hilvers Bakkerij"]
    assert not response.context["has_register"]


def test_the_near_list_offers_places_and_schools_but_not_every_employer(
    client_of: Client, bakery_catalogue: Any, groningen: Region
) -> None:
    bakery = employer("Hilvers Bakkerij", region=groningen)
    Organisation.objects.filter(pk=bakery.pk).update(latitude="53.2", longitude="6.5")
    town_hall = Organisation.objects.create(
        name="Gemeente Ten Boer", slug="gemeente-ten-boer-test", kind="municipality", latitude="53.17", longitude="6.6"
    )

    response = get(client_of, q="25173")

    near_values: set[str] = set()
    for value, label in response.context["form"].fields["near"].choices:
        if isinstance(label, (list, tuple)):  # a group of places
            near_values.update(str(v) for v, _name in label)
        else:
            near_values.add(str(value))
    assert f"o{town_hall.pk}" in near_values
    assert f"o{bakery.pk}" not in near_values
