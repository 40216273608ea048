"""The catalogue in the admin is for looking up: every page opens, nothing can be added or changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.qualifications.services import import_catalogue

from .factories import ImportRunFactory
from .helpers import DIENSTVERLENING, read

MODELS = ["qualificationfile", "qualification", "coretask", "workprocess", "importrun"]


@pytest.fixture
def catalogue(db: None) -> None:
    import_catalogue([read(DIENSTVERLENING)])
    ImportRunFactory.create()


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_and_shows_the_catalogue_read_only(admin_client: Client, catalogue: None, model: str) -> None:
    changelist = admin_client.get(reverse(f"admin:qualifications_{model}_changelist"))
    first = changelist.context["cl"].result_list[0]
    change = admin_client.get(reverse(f"admin:qualifications_{model}_change", args=[first.pk]))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert not change.context["has_change_permission"]
    assert admin_client.get(reverse(f"admin:qualifications_{model}_add")).status_code == 403


def test_the_admin_search_finds_a_qualification_by_crebo(admin_client: Client, catalogue: None) -> None:
    response = admin_client.get(reverse("admin:qualifications_qualification_changelist"), {"q": "25499"})

    assert [q.crebo for q in response.context["cl"].result_list] == ["25499"]
