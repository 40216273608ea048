"""Support needs (special-category data) never leave the platform by default: not in the API's
schema, not in the list exports, even for a consultant who reads them on the learner's page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.trajectories.models import Learner
from werkplaats.trajectories.tests import work_world

pytestmark = pytest.mark.django_db

SECRET = "Epilepsie-XQ7"


def test_the_api_schema_has_no_support_needs() -> None:
    document = Client().get("/api/v1/openapi.json", HTTP_HOST="localhost").content.decode()
    assert '"openapi"' in document
    assert "support_needs" not in document and "supportNeeds" not in document


@pytest.mark.parametrize("name", ["trajectories:caseload-csv", "trajectories:caseload-xlsx", "trajectories:list-csv"])
def test_the_exports_leave_support_needs_out(name: str) -> None:
    work = work_world.build()
    Learner.objects.filter(pk=work.trajectory.learner_id).update(support_needs=SECRET)
    client = Client()
    client.force_login(work.consultant)
    assert (
        SECRET
        in client.get(reverse("trajectories:learner", kwargs={"pk": work.trajectory.learner_id})).content.decode()
    )

    response = client.get(reverse(name), HTTP_HOST="localhost")

    assert response.status_code == 200
    body = response.getvalue()
    if name.endswith("xlsx"):
        sheets = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets
        text = " ".join(str(cell) for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row)
    else:
        text = body.decode("utf-8-sig")
    assert "Noor" in text
    assert SECRET not in text
