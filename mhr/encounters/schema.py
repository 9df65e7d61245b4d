"""The one canonical shape of an encounter record.

The entry form, the file converters and the API all turn their input into a dict keyed by these
field names, with values of these types; `services.encounter_create/update` take nothing else.
`coerce` turns the text a file holds into a typed value (with a message naming what is wrong);
`check_record` applies the rules that span fields.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mhr.encounters.models import Encounter

TEXT, CHOICE, BOOL, DATETIME, COUNT = "text", "choice", "bool", "datetime", "count"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str
    choices: type | None = None
    max_length: int = 0
    required: bool = False  # required for a complete record (drafts may leave it empty)
    help: str = ""


E = Encounter
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("incident_number", "Incident number", TEXT, max_length=64, required=True),
    FieldSpec("received_at", "Call received", DATETIME, required=True),
    FieldSpec("arrived_at", "First officer arrived", DATETIME),
    FieldSpec("cleared_at", "Cleared", DATETIME),
    FieldSpec("call_source", "Call source", CHOICE, E.CallSource),
    FieldSpec("dispatch_call_type", "Call type at dispatch", TEXT, max_length=120),
    FieldSpec("final_call_type", "Final call type", TEXT, max_length=120),
    FieldSpec("flagged_at_dispatch", "Flagged as mental health at dispatch", BOOL),
    FieldSpec("officers_count", "Number of officers", COUNT),
    FieldSpec("cit_officer_on_scene", "CIT-trained officer on scene", BOOL),
    FieldSpec("co_responder_on_scene", "Co-responder clinician on scene", BOOL),
    FieldSpec("ems_on_scene", "EMS on scene", BOOL),
    FieldSpec("age_band", "Age band", CHOICE, E.AgeBand),
    FieldSpec("sex", "Sex", CHOICE, E.Sex),
    FieldSpec("race_ethnicity", "Race and ethnicity", CHOICE, E.RaceEthnicity),
    FieldSpec("veteran", "Veteran", BOOL),
    FieldSpec("housing", "Housing status", CHOICE, E.Housing),
    FieldSpec("suicidal", "Suicidal ideation or attempt", BOOL),
    FieldSpec("substance_use", "Substance use", BOOL),
    FieldSpec("psychosis", "Signs of psychosis", BOOL),
    FieldSpec("threats_to_others", "Threats to others", BOOL),
    FieldSpec("weapon", "Weapon", CHOICE, E.Weapon),
    FieldSpec("force", "Highest use of force", CHOICE, E.Force),
    FieldSpec("person_injured", "Person injured", BOOL),
    FieldSpec("officer_injured", "Officer injured", BOOL),
    FieldSpec("other_injured", "Someone else injured", BOOL),
    FieldSpec("disposition", "Disposition", CHOICE, E.Disposition, required=True),
    FieldSpec("destination", "Destination (facility)", TEXT, max_length=200),
    FieldSpec("referral_to", "Referred to", TEXT, max_length=200),
    FieldSpec("follow_up_done", "Follow-up done", BOOL),
    FieldSpec("district", "Precinct or district", TEXT, max_length=60),
    FieldSpec("beat", "Beat", TEXT, max_length=20),
    FieldSpec(
        "person_key",
        "Person key",
        TEXT,
        max_length=200,
        help="A keyed hash your agency computes for the person. Used only to flag repeat "
        "contacts; MHR keeps a digest of it and never shows it.",
    ),
)
BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in FIELDS}
# Stored columns a record's history compares (person_key is never stored as given).
STORED_FIELDS: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.name != "person_key")

TRUE_WORDS = {"y", "yes", "true", "t", "1"}
FALSE_WORDS = {"n", "no", "false", "f", "0"}
UNKNOWN_WORDS = {"", "unknown", "u", "-", "not recorded", "n/a", "na"}

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%d.%m.%Y", "%Y/%m/%d")
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H%M")

# Each state's most-used time zone: the default for an agency that has not chosen one.
STATE_TIME_ZONES = {
    **dict.fromkeys(
        "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV".split(),
        "America/New_York",
    ),
    **dict.fromkeys("AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI".split(), "America/Chicago"),
    **dict.fromkeys("CO ID MT NM UT WY".split(), "America/Denver"),
    "AZ": "America/Phoenix",
    **dict.fromkeys("CA NV OR WA".split(), "America/Los_Angeles"),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
    "PR": "America/Puerto_Rico",
    "GU": "Pacific/Guam",
    "VI": "America/St_Thomas",
}


def time_zone_for_state(state: str) -> str:
    return STATE_TIME_ZONES.get((state or "").upper(), "America/New_York")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _choice_lookup(choices: Any) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


_CHOICE_LOOKUPS = {spec.name: _choice_lookup(spec.choices) for spec in FIELDS if spec.choices}


# Codes of each choice field as a set, built once: check_record runs for every imported row.
_CHOICE_SETS = {
    spec.name: frozenset(v for v, _l in spec.choices.choices) for spec in FIELDS if spec.choices
}
_REQUIRED_SPECS = tuple(spec for spec in FIELDS if spec.required)
_CHOICE_CHECKS = tuple(
    (spec.name, _CHOICE_SETS[spec.name], spec.label.lower()) for spec in FIELDS if spec.choices
)
_TEXT_CHECKS = tuple(
    (spec.name, spec.max_length, spec.label) for spec in FIELDS if spec.kind == TEXT
)
_FUTURE_SLACK = datetime.timedelta(hours=1)


def choice_values(name: str) -> list[str]:
    spec = BY_NAME[name]
    assert spec.choices is not None
    return [value for value, _label in spec.choices.choices]


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date we can read; use YYYY-MM-DD (e.g. 2025-03-14).")


def parse_time(text: str) -> datetime.time:
    text = text.strip()
    for fmt in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).time()  # noqa: DTZ007 (a time only)
        except ValueError:
            continue
    raise ValueError(
        f"“{text}” is not a time of day; use 24-hour HH:MM, 00:00 to 23:59 (e.g. 14:05)."
    )


_ISO_WITH_OFFSET = re.compile(r".*(Z|[+-]\d\d:?\d\d)$")


def parse_datetime(text: str, tz: ZoneInfo) -> datetime.datetime:
    """A date and time as written in the agency's time zone (or with an explicit offset) -> UTC."""
    text = text.strip()
    if "T" in text or _ISO_WITH_OFFSET.match(text):
        try:
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=tz)
            return parsed.astimezone(datetime.UTC)
    parts = text.split(None, 1)
    if len(parts) != 2:
        raise ValueError(
            f"“{text}” needs a date and a time, e.g. 2025-03-14 14:05 (24-hour clock)."
        )
    day = parse_date(parts[0])
    moment = parse_time(parts[1])
    return datetime.datetime.combine(day, moment, tzinfo=tz).astimezone(datetime.UTC)


def coerce(name: str, raw: Any, *, tz: ZoneInfo) -> Any:
    """Turn a file's cell into the field's value; raise ValueError with a message naming the fault."""
    spec = BY_NAME[name]
    if raw is None:
        raw = ""
    if spec.kind == DATETIME:
        try:
            if isinstance(raw, datetime.datetime):
                value = raw if raw.tzinfo else raw.replace(tzinfo=tz)
                return value.astimezone(datetime.UTC)
            text = str(raw).strip()
            return parse_datetime(text, tz) if text else None
        except OverflowError as exc:
            # Year 1 or 9999 shifted to UTC falls off the calendar.
            raise ValueError("is outside the range of dates we can store.") from exc
    text = str(raw).strip()
    if spec.kind == TEXT:
        if len(text) > spec.max_length:
            raise ValueError(f"is longer than {spec.max_length} characters.")
        return text
    if spec.kind == BOOL:
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        if lowered in UNKNOWN_WORDS:
            return None
        raise ValueError(f"“{text}” is not yes, no or unknown (Y, N or blank).")
    if spec.kind == COUNT:
        if not text:
            return None
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"“{text}” is not a whole number.")
        number = int(text) if len(text) <= 6 else 10**6
        if number > 500:
            raise ValueError(f"{number} officers is not plausible (500 at most).")
        return number
    if spec.kind == CHOICE:
        if not text:
            return "unknown" if "unknown" in _CHOICE_LOOKUPS[name] else ""
        value = _CHOICE_LOOKUPS[name].get(text.lower())
        if value is None:
            allowed = ", ".join(choice_values(name))
            raise ValueError(f"“{text}” is not a known code. Use one of: {allowed}.")
        return value
    raise AssertionError(spec.kind)  # pragma: no cover


def check_record(values: dict[str, Any], *, complete: bool) -> list[tuple[str, str]]:
    """Rules across fields: (field, message) for each one broken."""
    problems: list[tuple[str, str]] = []
    get = values.get
    if complete:
        for spec in _REQUIRED_SPECS:
            if get(spec.name) in (None, ""):
                problems.append((spec.name, f"{spec.label} is required."))
        if get("disposition") == "unknown":
            problems.append(("disposition", "Choose the disposition."))
    elif not get("incident_number"):
        problems.append(("incident_number", "Incident number is required, even for a draft."))
    received, arrived, cleared = get("received_at"), get("arrived_at"), get("cleared_at")
    if received and arrived and arrived < received:
        problems.append(("arrived_at", "The arrival time is before the call was received."))
    if received and cleared and cleared < received:
        problems.append(("cleared_at", "The call was cleared before it was received."))
    elif arrived and cleared and cleared < arrived:
        problems.append(("cleared_at", "The call was cleared before the first officer arrived."))
    if received and received > datetime.datetime.now(datetime.UTC) + _FUTURE_SLACK:
        problems.append(("received_at", "The call received time is in the future."))
    # Runs for every imported row: sets and plain loops, no per-call lists.
    for name, allowed, label in _CHOICE_CHECKS:
        value = get(name)
        if value is None or value == "":
            continue
        if not (isinstance(value, str) and value in allowed):
            problems.append((name, f"“{value}” is not a known {label} code."))
    for name, limit, label in _TEXT_CHECKS:
        value = get(name)
        if isinstance(value, str) and len(value) > limit:
            problems.append((name, f"{label} is longer than {limit} characters."))
    return problems
