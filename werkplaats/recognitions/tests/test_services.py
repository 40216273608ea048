"""Keeping the register by hand: add, change, verify, withdraw, and the learning-company details."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.audit.models import AuditLogEntry
from werkplaats.organisations.models import Organisation, Region
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import LearningCompany, Recognition, RecognitionSource, RecognitionStatus
from werkplaats.recognitions.services import (
    add_recognition,
    can_manage_recognitions,
    update_learning_company,
    update_recognition,
    verify_recognition,
    withdraw_recognition,
)

from .factories import recognition

JAN = datetime.date(2024, 1, 1)


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


# --- Who keeps the register ---------------------------------------------------------------------------


def test_a_coordinator_of_the_region_manages_its_employers(bakery: Organisation, coordinator: User) -> None:
    assert can_manage_recognitions(coordinator, bakery)


def test_school_staff_in_the_region_manage_its_employers(bakery: Organisation, school_staff: User) -> None:
    assert can_manage_recognitions(school_staff, bakery)


def test_a_consultant_does_not_manage_the_register(bakery: Organisation, consultant: User) -> None:
    assert not can_manage_recognitions(consultant, bakery)


def test_a_coordinator_of_another_region_does_not_manage_the_register(bakery: Organisation, outsider: User) -> None:
    assert not can_manage_recognitions(outsider, bakery)


def test_a_platform_administrator_manages_every_register(bakery: Organisation, platform_admin: User) -> None:
    assert can_manage_recognitions(platform_admin, bakery)


# --- Adding ---------------------------------------------------------------------------------------------


def test_a_coordinator_adds_a_recognition(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    added = add_recognition(bakery, crebo="25173", start_date=JAN, places_offered=2, by=coordinator)

    assert (added.crebo, added.start_date, added.end_date, added.places_offered) == ("25173", JAN, None, 2)
    assert added.source == RecognitionSource.MANUAL
    assert added.created_by == coordinator
    assert AuditLogEntry.objects.filter(object_id=str(added.pk), action="create").exists()


def test_a_crebo_outside_the_catalogue_is_refused(bakery: Organisation, coordinator: User) -> None:
    with pytest.raises(ValidationError) as exc:
        add_recognition(bakery, crebo="99999", start_date=JAN, by=coordinator)

    assert "not in the qualification catalogue" in _messages(exc, "crebo")[0]
    assert not Recognition.objects.exists()


def test_only_an_employer_can_be_recognised(
    organisation: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    with pytest.raises(ValidationError) as exc:
        add_recognition(organisation, crebo="25173", start_date=JAN, by=coordinator)

    assert "Only employers" in _messages(exc, "employer")[0]


def test_an_end_before_the_start_is_refused(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    with pytest.raises(ValidationError) as exc:
        add_recognition(
            bakery, crebo="25173", start_date=JAN, end_date=JAN - datetime.timedelta(days=1), by=coordinator
        )

    assert _messages(exc, "end_date") == ["The end date cannot be before the start date."]


def test_a_recognition_may_end_on_its_first_day(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    added = add_recognition(bakery, crebo="25173", start_date=JAN, end_date=JAN, by=coordinator)

    assert added.end_date == JAN


def test_an_overlapping_period_for_the_same_crebo_is_refused(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    recognition(bakery, "25173", start_date=JAN, end_date=datetime.date(2024, 12, 31))

    with pytest.raises(ValidationError) as exc:
        add_recognition(bakery, crebo="25173", start_date=datetime.date(2024, 12, 31), by=coordinator)

    assert "overlaps" in _messages(exc, "start_date")[0]
    assert Recognition.objects.count() == 1


def test_an_open_ended_recognition_overlaps_every_later_period(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(ValidationError):
        add_recognition(
            bakery,
            crebo="25173",
            start_date=datetime.date(2030, 1, 1),
            end_date=datetime.date(2030, 2, 1),
            by=coordinator,
        )


def test_the_next_period_may_start_the_day_after_the_previous_one_ends(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    recognition(bakery, "25173", start_date=JAN, end_date=datetime.date(2024, 12, 31))

    added = add_recognition(bakery, crebo="25173", start_date=datetime.date(2025, 1, 1), by=coordinator)

    assert added.pk is not None


def test_the_same_period_for_another_crebo_is_fine(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification, verkoper: Qualification
) -> None:
    recognition(bakery, "25173", start_date=JAN)

    added = add_recognition(bakery, crebo="25167", start_date=JAN, by=coordinator)

    assert added.crebo == "25167"


def test_a_last_check_in_the_future_is_refused(
    bakery: Organisation, coordinator: User, uitvoerend_bakker: Qualification
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as exc:
        add_recognition(bakery, crebo="25173", start_date=JAN, last_verified_on=tomorrow, by=coordinator)

    assert "future" in _messages(exc, "last_verified_on")[0]


def test_a_consultant_may_not_add_a_recognition(
    bakery: Organisation, consultant: User, uitvoerend_bakker: Qualification
) -> None:
    with pytest.raises(PermissionDenied):
        add_recognition(bakery, crebo="25173", start_date=JAN, by=consultant)


def test_a_coordinator_of_another_region_may_not_add_a_recognition(
    bakery: Organisation, outsider: User, uitvoerend_bakker: Qualification
) -> None:
    with pytest.raises(PermissionDenied):
        add_recognition(bakery, crebo="25173", start_date=JAN, by=outsider)

    assert not Recognition.objects.exists()


def test_a_coordinator_in_drenthe_manages_a_drenthe_employer(
    drenthe: Region, outsider: User, uitvoerend_bakker: Qualification
) -> None:
    from .factories import employer

    emmen_bakery = employer(drenthe)

    added = add_recognition(emmen_bakery, crebo="25173", start_date=JAN, by=outsider)

    assert added.employer == emmen_bakery


# --- Changing ------------------------------------------------------------------------------------------


def test_a_coordinator_changes_the_period_and_places(bakery: Organisation, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    update_recognition(
        existing,
        start_date=JAN,
        end_date=datetime.date(2025, 6, 30),
        places_offered=3,
        last_verified_on=None,
        by=coordinator,
    )

    existing.refresh_from_db()
    assert (existing.end_date, existing.places_offered) == (datetime.date(2025, 6, 30), 3)


def test_a_change_may_not_overlap_another_period(bakery: Organisation, coordinator: User) -> None:
    recognition(bakery, "25173", start_date=datetime.date(2025, 1, 1))
    earlier = recognition(bakery, "25173", start_date=JAN, end_date=datetime.date(2024, 12, 31))

    with pytest.raises(ValidationError) as exc:
        update_recognition(
            earlier, start_date=JAN, end_date=None, places_offered=1, last_verified_on=None, by=coordinator
        )

    assert "overlaps" in _messages(exc, "start_date")[0]
    earlier.refresh_from_db()
    assert earlier.end_date == datetime.date(2024, 12, 31)


def test_a_change_with_the_end_before_the_start_is_refused(bakery: Organisation, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(ValidationError) as exc:
        update_recognition(
            existing,
            start_date=JAN,
            end_date=datetime.date(2023, 12, 31),
            places_offered=1,
            last_verified_on=None,
            by=coordinator,
        )

    assert "end_date" in exc.value.message_dict


def test_a_withdrawn_recognition_cannot_be_changed(bakery: Organisation, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)
    withdraw_recognition(existing, end_date=datetime.date(2024, 6, 30), reason="Gestopt", by=coordinator)

    with pytest.raises(ValidationError):
        update_recognition(
            existing, start_date=JAN, end_date=None, places_offered=1, last_verified_on=None, by=coordinator
        )


def test_a_consultant_may_not_change_a_recognition(bakery: Organisation, consultant: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(PermissionDenied):
        update_recognition(
            existing, start_date=JAN, end_date=None, places_offered=5, last_verified_on=None, by=consultant
        )


def test_a_coordinator_of_another_region_may_not_change_a_recognition(bakery: Organisation, outsider: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(PermissionDenied):
        update_recognition(
            existing, start_date=JAN, end_date=None, places_offered=5, last_verified_on=None, by=outsider
        )


# --- Verifying ------------------------------------------------------------------------------------------


def test_verifying_records_today(bakery: Organisation, school_staff: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    verify_recognition(existing, by=school_staff)

    existing.refresh_from_db()
    assert existing.last_verified_on == timezone.localdate()


def test_a_consultant_may_not_verify(bakery: Organisation, consultant: User) -> None:
    with pytest.raises(PermissionDenied):
        verify_recognition(recognition(bakery, "25173"), by=consultant)


# --- Withdrawing ------------------------------------------------------------------------------------------


def test_withdrawing_ends_the_recognition_with_a_reason(bakery: Organisation, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    withdraw_recognition(
        existing, end_date=datetime.date(2024, 6, 30), reason="  SBB trok de erkenning in ", by=coordinator
    )

    existing.refresh_from_db()
    assert existing.end_date == datetime.date(2024, 6, 30)
    assert existing.withdrawal_reason == "SBB trok de erkenning in"
    assert existing.status_on(timezone.localdate()) == RecognitionStatus.WITHDRAWN


def test_a_withdrawal_needs_a_reason(bakery: Organisation, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(ValidationError) as exc:
        withdraw_recognition(existing, end_date=datetime.date(2024, 6, 30), reason="   ", by=coordinator)

    assert "reason" in exc.value.message_dict
    existing.refresh_from_db()
    assert existing.withdrawn_at is None


def test_a_withdrawal_may_not_end_before_the_start(bakery: Organisation, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(ValidationError) as exc:
        withdraw_recognition(existing, end_date=datetime.date(2023, 12, 31), reason="Gestopt", by=coordinator)

    assert "end_date" in exc.value.message_dict


def test_a_consultant_may_not_withdraw(bakery: Organisation, consultant: User) -> None:
    with pytest.raises(PermissionDenied):
        withdraw_recognition(recognition(bakery, "25173"), end_date=JAN, reason="x", by=consultant)


def test_a_coordinator_of_another_region_may_not_withdraw(bakery: Organisation, outsider: User) -> None:
    existing = recognition(bakery, "25173", start_date=JAN)

    with pytest.raises(PermissionDenied):
        withdraw_recognition(existing, end_date=JAN, reason="x", by=outsider)

    existing.refresh_from_db()
    assert existing.withdrawn_at is None


# --- Status on a day ------------------------------------------------------------------------------------


def test_the_status_follows_the_dates() -> None:
    r = Recognition(start_date=JAN, end_date=datetime.date(2024, 12, 31))

    assert r.status_on(datetime.date(2023, 12, 31)) == RecognitionStatus.UPCOMING
    assert r.status_on(JAN) == RecognitionStatus.VALID
    assert r.status_on(datetime.date(2024, 12, 31)) == RecognitionStatus.VALID
    assert r.status_on(datetime.date(2025, 1, 1)) == RecognitionStatus.ENDED


# --- The learning company ---------------------------------------------------------------------------------


def test_a_coordinator_sets_the_sbb_adviser(bakery: Organisation, coordinator: User) -> None:
    update_learning_company(
        bakery,
        sbb_company_id="100200301",
        sbb_adviser_name="Joke Brouwer",
        sbb_adviser_email="J.Brouwer@Example.nl ",
        sbb_adviser_phone="050 000 0101",
        offer="Twee praktijkopleiders.",
        by=coordinator,
    )

    company = LearningCompany.objects.get(employer=bakery)
    assert (company.sbb_adviser_name, company.sbb_adviser_email) == ("Joke Brouwer", "j.brouwer@example.nl")


def test_an_invalid_adviser_e_mail_address_is_refused(bakery: Organisation, coordinator: User) -> None:
    with pytest.raises(ValidationError) as exc:
        update_learning_company(
            bakery,
            sbb_company_id="",
            sbb_adviser_name="Joke Brouwer",
            sbb_adviser_email="joke at sbb",
            sbb_adviser_phone="",
            offer="",
            by=coordinator,
        )

    assert "sbb_adviser_email" in exc.value.message_dict
    assert not LearningCompany.objects.exists()


def test_a_consultant_may_not_change_the_learning_company(bakery: Organisation, consultant: User) -> None:
    with pytest.raises(PermissionDenied):
        update_learning_company(
            bakery,
            sbb_company_id="1",
            sbb_adviser_name="",
            sbb_adviser_email="",
            sbb_adviser_phone="",
            offer="",
            by=consultant,
        )
