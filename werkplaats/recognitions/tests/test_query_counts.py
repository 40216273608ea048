"""The register pages run a fixed number of queries, however many rows they show."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Region

from .factories import employer, qualification, recognition

MAX_QUERIES = 15


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_recognitions(employer: Organisation, count: int, offset: int) -> None:
    for n in range(offset, offset + count):
        crebo = f"{28000 + n}"
        qualification(crebo)
        recognition(employer, crebo, start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2030, 1, 1))


def test_the_register_page_does_not_grow_with_its_recognitions(
    client: Client, bakery: Organisation, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("recognitions:register", kwargs={"slug": bakery.slug})
    _add_recognitions(bakery, 3, 0)
    few = _queries(client, url)

    _add_recognitions(bakery, 40, 3)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(client, url)

    assert many == few, (few, many)


def test_the_register_index_does_not_grow_with_its_employers(
    client: Client, groningen: Region, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("recognitions:index")
    for _ in range(3):
        recognition(employer(groningen))
    few = _queries(client, url)

    for _ in range(40):
        recognition(employer(groningen))
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(client, url)

    assert many == few, (few, many)
