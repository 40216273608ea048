"""Openness: the licence, publiccode.yml, SECURITY.md, /.well-known/security.txt (RFC 9116) and
the accessibility statement."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.core import views_openness

BASE_DIR = Path(__file__).resolve().parent.parent
SECURITY_TXT = "/.well-known/security.txt"


def _fields(text: str) -> dict[str, list[str]]:
    """RFC 9116 fields: ``Name: value`` lines; comments start with #."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _colon, value = line.partition(": ")
            fields.setdefault(name.lower(), []).append(value)
    return fields


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- security.txt -----------------------------------------------------------------------------


def test_security_txt_is_at_the_well_known_address() -> None:
    assert reverse("openness:security-txt") == SECURITY_TXT


def test_security_txt_is_plain_text_for_anyone(client: Client, db: None) -> None:
    response = client.get(SECURITY_TXT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_security_txt_names_the_contact_languages_and_its_canonical_address(client: Client, db: None) -> None:
    fields = _fields(client.get(SECURITY_TXT).content.decode())

    assert fields["contact"] == [views_openness.SECURITY_CONTACT]
    assert fields["preferred-languages"] == ["nl, en"]
    assert fields["canonical"] == ["http://testserver/.well-known/security.txt"]
    assert set(fields) <= {"contact", "expires", "preferred-languages", "canonical"}


def test_security_txt_expires_in_the_future_and_within_a_year(client: Client, db: None) -> None:
    (expires,) = _fields(client.get(SECURITY_TXT).content.decode())["expires"]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", expires)
    moment = datetime.datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    now = timezone.now()
    assert now + datetime.timedelta(days=364) < moment <= now + datetime.timedelta(days=365)


def test_security_txt_expiry_is_the_same_all_day() -> None:
    morning = datetime.datetime(2026, 3, 1, 0, 5, tzinfo=datetime.UTC)
    evening = datetime.datetime(2026, 3, 1, 23, 55, tzinfo=datetime.UTC)

    assert views_openness.security_txt_expires(morning) == views_openness.security_txt_expires(evening)
    assert views_openness.security_txt_expires(morning) == datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)


def test_security_txt_gives_the_canonical_address_of_the_host_asked(client: Client, db: None, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["werkplaats.gemeente.example"]

    response = client.get(SECURITY_TXT, HTTP_HOST="werkplaats.gemeente.example", secure=True)

    assert _fields(response.content.decode())["canonical"] == [
        "https://werkplaats.gemeente.example/.well-known/security.txt"
    ]


def test_a_deployment_names_its_own_security_contacts(client: Client, db: None, settings: Any) -> None:
    settings.WERKPLAATS_SECURITY_CONTACT = "cert@gemeente.example, https://gemeente.example/kwetsbaarheid-melden"

    fields = _fields(client.get(SECURITY_TXT).content.decode())

    assert fields["contact"] == ["mailto:cert@gemeente.example", "https://gemeente.example/kwetsbaarheid-melden"]


@pytest.mark.parametrize(
    "configured",
    ["cert@gemeente.example\nExpires: 1999-01-01T00:00:00Z", "javascript:alert(1)", "   ", "http://insecure.example/"],
)
def test_a_contact_setting_that_is_no_valid_uri_falls_back_to_the_project_address(
    client: Client, db: None, settings: Any, configured: str
) -> None:
    settings.WERKPLAATS_SECURITY_CONTACT = configured

    text = client.get(SECURITY_TXT).content.decode()

    assert _fields(text)["contact"] == [views_openness.SECURITY_CONTACT]
    assert "1999" not in text


def test_security_txt_answers_head_but_not_post(client: Client, db: None) -> None:
    assert client.head(SECURITY_TXT).status_code == 200
    assert client.post(SECURITY_TXT).status_code == 405


def test_security_txt_needs_no_database(client: Client) -> None:
    # No db fixture: any query would fail the test.
    assert client.get(SECURITY_TXT).status_code == 200


# --- Accessibility statement -------------------------------------------------------------------


def test_the_accessibility_statement_is_public(client: Client, db: None) -> None:
    response = client.get(reverse("openness:accessibility"))

    assert response.status_code == 200
    assert response.templates[0].name == "core/openness/accessibility.html"


def test_without_a_deployment_statement_the_platforms_own_statement_is_shown(
    english: Client, db: None, settings: Any
) -> None:
    settings.WERKPLAATS_ACCESSIBILITY_STATEMENT_URL = ""

    html = english.get(reverse("openness:accessibility")).content.decode()

    assert "WCAG) 2.2 at level AA" in html
    assert "axe-core" in html
    assert "Known limitations" in html
    assert "Read the accessibility statement of this site" not in html


def test_a_deployment_statement_is_linked_instead(english: Client, db: None, settings: Any) -> None:
    url = "https://www.toegankelijkheidsverklaring.nl/register/12345"
    settings.WERKPLAATS_ACCESSIBILITY_STATEMENT_URL = url

    html = english.get(reverse("openness:accessibility")).content.decode()

    assert f'href="{url}"' in html
    assert "Read the accessibility statement of this site" in html
    assert "axe-core" not in html


def test_a_statement_setting_that_is_not_a_web_address_is_not_linked(english: Client, db: None, settings: Any) -> None:
    settings.WERKPLAATS_ACCESSIBILITY_STATEMENT_URL = "javascript:alert(1)"

    html = english.get(reverse("openness:accessibility")).content.decode()

    assert "javascript:" not in html
    assert "axe-core" in html


def test_the_statement_is_in_dutch_by_default(client: Client, db: None) -> None:
    html = client.get(reverse("openness:accessibility")).content.decode()

    assert '<html lang="nl"' in html


def test_every_page_links_to_the_accessibility_statement(client: Client, db: None) -> None:
    html = client.get(reverse("account_login")).content.decode()

    assert f'href="{reverse("openness:accessibility")}"' in html


# --- Licence, publiccode.yml, SECURITY.md ------------------------------------------------------

EUPL_HEADINGS = [
    "1. Definitions",
    "2. Scope of the rights granted by the Licence",
    "3. Communication of the Source Code",
    "4. Limitations on copyright",
    "5. Obligations of the Licensee",
    "6. Chain of Authorship",
    "7. Disclaimer of Warranty",
    "8. Disclaimer of Liability",
    "9. Additional agreements",
    "10. Acceptance of the Licence",
    "11. Information to the public",
    "12. Termination of the Licence",
    "13. Miscellaneous",
    "14. Jurisdiction",
    "15. Applicable Law",
    "Appendix",
]


def test_the_licence_is_the_complete_eupl_1_2() -> None:
    text = (BASE_DIR / "LICENSE").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]

    assert lines[0] == "EUROPEAN UNION PUBLIC LICENCE v. 1.2"
    assert "EUPL © the European Union 2007, 2016" in lines
    assert [line for line in lines if line in EUPL_HEADINGS] == EUPL_HEADINGS
    assert 13_000 < len(text) < 15_000
    assert text.rstrip().endswith(
        "All other changes or additions to this Appendix require the production of a\nnew EUPL version."
    )


def test_the_package_declares_the_same_licence() -> None:
    assert 'license = "EUPL-1.2"' in (BASE_DIR / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def publiccode() -> dict[str, Any]:
    return yaml.safe_load((BASE_DIR / "publiccode.yml").read_text(encoding="utf-8"))


# The controlled vocabularies of the standard (categories-list and scope-list of version 0.4).
CATEGORIES = frozenset(
    re.findall(
        r"[a-z-]+",
        """
        accounting agile-project-management applicant-tracking application-development
        appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
        business-process-management cad call-center-management cloud-management collaboration communications
        compliance-management contact-management content-management crm customer-service-and-support
        data-analytics data-collection data-visualization design design-system digital-asset-management
        digital-citizenship document-management donor-management e-commerce e-signature educational-content
        email-management email-marketing employee-management enterprise-project-management
        enterprise-social-networking erp event-management facility-management
        feedback-and-reviews-management financial-reporting fleet-management fundraising gamification
        geographic-information-systems grant-management graphic-design help-desk hr ide identity-management
        instant-messaging inventory-management it-asset-management it-development it-management it-security
        it-service-management knowledge-management learning-management-system marketing mind-mapping
        mobile-marketing mobile-payment network-management office online-booking online-community
        payment-gateway payroll predictive-analysis procurement productivity-suite project-collaboration
        project-management property-management real-estate-management remote-support resource-management
        sales-management seo service-desk social-media-management survey talent-management task-management
        taxes-management test-management time-management time-tracking translation video-conferencing
        video-editing visitor-management voip warehouse-management web-collaboration web-conferencing
        website-builder whistleblowing workflow-management
        """,
    )
)
SCOPES = frozenset(
    re.findall(
        r"[a-z-]+",
        """
        agriculture culture defence education emergency-services employment energy environment
        finance-and-economic-development foreign-affairs healthcare infrastructures justice
        local-authorities manufacturing research science-and-technology security society sport tourism
        transportation welfare
        """,
    )
)
DATE = re.compile(r"\d{4}-\d\d-\d\d")


def test_publiccode_has_every_key_the_standard_requires(publiccode: dict[str, Any]) -> None:
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    for key in ["name", "url", "platforms", "categories", "developmentStatus", "softwareType", "description"]:
        assert publiccode[key], key
    assert publiccode["legal"]["license"]
    assert publiccode["maintenance"]["type"]
    assert isinstance(publiccode["localisation"]["localisationReady"], bool)
    assert publiccode["localisation"]["availableLanguages"]


def test_publiccode_values_are_from_the_standards_lists(publiccode: dict[str, Any]) -> None:
    assert publiccode["url"].startswith("https://")
    assert "web" in publiccode["platforms"]
    assert set(publiccode["categories"]) <= CATEGORIES
    assert set(publiccode["intendedAudience"]["scope"]) <= SCOPES
    assert publiccode["intendedAudience"]["countries"] == ["nl"]
    assert publiccode["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert publiccode["softwareType"] == "standalone/web"
    assert isinstance(publiccode["releaseDate"], str)
    assert DATE.fullmatch(publiccode["releaseDate"])
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in {"internal", "contract", "community", "none"}
    if maintenance["type"] in {"internal", "community"}:
        assert all(contact["name"] for contact in maintenance["contacts"])


def test_publiccode_describes_werkplaats_in_dutch_and_english(publiccode: dict[str, Any]) -> None:
    assert set(publiccode["description"]) == {"nl", "en"}
    for language, description in publiccode["description"].items():
        assert 0 < len(description["shortDescription"]) <= 150, language
        assert "\n" not in description["shortDescription"], language
        assert 150 <= len(description["longDescription"]) <= 10_000, language
        assert description["features"], language
    assert set(publiccode["localisation"]["availableLanguages"]) == {lang for lang, _name in settings.LANGUAGES}


def test_publiccode_names_the_licence_of_the_licence_file(publiccode: dict[str, Any]) -> None:
    assert publiccode["legal"]["license"] == "EUPL-1.2"


def test_publiccode_names_the_version_of_the_package(publiccode: dict[str, Any]) -> None:
    version = re.search(r'^version = "([^"]+)"', (BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"), re.M)

    assert version is not None
    assert publiccode["softwareVersion"] == version.group(1)


def test_security_md_gives_the_address_security_txt_names(client: Client) -> None:
    text = (BASE_DIR / "SECURITY.md").read_text(encoding="utf-8")
    (contact,) = _fields(client.get(SECURITY_TXT).content.decode())["contact"]

    assert contact.startswith("mailto:")
    assert contact.removeprefix("mailto:") in text
    assert "/.well-known/security.txt" in text
    assert "## Threat model" in text
