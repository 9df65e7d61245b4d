"""The hand-entry form for one encounter, and the encounter list's filters.

The form only turns what was typed into the canonical values of `schema.py` (with the same
`schema.coerce` the file imports use); the rules across fields live in `schema.check_record`, run
by the services, whose errors `apply_service_errors` puts back on the form's fields.

Times are typed in the agency's own time zone and stored in UTC. The arrival and clearing times
take a bare time of day ("14:05" or "1405"), meaning the day the call was received, or a full
date and time when it was later ("2025-03-15 01:10").
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mhr.encounters import schema
from mhr.encounters.dashboard_views import CUSTOM, MAX_PERIOD_DAYS, DashboardForm
from mhr.encounters.models import Encounter

BOOL_CHOICES = [("yes", "Yes"), ("no", "No"), ("", "Unknown")]
# Short choices become radio tiles (arrow keys move between them); long ones stay selects,
# where typing the first letters picks an option.
RADIO_CHOICE_FIELDS = {"sex", "housing", "weapon", "force"}

TIME_HINT = "24-hour clock, e.g. 14:05 or 1405."
LATER_TIME_HINT = (
    "24-hour clock on the day the call was received (e.g. 14:35); if it was on a later day, "
    "type the date too (e.g. 2025-03-15 01:10)."
)

# Service errors name canonical fields; a few of them are typed into differently named inputs.
SERVICE_FIELD_TO_FORM = {"received_at": "received_time"}

FIELDSETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "call",
        "Call",
        (
            "incident_number",
            "received_date",
            "received_time",
            "arrived_at",
            "cleared_at",
            "call_source",
            "dispatch_call_type",
            "final_call_type",
            "flagged_at_dispatch",
        ),
    ),
    (
        "responders",
        "Responders",
        ("officers_count", "cit_officer_on_scene", "co_responder_on_scene", "ems_on_scene"),
    ),
    ("person", "Person", ("age_band", "sex", "race_ethnicity", "veteran", "housing")),
    (
        "observed",
        "What was observed",
        ("suicidal", "substance_use", "psychosis", "threats_to_others"),
    ),
    (
        "force",
        "Weapon, force and injuries",
        ("weapon", "force", "person_injured", "officer_injured", "other_injured"),
    ),
    ("outcome", "Outcome", ("disposition", "destination", "referral_to", "follow_up_done")),
    ("location", "Location", ("district", "beat")),
    ("person_key", "Person key", ("person_key",)),
)
# Marked with an asterisk: needed for a complete record (a draft needs only the incident number).
REQUIRED_FOR_RECORD = {"incident_number", "received_date", "received_time", "disposition"}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _choices(name: str) -> list[tuple[str, str]]:
    spec = schema.BY_NAME[name]
    assert spec.choices is not None
    return [(value, str(label)) for value, label in spec.choices.choices]


def local_parts(moment: datetime.datetime | None, tz: ZoneInfo) -> tuple[str, str]:
    """The date and 24-hour time of a UTC moment in the agency's zone, as the form shows them."""
    if moment is None:
        return "", ""
    local = moment.astimezone(tz)
    return local.date().isoformat(), local.strftime("%H:%M")


# Older or later dates are typing mistakes, and year 1 or 9999 would overflow in UTC.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _plausible(day: datetime.date) -> datetime.date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"{day.isoformat()} is not a plausible date for an encounter.")
    return day


def _parse_later_time(text: str, day: datetime.date | None, tz: ZoneInfo) -> datetime.datetime:
    """A time of day on the received date, or a full date and time."""
    if re.search(r"\d[-/.]\d", text) or "T" in text:
        _plausible(schema.parse_date(re.split(r"[ T]", text.strip(), maxsplit=1)[0]))
        return schema.parse_datetime(text, tz)
    moment = schema.parse_time(text)
    if day is None:
        raise ValueError(
            "Type the date too (e.g. 2025-03-14 14:35), or fill in when the call was received."
        )
    return datetime.datetime.combine(day, moment, tzinfo=tz).astimezone(datetime.UTC)


class EncounterForm(forms.Form):
    """One encounter, typed by hand. `values()` gives the canonical dict for the services."""

    incident_number = forms.CharField(
        label="Incident number",
        max_length=64,
        error_messages={"required": "Enter the incident number."},
        help_text="The agency's incident or CAD number.",
    )
    received_date = forms.CharField(
        label="Date received",
        required=False,
        # A text box, not type=date: one tab stop, and the same typing in every browser.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="YYYY-MM-DD, e.g. 2025-03-14.",
    )
    received_time = forms.CharField(
        label="Time received",
        required=False,
        help_text=TIME_HINT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    arrived_at = forms.CharField(
        label="First officer arrived",
        required=False,
        help_text=LATER_TIME_HINT,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    cleared_at = forms.CharField(
        label="Cleared",
        required=False,
        help_text=LATER_TIME_HINT,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        tz: ZoneInfo,
        encounter: Encounter | None = None,
        correcting: bool = False,
        **kwargs: Any,
    ) -> None:
        self.tz = tz
        self.encounter = encounter
        self.correcting = correcting
        if encounter is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(encounter, tz)
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for spec in schema.FIELDS:
            if spec.name in self.fields or spec.kind == schema.DATETIME:
                continue
            self.fields[spec.name] = self._field_for(spec)
        if correcting:
            self.fields["reason"] = forms.CharField(
                label="Reason for the correction",
                max_length=300,
                help_text="Kept in the record's history, e.g. “Disposition corrected after "
                "supervisor review”.",
                error_messages={"required": "Say why the record is being corrected."},
            )
        if encounter is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput())
            if "version" not in self.initial:
                self.initial["version"] = encounter.version
            self.fields[
                "person_key"
            ].help_text += " Leave empty to keep the key already recorded (if any)."
        if not self.is_bound and encounter is None:
            self.initial.setdefault("received_date", datetime.datetime.now(tz).date().isoformat())
            # A new record starts typing at once: the page is there for nothing else.
            self.fields["incident_number"].widget.attrs["autofocus"] = True
        self.order_fields([name for _key, _legend, names in FIELDSETS for name in names])

    @staticmethod
    def initial_for(encounter: Encounter, tz: ZoneInfo) -> dict[str, Any]:
        received_day, received_time = local_parts(encounter.received_at, tz)
        initial: dict[str, Any] = {"received_date": received_day, "received_time": received_time}
        for name in ("arrived_at", "cleared_at"):
            moment = getattr(encounter, name)
            day, time = local_parts(moment, tz)
            initial[name] = time if day == received_day or not day else f"{day} {time}"
        for spec in schema.FIELDS:
            if spec.kind == schema.DATETIME or spec.name == "person_key":
                continue
            value = getattr(encounter, spec.name)
            if spec.kind == schema.BOOL:
                value = _yes_no(value)
            elif spec.kind == schema.COUNT:
                value = "" if value is None else str(value)
            initial.setdefault(spec.name, value)
        return initial

    def _field_for(self, spec: schema.FieldSpec) -> forms.Field:
        common: dict[str, Any] = {"label": spec.label, "required": False, "help_text": spec.help}
        if spec.kind == schema.BOOL:
            return forms.ChoiceField(
                choices=BOOL_CHOICES, initial="", widget=forms.RadioSelect, **common
            )
        if spec.kind == schema.CHOICE:
            choices = _choices(spec.name)
            if spec.name == "disposition":
                # No default: a complete record must say how the call ended.
                choices = [("", "- Choose the disposition -")] + [
                    c for c in choices if c[0] != "unknown"
                ]
                return forms.ChoiceField(choices=choices, initial="", **common)
            if spec.name in RADIO_CHOICE_FIELDS:
                return forms.ChoiceField(
                    choices=choices, initial="unknown", widget=forms.RadioSelect, **common
                )
            return forms.ChoiceField(choices=choices, initial="unknown", **common)
        if spec.kind == schema.COUNT:
            return forms.CharField(
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                max_length=4,
                **common,
            )
        attrs = {"autocomplete": "off"}
        if spec.name == "person_key":
            attrs["spellcheck"] = "false"
        return forms.CharField(
            max_length=spec.max_length, widget=forms.TextInput(attrs=attrs), **common
        )

    # --- reading --------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        values: dict[str, Any] = {}
        for spec in schema.FIELDS:
            if spec.kind == schema.DATETIME or spec.name not in cleaned:
                continue
            try:
                values[spec.name] = schema.coerce(spec.name, cleaned[spec.name], tz=self.tz)
            except ValueError as exc:
                self.add_error(spec.name, str(exc).capitalize())
        if not values.get("person_key"):
            # Empty means "no key" on a new record and "keep the recorded key" on an edit.
            values.pop("person_key", None)
        values.update(self._times(cleaned))
        self.canonical = values
        return cleaned

    def _times(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        times: dict[str, Any] = {"received_at": None, "arrived_at": None, "cleared_at": None}
        day: datetime.date | None = None
        day_text = (cleaned.get("received_date") or "").strip()
        time_text = (cleaned.get("received_time") or "").strip()
        if day_text:
            try:
                day = _plausible(schema.parse_date(day_text))
            except ValueError as exc:
                self.add_error("received_date", str(exc))
        if time_text:
            try:
                moment = schema.parse_time(time_text)
            except ValueError as exc:
                self.add_error("received_time", str(exc))
            else:
                if day is not None:
                    times["received_at"] = datetime.datetime.combine(
                        day, moment, tzinfo=self.tz
                    ).astimezone(datetime.UTC)
                elif not day_text:
                    self.add_error("received_date", "Enter the date the call was received.")
        for name in ("arrived_at", "cleared_at"):
            text = (cleaned.get(name) or "").strip()
            if not text:
                continue
            try:
                times[name] = _parse_later_time(text, day, self.tz)
            except ValueError as exc:
                self.add_error(name, str(exc))
        if self.encounter is not None:
            # The form shows whole minutes: an untouched time keeps its recorded seconds.
            for name, moment in times.items():
                recorded = getattr(self.encounter, name)
                if moment and recorded and recorded.replace(second=0, microsecond=0) == moment:
                    times[name] = recorded
        return times

    def values(self) -> dict[str, Any]:
        """The canonical values (after is_valid())."""
        return dict(self.canonical)

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Put the services' errors (keyed by canonical field) on the matching inputs."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, errors in exc.error_dict.items():
            target = SERVICE_FIELD_TO_FORM.get(name, name)
            for error in errors:
                self.add_error(target if target in self.fields else None, error.messages)

    # --- showing --------------------------------------------------------------------------------

    def fieldsets(self) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "legend": legend,
                "fields": [self[name] for name in names if name in self.fields],
            }
            for key, legend, names in FIELDSETS
        ]

    def error_summary(self) -> list[dict[str, str]]:
        """Every error, in the order of the form, each linked to the input it is about."""
        summary = [{"href": "", "message": message} for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                summary.append({"href": f"#{self.input_id(name)}", "message": message})
        return summary

    def input_id(self, name: str) -> str:
        bound = self[name]
        if isinstance(self.fields[name].widget, forms.RadioSelect):
            return f"{bound.auto_id}_0"
        return bound.auto_id

    def prepare_widgets(self) -> None:
        """USWDS classes, and aria attributes that tie inputs to their hints and errors."""
        for name, field in self.fields.items():
            widget = field.widget
            bound = self[name]
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "usa-radio__input usa-radio__input--tile"
                continue
            css = "usa-select" if isinstance(widget, forms.Select) else "usa-input"
            described_by = []
            if field.help_text:
                described_by.append(f"{bound.auto_id}-hint")
            if bound.errors:
                css += f" {css}--error"
                described_by.append(f"{bound.auto_id}-error")
                widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = css
            if described_by:
                widget.attrs["aria-describedby"] = " ".join(described_by)

    @property
    def required_for_record(self) -> set[str]:
        return REQUIRED_FOR_RECORD


def month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a month (any year from 1 to 9999)."""
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) from "YYYY-MM", or a ValidationError that shows the expected form."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ValidationError("Type the month as YYYY-MM, e.g. 2025-03.")
    return int(match.group(1)), int(match.group(2))


class EncounterFilterForm(forms.Form):
    """The encounter list's filters. Bad values are ignored with a note, never an error page."""

    month = forms.CharField(
        label="Month received",
        required=False,
        widget=forms.DateInput(attrs={"type": "month", "class": "usa-input"}),
        help_text="YYYY-MM.",
    )
    disposition = forms.ChoiceField(
        label="Disposition",
        required=False,
        choices=[("", "Any disposition"), *_choices("disposition")],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Complete and drafts"), *Encounter.Status.choices],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def clean_month(self) -> tuple[datetime.date, datetime.date] | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        return month_range(*parse_month(text))

    def filters(self) -> dict[str, Any]:
        """Query filters from the valid values; invalid ones are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        found: dict[str, Any] = {}
        if data.get("month"):
            found["received_date__range"] = data["month"]
        if data.get("disposition"):
            found["disposition"] = data["disposition"]
        if data.get("status"):
            found["status"] = data["status"]
        return found


# --- the period and filters of numbers that leave the agency ---------------------------------------

# Filters offered outside the agency. Not the district: district names are an agency's own
# geography (meaningless across peers and states), and one district of a small agency is little
# more than a list of suppressed cells.
OUTSIDE_FILTERS = ("call_source", "flagged_at_dispatch", "cit_officer_on_scene")
OUTSIDE_FIRST_YEAR = 2000
MAX_OUTSIDE_DAYS = MAX_PERIOD_DAYS


def _month_text(text: str, *, last: bool) -> datetime.date:
    year, month = parse_month(text)
    latest = timezone.localdate().year + 1
    if not OUTSIDE_FIRST_YEAR <= year <= latest:
        raise ValidationError(f"Choose a month from {OUTSIDE_FIRST_YEAR} to {latest}.")
    first, final = month_range(year, month)
    return final if last else first


class OutsideForm(DashboardForm):
    """A calendar year, or a custom period of whole months, and the filters above.

    Custom periods are whole months: two periods a day apart differ by one day, whose few
    contacts (nearly always 1-10) the difference of the two shown totals would give away, which
    no suppression within one table can prevent. Whole months also come straight from the
    monthly roll-ups.
    """

    start = forms.CharField(
        label="From (month)",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text="YYYY-MM, e.g. 2025-01. A custom period replaces the year.",
    )
    end = forms.CharField(
        label="To (month)",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text="YYYY-MM; the whole month is included.",
    )

    def __init__(
        self, data: Any, *, years: list[int], default_year: int, today: datetime.date
    ) -> None:
        data = data.copy() if data is not None else {}
        # ?year= is the parameter of the links published before the custom period existed.
        if not data.get("preset") and data.get("year"):
            data["preset"] = data["year"]
        if not any(data.get(name) for name in ("preset", "start", "end")):
            data["preset"] = str(default_year)
        super().__init__(data, today=today, districts=[])
        del self.fields["district"]
        preset = self.fields["preset"]
        preset.label = "Year"
        preset.choices = [
            *((str(year), str(year)) for year in sorted(years, reverse=True)),
            # Selected when the query has months and no year, so the select does not claim one.
            ("", "Custom period (months below)"),
        ]
        preset.error_messages["invalid_choice"] = (
            "Choose one of the years in the list, or a custom period below."
        )

    def clean_start(self) -> datetime.date | None:
        text = (self.cleaned_data.get("start") or "").strip()
        return _month_text(text, last=False) if text else None

    def clean_end(self) -> datetime.date | None:
        text = (self.cleaned_data.get("end") or "").strip()
        return _month_text(text, last=True) if text else None

    def clean(self) -> dict[str, Any]:
        # The dashboard's rule (dates win over the preset), in words about months.
        cleaned = forms.Form.clean(self)
        if self.errors:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start or end:
            if not start:
                self.add_error("start", "Enter the first month of the period.")
            elif not end:
                self.add_error("end", "Enter the last month of the period.")
            elif end < start:
                self.add_error("end", "The last month is before the first month.")
            elif (end - start).days > MAX_OUTSIDE_DAYS:
                self.add_error("end", "Choose a period of at most ten years.")
            else:
                cleaned["preset"] = CUSTOM
                cleaned["period"] = (start, end)
        else:
            year = int(cleaned["preset"])
            cleaned["period"] = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        return cleaned

    def filters(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name] for name in OUTSIDE_FILTERS if self.cleaned_data.get(name)
        }

    def query_string(self) -> str:
        data = self.cleaned_data
        query: dict[str, str] = {}
        if data["preset"] == CUSTOM:
            query.update(start=data["start"].strftime("%Y-%m"), end=data["end"].strftime("%Y-%m"))
        else:
            query["year"] = data["preset"]
        query.update(self.filters())
        return urlencode(query)

    def filter_labels(self) -> list[str]:
        labels = []
        for name, value in self.filters().items():
            field = self.fields[name]
            labels.append(f"{field.label}: {dict(field.choices).get(value, value)}")
        return labels

    def error_summary(self) -> list[dict[str, str]]:
        summary = [{"href": "", "message": m} for m in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                summary.append({"href": f"#{self[name].auto_id}", "message": message})
        return summary
