"""The national roll-up for association staff: every agency's records summed, by state, suppressed.

Staff never see one agency's numbers: only national and per-state totals, and those go through
one suppression system together (privacy.suppressed_cells), so a state's hidden count cannot be
recovered from the national total and the other states either. Each view is audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.campaigns.public_selectors import state_name
from mhr.core.spreadsheets import CSV_CONTENT_TYPE, write_csv
from mhr.encounters.models import EncounterNationalMonthlyCount
from mhr.encounters.privacy import (
    EXPLANATION,
    SUPPRESSED,
    add_published,
    apply_suppression,
    csv_text,
    linked_suppression,
    stats_cells,
)
from mhr.encounters.public_views import (
    CIT_CAUTION,
    CUSTOM,
    _bad_query,
    _plain,
    audit_period,
    audit_view,
    charts_for,
    cit_rows,
    count,
    csv_rows,
    form_context,
    key_rows,
    outside_form,
    percent,
    published_numbers,
    year_period,
)
from mhr.encounters.stats import encounter_stats_for_agencies, state_stats_reader

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


def national_rollup(
    year: int | None = None,
    *,
    period: tuple[datetime.date, datetime.date] | None = None,
    filters: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """National numbers and one row per state, suppressed as one system, for a year or period
    and filters (linked to the views with one filter fewer, see linked_suppression)."""
    start, end = period or year_period(year or timezone.localdate().year)
    states = sorted(set(Agency.objects.values_list("state", flat=True)))
    # Published pages do not depend on the filters: their agencies are read once.
    states_of = dict(
        Agency.objects.filter(encounter_settings__transparency_published=True).values_list(
            "pk", "state"
        )
    )

    # Whole months: every state's rows read once for all the linked views (see
    # state_stats_reader); a period that cuts a month reads one state at a time.
    reader = state_stats_reader(start=start, end=end, with_minutes=False)

    def system(chosen: dict[str, str]) -> tuple[Any, dict, list, set]:
        national = encounter_stats_for_agencies(agencies=None, start=start, end=end, filters=chosen)
        grouped = reader(chosen) if reader is not None else None
        by_state = {
            state: grouped[state]
            if grouped is not None
            else encounter_stats_for_agencies(
                agencies=Agency.objects.filter(state=state), start=start, end=end, filters=chosen
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
        published = published_numbers(list(states_of), start, end, chosen)
        fixed: set = set()
        for state in by_state:
            fixed |= add_published(
                values,
                relations,
                {pk: cells for pk, cells in published.items() if states_of[pk] == state},
                lambda column, state=state: ("state", state, column),
            )
        return (national, by_state, values), values, relations, fixed

    (national, by_state, values), hidden = linked_suppression(
        system, filters or {}, prefix=NATIONAL
    )
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


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_association_staff:
        raise PermissionDenied("The national roll-up is for association staff.")


def _years_with_data() -> list[int]:
    # The national counts: a few rows a month, where the agencies' are millions at 10 M records.
    months = EncounterNationalMonthlyCount.objects.dates("month", "year", order="DESC")
    return [month.year for month in months]


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = outside_form(request, _years_with_data())
    context: dict[str, Any] = {**form_context(form), "explanation": EXPLANATION}
    if not form.is_valid():
        return render(request, "encounters/staff/national.html", context, status=400)
    start, end = form.cleaned_data["period"]
    rollup = national_rollup(period=(start, end), filters=form.filters())
    numbers = rollup["numbers"]
    audit_view(request, None, page="national", **audit_period(form))
    context.update(
        start=start,
        end=end,
        numbers=numbers,
        state_rows=rollup["state_rows"],
        key_rows=key_rows(numbers),
        charts=charts_for(numbers),
        cit_rows=cit_rows(numbers),
        cit_caution=CIT_CAUTION,
    )
    return render(request, "encounters/staff/national.html", context)


CSV_HEADERS = ["Section", "Area", "Item", "Count", "Rate"]


def national_csv_rows(rollup: Mapping[str, Any]) -> list[list[Any]]:
    """The page's tables as one long sheet: each state's counts, then the national numbers.
    Hidden cells read "suppressed", as on the page."""
    rows: list[list[Any]] = []
    for row in rollup["state_rows"]:
        rows.append(["By state", row.name, "Agencies", row.agencies, ""])
        rows.append(["By state", row.name, "Crisis contacts", _plain(csv_text(row.total)), ""])
        rows.append(
            [
                "By state",
                row.name,
                "Ended in arrest",
                _plain(csv_text(row.arrests)),
                csv_text(row.arrest_rate),
            ]
        )
        rows.append(
            [
                "By state",
                row.name,
                "Force used",
                _plain(csv_text(row.force_used)),
                csv_text(row.force_rate),
            ]
        )
        rows.append(
            [
                "By state",
                row.name,
                "CIT-trained officer on scene",
                _plain(csv_text(row.cit_on_scene)),
                "",
            ]
        )
    for section, item, value, rate in csv_rows(rollup["numbers"]):
        rows.append([section, "National", item, _plain(value), rate])
    return rows


@login_required
@require_GET
def national_csv(request: HttpRequest) -> HttpResponse:
    """The roll-up as CSV (formula-safe through write_csv), suppressed as the page is."""
    _staff_only(request)
    form = outside_form(request, _years_with_data())
    if not form.is_valid():
        return _bad_query(form)
    start, end = form.cleaned_data["period"]
    rollup = national_rollup(period=(start, end), filters=form.filters())
    audit_view(
        request,
        None,
        AuditEvent.EventType.ENCOUNTERS_EXPORTED,
        page="national",
        format="csv",
        **audit_period(form),
    )
    span = (
        str(start.year)
        if form.cleaned_data["preset"] != CUSTOM
        else (f"{start:%Y-%m}-to-{end:%Y-%m}")
    )
    filtered = "-filtered" if form.filters() else ""
    response = StreamingHttpResponse(
        write_csv(national_csv_rows(rollup), CSV_HEADERS), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"crisis-contacts-national-{span}{filtered}.csv"
    )
    response["Cache-Control"] = "private, no-store"
    return response
