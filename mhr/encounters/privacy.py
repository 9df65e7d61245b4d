"""Small-cell suppression for every encounter number that leaves the agency.

Public transparency pages, peer comparisons, national roll-ups and any export for someone
outside the agency show counts only through `public_stats`, `linked_suppression` (a view with
filters, kept consistent with the views with one filter fewer) or `suppressed_cells` for tables
of their own. The rules:

- A count from 1 to 10 is hidden (primary suppression). A true zero is shown as 0.
- Complementary suppression: wherever a shown total is the sum of shown parts (a breakdown and
  its total, months and the year, CIT groups and the overall count), no hidden cell may be the
  only unknown, and no hidden cell may be pinned down by combining several such sums. The
  complement hidden is a part nobody sees anyway (the implied "everything else") when there is
  one, else the smallest non-zero part, else the total.
- A rate or summary (percent, median) is hidden when any count it is built from is hidden.

A hidden value is the `SUPPRESSED` sentinel: it renders as "—" with an accessible label in HTML,
as "suppressed" in CSV and as {"suppressed": true} in JSON, so it never reads as a zero.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Set
from fractions import Fraction
from typing import Any

from django.utils.safestring import SafeString

# Counts 1..THRESHOLD are never shown outside the agency.
THRESHOLD = 10

EXPLANATION = (
    "“—” marks a number hidden to protect privacy: counts from 1 to 10 are not shown, and "
    "some larger ones are hidden too so that a small count cannot be worked out from a total. "
    "A 0 is a true zero."
)


class Suppressed:
    """The one hidden value. Compare with `is_suppressed`; it is never equal to a number."""

    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    html_text = "—"
    # A constant, so it is safe as it stands.
    markup = SafeString(
        '<span class="mhr-suppressed" title="Suppressed to protect privacy">'
        '<span aria-hidden="true">—</span>'
        '<span class="usa-sr-only">suppressed to protect privacy</span></span>'
    )
    label = "suppressed to protect privacy"
    csv_text = "suppressed"

    def __str__(self) -> str:
        # Templates call str() before escaping: the markup is a dash screen readers announce as
        # hidden, so a hidden value never reads as "0" or as nothing.
        return self.markup

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __reduce__(self) -> str:
        return "SUPPRESSED"

    def as_json(self) -> dict[str, bool]:
        return {"suppressed": True}

    def __html__(self) -> str:
        return self.markup


SUPPRESSED = Suppressed()


def is_suppressed(value: Any) -> bool:
    return value is SUPPRESSED


def is_small(value: int) -> bool:
    return 1 <= value <= THRESHOLD


# --- the engine -----------------------------------------------------------------------------------

Relation = tuple[Hashable, Sequence[Hashable]]


class _Rest:
    """The implied remainder of a relation whose parts do not add up to its total.

    Nobody is shown it, but anyone can compute it from the total and the parts, so it takes part
    in suppression like any cell, and it is the cheapest complement: hiding it hides nothing.
    """

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __hash__(self) -> int:
        return hash(("rest", self.index))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rest) and other.index == self.index

    def __repr__(self) -> str:
        return f"_Rest({self.index})"


def _with_remainders(
    values: Mapping[Hashable, int], relations: Iterable[Relation]
) -> tuple[dict[Hashable, int], list[tuple[Hashable, list[Hashable]]]]:
    cells = dict(values)
    closed: list[tuple[Hashable, list[Hashable]]] = []
    for index, (total, parts) in enumerate(relations):
        parts = list(dict.fromkeys(parts))
        rest = cells[total] - sum(cells[part] for part in parts)
        if rest < 0:
            raise ValueError(f"The parts of {total!r} add up to more than it: not a breakdown.")
        if rest > 0:
            cells[_Rest(index)] = rest
            parts.append(_Rest(index))
        closed.append((total, parts))
    return cells, closed


def _complement(
    total: Hashable,
    parts: list[Hashable],
    hidden: set[Hashable],
    cells: Mapping[Hashable, int],
    fixed: Set[Hashable] = frozenset(),
) -> Hashable | None:
    shown = [part for part in parts if part not in hidden | fixed and cells[part] != 0]
    rests = [part for part in shown if isinstance(part, _Rest)]
    if rests:
        return rests[0]
    if shown:
        return min(shown, key=lambda part: (cells[part], repr(part)))
    if total not in hidden | fixed and cells[total] != 0:
        return total
    return None


def determined_cells(
    relations: Sequence[tuple[Hashable, Sequence[Hashable]]], hidden: set[Hashable]
) -> set[Hashable]:
    """Hidden cells whose value follows from the shown cells through the relations.

    Each relation is `total - sum(parts) = 0`. Restricted to the hidden cells it is a linear
    system; a hidden cell is determined exactly when its unit vector lies in the row space, i.e.
    its column is a pivot of the reduced row echelon form and that pivot row has no other entry.
    """
    unknowns = sorted(
        {cell for total, parts in relations for cell in (total, *parts) if cell in hidden},
        key=repr,
    )
    column = {cell: i for i, cell in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknowns)
        if total in column:
            row[column[total]] += 1
        for part in parts:
            if part in column:
                row[column[part]] -= 1
        if any(row):
            rows.append(row)
    pivot_row = 0
    pivots: list[tuple[int, int]] = []
    for col in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivots.append((pivot_row, col))
        pivot_row += 1
    return {unknowns[col] for r, col in pivots if sum(1 for value in rows[r] if value != 0) == 1}


def suppressed_cells(
    values: Mapping[Hashable, int],
    relations: Iterable[Relation] = (),
    *,
    fixed: Set[Hashable] = frozenset(),
    hide: Set[Hashable] = frozenset(),
) -> set[Hashable]:
    """The keys of `values` to hide. `relations` are (total key, [part keys]) breakdowns.

    Parts may leave out a remainder (e.g. arrests out of all contacts): the remainder is implied.
    Parts must not overlap, or a ValueError says the relation is not a breakdown.
    `fixed` cells are shown elsewhere (a published agency's own page): never picked as a
    complement, since hiding them here would hide nothing. `hide` cells are hidden whatever
    their value (a filtered view's total that the unfiltered view hides as a breakdown cell).
    """
    cells, closed = _with_remainders(values, relations)
    hidden = {key for key, value in cells.items() if is_small(value)} | set(hide)
    while True:
        changed = False
        for total, parts in closed:
            members = [total, *parts]
            if sum(1 for member in members if member in hidden) == 1:
                pick = _complement(total, parts, hidden, cells, fixed)
                if pick is not None:
                    hidden.add(pick)
                    changed = True
        if changed:
            continue
        determined = determined_cells(closed, hidden)
        for cell in determined:
            for total, parts in closed:
                if cell == total or cell in parts:
                    pick = _complement(total, parts, hidden, cells, fixed)
                    if pick is not None:
                        hidden.add(pick)
                        changed = True
                        break
        if determined and not changed:
            # Every relation of the cell is already hidden: widen to the smallest shown cell of
            # any relation with a hidden member, which always makes progress.
            pick = _widest_complement(closed, hidden, cells, fixed)
            if pick is not None:
                hidden.add(pick)
                changed = True
        if not changed:
            return {key for key in hidden if not isinstance(key, _Rest)}


def _widest_complement(
    relations: list[tuple[Hashable, list[Hashable]]],
    hidden: set[Hashable],
    cells: Mapping[Hashable, int],
    fixed: Set[Hashable] = frozenset(),
) -> Hashable | None:
    candidates = {
        member
        for total, parts in relations
        if total in hidden or any(part in hidden for part in parts)
        for member in (total, *parts)
        if member not in hidden | fixed and cells[member] != 0
    }
    if not candidates:
        return None
    return min(candidates, key=lambda cell: (not isinstance(cell, _Rest), cells[cell], repr(cell)))


# --- the statistics dictionary ------------------------------------------------------------------


def as_json(value: Any) -> Any:
    """A JSON-ready copy where hidden values become {"suppressed": true}."""
    if is_suppressed(value):
        return value.as_json()
    if isinstance(value, Mapping):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def csv_text(value: Any) -> Any:
    return value.csv_text if is_suppressed(value) else value


# --- the statistics dictionary (stats.encounter_stats) -------------------------------------------

Key = tuple[Any, ...]

# Rates and the cells their numerator and denominator come from.
_RATE_CELLS = {
    "arrest": (("disposition", "arrest"), ("total",)),
    "force": (("force_used",), ("total",)),
    "person_injury": (("injuries", "person"), ("total",)),
    "officer_injury": (("injuries", "officer"), ("total",)),
    "other_injury": (("injuries", "other"), ("total",)),
    "repeat_contact": (("repeat_contacts",), ("total",)),
    "flagged_at_dispatch": (("flagged", "yes"), ("flag_known",)),
    "cit_on_scene": (("cit", "on_scene", "count"), ("cit_known",)),
}
_CIT_MEASURES = {"arrests": "arrest_rate", "force_used": "force_rate", "injured": "injury_rate"}


def stats_cells(
    stats: Mapping[str, Any], prefix: Key = ()
) -> tuple[dict[Key, int], list[tuple[Key, list[Key]]]]:
    """Every count in an encounter_stats dict, keyed by its place, and how they add up."""

    def k(*parts: Any) -> Key:
        return (*prefix, *parts)

    values: dict[Key, int] = {k("total"): stats["total"]}
    relations: list[tuple[Key, list[Key]]] = []

    def breakdown(total: Key, parts: dict[Key, int]) -> None:
        values.update(parts)
        relations.append((total, list(parts)))

    breakdown(k("total"), {k("month", row["month"]): row["count"] for row in stats["by_month"]})
    # Nested, not flat (total = yes + no + unknown): a small "unknown" is then protected by
    # hiding the recorded count, not all contacts.
    values.update({k("flagged", g): n for g, n in stats["flagged_at_dispatch"].items()})
    values[k("flag_known")] = (
        stats["flagged_at_dispatch"]["yes"] + stats["flagged_at_dispatch"]["no"]
    )
    relations.append((k("total"), [k("flag_known"), k("flagged", "unknown")]))
    relations.append((k("flag_known"), [k("flagged", "yes"), k("flagged", "no")]))
    breakdown(
        k("total"), {k("disposition", row["code"]): row["count"] for row in stats["dispositions"]}
    )
    breakdown(
        k("total"), {k("call_source", row["code"]): row["count"] for row in stats["call_sources"]}
    )
    # Subsets of all contacts: the rest is implied (overlapping, so one relation each).
    for name in ("force_used", "injured_any", "repeat_contacts"):
        breakdown(k("total"), {k(name): stats[name]})
    values[k("minutes", "count")] = stats["minutes_on_scene"]["count"]
    relations.append((k("total"), [k("minutes", "count")]))
    for name, count in stats["injuries"].items():
        values[k("injuries", name)] = count
        relations.append((k("injured_any"), [k("injuries", name)]))
    groups = stats["cit"]
    values.update({k("cit", g, "count"): groups[g]["count"] for g in groups})
    values[k("cit_known")] = groups["on_scene"]["count"] + groups["not_on_scene"]["count"]
    relations.append((k("total"), [k("cit_known"), k("cit", "unknown", "count")]))
    relations.append(
        (k("cit_known"), [k("cit", "on_scene", "count"), k("cit", "not_on_scene", "count")])
    )
    for measure, overall in (
        ("arrests", k("disposition", "arrest")),
        ("force_used", k("force_used")),
        ("injured", k("injured_any")),
    ):
        for g in groups:
            values[k("cit", g, measure)] = groups[g][measure]
            relations.append((k("cit", g, "count"), [k("cit", g, measure)]))
        relations.append((overall, [k("cit", g, measure) for g in groups]))
    return values, relations


def apply_suppression(
    stats: Mapping[str, Any], hidden: set[Key], prefix: Key = ()
) -> dict[str, Any]:
    """A copy of an encounter_stats dict with every hidden count (and what it feeds) replaced."""

    def v(*parts: Any) -> Any:
        key = (*prefix, *parts)
        return SUPPRESSED if key in hidden else _lookup(stats, parts)

    def gone(*parts: Any) -> bool:
        return (*prefix, *parts) in hidden

    out: dict[str, Any] = {
        key: stats[key] for key in ("scope", "period", "filters") if key in stats
    }
    out["total"] = v("total")
    out["by_month"] = [
        {"month": row["month"], "count": v("month", row["month"])} for row in stats["by_month"]
    ]
    out["flagged_at_dispatch"] = {g: v("flagged", g) for g in stats["flagged_at_dispatch"]}
    out["dispositions"] = [
        {**row, "count": v("disposition", row["code"])} for row in stats["dispositions"]
    ]
    out["arrests"] = v("disposition", "arrest")
    out["force_used"] = v("force_used")
    out["injuries"] = {name: v("injuries", name) for name in stats["injuries"]}
    out["injured_any"] = v("injured_any")
    out["repeat_contacts"] = v("repeat_contacts")
    minutes = stats["minutes_on_scene"]
    small = gone("minutes", "count")
    out["minutes_on_scene"] = {
        "count": v("minutes", "count"),
        "median": SUPPRESSED if small else minutes["median"],
        "mean": SUPPRESSED if small else minutes["mean"],
    }
    out["call_sources"] = [
        {**row, "count": v("call_source", row["code"])} for row in stats["call_sources"]
    ]
    out["cit"] = {}
    for g, group in stats["cit"].items():
        shown_group: dict[str, Any] = {"count": v("cit", g, "count")}
        for measure, rate_name in _CIT_MEASURES.items():
            shown_group[measure] = v("cit", g, measure)
            shown_group[rate_name] = _rate(
                group[rate_name], shown_group[measure], shown_group["count"]
            )
        out["cit"][g] = shown_group
    out["rates"] = {
        name: _rate(stats["rates"][name], v(*_RATE_CELLS[name][0]), v(*_RATE_CELLS[name][1]))
        for name in stats["rates"]
        if name in _RATE_CELLS
    }
    out["suppression"] = {
        "threshold": THRESHOLD,
        "hidden": sum(
            1
            for key in hidden
            if key[: len(prefix)] == prefix and key[len(prefix)] not in ("published", "state")
        ),
        "explanation": EXPLANATION,
    }
    return out


def _rate(rate: Mapping[str, Any], numerator: Any, denominator: Any) -> dict[str, Any]:
    """The rate with its shown counts; its value goes when either count is hidden."""
    hidden = is_suppressed(numerator) or is_suppressed(denominator)
    return {
        **rate,
        "numerator": numerator,
        "denominator": denominator,
        "value": SUPPRESSED if hidden else rate["value"],
    }


def _lookup(stats: Mapping[str, Any], parts: tuple[Any, ...]) -> Any:
    head, *rest = parts
    if head == "month":
        return next(row["count"] for row in stats["by_month"] if row["month"] == rest[0])
    if head in ("disposition", "call_source"):
        rows = stats["dispositions" if head == "disposition" else "call_sources"]
        return next(row["count"] for row in rows if row["code"] == rest[0])
    if head == "flagged":
        return stats["flagged_at_dispatch"][rest[0]]
    if head == "minutes":
        return stats["minutes_on_scene"]["count"]
    if head in ("flag_known", "cit_known"):
        rate = "flagged_at_dispatch" if head == "flag_known" else "cit_on_scene"
        return stats["rates"][rate]["denominator"]
    value: Any = stats[head]
    for part in rest:
        value = value[part]
    return value


# Headline counts of a published agency's own page, and the cell of a stats dict they add up to.
PUBLISHED_COLUMNS = {
    "total": ("total",),
    "arrests": ("disposition", "arrest"),
    "force_used": ("force_used",),
    "cit_on_scene": ("cit", "on_scene", "count"),
}


def published_cells(stats: Mapping[str, Any]) -> dict[str, int]:
    """The PUBLISHED_COLUMNS counts of one agency's stats dict."""
    return {column: _lookup(stats, path) for column, path in PUBLISHED_COLUMNS.items()}


def add_published(
    values: dict[Hashable, int],
    relations: list,
    published: Mapping[Hashable, Mapping[str, int]],
    target: Any,
) -> set[Hashable]:
    """Link agencies whose own pages are public to the aggregate they are part of.

    Anyone can subtract a published agency's numbers from a total that includes it, so each
    headline total gets the relation "total = published agencies + everyone else"; the rest is
    then protected like any cell. `target(column)` is the aggregate's key for a column. Returns
    the published cells, which are fixed (shown on their own pages).
    """
    fixed: set[Hashable] = set()
    if not published:
        return fixed
    for column in PUBLISHED_COLUMNS:
        parts = []
        for agency_key, cells in published.items():
            key = ("published", agency_key, column)
            values[key] = cells[column]
            parts.append(key)
            if not is_small(cells[column]):
                fixed.add(key)
        relations.append((target(column), parts))
    return fixed


def public_stats(
    stats: Mapping[str, Any], *, published: Mapping[Hashable, Mapping[str, int]] | None = None
) -> dict[str, Any]:
    """The version of an encounter_stats dict that may leave the agency.

    `published`: for an aggregate over several agencies, the published_cells of those among
    them whose public page is up, so that subtracting them reveals nothing small.
    """
    values, relations = stats_cells(stats)
    fixed = add_published(
        values, relations, published or {}, lambda column: PUBLISHED_COLUMNS[column]
    )
    hidden = suppressed_cells(values, relations, fixed=fixed)
    return apply_suppression(stats, hidden)


# --- suppression across filtered views ----------------------------------------------------------

# The breakdown cell of the unfiltered view that a filtered view's total equals.
_CIT_GROUPS = {"yes": "on_scene", "no": "not_on_scene", "unknown": "unknown"}


def filter_cell(name: str, value: str) -> tuple[str, ...]:
    if name == "call_source":
        return ("call_source", value)
    if name == "flagged_at_dispatch":
        return ("flagged", value)
    return ("cit", _CIT_GROUPS[value], "count")


# filters -> (what to show, cell values, relations, fixed cells)
System = Callable[[dict[str, str]], tuple[Any, dict, list, set]]


def linked_suppression(
    system: System,
    filters: Mapping[str, str],
    *,
    prefix: tuple[str, ...] = (),
    cache: dict | None = None,
) -> tuple[Any, set[Hashable]]:
    """The view for `filters` and the cells it hides, consistent with the views with one filter
    fewer (computed the same way, as a visitor would see them).

    A filtered view's total is a breakdown cell of the view without that filter (contacts from
    911 calls are the 911 row of the call-source table). When that view hides the cell, the
    filtered view hides its total too, with its own complements; else the filtered page would
    give away a cell the other page hides, and with it the small count behind it.
    """
    cache = {} if cache is None else cache
    key = tuple(sorted(filters.items()))
    if key not in cache:
        payload, values, relations, fixed = system(dict(filters))
        hide: set[Hashable] = set()
        for name, value in filters.items():
            parent = {other: v for other, v in filters.items() if other != name}
            _, parent_hidden = linked_suppression(system, parent, prefix=prefix, cache=cache)
            if (*prefix, *filter_cell(name, value)) in parent_hidden:
                hide.add((*prefix, "total"))
        cache[key] = (payload, suppressed_cells(values, relations, fixed=fixed, hide=hide))
    return cache[key]
