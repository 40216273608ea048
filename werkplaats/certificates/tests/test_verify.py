"""The public verification page: anyone holding a praktijkverklaring checks it by its code. It
shows no more of the person than initials and surname, answers every code in the same time and
limits how often one address may ask."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import Certificate
from .world import CertificateWorld

pytestmark = pytest.mark.usefixtures("english", "fast")

CODE = "7K2M0QXD4RTBH1NP"  # with a 0 and a 1, to type as O and I or L
GROUPED = "7K2M-0QXD-4RTB-H1NP"
UNKNOWN = "7K2M-0QXD-4RTB-H1NQ"


@pytest.fixture
def fast(settings: Any) -> None:
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0
    settings.WERKPLAATS_VERIFY_RATE = "1000/60"


@pytest.fixture
def certificate(world: CertificateWorld, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    monkeypatch.setattr(Certificate._meta.get_field("code"), "_get_default", lambda: CODE)
    return services.issue(world.trajectory, by=world.school_staff, on=timezone.localdate().replace(day=1))


@pytest.fixture
def client(db: None) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def verify(client: Client, code: str, **extra: Any) -> Any:
    return client.get(reverse("certificates:verify", kwargs={"code": code}), **extra)


def test_the_code_is_the_one_issued(certificate: Certificate) -> None:
    assert (certificate.code, certificate.grouped_code) == (CODE, GROUPED)
    assert certificate.verify_path == f"/verify/{GROUPED}/"


@pytest.mark.parametrize(
    "typed", [GROUPED, GROUPED.lower(), CODE, "7K2M-OQXD-4RTB-HINP", "7k2m oqxd 4rtb hlnp", "7K2MOQXD4RTBHLNP"]
)
def test_a_valid_certificate_is_confirmed_however_the_code_is_typed(
    client: Client, certificate: Certificate, typed: str
) -> None:
    response = verify(client, typed)

    assert response.status_code == 200
    assert response.context["certificate"] == certificate
    page = response.content.decode()
    assert "Valid" in page
    assert "Revoked" not in page
    assert certificate.number in page


def test_the_page_states_what_the_paper_states_without_personal_details(
    client: Client, certificate: Certificate
) -> None:
    page = verify(client, GROUPED).content.decode()

    for shown in (
        certificate.number,
        "N. Jansen",
        "Pedagogisch medewerker",
        "crebo 25486, level 3",
        "ESKA",
        "Noorderpoort",
        certificate.issued_on.strftime("%-d %B %Y"),
        "B1-K1-W1",
        "B1-K1-W2",
    ):
        assert shown in page, shown
    assert not re.search(r"\bNoor\b", page)  # the first name (the school is Noorderpoort)
    for hidden in ("1990", "1 May", certificate.employer_kvk, "P1-K1-W1", "Evalueert"):
        assert hidden not in page, hidden


def test_a_revoked_certificate_says_so_and_since_when(
    client: Client, certificate: Certificate, world: CertificateWorld
) -> None:
    services.revoke(certificate, by=world.school_staff, reason="Vertrouwelijke reden", on=timezone.localdate())

    response = verify(client, GROUPED)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Revoked" in page
    assert "is genuine and valid" not in page
    assert f"was revoked on {timezone.localdate().strftime('%-d %B %Y')}" in page
    assert "Vertrouwelijke reden" not in page


@pytest.mark.parametrize(
    "code", [UNKNOWN, "x", "PV-2025-000001", "7K2M-0QXD-4RTB-H1N", "7K2M-0QXD-4RTB-H1NPP", "U" * 16, "-" * 16]
)
def test_unknown_and_malformed_codes_are_not_found(client: Client, certificate: Certificate, code: str) -> None:
    response = verify(client, code)

    assert response.status_code == 404
    assert response.context["certificate"] is None
    page = response.content.decode()
    assert "Not found" in page
    assert certificate.number not in page


def test_only_reading_is_allowed(client: Client, certificate: Certificate) -> None:
    url = reverse("certificates:verify", kwargs={"code": GROUPED})

    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("code", [GROUPED, UNKNOWN])
def test_search_engines_are_asked_to_stay_away(client: Client, certificate: Certificate, code: str) -> None:
    response = verify(client, code)

    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("code", [GROUPED, UNKNOWN, "malformed"])
def test_every_answer_takes_at_least_the_minimum_time(
    client: Client, certificate: Certificate, settings: Any, code: str
) -> None:
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0.2
    started = time.monotonic()

    verify(client, code)

    assert time.monotonic() - started >= 0.2


def test_too_many_checks_from_one_address_are_refused_for_a_while(
    client: Client, certificate: Certificate, settings: Any
) -> None:
    settings.WERKPLAATS_VERIFY_RATE = "3/60"
    for _ in range(3):
        assert verify(client, GROUPED, REMOTE_ADDR="192.0.2.1").status_code == 200

    refused = verify(client, GROUPED, REMOTE_ADDR="192.0.2.1")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Too many checks" in page
    assert f"Try again in {refused['Retry-After']} second" in page
    assert certificate.number not in page
    assert refused["X-Robots-Tag"] == "noindex, nofollow"
    assert verify(client, GROUPED, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_behind_a_proxy_each_client_is_counted_on_its_own(
    client: Client, certificate: Certificate, settings: Any
) -> None:
    """Every request reaches the site from the proxy's address; the proxy says whose it is."""
    settings.WERKPLAATS_VERIFY_RATE = "3/60"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(3):
        assert verify(client, GROUPED, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 200

    # A client cannot escape its count by writing its own entry in front of the proxy's.
    spoofed = verify(client, GROUPED, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7", **proxy)

    assert spoofed.status_code == 429
    assert verify(client, GROUPED, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 200


def test_unknown_codes_count_towards_the_limit_too(client: Client, certificate: Certificate, settings: Any) -> None:
    settings.WERKPLAATS_VERIFY_RATE = "3/60"
    for code in (UNKNOWN, "nonsense", UNKNOWN):
        assert verify(client, code, REMOTE_ADDR="192.0.2.1").status_code == 404

    assert verify(client, GROUPED, REMOTE_ADDR="192.0.2.1").status_code == 429


# --- Typing the code --------------------------------------------------------------------------


def test_the_form_page_asks_for_the_code(client: Client) -> None:
    response = client.get(reverse("certificates:verify-form"))

    assert response.status_code == 200
    assert "Check a praktijkverklaring" in response.content.decode()
    assert not response.context["form"].is_bound


@pytest.mark.parametrize("typed", [GROUPED, "7k2m oqxd 4rtb hlnp ", CODE])
def test_a_typed_code_leads_to_its_page(client: Client, certificate: Certificate, typed: str) -> None:
    response = client.get(reverse("certificates:verify-form"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == certificate.verify_path


def test_a_typed_unknown_code_leads_to_its_page_too(client: Client, certificate: Certificate) -> None:
    response = client.get(reverse("certificates:verify-form"), {"code": UNKNOWN}, follow=True)

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize("typed", ["", "12345", "PV-2025-000001", "U" * 16])
def test_a_typed_code_that_is_no_code_is_a_form_error(client: Client, typed: str) -> None:
    response = client.get(reverse("certificates:verify-form"), {"code": typed})

    assert response.status_code == 200
    errors = response.context["form"].errors["code"]
    assert errors == (
        ["This field is required."]
        if not typed
        else ["A verification code has 16 letters and digits, for example 7K2M-9QXD-4RTB-H8NP."]
    )
