"""The qualification catalogue (reference data every token reads), with work processes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from werkplaats.qualifications.models import CoreTask, Qualification, QualificationQuerySet, WorkProcess

from ..auth import acting_user
from ..pagination import PageParams, page_of, paginate
from ..schemas import Id, Moment

router = Router()


class QualificationOut(Schema):
    id: int
    crebo: str
    name: str
    level: int
    kind: str
    domain: str
    routes: str
    dossier_crebo: str = Field(..., alias="file.dossier_crebo")
    dossier_name: str = Field(..., alias="file.name")
    dossier_version: int = Field(..., alias="file.version_number")
    is_current: bool = Field(..., alias="file.is_current", description="Of the current version of its dossier.")
    valid_from: datetime.date | None
    end_of_intake: datetime.date | None
    end_of_programme: datetime.date | None
    imported_at: datetime.datetime = Field(..., alias="file.imported_at")


class WorkProcessOut(Schema):
    code: str
    title: str
    description: str


class CoreTaskOut(Schema):
    code: str
    title: str
    part: str = Field(..., description="basis (shared by the dossier) or profile (this qualification's own).")
    work_processes: list[WorkProcessOut]


class QualificationDetailOut(QualificationOut):
    core_tasks: list[CoreTaskOut] = Field(..., alias="api_core_tasks")


class QualificationFilters(Schema):
    crebo: str | None = Field(None, max_length=5, description="Crebo code of the qualification or its dossier.")
    level: int | None = Field(None, ge=1, le=4)
    current: bool | None = Field(None, description="Only qualifications of current dossier versions (or only old).")
    search: str | None = Field(None, max_length=100, description="Words in the name.")
    imported_since: Moment | None = Field(
        None, description="Only dossier versions imported at or after this moment (the catalogue's change date)."
    )


def _qualifications(request: HttpRequest) -> QualificationQuerySet:
    return Qualification.objects.visible_to(acting_user(request)).select_related("file")


@router.get("", response=page_of(QualificationOut), operation_id="listQualifications", summary="List qualifications")
def list_qualifications(
    request: HttpRequest, page: Query[PageParams], filters: Query[QualificationFilters]
) -> dict[str, Any]:
    qualifications = _qualifications(request)
    if filters.crebo:
        qualifications = qualifications.filter(Q(crebo=filters.crebo) | Q(file__dossier_crebo=filters.crebo))
    if filters.level is not None:
        qualifications = qualifications.filter(level=filters.level)
    if filters.current is not None:
        qualifications = qualifications.filter(file__is_current=filters.current)
    if filters.search:
        qualifications = qualifications.search(filters.search)
    if filters.imported_since:
        qualifications = qualifications.filter(file__imported_at__gte=filters.imported_since)
    return paginate(request, qualifications.order_by("name", "crebo", "pk"), page)


@router.get(
    "/{pk}",
    response=QualificationDetailOut,
    operation_id="getQualification",
    summary="One qualification with its core tasks and work processes",
)
def get_qualification(request: HttpRequest, pk: Id) -> Qualification:
    qualification = get_object_or_404(_qualifications(request), pk=pk)
    core_tasks = list(qualification.core_tasks().order_by("part", "position", "code"))
    processes: dict[int, list[WorkProcess]] = defaultdict(list)
    for process in WorkProcess.objects.filter(core_task__in=[c.pk for c in core_tasks]).order_by("position", "code"):
        processes[process.core_task_id].append(process)
    qualification.api_core_tasks = [  # type: ignore[attr-defined]
        _core_task(core_task, processes[core_task.pk]) for core_task in core_tasks
    ]
    return qualification


def _core_task(core_task: CoreTask, processes: list[WorkProcess]) -> dict[str, Any]:
    return {"code": core_task.code, "title": core_task.title, "part": core_task.part, "work_processes": processes}
