"""The shared date field: accepts the picker's and the Dutch way of writing a date, and shows a
typed date back in the picker after another field's error."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from werkplaats.core.forms import ModelMultipleChoiceField, date_field


class _Form(forms.Form):
    day = date_field("Day")
    name = forms.CharField()


def test_both_ways_of_writing_a_date_are_accepted() -> None:
    for typed in ("2026-09-01", "01-09-2026"):
        form = _Form({"day": typed, "name": "x"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 9, 1)


def test_a_typed_dutch_date_is_shown_back_in_the_picker_after_another_error() -> None:
    form = _Form({"day": "01-09-2026", "name": ""})

    assert not form.is_valid()
    assert 'value="2026-09-01"' in str(form["day"])


def test_a_date_that_is_no_date_gets_the_message_and_is_shown_as_typed() -> None:
    form = _Form({"day": "31-02-2026", "name": "x"})

    assert not form.is_valid()
    assert form.errors["day"] == ["Vul een datum in als DD-MM-JJJJ."]
    assert 'value="31-02-2026"' in str(form["day"])


@pytest.mark.django_db
def test_a_key_beyond_64_bits_is_not_a_valid_choice_and_needs_no_query() -> None:
    from werkplaats.accounts.models import User

    class Choose(forms.Form):
        users = ModelMultipleChoiceField(queryset=User.objects.all())

    huge = "-" + "9" * 40
    form = Choose(data={"users": [huge]})

    assert not form.is_valid()
    assert huge in form.errors["users"][0]
