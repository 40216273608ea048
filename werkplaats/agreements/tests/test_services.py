from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from werkplaats.agreements import services
from werkplaats.agreements.files import MAX_BYTES
from werkplaats.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementVersion,
    Signature,
    SignatureMethod,
    VersionStatus,
)
from werkplaats.partnerships.tests.factories import Cast, join

from .conftest import TEXT
from .helpers import pdf, representatives, sign_all

pytestmark = pytest.mark.usefixtures("english")


def _v(agreement: Agreement, number: int) -> AgreementVersion:
    return agreement.versions.get(number=number)


# --- Writing ------------------------------------------------------------------------------


def test_creating_an_agreement_writes_version_one_as_a_draft(covenant: Agreement) -> None:
    version = _v(covenant, 1)
    assert version.status == VersionStatus.DRAFT
    assert version.goals == TEXT["goals"]
    assert version.events.get().to_status == VersionStatus.DRAFT


def test_a_title_is_used_once_per_partnership(team: Cast, covenant: Agreement) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_agreement(
            team.partnership, by=team.manager.user, kind=AgreementKind.COVENANT, title="convenant 2025-2028"
        )
    assert "title" in caught.value.message_dict


def test_the_term_cannot_end_before_it_starts(team: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_agreement(
            team.partnership,
            by=team.manager.user,
            kind=AgreementKind.COVENANT,
            title="Verkeerd om",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2025, 1, 1),
        )
    assert "ends_on" in caught.value.message_dict
    assert not Agreement.objects.filter(title="Verkeerd om").exists()


def test_a_new_version_is_a_copy_of_the_latest_and_leaves_it_unchanged(team: Cast, covenant: Agreement) -> None:
    v1 = _v(covenant, 1)
    services.publish_version(v1, by=team.manager.user)
    v2 = services.start_version(covenant, by=team.manager.user)
    services.change_version(v2, by=team.manager.user, goals="175 praktijkverklaringen per jaar")

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.number == 2
    assert v2.status == VersionStatus.DRAFT
    assert v2.conditions == v1.conditions and v2.ends_on == v1.ends_on
    assert v2.goals == "175 praktijkverklaringen per jaar"
    assert v1.goals == TEXT["goals"]


def test_only_one_draft_at_a_time(team: Cast, covenant: Agreement) -> None:
    with pytest.raises(ValidationError) as caught:
        services.start_version(covenant, by=team.manager.user)
    assert caught.value.code == "draft_exists"
    assert covenant.versions.count() == 1


def test_a_version_in_force_is_not_editable(team: Cast, covenant: Agreement) -> None:
    v1 = _v(covenant, 1)
    services.publish_version(v1, by=team.manager.user)
    sign_all(v1, team)

    with pytest.raises(ValidationError) as caught:
        services.change_version(v1, by=team.manager.user, goals="Iets anders")
    v1.refresh_from_db()
    assert caught.value.code == "frozen"
    assert v1.status == VersionStatus.IN_FORCE
    assert v1.goals == TEXT["goals"]


def test_publishing_freezes_the_text(team: Cast, covenant: Agreement) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)

    assert v1.status == VersionStatus.OUT_FOR_SIGNATURE and v1.published_at is not None
    with pytest.raises(ValidationError):
        services.change_version(v1, by=team.manager.user, goals="Toch anders")


def test_an_empty_draft_is_not_published(team: Cast) -> None:
    agreement = services.create_agreement(
        team.partnership, by=team.manager.user, kind=AgreementKind.COVENANT, title="Leeg"
    )
    with pytest.raises(ValidationError) as caught:
        services.publish_version(_v(agreement, 1), by=team.manager.user)
    assert caught.value.code == "empty"
    assert _v(agreement, 1).status == VersionStatus.DRAFT


def test_a_second_version_waits_until_the_first_is_no_longer_out_for_signature(team: Cast, covenant: Agreement) -> None:
    services.publish_version(_v(covenant, 1), by=team.manager.user)
    v2 = services.start_version(covenant, by=team.manager.user)

    with pytest.raises(ValidationError) as caught:
        services.publish_version(v2, by=team.manager.user)
    assert caught.value.code == "pending"

    services.withdraw_version(_v(covenant, 1), by=team.manager.user, reason="De werkgevers tekenen niet")
    services.publish_version(v2, by=team.manager.user)
    assert _v(covenant, 1).status == VersionStatus.WITHDRAWN
    assert _v(covenant, 2).status == VersionStatus.OUT_FOR_SIGNATURE


def test_withdrawing_needs_a_reason(team: Cast, covenant: Agreement) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    with pytest.raises(ValidationError) as caught:
        services.withdraw_version(v1, by=team.manager.user, reason="  ")
    assert "reason" in caught.value.message_dict
    assert _v(covenant, 1).status == VersionStatus.OUT_FOR_SIGNATURE


def test_publishing_asks_the_representatives_to_sign(
    team: Cast, covenant: Agreement, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_version(_v(covenant, 1), by=team.manager.user)
    from werkplaats.notifications.models import Notification

    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {m.user_id for m in representatives(team)} <= notified
    assert team.outsider.pk not in notified


# --- Signing ------------------------------------------------------------------------------


def test_when_every_partner_signed_the_version_is_in_force_and_the_previous_superseded(
    team: Cast, covenant: Agreement
) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    sign_all(v1, team)
    v2 = services.start_version(covenant, by=team.manager.user)
    services.change_version(v2, by=team.manager.user, goals="175 per jaar")
    services.publish_version(v2, by=team.manager.user)

    *first, last = representatives(team)
    for member in first:
        assert member.partner is not None
        services.sign_version(v2, partner=member.partner, signer=member, method=SignatureMethod.IN_APP)
    assert _v(covenant, 2).status == VersionStatus.OUT_FOR_SIGNATURE
    assert _v(covenant, 1).status == VersionStatus.IN_FORCE

    assert last.partner is not None
    services.sign_version(v2, partner=last.partner, signer=last, method=SignatureMethod.IN_APP)

    v1, v2 = _v(covenant, 1), _v(covenant, 2)
    assert v2.status == VersionStatus.IN_FORCE and v2.in_force_at is not None
    assert v1.status == VersionStatus.SUPERSEDED and v1.ended_at is not None
    assert list(v1.events.values_list("to_status", flat=True)) == [
        VersionStatus.DRAFT,
        VersionStatus.OUT_FOR_SIGNATURE,
        VersionStatus.IN_FORCE,
        VersionStatus.SUPERSEDED,
    ]


def test_a_member_who_does_not_represent_the_partner_cannot_sign_for_it(team: Cast, covenant: Agreement) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    assert team.worker.partner is not None
    for method in SignatureMethod.values:
        with pytest.raises(PermissionDenied):
            services.sign_version(v1, partner=team.worker.partner, signer=team.member, method=method, file=pdf())
    external = join(team.partnership, role="external")
    with pytest.raises(PermissionDenied):
        services.sign_version(v1, partner=team.worker.partner, signer=external, method=SignatureMethod.IN_APP)
    assert not Signature.objects.exists()


def test_the_manager_signs_for_another_partner_only_with_a_signed_copy(team: Cast, covenant: Agreement) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    employer = team.worker.partner
    assert employer is not None

    with pytest.raises(ValidationError) as caught:
        services.sign_version(v1, partner=employer, signer=team.manager, method=SignatureMethod.IN_APP)
    assert "method" in caught.value.message_dict

    signature = services.sign_version(
        v1, partner=employer, signer=team.manager, method=SignatureMethod.SIGNED_COPY, file=pdf()
    )
    assert signature.file.name.startswith("signed/")
    assert signature.original_name == "getekend.pdf"
    assert signature.signed_by == team.manager.user


def test_a_partner_signs_once(team: Cast, covenant: Agreement) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    school = team.steering_member.partner
    assert school is not None
    services.sign_version(v1, partner=school, signer=team.steering_member, method=SignatureMethod.IN_APP)
    with pytest.raises(ValidationError) as caught:
        services.sign_version(v1, partner=school, signer=team.member, method=SignatureMethod.IN_APP)
    assert caught.value.code == "signed"


def test_a_draft_cannot_be_signed(team: Cast, covenant: Agreement) -> None:
    school = team.steering_member.partner
    assert school is not None
    with pytest.raises(ValidationError) as caught:
        services.sign_version(
            _v(covenant, 1), partner=school, signer=team.steering_member, method=SignatureMethod.IN_APP
        )
    assert caught.value.code == "not_open"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf("covenant.pdf", b"MZ\x90\x00 not a pdf at all"), "PDF"),
        (pdf("covenant.pdf", b""), "empty"),
        (pdf("covenant.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES), "at most"),
        (pdf("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20), "PDF"),
    ],
)
def test_a_signed_copy_must_be_a_pdf_of_at_most_ten_megabytes(
    team: Cast, covenant: Agreement, upload: object, message: str
) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    assert team.worker.partner is not None
    with pytest.raises(ValidationError) as caught:
        services.sign_version(
            v1, partner=team.worker.partner, signer=team.manager, method=SignatureMethod.SIGNED_COPY, file=upload
        )
    assert message in " ".join(caught.value.message_dict["file"])
    assert not Signature.objects.exists()


def test_when_the_last_missing_partner_leaves_the_version_comes_into_force(team: Cast, covenant: Agreement) -> None:
    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    manager, school_member, worker = representatives(team)
    for member in (manager, school_member):
        assert member.partner is not None
        services.sign_version(v1, partner=member.partner, signer=member, method=SignatureMethod.IN_APP)
    assert worker.partner is not None
    worker.partner.left_on = timezone.localdate()
    worker.partner.save()

    assert services.settle_signatures(team.partnership, by=manager.user) == [v1]
    assert _v(covenant, 1).status == VersionStatus.IN_FORCE


# --- Statutes -----------------------------------------------------------------------------


def test_a_statute_is_adopted_instead_of_signed(team: Cast) -> None:
    statute = services.create_agreement(
        team.partnership,
        by=team.manager.user,
        kind=AgreementKind.STATUTE,
        title="Professioneel statuut team zorg",
        scope="Team zorg van het mbo",
        roles_and_decisions="Het team besluit samen over de lesmethode.",
        revisit_on=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError):
        services.publish_version(_v(statute, 1), by=team.manager.user)

    services.adopt_version(
        _v(statute, 1), by=team.manager.user, adopted_on=datetime.date(2025, 3, 1), adopted_by="Teamoverleg"
    )
    v2 = services.start_version(statute, by=team.manager.user)
    services.adopt_version(v2, by=team.manager.user, adopted_on=timezone.localdate())

    assert _v(statute, 1).status == VersionStatus.SUPERSEDED
    assert _v(statute, 2).status == VersionStatus.IN_FORCE
    assert _v(statute, 2).revisit_on == datetime.date(2026, 9, 1)
    assert not Signature.objects.exists()
    assert AgreementEvent.objects.filter(version__agreement=statute, to_status=VersionStatus.IN_FORCE).count() == 2


def test_an_adoption_is_recorded_once_it_happened(team: Cast) -> None:
    statute = services.create_agreement(
        team.partnership, by=team.manager.user, kind=AgreementKind.STATUTE, title="Statuut", goals="Eigenaarschap"
    )
    with pytest.raises(ValidationError) as caught:
        services.adopt_version(
            _v(statute, 1), by=team.manager.user, adopted_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    assert "adopted_on" in caught.value.message_dict
    assert _v(statute, 1).status == VersionStatus.DRAFT


def test_comparing_versions_marks_what_changed(team: Cast, covenant: Agreement) -> None:
    services.publish_version(_v(covenant, 1), by=team.manager.user)
    v2 = services.start_version(covenant, by=team.manager.user)
    v2 = services.change_version(v2, by=team.manager.user, goals="Anders", ends_on=datetime.date(2029, 12, 31))

    changed = {row.label for row in services.compare_versions(_v(covenant, 1), v2) if row.changed}
    assert changed == {"goals", "in force until"}


def test_ending_the_partnership_with_the_last_missing_signer_brings_the_version_into_force(
    team: Cast, covenant: Agreement
) -> None:
    from werkplaats.partnerships.services import end_partner

    v1 = services.publish_version(_v(covenant, 1), by=team.manager.user)
    manager, school_member, worker = representatives(team)
    for member in (manager, school_member):
        assert member.partner is not None
        services.sign_version(v1, partner=member.partner, signer=member, method=SignatureMethod.IN_APP)
    assert worker.partner is not None

    end_partner(worker.partner, by=manager.user)

    assert _v(covenant, 1).status == VersionStatus.IN_FORCE
