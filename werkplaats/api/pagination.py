"""Limit/offset pagination with a stable order, and the page schema every list returns.

A list operation takes ``page: Query[PageParams]`` and returns ``paginate(request, queryset,
page)``; its response schema is ``page_of(ItemSchema)``. The order is the queryset's (or the
model's default) with the primary key appended, so that equal sort keys never swap places
between two requests. A page costs two queries (the count and the rows) plus whatever the
queryset prefetches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import create_model

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1 to 200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip from the start.")


class PageBase(Schema):
    count: int = Field(..., description="Items in the whole list (all pages).")
    limit: int
    offset: int
    next: str | None = Field(None, description="The next page, or null on the last page.")
    previous: str | None = Field(None, description="The previous page, or null on the first page.")


_pages: dict[type[Schema], type[PageBase]] = {}


def page_of(item: type[Schema]) -> type[PageBase]:
    """The response schema of a page of ``item``s, named after it (``OrganisationPage``)."""
    if item not in _pages:
        name = item.__name__.removesuffix("Out") + "Page"
        _pages[item] = create_model(name, __base__=PageBase, items=(list[item], ...))  # type: ignore[valid-type]
    return _pages[item]


def stable_ordering(queryset: QuerySet[Any]) -> list[str]:
    ordering = [str(o) for o in (queryset.query.order_by or queryset.model._meta.ordering or [])]
    if not any(o.lstrip("-") in ("pk", "id") for o in ordering):
        ordering.append("pk")
    return ordering


def _link(request: HttpRequest, offset: int, limit: int) -> str:
    query = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    page: PageParams,
    *,
    item: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """One page of ``queryset`` with links to the pages around it. ``item`` turns each row into
    what the item schema reads (default: the row itself)."""
    count = queryset.count()
    rows = list(queryset.order_by(*stable_ordering(queryset))[page.offset : page.offset + page.limit])
    end = page.offset + len(rows)
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next": _link(request, end, page.limit) if end < count else None,
        "previous": _link(request, max(0, page.offset - page.limit), page.limit) if page.offset > 0 else None,
        "items": [item(row) for row in rows] if item is not None else rows,
    }
