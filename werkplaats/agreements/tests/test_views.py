from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from werkplaats.agreements import services
from werkplaats.agreements.dashboard import panel
from werkplaats.agreements.files import MAX_BYTES
from werkplaats.agreements.models import Agreement, AgreementKind, AgreementVersion, Signature, VersionStatus
from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import PartnershipMember
from werkplaats.partnerships.tests.factories import Cast

from .conftest import TEXT
from .helpers import PDF, pdf, sign_all


def _client(user: Any) -> Client:
    """Logged in, reading the pages in English (the source language) to check their text."""
    if user.language != "en":
        user.language = "en"
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, team: Cast, **kwargs: Any) -> str:
    return reverse(f"agreements:{name}", kwargs={"slug": team.partnership.slug, **kwargs})


def _version_url(name: str, version: AgreementVersion, **kwargs: Any) -> str:
    agreement = version.agreement
    return reverse(
        f"agreements:{name}",
        kwargs={"slug": agreement.partnership.slug, "pk": agreement.pk, "number": version.number, **kwargs},
    )


def _published(team: Cast, covenant: Agreement) -> AgreementVersion:
    return services.publish_version(covenant.versions.get(number=1), by=team.manager.user)


# --- Reading: every member, nobody else ----------------------------------------------------


def test_every_member_reads_the_agreements_and_an_outsider_gets_404(team: Cast, covenant: Agreement) -> None:
    version = covenant.versions.get()
    pages = [_url("list", team), covenant.get_absolute_url(), version.get_absolute_url()]
    for url in pages:
        assert _client(team.member.user).get(url).status_code == 200
        assert _client(team.outsider).get(url).status_code == 404
    assert Client().get(pages[0]).status_code == 302


def test_the_list_shows_the_version_in_force_signing_progress_and_a_passed_revisit_date(
    team: Cast, covenant: Agreement
) -> None:
    v1 = _published(team, covenant)
    sign_all(v1, team)
    AgreementVersion.objects.filter(pk=v1.pk).update(revisit_on=timezone.localdate() - datetime.timedelta(days=1))
    v2 = services.start_version(covenant, by=team.manager.user)
    services.publish_version(v2, by=team.manager.user)
    school = team.steering_member.partner
    assert school is not None
    services.sign_version(v2, partner=school, signer=team.steering_member, method="in_app")

    page = _client(team.member.user).get(_url("list", team)).content.decode()
    assert "Convenant 2025-2028" in page
    assert "Version 1" in page
    assert "1 of 3 partners signed" in page
    assert "revisit date passed" in page


def test_the_version_page_compares_with_the_previous_version(team: Cast, covenant: Agreement) -> None:
    _published(team, covenant)
    v2 = services.start_version(covenant, by=team.manager.user)
    services.change_version(v2, by=team.manager.user, goals="Tweehonderd praktijkverklaringen")

    page = _client(team.member.user).get(v2.get_absolute_url()).content.decode()
    assert "Tweehonderd praktijkverklaringen" in page and TEXT["goals"] in page
    assert page.count("agreements-text__changed") == 1
    alone = _client(team.member.user).get(v2.get_absolute_url() + "?compare=0").content.decode()
    assert TEXT["goals"] not in alone


# --- Writing: the manager -------------------------------------------------------------------


def test_the_manager_writes_a_covenant_and_a_member_may_not(team: Cast) -> None:
    data = {"kind": "covenant", "title": "Nieuw convenant", "goals": "Samen", "starts_on": "01-01-2026"}
    assert _client(team.member.user).get(_url("create", team)).status_code == 403
    assert _client(team.member.user).post(_url("create", team), data).status_code == 403

    response = _client(team.manager.user).post(_url("create", team), data)

    agreement = Agreement.objects.get(title="Nieuw convenant")
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert agreement.versions.get().starts_on == datetime.date(2026, 1, 1)


def test_a_term_ending_before_its_start_is_shown_at_the_field(team: Cast) -> None:
    data = {"kind": "covenant", "title": "Verkeerd", "starts_on": "2026-01-01", "ends_on": "2025-01-01"}
    response = _client(team.manager.user).post(_url("create", team), data)
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    assert not Agreement.objects.filter(title="Verkeerd").exists()


def test_a_version_in_force_cannot_be_edited_through_the_page(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    sign_all(v1, team)
    client = _client(team.manager.user)
    url = _version_url("version-edit", v1)

    assert client.get(url).status_code == 302
    response = client.post(url, {"goals": "Stiekem aangepast"})

    assert response.status_code == 302
    assert covenant.versions.get(number=1).goals == TEXT["goals"]


def test_the_manager_starts_a_new_version_and_publishes_it(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    sign_all(v1, team)
    client = _client(team.manager.user)

    response = client.post(_url("version-new", team, pk=covenant.pk))
    v2 = covenant.versions.get(number=2)
    assert response["Location"] == _version_url("version-edit", v2)
    client.post(_version_url("version-edit", v2), {**TEXT, "goals": "Meer", "starts_on": "2025-01-01"})
    assert client.get(_version_url("publish", v2)).status_code == 200
    client.post(_version_url("publish", v2))

    v2.refresh_from_db()
    assert v2.goals == "Meer" and v2.status == VersionStatus.OUT_FOR_SIGNATURE
    assert _client(team.member.user).post(_url("version-new", team, pk=covenant.pk)).status_code == 403


def test_the_manager_adopts_a_statute(team: Cast) -> None:
    statute = services.create_agreement(
        team.partnership, by=team.manager.user, kind=AgreementKind.STATUTE, title="Statuut", goals="Eigenaarschap"
    )
    version = statute.versions.get()
    url = _version_url("adopt", version)
    assert _client(team.member.user).post(url, {"adopted_on": "2025-05-01"}).status_code == 403

    response = _client(team.manager.user).post(url, {"adopted_on": "01-05-2025", "adopted_by": "Teamoverleg"})

    version.refresh_from_db()
    assert response.status_code == 302
    assert version.status == VersionStatus.IN_FORCE and version.adopted_on == datetime.date(2025, 5, 1)


def test_an_empty_withdrawal_changes_nothing(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    response = _client(team.manager.user).post(_version_url("withdraw", v1), {"reason": ""})
    assert response.status_code == 302
    assert covenant.versions.get().status == VersionStatus.OUT_FOR_SIGNATURE


# --- Signing --------------------------------------------------------------------------------


def test_signing_for_a_partner_one_does_not_represent_is_403(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    assert team.worker.partner is not None
    url = _version_url("sign", v1, partner=team.worker.partner.pk)
    client = _client(team.member.user)  # represents the school, not the employer

    assert client.get(url).status_code == 403
    assert client.post(url, {"method": "in_app", "confirm": "on"}).status_code == 403
    assert _client(team.outsider).get(url).status_code == 404
    assert not Signature.objects.exists()


def test_a_representative_approves_in_the_app(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    assert team.member.partner is not None
    url = _version_url("sign", v1, partner=team.member.partner.pk)
    client = _client(team.member.user)

    unconfirmed = client.post(url, {"method": "in_app"})
    assert unconfirmed.status_code == 200 and "confirm" in unconfirmed.context["form"].errors

    response = client.post(url, {"method": "in_app", "confirm": "on", "signatory": "P. de Boer, directeur"})

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.partner == team.member.partner and signature.signatory == "P. de Boer, directeur"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "convenant.pdf"),
        (b"%PDF-1.4\n" + b"0" * MAX_BYTES, "convenant.pdf"),
        (b"", "convenant.pdf"),
        (b"\xff\xd8\xff\xe0 a photo", "scan.jpg"),
    ],
)
def test_a_bad_signed_copy_is_shown_at_the_file_field(
    team: Cast, covenant: Agreement, content: bytes, name: str
) -> None:
    v1 = _published(team, covenant)
    assert team.worker.partner is not None
    url = _version_url("sign", v1, partner=team.worker.partner.pk)

    response = _client(team.manager.user).post(url, {"method": "signed_copy", "file": pdf(name, content)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'id="id_file_error"' in response.content.decode()
    assert not Signature.objects.exists()


def test_a_missing_signed_copy_is_shown_at_the_file_field(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    assert team.worker.partner is not None
    url = _version_url("sign", v1, partner=team.worker.partner.pk)
    response = _client(team.manager.user).post(url, {"method": "signed_copy"})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_the_manager_uploads_a_signed_copy_that_members_download_as_an_attachment(
    team: Cast, covenant: Agreement, private_dir: Any
) -> None:
    v1 = _published(team, covenant)
    assert team.worker.partner is not None
    url = _version_url("sign", v1, partner=team.worker.partner.pk)

    response = _client(team.manager.user).post(url, {"method": "signed_copy", "file": pdf()})

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert str(private_dir) in signature.file.path
    download = _version_url("signature-download", v1, signature=signature.pk)
    got = _client(team.member.user).get(download)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert _client(team.outsider).get(download).status_code == 404


def test_the_last_signature_brings_the_version_into_force(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    for member in (team.manager, team.steering_member):
        assert member.partner is not None
        services.sign_version(v1, partner=member.partner, signer=member, method="in_app")
    assert team.worker.partner is not None
    url = _version_url("sign", v1, partner=team.worker.partner.pk)

    _client(team.worker.user).post(url, {"method": "in_app", "confirm": "on"})

    assert covenant.versions.get().status == VersionStatus.IN_FORCE


# --- Query counts -----------------------------------------------------------------------------


def _agreements(team: Cast, n: int, start: int = 0) -> None:
    """``n`` covenants, each with a version in force, one out for signature and a draft."""
    for i in range(start, start + n):
        agreement = services.create_agreement(
            team.partnership, by=team.manager.user, kind=AgreementKind.COVENANT, title=f"Convenant {i}", **TEXT
        )
        v1 = services.publish_version(agreement.versions.get(), by=team.manager.user)
        sign_all(v1, team)
        v2 = services.start_version(agreement, by=team.manager.user)
        services.publish_version(v2, by=team.manager.user)
        services.start_version(agreement, by=team.manager.user)


def _queries(team: Cast, url: str) -> int:
    client = _client(team.member.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_six_agreements_as_for_two(team: Cast) -> None:
    _agreements(team, 2)
    two = _queries(team, _url("list", team))
    _agreements(team, 4, start=2)
    six = _queries(team, _url("list", team))
    assert six == two


def test_the_dashboard_panel_takes_a_fixed_number_of_queries(team: Cast) -> None:
    def access() -> PartnershipAccess:
        member = PartnershipMember.objects.select_related("partnership").get(pk=team.member.pk)
        return PartnershipAccess(
            partnership=member.partnership,
            member=member,
            group_ids=frozenset(),
            steering_group_ids=frozenset(),
            coordinated_group_ids=frozenset(),
        )

    _agreements(team, 1)
    with CaptureQueriesContext(connection) as small:
        panel(access())
    for i in range(5):
        agreement = services.create_agreement(
            team.partnership, by=team.manager.user, kind=AgreementKind.COVENANT, title=f"Extra {i}", **TEXT
        )
        services.publish_version(agreement.versions.get(), by=team.manager.user)
    with CaptureQueriesContext(connection) as large:
        result = panel(access())
    assert result is not None
    assert len(large) == len(small) <= 3
    assert len(result["in_force"]) == 1 and len(result["awaiting"]) == 6


def test_the_dashboard_panel_lists_revisit_dates_due(team: Cast, covenant: Agreement) -> None:
    v1 = _published(team, covenant)
    sign_all(v1, team)
    AgreementVersion.objects.filter(pk=v1.pk).update(revisit_on=timezone.localdate() + datetime.timedelta(days=10))
    result = panel(
        PartnershipAccess(
            partnership=team.partnership,
            member=team.member,
            group_ids=frozenset(),
            steering_group_ids=frozenset(),
            coordinated_group_ids=frozenset(),
        )
    )
    assert result is not None
    assert [v.pk for v in result["revisit_due"]] == [v1.pk]


def test_the_dashboard_panel_renders_what_awaits_signatures(team: Cast, covenant: Agreement) -> None:
    _published(team, covenant)
    access = PartnershipAccess(
        partnership=team.partnership,
        member=team.member,
        group_ids=frozenset(),
        steering_group_ids=frozenset(),
        coordinated_group_ids=frozenset(),
    )
    with translation.override("en"):
        html = render_to_string(
            "agreements/_dashboard_panel.html", {"partnership": team.partnership, "pa": access, "panel": panel(access)}
        )
    assert '<h2 class="utrecht-heading-2"' in html
    assert "0 of 3 partners signed" in html
    assert covenant.versions.get().get_absolute_url() in html
