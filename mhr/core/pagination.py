"""Reading page numbers from query strings without ever failing, and one page of a list."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

# Far past any real list; the cap keeps offsets inside the database's integer range.
MAX_PAGE = 100_000
# A list whose count is capped pages no further than this many rows (see list_page).
MAX_OFFSET_ROWS = 100_000


def parse_page(raw: str | None, *, max_page: int = MAX_PAGE) -> tuple[int, str | None]:
    """The requested page number (at least 1), and a note when the value was not usable."""
    if raw is None or raw == "":
        return 1, None
    try:
        number = int(raw)
    except ValueError:
        return 1, "That page number was not understood, so the first page is shown."
    if number < 1:
        return 1, "Page numbers start at 1, so the first page is shown."
    return min(number, max_page), None


def list_page(
    queryset: QuerySet[Any],
    request: HttpRequest,
    *,
    per_page: int,
    count_cap: int | None = None,
) -> dict[str, Any]:
    """One page of an ordered queryset for the list templates: one COUNT and one page query.

    `count_cap`: count at most this many rows. An agency with a million records would pay a
    scan of all of them for an exact count on every visit (about 300 ms on PostgreSQL); past the
    cap the page says "more than" and goes on with Next links (one extra row fetched tells
    whether there is a next page), as far as MAX_OFFSET_ROWS rows: deeper pages would make the
    database walk that many rows first, so the filters narrow the list instead.
    """
    number, note = parse_page(request.GET.get("page"))
    counted = queryset.order_by()
    total = counted[: count_cap + 1].count() if count_cap is not None else counted.count()
    capped = count_cap is not None and total > count_cap
    num_pages = None if capped else max(1, -(-total // per_page))
    if num_pages is not None:
        number = min(number, num_pages)
    elif (number - 1) * per_page >= MAX_OFFSET_ROWS:
        # Without a count, a page far down would make the database walk that many rows first.
        number = MAX_OFFSET_ROWS // per_page
        note = (
            f"Pages stop after the first {MAX_OFFSET_ROWS:,} rows, so page {number} is shown. "
            "Narrow the list with the filters to see the rest."
        )
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1]) if total else []
    items = rows[:per_page]
    if capped and not items and number > 1:
        note = f"There is no page {number}: the list ends earlier. Go back to the first page."
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    prefix = f"?{base}&page=" if base else "?page="
    return {
        "items": items,
        "total": total,
        "capped": capped,
        "cap": count_cap,
        "number": number,
        "num_pages": num_pages,
        "previous_url": f"{prefix}{number - 1}" if number > 1 else "",
        "next_url": f"{prefix}{number + 1}"
        if len(rows) > per_page and (not capped or number * per_page < MAX_OFFSET_ROWS)
        else "",
        "note": note,
    }
