"""What every page costs a logged-in person before the view does its own work."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of


def test_a_plain_page_costs_seven_queries(
    client: Client, organisation: Organisation, django_assert_num_queries: Any
) -> None:
    client.force_login(member_of(organisation, Role.CONSULTANT, Role.ADMIN))
    client.get(reverse("accounts:account"))

    # Session, user, memberships, their roles, the header's facts (the unread count and whether
    # the person is in a partnership, in one statement); BEGIN and COMMIT of the request's
    # transaction. The session is not written again within a minute.
    with django_assert_num_queries(7):
        assert client.get(reverse("accounts:account")).status_code == 200
