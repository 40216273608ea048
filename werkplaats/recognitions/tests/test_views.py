"""The register pages: who reads, who manages, and what they see."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable
from urllib.parse import parse_qs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Organisation, Region
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions import services
from werkplaats.recognitions.models import LearningCompany, Recognition, RecognitionStatus
from werkplaats.recognitions.services import Dependent, register_dependents_provider

from .factories import employer, recognition
from .importing import HEADER, csv_bytes, snapshot

JAN = datetime.date(2024, 1, 1)


def _client(user: User) -> Client:
    """A logged-in client that reads the pages in English (the user's language decides)."""
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _register(employer: Organisation) -> str:
    return reverse("recognitions:register", kwargs={"slug": employer.slug})


def _management_urls(employer: Organisation, existing: Recognition) -> list[str]:
    slug = employer.slug
    return [
        reverse("recognitions:add", kwargs={"slug": slug}),
        reverse("recognitions:edit", kwargs={"slug": slug, "pk": existing.pk}),
        reverse("recognitions:withdraw", kwargs={"slug": slug, "pk": existing.pk}),
        reverse("recognitions:profile", kwargs={"slug": slug}),
    ]


@pytest.fixture
def existing(bakery: Organisation, uitvoerend_bakker: Qualification) -> Recognition:
    return recognition(bakery, "25173", start_date=JAN, places_offered=2)


# --- Access ---------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(
    client: Client, bakery: Organisation, existing: Recognition
) -> None:
    urls = [
        reverse("recognitions:index"),
        reverse("recognitions:import"),
        _register(bakery),
        *_management_urls(bakery, existing),
        reverse("recognitions:verify", kwargs={"slug": bakery.slug, "pk": existing.pk}),
    ]
    for url in urls:
        response = client.get(url) if not url.endswith("/verify/") else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_every_logged_in_user_reads_the_register(
    bakery: Organisation, existing: Recognition, consultant: User, outsider: User
) -> None:
    for user in (consultant, outsider):
        response = _client(user).get(_register(bakery))
        assert response.status_code == 200
        assert b"25173" in response.content
        assert b"Uitvoerend bakker" in response.content


def test_a_coordinator_of_the_region_opens_every_management_page(
    bakery: Organisation, existing: Recognition, coordinator: User
) -> None:
    client = _client(coordinator)
    for url in _management_urls(bakery, existing):
        assert client.get(url).status_code == 200, url
    assert b"Add a recognition" in client.get(_register(bakery)).content


def test_a_consultant_gets_403_on_management_pages(
    bakery: Organisation, existing: Recognition, consultant: User
) -> None:
    client = _client(consultant)
    for url in _management_urls(bakery, existing):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert (
        client.post(reverse("recognitions:verify", kwargs={"slug": bakery.slug, "pk": existing.pk})).status_code == 403
    )
    assert b"Add a recognition" not in client.get(_register(bakery)).content


def test_a_coordinator_of_drenthe_gets_403_on_a_groningen_employers_management_pages(
    bakery: Organisation, existing: Recognition, outsider: User
) -> None:
    client = _client(outsider)
    for url in _management_urls(bakery, existing):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("recognitions:withdraw", kwargs={"slug": bakery.slug, "pk": existing.pk}),
        {"end_date": "2024-06-30", "reason": "x"},
    )
    assert response.status_code == 403
    existing.refresh_from_db()
    assert existing.withdrawn_at is None


def test_an_unknown_slug_is_404(coordinator: User, bakery: Organisation) -> None:
    client = _client(coordinator)

    assert client.get(reverse("recognitions:register", kwargs={"slug": "bestaat-niet"})).status_code == 404
    assert client.get(reverse("recognitions:add", kwargs={"slug": "bestaat-niet"})).status_code == 404


def test_an_organisation_that_is_not_an_employer_has_no_register(coordinator: User, organisation: Organisation) -> None:
    client = _client(coordinator)

    assert client.get(_register(organisation)).status_code == 404
    assert client.get(reverse("recognitions:profile", kwargs={"slug": organisation.slug})).status_code == 404


def test_a_recognition_of_another_employer_is_404(
    bakery: Organisation, existing: Recognition, coordinator: User, groningen: Region
) -> None:
    neighbour = employer(groningen)
    url = reverse("recognitions:edit", kwargs={"slug": neighbour.slug, "pk": existing.pk})

    assert _client(coordinator).get(url).status_code == 404


# --- The register page ---------------------------------------------------------------------------------------


def test_the_register_shows_the_status_of_each_recognition_today(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification, verkoper: Qualification
) -> None:
    today = timezone.localdate()
    recognition(bakery, "25173", start_date=JAN)
    recognition(bakery, "25167", start_date=JAN, end_date=today - datetime.timedelta(days=1))
    withdrawn = recognition(bakery, "25167", start_date=today, end_date=today)
    Recognition.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now(), withdrawal_reason="Winkel dicht")

    response = _client(coordinator).get(_register(bakery))

    statuses = [row["status"] for row in response.context["rows"]]
    assert sorted(statuses) == sorted([RecognitionStatus.VALID, RecognitionStatus.ENDED, RecognitionStatus.WITHDRAWN])
    assert b"Winkel dicht" in response.content
    assert b"Verkoper" in response.content


def test_the_register_shows_the_sbb_adviser(bakery: Organisation, consultant: User) -> None:
    LearningCompany.objects.create(
        employer=bakery,
        sbb_company_id="100200301",
        sbb_adviser_name="Joke Brouwer",
        sbb_adviser_email="j.brouwer@example.nl",
        sbb_adviser_phone="050 000 0101",
        offer="Twee praktijkopleiders",
    )

    content = _client(consultant).get(_register(bakery)).content.decode()

    for text in (
        "100200301",
        "Joke Brouwer",
        "mailto:j.brouwer@example.nl",
        "tel:0500000101",
        "Twee praktijkopleiders",
    ):
        assert text in content


# --- Managing ------------------------------------------------------------------------------------------------


def test_adding_with_an_end_before_the_start_shows_the_error_next_to_the_field(
    bakery: Organisation, coordinator: User, verkoper: Qualification
) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:add", kwargs={"slug": bakery.slug}),
        {"crebo": "25167", "start_date": "2024-06-01", "end_date": "2024-05-31", "places_offered": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["The end date cannot be before the start date."]
    assert b'id="id_end_date_error"' in response.content
    assert b"Please correct the fields marked below." in response.content
    assert not Recognition.objects.exists()


def test_adding_an_unknown_crebo_shows_the_error_next_to_the_crebo(bakery: Organisation, coordinator: User) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:add", kwargs={"slug": bakery.slug}),
        {"crebo": "99999", "start_date": "2024-06-01", "places_offered": "1"},
    )

    assert "not in the qualification catalogue" in response.context["form"].errors["crebo"][0]


def test_a_short_crebo_gets_one_message_next_to_the_field(bakery: Organisation, coordinator: User) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:add", kwargs={"slug": bakery.slug}),
        {"crebo": "2517", "start_date": "2024-06-01", "places_offered": "1"},
    )

    assert response.context["form"].errors["crebo"] == ["A crebo is 5 digits."]
    assert not Recognition.objects.exists()


def test_a_coordinator_adds_a_recognition_through_the_form(
    bakery: Organisation, coordinator: User, verkoper: Qualification
) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:add", kwargs={"slug": bakery.slug}),
        {"crebo": "25167", "start_date": "01-06-2024", "end_date": "", "places_offered": "2"},
    )

    assert response.status_code == 302
    assert response["Location"] == _register(bakery)
    added = Recognition.objects.get()
    assert (added.crebo, added.start_date, added.places_offered) == ("25167", datetime.date(2024, 6, 1), 2)


def test_a_coordinator_changes_a_recognition(bakery: Organisation, existing: Recognition, coordinator: User) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:edit", kwargs={"slug": bakery.slug, "pk": existing.pk}),
        {"start_date": "2024-01-01", "end_date": "2026-07-31", "places_offered": "3"},
    )

    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.end_date, existing.places_offered) == (datetime.date(2026, 7, 31), 3)


def test_mark_verified_today(bakery: Organisation, existing: Recognition, school_staff: User) -> None:
    url = reverse("recognitions:verify", kwargs={"slug": bakery.slug, "pk": existing.pk})
    client = _client(school_staff)

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    existing.refresh_from_db()
    assert existing.last_verified_on == timezone.localdate()


@pytest.fixture
def two_people_depend(db: None) -> Iterable[None]:
    from werkplaats.accounts.tests.factories import UserFactory

    people = (UserFactory(), UserFactory())

    def provider(recognition: Recognition, from_date: datetime.date) -> list[Dependent]:
        return [Dependent(description="traject", url="/trajectories/1/", recipients=people)]

    register_dependents_provider(provider)
    yield
    services._providers.remove(provider)


def test_withdrawing_says_how_many_people_were_warned(
    bakery: Organisation, existing: Recognition, coordinator: User, two_people_depend: None
) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:withdraw", kwargs={"slug": bakery.slug, "pk": existing.pk}),
        {"end_date": "2024-06-30", "reason": "SBB trok de erkenning in"},
        follow=True,
    )

    assert "2 people were warned" in response.content.decode()
    assert Notification.objects.count() == 2
    existing.refresh_from_db()
    assert existing.withdrawn_at is not None


def test_withdrawing_without_a_reason_shows_the_error(
    bakery: Organisation, existing: Recognition, coordinator: User
) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:withdraw", kwargs={"slug": bakery.slug, "pk": existing.pk}),
        {"end_date": "2024-06-30", "reason": ""},
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors


def test_a_coordinator_sets_the_learning_company_details(bakery: Organisation, coordinator: User) -> None:
    response = _client(coordinator).post(
        reverse("recognitions:profile", kwargs={"slug": bakery.slug}),
        {
            "sbb_company_id": "100200301",
            "sbb_adviser_name": "Joke Brouwer",
            "sbb_adviser_email": "j.brouwer@example.nl",
            "sbb_adviser_phone": "050 000 0101",
            "offer": "Vroege diensten",
        },
    )

    assert response.status_code == 302
    assert LearningCompany.objects.get(employer=bakery).sbb_adviser_name == "Joke Brouwer"


# --- The import page ---------------------------------------------------------------------------------------------


def _upload(client: Client, data: bytes, name: str = "erkenningen.csv") -> object:
    return client.post(reverse("recognitions:import"), {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_the_import_page_shows_the_summary(
    bakery: Organisation, uitvoerend_bakker: Qualification, coordinator: User
) -> None:
    response = _upload(_client(coordinator), csv_bytes([["12345678", "25173", "2024-01-01"]], header=HEADER[:3]))

    assert "1 recognitions added" in response.content.decode()  # type: ignore[attr-defined]
    assert Recognition.objects.count() == 1


def test_the_import_page_lists_row_errors_and_says_nothing_was_imported(
    bakery: Organisation, uitvoerend_bakker: Qualification, coordinator: User
) -> None:
    client = _client(coordinator)  # logging in writes to the audit log; the import must not
    before = snapshot()
    rows = [["12345678", "25173", "2024-01-01"], ["12345678", "25173", "31-02-2024"]]

    response = _upload(client, csv_bytes(rows, header=HEADER[:3]))

    content = response.content.decode()  # type: ignore[attr-defined]
    assert "Nothing was imported" in content
    assert "row 3, start_date: &#x27;31-02-2024&#x27; is not a date" in content
    assert snapshot() == before


def test_a_file_over_the_size_limit_is_named_next_to_the_field(
    coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("werkplaats.recognitions.forms.MAX_UPLOAD_BYTES", 10)
    client = _client(coordinator)  # logging in writes to the audit log; the refused upload must not
    before = snapshot()

    response = _upload(client, b"kvk,crebo,start_date\n")

    assert response.context["form"].errors["file"] == [  # type: ignore[attr-defined]
        "erkenningen.csv is 21\xa0bytes; a file may be at most 10\xa0bytes."
    ]
    assert snapshot() == before


def test_the_import_page_is_for_coordinators_and_platform_administrators(
    consultant: User, school_staff: User, coordinator: User, platform_admin: User
) -> None:
    url = reverse("recognitions:import")

    assert _client(consultant).get(url).status_code == 403
    assert _client(school_staff).get(url).status_code == 403
    assert _client(coordinator).get(url).status_code == 200
    assert _client(platform_admin).get(url).status_code == 200


def test_the_index_lists_employers_with_their_valid_recognitions(
    bakery: Organisation, existing: Recognition, consultant: User, organisation: Organisation
) -> None:
    response = _client(consultant).get(reverse("recognitions:index"))

    employers = list(response.context["page"].object_list)
    assert employers == [bakery]
    assert employers[0].valid_count == 1


def test_the_next_page_of_the_index_keeps_the_search_encoded(
    groningen: Region, consultant: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("werkplaats.recognitions.views.PAGE_SIZE", 1)
    employer(groningen, "Bakker & Zonen")
    employer(groningen, "Bakker & Dochters")

    content = _client(consultant).get(reverse("recognitions:index"), {"q": "Bakker & "}).content.decode()

    next_link = re.search(r'rel="next" href="\?([^"]*)"', content)
    assert next_link is not None
    query = parse_qs(html.unescape(next_link[1]))
    assert [q.strip() for q in query["q"]] == ["Bakker &"]
    assert query["page"] == ["2"]
