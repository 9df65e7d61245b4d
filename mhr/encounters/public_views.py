"""Encounter numbers seen from outside the agency, always suppressed (privacy.py).

- The public transparency page (/data/<ORI>/), opt-in: 404 until a coordinator publishes it, for
  everyone, the agency's own members included. CSV and JSON downloads of the same numbers.
- The coordinator's transparency settings: preview exactly what the public will see, publish,
  withdraw, and write the page's introduction (encounter_settings_update audits each change).
- Peer comparison for an agency's members: their own numbers (not suppressed: they are theirs)
  next to the suppressed total of peer agencies.

Peer agencies are the other agencies of the same state in the same size band by sworn headcount:

    SIZE_BANDS = 1–24, 25–49, 50–99, 100–249, 250–499, 500–999, 1,000 or more sworn officers.

A comparison needs at least MIN_PEERS peer agencies with complete records in the year; with fewer,
the page says so and shows no peer numbers (a group of one or two agencies is not a comparison,
and its total would come too close to one agency's own numbers). An agency without a sworn
headcount has no band and is told to add one.

Every view of these numbers writes an ENCOUNTER_VIEWED audit row; downloads ENCOUNTERS_EXPORTED.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from mhr.accounts.access import require_membership
from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.core.pagination import parse_page
from mhr.core.spreadsheets import CSV_CONTENT_TYPE, write_csv
from mhr.encounters.models import Encounter, EncounterSettings
from mhr.encounters.privacy import (
    EXPLANATION,
    SUPPRESSED,
    as_json,
    csv_text,
    is_suppressed,
    public_stats,
    published_cells,
)
from mhr.encounters.selectors import encounter_settings_for
from mhr.encounters.services import encounter_settings_update
from mhr.encounters.stats import encounter_stats, encounter_stats_for_agencies

EventType = AuditEvent.EventType

PER_PAGE = 25
MIN_PEERS = 3
FIRST_YEAR = 2000
# (lowest, highest) sworn officers; None: no upper bound.
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (1, 24),
    (25, 49),
    (50, 99),
    (100, 249),
    (250, 499),
    (500, 999),
    (1000, None),
)
CIT_CAUTION = (
    "Contacts with and without a CIT-trained officer on scene differ in many ways (the kind of "
    "call, the time of day, who was available), so the difference between the two groups is not "
    "evidence that training caused it."
)


# --- periods ------------------------------------------------------------------------------------


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def years_with_data(agency: Agency) -> list[int]:
    """Years in which the agency has complete records, newest first (one query)."""
    days = (
        Encounter.objects.filter(
            agency=agency, status=Encounter.Status.COMPLETE, received_date__isnull=False
        )
        .dates("received_date", "year", order="DESC")
        .distinct()
    )
    return [day.year for day in days]


def chosen_year(raw: str | None, years: list[int]) -> tuple[int, str | None]:
    """The year asked for in ?year=, else the newest with data, else this year; and a note."""
    default = years[0] if years else timezone.localdate().year
    if raw in (None, ""):
        return default, None
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default, "That year was not understood, so the latest year is shown."
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        return default, "That year is out of range, so the latest year is shown."
    return year, None


def year_choices(years: list[int], year: int) -> list[int]:
    return sorted({*years, year}, reverse=True)


# --- presenting numbers -------------------------------------------------------------------------


def percent(value: Any) -> Any:
    """A rate's value as "6.0%", SUPPRESSED when hidden, "n/a" when there is nothing to divide."""
    if is_suppressed(value):
        return SUPPRESSED
    if value is None:
        return "n/a"
    share = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{share}%"


def count(value: Any) -> Any:
    if is_suppressed(value) or value is None:
        return SUPPRESSED if is_suppressed(value) else "n/a"
    return f"{value:,}" if isinstance(value, int) else value


@dataclass
class KeyRow:
    key: str
    label: str
    count: Any
    rate: Any
    out_of: str


def key_rows(numbers: Mapping[str, Any]) -> list[KeyRow]:
    """The headline numbers of a (public or own) stats dict, as rows of a table."""
    rates = numbers["rates"]
    minutes = numbers["minutes_on_scene"]

    def row(key: str, label: str, value: Any, rate: str | None) -> KeyRow:
        if rate is None:
            return KeyRow(key, label, count(value), "", "")
        return KeyRow(
            key,
            label,
            count(value),
            percent(rates[rate]["value"]),
            rates[rate]["denominator_label"],
        )

    return [
        row("total", "Crisis contacts", numbers["total"], None),
        row("arrests", "Ended in arrest", numbers["arrests"], "arrest"),
        row("force", "Force used", numbers["force_used"], "force"),
        row(
            "person_injury",
            "Person in crisis injured",
            numbers["injuries"]["person"],
            "person_injury",
        ),
        row("officer_injury", "Officer injured", numbers["injuries"]["officer"], "officer_injury"),
        row("repeat", "Repeat contacts", numbers["repeat_contacts"], "repeat_contact"),
        row(
            "flagged",
            "Flagged as mental health at dispatch",
            numbers["flagged_at_dispatch"]["yes"],
            "flagged_at_dispatch",
        ),
        row(
            "cit",
            "CIT-trained officer on scene",
            numbers["cit"]["on_scene"]["count"],
            "cit_on_scene",
        ),
        KeyRow(
            "minutes",
            "Median minutes on scene",
            count(minutes["median"]),
            "",
            "records with arrival and clear times",
        ),
    ]


@dataclass
class Bar:
    label: str
    value: Any
    hidden: bool
    y: int
    width: int

    @property
    def display(self) -> Any:
        return count(self.value)

    @property
    def text_x(self) -> int:
        return BarChart.LABEL_WIDTH + (30 if self.hidden else self.width) + 6


@dataclass
class BarChart:
    """A horizontal bar chart drawn as SVG on the server, with its own summary for screen readers."""

    id: str
    title: str
    bars: list[Bar]
    summary: str
    height: int
    value_label: str = "Contacts"

    LABEL_WIDTH = 230
    BAR_WIDTH = 300
    ROW = 26


def bar_chart(chart_id: str, title: str, items: list[tuple[str, Any]]) -> BarChart:
    shown_values = [value for _, value in items if not is_suppressed(value)]
    top = max(shown_values, default=0)
    bars = []
    for index, (label, value) in enumerate(items):
        hidden = is_suppressed(value)
        width = 0 if hidden or not top else max(1, round(value * BarChart.BAR_WIDTH / top))
        if not hidden and value == 0:
            width = 0
        bars.append(Bar(label, value, hidden, index * BarChart.ROW, width))
    hidden_count = sum(1 for bar in bars if bar.hidden)
    parts = []
    if shown_values and top > 0:
        leader = next(bar for bar in bars if not bar.hidden and bar.value == top)
        parts.append(f"Largest: {leader.label} ({top:,}).")
    elif not hidden_count:
        parts.append("All values are zero.")
    if hidden_count:
        parts.append(
            f"{hidden_count} value{'s are' if hidden_count != 1 else ' is'} hidden to protect privacy."
        )
    return BarChart(
        id=chart_id,
        title=title,
        bars=bars,
        summary=" ".join(parts),
        height=len(bars) * BarChart.ROW + 4,
    )


def month_label(month: str) -> str:
    return datetime.date.fromisoformat(f"{month}-01").strftime("%B %Y")


def charts_for(numbers: Mapping[str, Any]) -> list[BarChart]:
    return [
        bar_chart(
            "by-month",
            "Crisis contacts by month",
            [(month_label(row["month"]), row["count"]) for row in numbers["by_month"]],
        ),
        bar_chart(
            "dispositions",
            "How contacts ended",
            [(row["label"], row["count"]) for row in numbers["dispositions"]],
        ),
        bar_chart(
            "call-sources",
            "Where the calls came from",
            [(row["label"], row["count"]) for row in numbers["call_sources"]],
        ),
    ]


CIT_LABELS = {
    "on_scene": "CIT-trained officer on scene",
    "not_on_scene": "No CIT-trained officer on scene",
    "unknown": "Not recorded",
}


def cit_rows(numbers: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": CIT_LABELS.get(group, group),
            "count": count(values["count"]),
            "arrests": count(values["arrests"]),
            "arrest_rate": percent(values["arrest_rate"]["value"]),
            "force_used": count(values["force_used"]),
            "force_rate": percent(values["force_rate"]["value"]),
        }
        for group, values in numbers["cit"].items()
    ]


def public_context(agency: Agency, year: int) -> dict[str, Any]:
    """Everything the public page shows for a year: the suppressed numbers, charts and tables."""
    start, end = year_period(year)
    numbers = public_stats(encounter_stats(agency=agency, start=start, end=end))
    return {
        "numbers": numbers,
        "key_rows": key_rows(numbers),
        "charts": charts_for(numbers),
        "cit_rows": cit_rows(numbers),
        "cit_caution": CIT_CAUTION,
        "explanation": EXPLANATION,
        "year": year,
        "start": start,
        "end": end,
    }


# --- the public pages ---------------------------------------------------------------------------


def _published_settings(ori: str) -> EncounterSettings:
    """The agency's settings if its page is published; 404 otherwise, for everyone."""
    found = (
        EncounterSettings.objects.select_related("agency")
        .filter(agency__ori=ori.upper(), transparency_published=True)
        .first()
    )
    if found is None:
        raise Http404("No published transparency page.")
    return found


def audit_view(
    request: HttpRequest, agency: Agency | None, event: str = EventType.ENCOUNTER_VIEWED, **extra
) -> None:
    with transaction.atomic():
        audit_record(
            event_type=event,
            actor=request.user,
            agency=agency,
            target=agency,
            request=request,
            extra=extra,
        )


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    page_number, note = parse_page(request.GET.get("page"))
    published = (
        EncounterSettings.objects.filter(transparency_published=True)
        .select_related("agency")
        .order_by("agency__name", "agency__pk")
    )
    paginator = Paginator(published, PER_PAGE)
    page = paginator.get_page(page_number)
    return render(
        request,
        "encounters/public/agency_list.html",
        {"page": page, "note": note, "published": list(page.object_list)},
    )


@require_GET
def agency_detail(request: HttpRequest, ori: str) -> HttpResponse:
    saved = _published_settings(ori)
    agency = saved.agency
    years = years_with_data(agency)
    year, note = chosen_year(request.GET.get("year"), years)
    context = public_context(agency, year)
    audit_view(request, agency, page="public", year=year)
    context.update(agency=agency, saved=saved, note=note, year_choices=year_choices(years, year))
    return render(request, "encounters/public/agency_detail.html", context)


def csv_rows(numbers: Mapping[str, Any]) -> list[list[Any]]:
    """The public numbers as (section, item, count, rate) rows; hidden cells say "suppressed"."""
    rows: list[list[Any]] = []
    for row in key_rows(numbers):
        rows.append(["Headline", row.label, csv_text(row.count), csv_text(row.rate)])
    for row in numbers["by_month"]:
        rows.append(["By month", row["month"], csv_text(row["count"]), ""])
    for row in numbers["dispositions"]:
        rows.append(["How contacts ended", row["label"], csv_text(row["count"]), ""])
    for row in numbers["call_sources"]:
        rows.append(["Call source", row["label"], csv_text(row["count"]), ""])
    for row in cit_rows(numbers):
        rows.append(["CIT on scene: contacts", row["label"], csv_text(row["count"]), ""])
        rows.append(
            [
                "CIT on scene: arrests",
                row["label"],
                csv_text(row["arrests"]),
                csv_text(row["arrest_rate"]),
            ]
        )
        rows.append(
            [
                "CIT on scene: force used",
                row["label"],
                csv_text(row["force_used"]),
                csv_text(row["force_rate"]),
            ]
        )
    rows.append(["Note", "Suppression", EXPLANATION, ""])
    return rows


def _plain(value: Any) -> Any:
    # CSV cells hold numbers as numbers (formatted counts carry thousands separators).
    if isinstance(value, str) and value.replace(",", "").isdigit():
        return int(value.replace(",", ""))
    return value


@require_GET
def agency_csv(request: HttpRequest, ori: str, year: int) -> StreamingHttpResponse:
    saved = _published_settings(ori)
    start, end = year_period(_valid_year(year))
    numbers = public_stats(encounter_stats(agency=saved.agency, start=start, end=end))
    audit_view(
        request, saved.agency, EventType.ENCOUNTERS_EXPORTED, page="public", year=year, format="csv"
    )
    rows = (
        [section, item, _plain(value), rate] for section, item, value, rate in csv_rows(numbers)
    )
    response = StreamingHttpResponse(
        write_csv(rows, ["Section", "Item", "Count", "Rate"]), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"crisis-contacts-{saved.agency.ori}-{year}.csv"
    )
    return response


@require_GET
def agency_json(request: HttpRequest, ori: str, year: int) -> HttpResponse:
    saved = _published_settings(ori)
    start, end = year_period(_valid_year(year))
    numbers = public_stats(encounter_stats(agency=saved.agency, start=start, end=end))
    numbers.pop("source", None)
    audit_view(
        request,
        saved.agency,
        EventType.ENCOUNTERS_EXPORTED,
        page="public",
        year=year,
        format="json",
    )
    body = {"agency": {"name": saved.agency.name, "ori": saved.agency.ori}, **as_json(numbers)}
    response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(
        True, f"crisis-contacts-{saved.agency.ori}-{year}.json"
    )
    return response


def _valid_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404("No such year.")
    return year


# --- the coordinator's transparency settings ----------------------------------------------------


class TransparencyForm(forms.Form):
    transparency_note = forms.CharField(
        label="Introduction shown on the public page",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. A few sentences on what the numbers cover and who to contact.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def transparency_settings(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    agency = membership.agency
    saved = encounter_settings_for(agency)
    form = TransparencyForm(
        request.POST or None, initial={"transparency_note": saved.transparency_note}
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if form.is_valid():
            changes: dict[str, Any] = {"transparency_note": form.cleaned_data["transparency_note"]}
            if action == "publish":
                changes["transparency_published"] = True
            elif action == "withdraw":
                changes["transparency_published"] = False
            try:
                encounter_settings_update(
                    agency=agency, actor=request.user, request=request, **changes
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if action == "publish":
                    messages.success(request, "Your transparency page is published.")
                elif action == "withdraw":
                    messages.success(
                        request, "Your transparency page is withdrawn; it answers “not found” now."
                    )
                else:
                    messages.success(request, "Saved.")
                return redirect("encounters_agency:transparency_settings")
    years = years_with_data(agency)
    year, note = chosen_year(request.GET.get("year"), years)
    context = public_context(agency, year)
    audit_view(request, agency, page="transparency_preview", year=year)
    context.update(
        agency=agency, saved=saved, form=form, note=note, year_choices=year_choices(years, year)
    )
    return render(
        request, "encounters/public/settings.html", context, status=400 if form.errors else 200
    )


def published_numbers(agency_ids, start, end) -> dict[int, dict[str, int]]:
    """Headline counts of those agencies whose public page is up (one stats call each)."""
    published = Agency.objects.filter(
        pk__in=agency_ids, encounter_settings__transparency_published=True
    ).order_by("pk")
    return {
        agency.pk: published_cells(encounter_stats(agency=agency, start=start, end=end))
        for agency in published
    }


# --- peer comparison ----------------------------------------------------------------------------


def size_band(sworn: int | None) -> tuple[int, int | None] | None:
    if not sworn:
        return None
    for low, high in SIZE_BANDS:
        if sworn >= low and (high is None or sworn <= high):
            return low, high
    return None


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low:,} or more" if high is None else f"{low:,}–{high:,}"


def peer_agencies(agency: Agency, band: tuple[int, int | None]):
    low, high = band
    peers = Agency.objects.filter(state=agency.state, sworn_headcount__gte=low).exclude(
        pk=agency.pk
    )
    if high is not None:
        peers = peers.filter(sworn_headcount__lte=high)
    return peers


def peers_with_data(agency: Agency, band: tuple[int, int | None], start, end) -> list[int]:
    return list(
        Encounter.objects.filter(
            agency__in=peer_agencies(agency, band),
            status=Encounter.Status.COMPLETE,
            received_date__gte=start,
            received_date__lte=end,
        )
        .values_list("agency_id", flat=True)
        .distinct()
        .order_by("agency_id")
    )


@login_required
@require_GET
def peer_comparison(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    agency = membership.agency
    years = years_with_data(agency)
    year, note = chosen_year(request.GET.get("year"), years)
    start, end = year_period(year)
    own = encounter_stats(agency=agency, start=start, end=end)
    band = size_band(agency.sworn_headcount)
    peer_ids = peers_with_data(agency, band, start, end) if band else []
    peers = None
    if len(peer_ids) >= MIN_PEERS:
        peers = public_stats(
            encounter_stats_for_agencies(
                agencies=Agency.objects.filter(pk__in=peer_ids), start=start, end=end
            ),
            published=published_numbers(peer_ids, start, end),
        )
    audit_view(request, agency, page="peers", year=year, peers=len(peer_ids) if peers else 0)
    rows = []
    if peers is not None:
        rows = list(zip(key_rows(own), key_rows(peers), strict=True))
    return render(
        request,
        "encounters/public/peers.html",
        {
            "agency": agency,
            "year": year,
            "year_choices": year_choices(years, year),
            "note": note,
            "band": band_label(band) if band else "",
            "peer_count": len(peer_ids),
            "min_peers": MIN_PEERS,
            "rows": rows,
            "own_rows": key_rows(own),
            "explanation": EXPLANATION,
            "cit_caution": CIT_CAUTION,
            "size_bands": [band_label(b) for b in SIZE_BANDS],
        },
    )
