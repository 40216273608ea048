"""The catalogue pages run a fixed number of queries, however many rows they show."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.qualifications.models import Qualification, QualificationFile

from .factories import (
    CoreTaskFactory,
    ImportRunFactory,
    QualificationFactory,
    QualificationFileFactory,
    WorkProcessFactory,
)

# A ceiling that leaves room for small changes but not for a query per row.
MAX_QUERIES = 15


def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _add_qualifications(count: int) -> None:
    """Qualifications in files of their own, each with a basisdeel and a profiel of two work processes."""
    for _ in range(count):
        qualification = QualificationFactory.create()
        WorkProcessFactory.create(core_task=CoreTaskFactory.create(file=qualification.file))
        WorkProcessFactory.create(
            core_task=CoreTaskFactory.create(file=qualification.file, qualification=qualification)
        )


def _add_core_tasks(qualification: Qualification, count: int) -> None:
    for _ in range(count):
        basis = CoreTaskFactory.create(file=qualification.file)
        profile = CoreTaskFactory.create(file=qualification.file, qualification=qualification)
        WorkProcessFactory.create_batch(2, core_task=basis)
        WorkProcessFactory.create_batch(2, core_task=profile)


def _add_versions(qualification: Qualification, count: int) -> None:
    QualificationFile.objects.filter(pk=qualification.file_id).update(is_current=False)
    start = QualificationFile.objects.filter(dossier_crebo=qualification.file.dossier_crebo).count()
    for n in range(count):
        file = QualificationFileFactory.create(
            dossier_crebo=qualification.file.dossier_crebo, version_number=start + n + 1, is_current=False
        )
        QualificationFactory.create(file=file, crebo=qualification.crebo)


def test_the_catalogue_list_does_not_grow_with_its_rows(
    user_client: Client, django_assert_max_num_queries: Any
) -> None:
    url = reverse("qualifications:list")
    _add_qualifications(5)
    few = _queries(user_client, url, {"all_versions": "on"})

    _add_qualifications(55)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(user_client, url, {"all_versions": "on"})

    assert Qualification.objects.count() == 60
    assert many == few, (few, many)


def test_a_filtered_catalogue_list_does_not_grow_with_its_rows(user_client: Client) -> None:
    url = reverse("qualifications:list")
    params = {"q": "Qualification", "level": "2", "with_work_processes": "on", "sort": "-crebo"}
    _add_qualifications(5)
    few = _queries(user_client, url, params)

    _add_qualifications(55)
    many = _queries(user_client, url, params)

    assert many == few, (few, many)


def test_the_qualification_page_does_not_grow_with_its_work_processes_or_versions(
    user_client: Client, django_assert_max_num_queries: Any
) -> None:
    qualification = QualificationFactory.create()
    url = reverse("qualifications:detail", kwargs={"pk": qualification.pk})
    _add_core_tasks(qualification, 2)
    _add_versions(qualification, 1)
    few = _queries(user_client, url)

    _add_core_tasks(qualification, 13)
    _add_versions(qualification, 10)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(user_client, url)

    assert qualification.work_processes().count() == 60
    assert many == few, (few, many)


def test_the_list_of_imports_does_not_grow_with_its_rows(admin_client: Client) -> None:
    url = reverse("qualifications:import-list")
    ImportRunFactory.create_batch(3)
    few = _queries(admin_client, url)

    ImportRunFactory.create_batch(40)
    many = _queries(admin_client, url)

    assert many == few, (few, many)
