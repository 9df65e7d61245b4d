"""The agency's encounter dashboard: its own numbers for a period, as charts, text and tables.

Only the signed-in user's own agency is ever shown: no URL names an agency, so there is nothing
to change to see another one; users without an agency get 404. Every view of the numbers writes
an ENCOUNTER_VIEWED audit row and every download an ENCOUNTERS_EXPORTED row.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from mhr.accounts.access import require_membership
from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.core.spreadsheets import CSV_CONTENT_TYPE, write_csv
from mhr.encounters import schema
from mhr.encounters.dashboard_charts import Chart, build_charts, chart_png, chart_svg
from mhr.encounters.models import Encounter, EncounterMonthlyCount
from mhr.encounters.selectors import encounter_settings_for
from mhr.encounters.stats import encounter_stats

EventType = AuditEvent.EventType
LAST_12_MONTHS, YEAR_TO_DATE, CUSTOM = "last_12_months", "year_to_date", "custom"
YEARS_OFFERED = 6
MAX_PERIOD_DAYS = 366 * 10
EXPORT_FORMATS = ("csv", "svg", "png")
TRISTATE_CHOICES = [("", "All"), ("yes", "Yes"), ("no", "No"), ("unknown", "Not recorded")]
FILTER_FIELDS = ("call_source", "district", "flagged_at_dispatch", "cit_officer_on_scene")


def agency_today(agency: Agency) -> datetime.date:
    zone = schema.zone(encounter_settings_for(agency).time_zone)
    return timezone.now().astimezone(zone).date()


def preset_period(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates of a preset. "Last 12 months" is this month so far and the 11 before it."""
    if preset == YEAR_TO_DATE:
        return today.replace(month=1, day=1), today
    if preset.isdigit():
        year = int(preset)
        return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, today


class DashboardForm(forms.Form):
    """The period and filters, read from the query string (a GET form: links can be shared)."""

    preset = forms.ChoiceField(label="Period", required=False)
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Dates override the period above.",
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    call_source = forms.ChoiceField(
        label="Call source",
        required=False,
        choices=[("", "All"), *Encounter.CallSource.choices],
    )
    district = forms.ChoiceField(label="Precinct or district", required=False)
    flagged_at_dispatch = forms.ChoiceField(
        label="Flagged as mental health at dispatch", required=False, choices=TRISTATE_CHOICES
    )
    cit_officer_on_scene = forms.ChoiceField(
        label="CIT-trained officer on scene", required=False, choices=TRISTATE_CHOICES
    )

    def __init__(self, data: Any, *, today: datetime.date, districts: list[str]) -> None:
        super().__init__(data)
        self.today = today
        years = [str(today.year - offset) for offset in range(YEARS_OFFERED)]
        self.fields["preset"].choices = [
            (LAST_12_MONTHS, "Last 12 months"),
            (YEAR_TO_DATE, "Year to date"),
            *[(year, f"Calendar year {year}") for year in years],
        ]
        self.fields["district"].choices = [("", "All")] + [(d, d) for d in districts]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if start or end:
            if not start:
                self.add_error("start", "Enter the first day of the period.")
            elif not end:
                self.add_error("end", "Enter the last day of the period.")
            elif end < start:
                self.add_error("end", "The last day is before the first day.")
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", "Choose a period of at most ten years.")
            else:
                cleaned["period"] = (start, end)
                cleaned["preset"] = CUSTOM
        else:
            preset = cleaned.get("preset") or LAST_12_MONTHS
            cleaned["preset"] = preset
            cleaned["period"] = preset_period(preset, self.today)
        return cleaned

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FILTER_FIELDS if self.cleaned_data[name]}

    def query_string(self) -> str:
        """The normalised query, for the export links."""
        data = self.cleaned_data
        query: dict[str, str] = {}
        if data["preset"] == CUSTOM:
            query.update(start=data["start"].isoformat(), end=data["end"].isoformat())
        else:
            query["preset"] = data["preset"]
        query.update(self.filters())
        return urlencode(query)


def _districts(agency: Agency) -> list[str]:
    return list(
        EncounterMonthlyCount.objects.filter(agency=agency)
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def _read(request: HttpRequest) -> tuple[Agency, DashboardForm, dict[str, Any] | None]:
    """The user's agency, the bound form and, when it is valid, the statistics."""
    agency = require_membership(request.user).agency
    form = DashboardForm(request.GET, today=agency_today(agency), districts=_districts(agency))
    if not form.is_valid():
        return agency, form, None
    start, end = form.cleaned_data["period"]
    stats = encounter_stats(agency=agency, start=start, end=end, filters=form.filters())
    return agency, form, stats


def _audit_extra(form: DashboardForm, **more: Any) -> dict[str, Any]:
    start, end = form.cleaned_data["period"]
    return {"start": start.isoformat(), "end": end.isoformat(), "filters": form.filters(), **more}


def _filter_labels(form: DashboardForm) -> list[str]:
    labels = []
    for name in FILTER_FIELDS:
        value = form.cleaned_data.get(name)
        if value:
            field = form.fields[name]
            shown = dict(field.choices).get(value, value)
            labels.append(f"{field.label}: {shown}")
    return labels


@login_required
@require_GET
def dashboard_overview(request: HttpRequest) -> HttpResponse:
    agency, form, stats = _read(request)
    charts: list[dict[str, Any]] = []
    if stats is not None:
        audit_record(
            event_type=EventType.ENCOUNTER_VIEWED,
            actor=request.user,
            agency=agency,
            request=request,
            extra=_audit_extra(form, view="dashboard", total=stats["total"]),
        )
        if stats["total"]:
            charts = [
                {"chart": chart, "svg": mark_safe(chart_svg(chart))}  # noqa: S308  # nosec B308 B703 # chart_svg escapes every text it writes
                for chart in build_charts(stats, agency_name=agency.name)
            ]
    return render(
        request,
        "encounters/dashboard/overview.html",
        {
            "agency": agency,
            "form": form,
            "stats": stats,
            "charts": charts,
            "filter_labels": _filter_labels(form) if stats is not None else [],
            "query": form.query_string() if stats is not None else "",
            "period": form.cleaned_data["period"] if stats is not None else None,
            "formats": EXPORT_FORMATS,
        },
        status=200 if stats is not None else 400,
    )


def _filename(chart: Chart, form: DashboardForm, extension: str) -> str:
    start, end = form.cleaned_data["period"]
    return f"encounters-{chart.slug}-{start.isoformat()}-to-{end.isoformat()}.{extension}"


@login_required
@require_GET
def dashboard_export(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404("No such format.")
    agency, form, stats = _read(request)
    if stats is None:
        return HttpResponse(
            "The period or filters are not valid; go back to the dashboard to correct them.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    found = next(
        (c for c in build_charts(stats, agency_name=agency.name) if c.slug == chart), None
    ) if stats["total"] else None  # fmt: skip
    if found is None:
        raise Http404("No such chart, or no encounters to chart in this period.")
    audit_record(
        event_type=EventType.ENCOUNTERS_EXPORTED,
        actor=request.user,
        agency=agency,
        request=request,
        extra=_audit_extra(form, chart=found.slug, format=fmt),
    )
    if fmt == "csv":
        response: HttpResponse = StreamingHttpResponse(
            write_csv(found.rows, found.headers), content_type=CSV_CONTENT_TYPE
        )
    elif fmt == "svg":
        response = HttpResponse(
            chart_svg(found, standalone=True), content_type="image/svg+xml; charset=utf-8"
        )
    else:
        response = HttpResponse(chart_png(found), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, form, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response
