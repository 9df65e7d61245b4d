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
from django.db.models import Exists, OuterRef
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
from mhr.encounters.forms import OUTSIDE_FIRST_YEAR, OutsideForm
from mhr.encounters.models import (
    EncounterDailyCount,
    EncounterMonthlyCount,
    EncounterSettings,
)
from mhr.encounters.privacy import (
    EXPLANATION,
    PUBLISHED_COLUMNS,
    SUPPRESSED,
    add_published,
    apply_suppression,
    as_json,
    csv_text,
    is_suppressed,
    linked_suppression,
    published_cells,
    stats_cells,
)
from mhr.encounters.selectors import encounter_settings_for
from mhr.encounters.services import encounter_settings_update
from mhr.encounters.stats import encounter_stats, encounter_stats_for_agencies

CUSTOM = "custom"

EventType = AuditEvent.EventType

PER_PAGE = 25
MIN_PEERS = 3
RECENT_YEARS = 5
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
    """Years in which the agency has complete records, newest first (one query).

    Read from the agency's monthly counts (a row exists only where records do): the records
    themselves would cost an anonymous visitor a scan of every record (0.6 s for a million).
    """
    months = EncounterMonthlyCount.objects.filter(agency=agency).dates(
        "month", "year", order="DESC"
    )
    return [month.year for month in months]


def outside_form(request: HttpRequest, years: list[int]) -> OutsideForm:
    """The period-and-filter form of a page seen from outside the agency, bound to ?query."""
    this_year = timezone.localdate().year
    default = years[0] if years else this_year
    # The years with records, and the recent ones (a year without records shows true zeros).
    offered = {*years, *range(this_year - RECENT_YEARS, this_year + 1)}
    return OutsideForm(
        request.GET,
        years=sorted(offered, reverse=True),
        default_year=default,
        today=timezone.localdate(),
    )


def period_label(form: OutsideForm) -> str:
    """ "2025", or "January 2025 to March 2025" for a custom period (headings and titles)."""
    start, end = form.cleaned_data["period"]
    if form.cleaned_data["preset"] != CUSTOM:
        return str(start.year)
    first, last = f"{start:%B %Y}", f"{end:%B %Y}"
    return first if first == last else f"{first} to {last}"


def form_context(form: OutsideForm) -> dict[str, Any]:
    valid = form.is_valid()
    return {
        "form": form,
        "year": period_label(form) if valid else "",
        "filter_labels": form.filter_labels() if valid else [],
        "query": form.query_string() if valid else "",
    }


def audit_period(form: OutsideForm) -> dict[str, Any]:
    start, end = form.cleaned_data["period"]
    return {"start": start.isoformat(), "end": end.isoformat(), "filters": form.filters()}


def agency_public_numbers(
    agency: Agency, start: datetime.date, end: datetime.date, filters: Mapping[str, str]
) -> dict[str, Any]:
    """The agency's numbers as its public page shows them: suppressed, linked across filters."""

    def system(chosen: dict[str, str]) -> tuple[Any, dict, list, set]:
        stats = encounter_stats(agency=agency, start=start, end=end, filters=chosen)
        values, relations = stats_cells(stats)
        return stats, values, relations, set()

    stats, hidden = linked_suppression(system, filters)
    return apply_suppression(stats, hidden)


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


def public_context(
    agency: Agency,
    year: int | None = None,
    *,
    period: tuple[datetime.date, datetime.date] | None = None,
    filters: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the public page shows for a year or period: suppressed numbers, charts, tables."""
    start, end = period or year_period(year or timezone.localdate().year)
    numbers = agency_public_numbers(agency, start, end, filters or {})
    return {
        "numbers": numbers,
        "key_rows": key_rows(numbers),
        "charts": charts_for(numbers),
        "cit_rows": cit_rows(numbers),
        "cit_caution": CIT_CAUTION,
        "explanation": EXPLANATION,
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
    form = outside_form(request, years_with_data(agency))
    context: dict[str, Any] = {"agency": agency, "saved": saved, **form_context(form)}
    if form.is_valid():
        context.update(
            public_context(agency, period=form.cleaned_data["period"], filters=form.filters())
        )
        audit_view(request, agency, page="public", **audit_period(form))
    return render(
        request,
        "encounters/public/agency_detail.html",
        context,
        status=200 if form.is_valid() else 400,
    )


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


def _download_name(agency: Agency, form: OutsideForm, extension: str) -> str:
    start, end = form.cleaned_data["period"]
    if form.cleaned_data["preset"] != CUSTOM:
        span = str(start.year)
    else:
        span = f"{start:%Y-%m}-to-{end:%Y-%m}"
    filtered = "-filtered" if form.filters() else ""
    return f"crisis-contacts-{agency.ori}-{span}{filtered}.{extension}"


def _bad_query(form: OutsideForm) -> HttpResponse:
    problems = " ".join(item["message"] for item in form.error_summary())
    return HttpResponse(
        f"The period or filters are not valid: {problems} Go back to the page to correct them.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def public_download(request: HttpRequest, agency: Agency, form: OutsideForm, fmt: str):
    """The suppressed numbers of a public page as CSV or JSON, for the form's period/filters."""
    if not form.is_valid():
        return _bad_query(form)
    start, end = form.cleaned_data["period"]
    numbers = agency_public_numbers(agency, start, end, form.filters())
    audit_view(
        request,
        agency,
        EventType.ENCOUNTERS_EXPORTED,
        page="public",
        format=fmt,
        **audit_period(form),
    )
    if fmt == "csv":
        rows = (
            [section, item, _plain(value), rate] for section, item, value, rate in csv_rows(numbers)
        )
        response: HttpResponse = StreamingHttpResponse(
            write_csv(rows, ["Section", "Item", "Count", "Rate"]), content_type=CSV_CONTENT_TYPE
        )
    else:
        numbers.pop("source", None)
        body = {"agency": {"name": agency.name, "ori": agency.ori}, **as_json(numbers)}
        response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(
        True, _download_name(agency, form, fmt)
    )
    return response


def _year_form(request: HttpRequest, year: int) -> OutsideForm:
    """The form of a /<year>.csv link: that year, with any filters of the query string."""
    query = request.GET.copy()
    for name in ("start", "end", "preset"):
        query.pop(name, None)
    query["year"] = str(_valid_year(year))
    return OutsideForm(query, years=[year], default_year=year, today=timezone.localdate())


@require_GET
def agency_csv(request: HttpRequest, ori: str, year: int) -> HttpResponse:
    saved = _published_settings(ori)
    return public_download(request, saved.agency, _year_form(request, year), "csv")


@require_GET
def agency_json(request: HttpRequest, ori: str, year: int) -> HttpResponse:
    saved = _published_settings(ori)
    return public_download(request, saved.agency, _year_form(request, year), "json")


@require_GET
def agency_download(request: HttpRequest, ori: str, fmt: str) -> HttpResponse:
    """Any period and filters the page offers (?year= or ?start=&end=, and the filters)."""
    if fmt not in ("csv", "json"):
        raise Http404("No such format.")
    saved = _published_settings(ori)
    form = outside_form(request, years_with_data(saved.agency))
    return public_download(request, saved.agency, form, fmt)


def _valid_year(year: int) -> int:
    if not OUTSIDE_FIRST_YEAR <= year <= timezone.localdate().year + 1:
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
    preview = outside_form(request, years_with_data(agency))
    context: dict[str, Any] = {"agency": agency, "saved": saved, **form_context(preview)}
    if preview.is_valid():
        context.update(
            public_context(agency, period=preview.cleaned_data["period"], filters=preview.filters())
        )
        audit_view(request, agency, page="transparency_preview", **audit_period(preview))
    # The period form is the page's GET form; `form` stays the settings (POST) form.
    context.update(form=form, period_form=preview)
    return render(
        request,
        "encounters/public/settings.html",
        context,
        status=400 if form.errors or preview.errors else 200,
    )


def published_numbers(agency_ids, start, end, filters=None) -> dict[int, dict[str, int]]:
    """Headline counts of those agencies whose public page is up (one stats call each), for
    the same period and filters: their own pages can show exactly those."""
    published = Agency.objects.filter(
        pk__in=agency_ids, encounter_settings__transparency_published=True
    ).order_by("pk")
    return {
        agency.pk: published_cells(
            encounter_stats(agency=agency, start=start, end=end, filters=filters)
        )
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
    """Peers with complete records in the period: one index probe of the daily counts per peer
    (it stops at the first day found), instead of reading every peer record of the period."""
    counted = EncounterDailyCount.objects.filter(
        agency=OuterRef("pk"), day__gte=start, day__lte=end
    )
    return list(
        peer_agencies(agency, band)
        .filter(Exists(counted))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def peer_numbers(
    peer_ids: list[int], start: datetime.date, end: datetime.date, filters: Mapping[str, str]
) -> dict[str, Any]:
    """The peers' combined numbers: suppressed, published peers subtracted, linked across filters."""

    def system(chosen: dict[str, str]) -> tuple[Any, dict, list, set]:
        stats = encounter_stats_for_agencies(
            agencies=Agency.objects.filter(pk__in=peer_ids), start=start, end=end, filters=chosen
        )
        values, relations = stats_cells(stats)
        fixed = add_published(
            values,
            relations,
            published_numbers(peer_ids, start, end, chosen),
            lambda column: PUBLISHED_COLUMNS[column],
        )
        return stats, values, relations, fixed

    stats, hidden = linked_suppression(system, filters)
    return apply_suppression(stats, hidden)


@login_required
@require_GET
def peer_comparison(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    agency = membership.agency
    form = outside_form(request, years_with_data(agency))
    band = size_band(agency.sworn_headcount)
    context: dict[str, Any] = {
        "agency": agency,
        **form_context(form),
        "band": band_label(band) if band else "",
        "has_band": bool(band),
        "peer_count": 0,
        "min_peers": MIN_PEERS,
        "rows": [],
        "own_rows": [],
        "explanation": EXPLANATION,
        "cit_caution": CIT_CAUTION,
        "size_bands": [band_label(b) for b in SIZE_BANDS],
    }
    if not form.is_valid():
        return render(request, "encounters/public/peers.html", context, status=400)
    start, end = form.cleaned_data["period"]
    filters = form.filters()
    own = encounter_stats(agency=agency, start=start, end=end, filters=filters)
    # Who the peers are does not depend on the filters, so every filtered view sums one group.
    peer_ids = peers_with_data(agency, band, start, end) if band else []
    peers = peer_numbers(peer_ids, start, end, filters) if len(peer_ids) >= MIN_PEERS else None
    audit_view(
        request, agency, page="peers", peers=len(peer_ids) if peers else 0, **audit_period(form)
    )
    context.update(
        peer_count=len(peer_ids),
        own_rows=key_rows(own),
        rows=list(zip(key_rows(own), key_rows(peers), strict=True)) if peers else [],
    )
    return render(request, "encounters/public/peers.html", context)
