"""Reading page numbers from query strings without ever failing."""

from __future__ import annotations

# Far past any real list; the cap keeps offsets inside the database's integer range.
MAX_PAGE = 100_000


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
