"""The register of recognised learning companies (reference data every token reads)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from werkplaats.recognitions.models import Recognition, RecognitionQuerySet, RecognitionStatus

from ..auth import acting_user
from ..pagination import PageParams, page_of, paginate
from ..schemas import Id, UpdatedSince

router = Router()


class EmployerRef(Schema):
    id: int
    slug: str
    name: str
    kvk_number: str


class RecognitionOut(Schema):
    id: int
    employer: EmployerRef
    crebo: str
    start_date: datetime.date
    end_date: datetime.date | None
    status: RecognitionStatus = Field(..., alias="api_status", description="On today's date.")
    source: str
    last_verified_on: datetime.date | None
    places_offered: int
    withdrawn_at: datetime.datetime | None
    withdrawal_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class RecognitionFilters(UpdatedSince):
    crebo: str | None = Field(None, max_length=5)
    employer: str | None = Field(None, max_length=80, description="The employer's slug.")
    kvk_number: str | None = Field(None, max_length=8, description="The employer's KvK number.")
    region: str | None = Field(None, max_length=4, description="CBS code of the employer's labour-market region.")
    valid_on: datetime.date | None = Field(None, description="Only recognitions in force (not withdrawn) on this date.")


def _recognitions(request: HttpRequest) -> RecognitionQuerySet:
    return Recognition.objects.visible_to(acting_user(request)).select_related("employer")


def _with_status(recognition: Recognition) -> Recognition:
    recognition.api_status = recognition.status_on(timezone.localdate())  # type: ignore[attr-defined]
    return recognition


@router.get("", response=page_of(RecognitionOut), operation_id="listRecognitions", summary="List recognitions")
def list_recognitions(
    request: HttpRequest, page: Query[PageParams], filters: Query[RecognitionFilters]
) -> dict[str, Any]:
    recognitions = _recognitions(request)
    if filters.crebo:
        recognitions = recognitions.filter(crebo=filters.crebo)
    if filters.employer:
        recognitions = recognitions.filter(employer__slug=filters.employer)
    if filters.kvk_number:
        recognitions = recognitions.filter(employer__kvk_number=filters.kvk_number)
    if filters.region:
        recognitions = recognitions.filter(employer__region__code=filters.region)
    if filters.valid_on:
        recognitions = recognitions.valid_on(filters.valid_on).filter(withdrawn_at__isnull=True)
    if filters.updated_since:
        recognitions = recognitions.filter(updated_at__gte=filters.updated_since)
    return paginate(
        request, recognitions.order_by("employer__name", "crebo", "-start_date", "pk"), page, item=_with_status
    )


@router.get("/{pk}", response=RecognitionOut, operation_id="getRecognition", summary="One recognition")
def get_recognition(request: HttpRequest, pk: Id) -> Recognition:
    return _with_status(get_object_or_404(_recognitions(request), pk=pk))
