"""Page-number pagination for list endpoints: ?page=1&per_page=20, at most 100 per page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description=f"Items per page, 1–{MAX_PER_PAGE}."
    )


class PageMeta(Schema):
    page: int
    per_page: int
    total: int
    num_pages: int


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    meta: PageMeta


def page_meta(*, page: int, per_page: int, total: int) -> PageMeta:
    return PageMeta(
        page=page, per_page=per_page, total=total, num_pages=math.ceil(total / per_page)
    )


def paginate(queryset: QuerySet[Any], params: PageParams) -> Page:
    """One COUNT and one page query (plus the queryset's prefetches). A page past the end is empty."""
    total = queryset.count()
    start = (params.page - 1) * params.per_page
    items = list(queryset[start : start + params.per_page]) if start < total else []
    return Page(
        items=items, meta=page_meta(page=params.page, per_page=params.per_page, total=total)
    )
