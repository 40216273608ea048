from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.organisations.tests.factories import OrganisationFactory


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "kvk_number", "brin"]


def _form(**data: str) -> OrganisationForm:
    return OrganisationForm(data={"name": "Bakkerij Bol", "slug": "bakkerij-bol", "kind": "employer", **data})


def _errors(organisation: Organisation) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        organisation.full_clean()
    return exc.value.message_dict


def _employer(kvk_number: str) -> Organisation:
    return Organisation(name="Bakkerij Bol", slug="bakkerij-bol", kind=OrganisationKind.EMPLOYER, kvk_number=kvk_number)


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "12 34 56 78"])
def test_a_kvk_number_without_exactly_eight_digits_is_refused(db: None, kvk: str) -> None:
    assert "kvk_number" in _errors(_employer(kvk))


def test_an_eight_digit_kvk_number_is_accepted(db: None) -> None:
    _employer("12345678").full_clean()


def test_the_form_shows_the_kvk_error_next_to_the_field(db: None) -> None:
    form = _form(kvk_number="1234")

    assert not form.is_valid()
    assert "8" in form.errors["kvk_number"][0]


def test_an_employer_without_kvk_number_fails_validation(db: None) -> None:
    assert _errors(_employer(""))


def test_an_employer_without_kvk_number_is_refused_by_the_database(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Bakkerij Bol", slug="bakkerij-bol", kind=OrganisationKind.EMPLOYER)


def test_a_municipality_needs_no_kvk_number(db: None) -> None:
    Organisation(name="Gemeente Zuidhorn", slug="zuidhorn", kind=OrganisationKind.MUNICIPALITY).full_clean()


def test_two_organisations_cannot_share_a_kvk_number(db: None) -> None:
    OrganisationFactory.create(employer=True, kvk_number="12345678")

    form = _form(kvk_number="12345678")

    assert not form.is_valid()
    assert form.errors["__all__"] or form.errors.get("kvk_number")


def test_the_database_refuses_a_duplicate_kvk_number(db: None) -> None:
    OrganisationFactory.create(employer=True, kvk_number="12345678")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory.create(employer=True, kvk_number="12345678")


def test_many_organisations_may_have_no_kvk_number(db: None) -> None:
    OrganisationFactory.create(kvk_number="")
    OrganisationFactory.create(kvk_number="")

    assert Organisation.objects.filter(kvk_number="").count() == 2


@pytest.mark.parametrize("brin", ["25LP", "00GT", "0123"])
def test_a_valid_brin_code_is_accepted(db: None, brin: str) -> None:
    Organisation(name="Noorderpoort", slug="noorderpoort", kind=OrganisationKind.MBO_SCHOOL, brin=brin).full_clean()


@pytest.mark.parametrize("brin", ["25lp", "2LPX", "25L", "25LPX", "AB12"])
def test_an_invalid_brin_code_is_refused(db: None, brin: str) -> None:
    organisation = Organisation(name="Noorderpoort", slug="noorderpoort", kind=OrganisationKind.MBO_SCHOOL, brin=brin)

    assert "brin" in _errors(organisation)


def test_two_schools_cannot_share_a_brin_code(db: None) -> None:
    OrganisationFactory.create(kind=OrganisationKind.MBO_SCHOOL, brin="25LP")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory.create(kind=OrganisationKind.MBO_SCHOOL, brin="25LP")
