"""The organisation list's pages keep the search, whatever characters it holds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.organisations import views
from werkplaats.organisations.models import Organisation, OrganisationKind, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of


def test_the_next_page_link_keeps_a_search_with_an_ampersand(
    client: Client, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        OrganisationFactory.create(name=f"Bakker & Zn {n}", region=organisation.region, kind=OrganisationKind.OTHER)
    client.force_login(member_of(organisation, Role.COORDINATOR))

    response = client.get(reverse("organisations:list"), {"q": "Bakker & Zn", "kind": "other"})

    html = response.content.decode()
    assert 'href="?q=Bakker+%26+Zn&amp;kind=other&amp;page=2"' in html
    second = client.get(reverse("organisations:list"), {"q": "Bakker & Zn", "kind": "other", "page": "2"})
    assert [o.name for o in second.context["page"].object_list] == ["Bakker & Zn 2"]
