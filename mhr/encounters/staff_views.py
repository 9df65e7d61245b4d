"""The national roll-up for association staff: every agency's records summed, by state, suppressed.

Staff never see one agency's numbers: only national and per-state totals, and those go through
one suppression system together (privacy.suppressed_cells), so a state's hidden count cannot be
recovered from the national total and the other states either. Each view is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mhr.accounts.models import Agency
from mhr.campaigns.public_selectors import state_name
from mhr.encounters.models import EncounterMonthlyCount
from mhr.encounters.privacy import (
    EXPLANATION,
    SUPPRESSED,
    add_published,
    apply_suppression,
    stats_cells,
    suppressed_cells,
)
from mhr.encounters.public_views import (
    CIT_CAUTION,
    audit_view,
    charts_for,
    chosen_year,
    cit_rows,
    count,
    key_rows,
    percent,
    published_numbers,
    year_period,
)
from mhr.encounters.stats import encounter_stats_for_agencies

NATIONAL = ("national",)
# State-table column -> (the state's stats path, the national cell it adds up to).
STATE_COLUMNS = {
    "total": (("total",), ("total",)),
    "arrests": (("arrests",), ("disposition", "arrest")),
    "force_used": (("force_used",), ("force_used",)),
    "cit_on_scene": (("cit", "on_scene", "count"), ("cit", "on_scene", "count")),
}


@dataclass
class StateRow:
    code: str
    name: str
    agencies: int
    total: Any
    arrests: Any
    arrest_rate: Any
    force_used: Any
    force_rate: Any
    cit_on_scene: Any


def _value(stats: dict[str, Any], path: tuple[str, ...]) -> int:
    value: Any = stats
    for part in path:
        value = value[part]
    return value


def national_rollup(year: int) -> dict[str, Any]:
    """National numbers and one row per state, suppressed as one system."""
    start, end = year_period(year)
    national = encounter_stats_for_agencies(agencies=None, start=start, end=end)
    states = sorted(set(Agency.objects.values_list("state", flat=True)))
    by_state = {
        state: encounter_stats_for_agencies(
            agencies=Agency.objects.filter(state=state), start=start, end=end
        )
        for state in states
    }
    values, relations = stats_cells(national, prefix=NATIONAL)
    for column, (path, national_path) in STATE_COLUMNS.items():
        for state, stats in by_state.items():
            values[("state", state, column)] = _value(stats, path)
            if column != "total":
                relations.append((("state", state, "total"), [("state", state, column)]))
        relations.append(
            ((*NATIONAL, *national_path), [("state", state, column) for state in by_state])
        )
    published = published_numbers(Agency.objects.values_list("pk", flat=True), start, end)
    states_of = dict(Agency.objects.filter(pk__in=published).values_list("pk", "state"))
    fixed: set = set()
    for state in by_state:
        fixed |= add_published(
            values,
            relations,
            {pk: cells for pk, cells in published.items() if states_of[pk] == state},
            lambda column, state=state: ("state", state, column),
        )
    hidden = suppressed_cells(values, relations, fixed=fixed)
    public_national = apply_suppression(national, hidden, prefix=NATIONAL)

    def cell(state: str, column: str) -> Any:
        key = ("state", state, column)
        return SUPPRESSED if key in hidden else values[key]

    def rate(state: str, column: str) -> Any:
        numerator, total = cell(state, column), cell(state, "total")
        if SUPPRESSED in (numerator, total):
            return SUPPRESSED
        return percent(numerator / total if total else None)

    rows = [
        StateRow(
            code=state,
            name=state_name(state),
            agencies=by_state[state]["scope"]["agencies"],
            total=count(cell(state, "total")),
            arrests=count(cell(state, "arrests")),
            arrest_rate=rate(state, "arrests"),
            force_used=count(cell(state, "force_used")),
            force_rate=rate(state, "force_used"),
            cit_on_scene=count(cell(state, "cit_on_scene")),
        )
        for state in states
    ]
    return {"numbers": public_national, "state_rows": rows}


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    if not request.user.is_association_staff:
        raise PermissionDenied("The national roll-up is for association staff.")
    latest = EncounterMonthlyCount.objects.aggregate(latest=Max("month"))["latest"]
    year, note = chosen_year(request.GET.get("year"), [latest.year] if latest else [])
    rollup = national_rollup(year)
    numbers = rollup["numbers"]
    audit_view(request, None, page="national", year=year)
    return render(
        request,
        "encounters/staff/national.html",
        {
            "year": year,
            "start": year_period(year)[0],
            "end": year_period(year)[1],
            "note": note,
            "numbers": numbers,
            "state_rows": rollup["state_rows"],
            "key_rows": key_rows(numbers),
            "charts": charts_for(numbers),
            "cit_rows": cit_rows(numbers),
            "cit_caution": CIT_CAUTION,
            "explanation": EXPLANATION,
            "year_choices": range(year - 4, year + 2),
        },
    )
