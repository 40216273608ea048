"""Organisations the token's organisation may see: itself, and for coordinators their regions'."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from werkplaats.organisations.models import Organisation, OrganisationKind

from ..auth import acting_user
from ..pagination import PageParams, page_of, paginate
from ..schemas import UpdatedSince

router = Router()


class RegionOut(Schema):
    code: str = Field(..., description="CBS code of the labour-market region, e.g. AM01.")
    name: str


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str = Field(..., description="mbo_school, hbo_school, wo_school, vo_school, municipality, uwv, …")
    kvk_number: str
    brin: str
    address: str
    postcode: str
    city: str
    municipality: str | None = Field(None, alias="municipality.name")
    region: RegionOut | None
    email: str
    phone: str
    website: str
    is_active: bool
    updated_at: datetime.datetime


class OrganisationFilters(UpdatedSince):
    region: str | None = Field(None, max_length=4, description="CBS code of a labour-market region, e.g. AM01.")
    kind: OrganisationKind | None = None
    kvk_number: str | None = Field(None, max_length=8)


def _organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(acting_user(request)).select_related("region", "municipality")


@router.get("", response=page_of(OrganisationOut), operation_id="listOrganisations", summary="List organisations")
def list_organisations(
    request: HttpRequest, page: Query[PageParams], filters: Query[OrganisationFilters]
) -> dict[str, object]:
    organisations = _organisations(request)
    if filters.region:
        organisations = organisations.filter(region__code=filters.region)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.kvk_number:
        organisations = organisations.filter(kvk_number=filters.kvk_number)
    if filters.updated_since:
        organisations = organisations.filter(updated_at__gte=filters.updated_since)
    return paginate(request, organisations.order_by("name", "pk"), page)


@router.get("/{slug}", response=OrganisationOut, operation_id="getOrganisation", summary="One organisation")
def get_organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(_organisations(request), slug=slug)
