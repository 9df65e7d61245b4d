"""The Seattle Police Department's published Crisis Data, with a built-in mapping.

That file has one row per officer (and per disposition) per Template ID, so rows are grouped by
Template ID into one encounter: officers_count is the number of distinct Officer IDs (which are
read to count and never kept), a CIT officer was on scene if any row says a CIT-certified officer
or a CIT officer arrived, force was "used" if any row says so. Several dispositions on one
template keep the most consequential (arrest before involuntary evaluation before transport
before referral before resolved on scene before other); referral targets are listed together.

A record needs a disposition: a template with none is imported as "other" with a warning, so the
agency's counts stay whole and the gap stays visible.

Groups are assembled in a window of open templates, so memory stays bounded however long the
file is; a template whose rows are further apart than the window is reported as a duplicate
naming both rows (sort the file by Template ID to import it).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.encounters import schema
from mhr.encounters.imports.mapping import normalized

WINDOW = 20_000
UTC = datetime.UTC

# Canonical column name -> (header as published, other spellings after normalisation).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "template_id": ("Template ID", ("templateid",)),
    "reported_date": ("Reported Date", ("reporteddate",)),
    "reported_time": ("Reported Time", ("reportedtime",)),
    "occurred": ("Occurred Date / Time", ("occurreddatetime", "occureddatetime")),
    "call_type": ("Call Type", ("calltype",)),
    "initial_call_type": ("Initial Call Type", ("initialcalltype",)),
    "final_call_type": ("Final Call Type", ("finalcalltype",)),
    "disposition": ("Disposition", ("disposition",)),
    "force": ("Use of Force Indicator", ("useofforceindicator",)),
    "veteran": ("Subject Veteran Indicator", ("subjectveteranindicator",)),
    "cit_certified": ("CIT Certified Indicator", ("citcertifiedindicator",)),
    "cit_arrived": ("CIT Officer Arrived", ("citofficerarrived",)),
    "officer_id": ("Officer ID", ("officerid",)),
    "precinct": ("Precinct", ("precinct",)),
    "sector": ("Sector", ("sector",)),
    "beat": ("Beat", ("beat",)),
}
REQUIRED = ("template_id", "reported_date", "disposition")

# The MHR field each encounter value comes from, for messages naming the file's column.
FIELD_COLUMNS = {
    "incident_number": "template_id",
    "received_at": "reported_date",
    "call_source": "call_type",
    "dispatch_call_type": "initial_call_type",
    "final_call_type": "final_call_type",
    "flagged_at_dispatch": "initial_call_type",
    "officers_count": "officer_id",
    "cit_officer_on_scene": "cit_arrived",
    "veteran": "veteran",
    "force": "force",
    "disposition": "disposition",
    "destination": "disposition",
    "referral_to": "disposition",
    "district": "precinct",
    "beat": "beat",
}
PROVIDED = tuple(FIELD_COLUMNS)

CALL_SOURCES = {
    "911": "911",
    "telephone other, not 911": "non_emergency",
    "telephone other not 911": "non_emergency",
    "onview": "officer_initiated",
    "proactive (officer initiated)": "officer_initiated",
    "": "unknown",
}

# Seattle disposition -> (MHR disposition, destination, referred to). All 14 published values.
DISPOSITIONS: dict[str, tuple[str, str, str]] = {
    "subject arrested": ("arrest", "", ""),
    "emergent detention/ita": ("involuntary_evaluation", "", ""),
    "voluntary committal": ("voluntary_transport", "", ""),
    "crisis clinic": ("referral", "", "Crisis Clinic"),
    "dmhp referral": ("referral", "", "Designated mental health professional (DMHP)"),
    "drug/alcohol treatment referral": ("referral", "", "Drug or alcohol treatment"),
    "mental health agency or case manager notified": (
        "referral",
        "",
        "Mental health agency or case manager",
    ),
    "mobile crisis team": ("referral", "", "Mobile crisis team"),
    "geriatric regional assessment team": ("referral", "", "Geriatric Regional Assessment Team"),
    "no action possible or necessary": ("resolved_on_scene", "", ""),
    "resources declined": ("resolved_on_scene", "", ""),
    "shelter transport": ("other", "Shelter", ""),
    "chronic complaint": ("other", "", ""),
    "unable to contact": ("other", "", ""),
}
_PRECEDENCE = {
    code: rank
    for rank, code in enumerate(
        (
            "other",
            "resolved_on_scene",
            "referral",
            "voluntary_transport",
            "involuntary_evaluation",
            "arrest",
        )
    )
}
_MISSING = {"", "-", "<missing>", "null", "none"}
_FLAG_WORDS = re.compile(r"CRISIS|SUICID|MENTAL|BEHAVIOR|EMOTIONAL|\bITA\b|\bEDP\b", re.I)
_YES = schema.TRUE_WORDS
_NO = schema.FALSE_WORDS
_UNKNOWN = schema.UNKNOWN_WORDS | {"not specified"}


def locate_columns(headers: Sequence[str]) -> dict[str, int]:
    """{canonical column: position}; raises ImportFileError naming required columns missing."""
    by_norm: dict[str, int] = {}
    for position, header in enumerate(headers):
        by_norm.setdefault(normalized(header), position)
    found: dict[str, int] = {}
    for key, (_label, spellings) in COLUMNS.items():
        for spelling in spellings:
            if spelling in by_norm:
                found[key] = by_norm[spelling]
                break
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    if missing:
        raise ImportFileError(
            "This is not a Seattle Crisis Data file: it has no column "
            + ", ".join(f"“{name}”" for name in missing)
            + ". Choose the native format to map its columns yourself."
        )
    return found


def _flag(text: str) -> bool | None | str:
    """True, False, None for unknown, or the text itself when it is not a yes/no value."""
    lowered = text.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    if lowered in _UNKNOWN:
        return None
    return text


class _Group:
    __slots__ = (
        "row",
        "template",
        "date",
        "time",
        "occurred",
        "call_type",
        "initial",
        "final",
        "disposition",
        "referrals",
        "destination",
        "no_disposition_row",
        "force",
        "veteran",
        "cit",
        "officers",
        "precinct",
        "beat",
        "bad",
    )

    def __init__(self, row: int, template: str) -> None:
        self.row = row
        self.template = template
        self.date: Any = ""
        self.time: Any = ""
        self.occurred: Any = ""
        self.call_type = ""
        self.initial = ""
        self.final = ""
        self.disposition = ""
        self.referrals: list[str] = []
        self.destination = ""
        self.no_disposition_row = 0
        self.force: bool | None = None
        self.veteran: bool | None = None
        self.cit: bool | None = None
        self.officers: set[str] = set()
        self.precinct = ""
        self.beat = ""
        self.bad = False


class SeattleConverter:
    format = "seattle"
    provided = PROVIDED

    def __init__(self, headers: Sequence[str], tz: ZoneInfo) -> None:
        self.positions = locate_columns(headers)
        self.headers = list(headers)
        self.tz = tz
        self.mapping = {
            name: headers[self.positions[column]]
            for name, column in FIELD_COLUMNS.items()
            if column in self.positions
        }
        self._dates: dict[Any, Any] = {}
        self._times: dict[Any, Any] = {}

    def column(self, name: str) -> str:
        key = FIELD_COLUMNS.get(name, "")
        if key in self.positions:
            return self.headers[self.positions[key]]
        return COLUMNS[key][0] if key in COLUMNS else schema.BY_NAME[name].label

    def _header(self, key: str) -> str:
        return self.headers[self.positions[key]] if key in self.positions else COLUMNS[key][0]

    def records(
        self,
        rows: Iterator[tuple[int, list[Any]]],
        errors: IssueList,
        warnings: IssueList,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        open_groups: dict[str, _Group] = {}
        pos = self.positions
        keys = [(key, pos[key]) for key in COLUMNS if key in pos]
        for number, cells in rows:
            width = len(cells)
            cell = {k: (cells[p] if p < width else "") for k, p in keys}
            template = str(cell["template_id"]).strip()
            if not template:
                if not "".join(str(c) for c in cells).strip():
                    continue
                errors.add(
                    "Template ID is empty; every row needs one.",
                    row=number,
                    column=self._header("template_id"),
                )
                continue
            group = open_groups.get(template)
            if group is None:
                group = open_groups[template] = _Group(number, template)
                if len(open_groups) > WINDOW:
                    oldest = next(iter(open_groups))
                    yield from self._emit(open_groups.pop(oldest), errors, warnings)
            self._add(group, number, cell, errors)
        for group in open_groups.values():
            yield from self._emit(group, errors, warnings)

    def _add(self, group: _Group, number: int, cell: dict[str, Any], errors: IssueList) -> None:
        for key in ("date", "time", "occurred"):
            source = {"date": "reported_date", "time": "reported_time", "occurred": "occurred"}[key]
            value = cell.get(source, "")
            if not getattr(group, key) and value not in ("", None):
                setattr(group, key, value)
        for key, attr in (
            ("call_type", "call_type"),
            ("initial_call_type", "initial"),
            ("final_call_type", "final"),
            ("precinct", "precinct"),
            ("beat", "beat"),
        ):
            value = str(cell.get(key, "")).strip()
            if value and not getattr(group, attr) and value.lower() not in _MISSING:
                setattr(group, attr, value)
        disposition = str(cell.get("disposition", "")).strip()
        if disposition.lower() in _MISSING:
            group.no_disposition_row = group.no_disposition_row or number
        else:
            mapped = DISPOSITIONS.get(disposition.lower())
            if mapped is None:
                errors.add(
                    f"“{disposition}” is not a Seattle Crisis Data disposition. Known values: "
                    + ", ".join(sorted(label.title() for label in DISPOSITIONS))
                    + ".",
                    row=number,
                    column=self._header("disposition"),
                )
                group.bad = True
            else:
                code, destination, referral = mapped
                if not group.disposition or _PRECEDENCE[code] > _PRECEDENCE[group.disposition]:
                    group.disposition = code
                if destination:
                    group.destination = destination
                if referral and referral not in group.referrals:
                    group.referrals.append(referral)
        for key, attr in (("force", "force"), ("cit_certified", "cit"), ("cit_arrived", "cit")):
            if key not in cell:
                continue
            flag = _flag(str(cell[key]))
            if isinstance(flag, str):
                errors.add(f"“{flag}” is not Y, N or blank.", row=number, column=self._header(key))
                group.bad = True
            elif flag is True:
                setattr(group, attr, True)
            elif flag is False and getattr(group, attr) is None:
                setattr(group, attr, False)
            elif key == "cit_certified" and flag is None and group.cit is None:
                # Blank means "not certified" in this column.
                group.cit = False
        if "veteran" in cell:
            flag = _flag(str(cell["veteran"]))
            if isinstance(flag, str):
                errors.add(
                    f"“{flag}” is not Yes, No, Unknown or -.",
                    row=number,
                    column=self._header("veteran"),
                )
                group.bad = True
            elif flag is not None:
                group.veteran = flag
        officer = str(cell.get("officer_id", "")).strip()
        if officer and officer.lower() not in _MISSING:
            group.officers.add(officer)

    def _received(self, group: _Group, errors: IssueList, warnings: IssueList) -> Any:
        date_column = self._header("reported_date")
        if group.date not in ("", None):
            day = self._date(group.date)
            if isinstance(day, str):
                errors.add(day, row=group.row, column=date_column)
                return None
            moment: Any = datetime.time(0, 0)
            if group.time not in ("", None):
                moment = self._time(group.time)
                if isinstance(moment, str):
                    errors.add(moment, row=group.row, column=self._header("reported_time"))
                    return None
            elif "reported_time" in self.positions:
                warnings.add(
                    "Reported Time is empty; the call is counted at midnight of its date.",
                    row=group.row,
                    column=self._header("reported_time"),
                )
            try:
                return datetime.datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)
            except OverflowError:
                errors.add("is outside the range of dates we can store.", row=group.row)
                return None
        if group.occurred not in ("", None):
            try:
                value = schema.coerce("received_at", _clean_iso(group.occurred), tz=self.tz)
            except ValueError as exc:
                errors.add(str(exc), row=group.row, column=self._header("occurred"))
                return None
            warnings.add(
                "Reported Date is empty; the occurred date and time is used instead.",
                row=group.row,
                column=date_column,
            )
            return value
        errors.add(
            "Reported Date is empty; every encounter needs the date the call was received.",
            row=group.row,
            column=date_column,
        )
        return None

    def _date(self, raw: Any) -> Any:
        cached = self._dates.get(raw)
        if cached is not None:
            return cached
        if isinstance(raw, datetime.datetime):
            value: Any = raw.date()
        elif isinstance(raw, datetime.date):
            value = raw
        else:
            text = str(raw).strip()
            # Socrata writes dates as 2015-07-18T00:00:00.000.
            if len(text) > 10 and text[4:5] == "-" and text[10] in "T ":
                text = text[:10]
            try:
                value = schema.parse_date(text)
            except ValueError as exc:
                value = f"Reported Date: {exc}"
        if len(self._dates) < 50_000:
            self._dates[raw] = value
        return value

    def _time(self, raw: Any) -> Any:
        cached = self._times.get(raw)
        if cached is not None:
            return cached
        if isinstance(raw, datetime.datetime):
            value: Any = raw.time()
        elif isinstance(raw, datetime.time):
            value = raw
        else:
            text = str(raw).strip()
            if "T" in text:
                text = text.split("T", 1)[1]
            text = text.split(".", 1)[0]
            if text.isdigit() and len(text) == 6:
                text = f"{text[:2]}:{text[2:4]}:{text[4:]}"
            try:
                value = schema.parse_time(text)
            except ValueError as exc:
                value = f"Reported Time: {exc}"
        if len(self._times) < 100_000:
            self._times[raw] = value
        return value

    def _emit(
        self, group: _Group, errors: IssueList, warnings: IssueList
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        received = self._received(group, errors, warnings)
        if group.bad or received is None:
            return
        disposition = group.disposition
        if not disposition:
            disposition = "other"
            warnings.add(
                "No disposition for this template: imported as “Other”.",
                row=group.no_disposition_row or group.row,
                column=self._header("disposition"),
            )
        initial = group.initial
        values: dict[str, Any] = {
            "incident_number": group.template,
            "received_at": received,
            "call_source": CALL_SOURCES.get(group.call_type.lower(), "other"),
            "dispatch_call_type": initial[:120],
            "final_call_type": group.final[:120],
            "flagged_at_dispatch": bool(_FLAG_WORDS.search(initial)) if initial else None,
            "officers_count": len(group.officers) or None,
            "cit_officer_on_scene": group.cit,
            "veteran": group.veteran,
            "force": {True: "used", False: "none"}.get(group.force, "unknown"),  # type: ignore[arg-type]
            "disposition": disposition,
            "destination": group.destination,
            "referral_to": "; ".join(group.referrals)[:200],
            "district": group.precinct[:60],
            "beat": group.beat[:20],
        }
        problems = schema.check_record(values, complete=True)
        if problems:
            for name, message in problems:
                errors.add(message, row=group.row, column=self.column(name))
            return
        yield group.row, values


def _clean_iso(value: Any) -> Any:
    """Socrata's 2015-07-18T14:32:00.000 without the milliseconds."""
    if isinstance(value, str) and "T" in value and "." in value:
        return value.split(".", 1)[0]
    return value
