"""Reading one cell: dates, sworn flags, roles, statuses, hours and course names.

CSV cells arrive as text and XLSX cells as text, numbers, booleans or datetimes; every parser
takes either. A parser returns a value or raises CellValueError with a message naming the value,
never guessing silently (a day/month order that cannot be US order is an error, not a swap).
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from mhr.campaigns.imports.errors import CellValueError

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Excel's largest date (9999-12-31); serials past it are not dates.
EXCEL_MAX_SERIAL = 2_958_465
MIN_YEAR = 1900
MAX_YEAR = 2100

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
FULL_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?")
_US = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: [\d:]+(?: ?[AaPp][Mm])?)?")
_DAY_MON_YEAR = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ,]+(\d{4}|\d{2})")
_MON_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")

DATE_HINT = "use YYYY-MM-DD, MM/DD/YYYY, M/D/YY or DD-Mon-YYYY"


MEMO_LIMIT = 50_000


def memo(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`parser` with its answers (and its errors) remembered per distinct cell value.

    Roster columns repeat a handful of values (Y/N, Active, job titles, units, common names,
    hire dates), so a 40,000-row file parses only a few thousand distinct cells. Keys include the
    type: 1, 1.0 and True are equal in Python but not the same cell.
    """
    cache: dict[tuple[type, Any], tuple[bool, Any]] = {}

    def parse(value: Any) -> Any:
        key = (type(value), value)
        hit = cache.get(key)
        if hit is None:
            try:
                hit = (True, parser(value))
            except CellValueError as exc:
                hit = (False, exc)
            if len(cache) < MEMO_LIMIT:
                cache[key] = hit
        if hit[0]:
            return hit[1]
        raise CellValueError(hit[1].message)

    return parse


def shown(value: Any, limit: int = 40) -> str:
    """A cell value quoted for a message, shortened so one bad cell cannot flood the page."""
    text = str(value).replace("\n", " ").replace("\r", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _year_from_two_digits(yy: int, today: datetime.date) -> int:
    # Roster and training dates are past or near future: 20 years ahead at most.
    pivot = (today.year + 20) % 100
    century = today.year // 100 * 100
    year = century + yy
    if yy > pivot:
        year -= 100
    return year


def _make_date(year: int, month: int, day: int, raw: Any) -> datetime.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellValueError(
            f"{shown(raw)} has the year {year}; dates must fall between {MIN_YEAR} and {MAX_YEAR}."
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellValueError(f"{shown(raw)} is not a real date ({DATE_HINT}).") from None


def _from_serial(serial: float, raw: Any) -> datetime.date:
    if not math.isfinite(serial) or not 1 <= serial <= EXCEL_MAX_SERIAL:
        raise CellValueError(f"{shown(raw)} is not a date ({DATE_HINT}).")
    value = EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    return _make_date(value.year, value.month, value.day, raw)


def parse_date(value: Any, *, today: datetime.date | None = None) -> datetime.date | None:
    """A date from a cell, or None for an empty one.

    Accepts ISO dates (with or without a time), US MM/DD/YYYY and M/D/YY, DD-Mon-YYYY,
    "Jan 5, 2020", YYYYMMDD, Excel serial numbers and spreadsheet date cells.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return _make_date(value.year, value.month, value.day, value)
    if isinstance(value, datetime.date):
        return _make_date(value.year, value.month, value.day, value)
    if isinstance(value, bool):
        raise CellValueError(f"{shown(value)} is not a date ({DATE_HINT}).")
    if isinstance(value, int) and not 1 <= value <= EXCEL_MAX_SERIAL:
        raise CellValueError(f"{shown(value)} is not a date ({DATE_HINT}).")
    if isinstance(value, int | float):
        return _from_serial(float(value), value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        # The common case first: ISO dates, as most HR systems export them.
        try:
            parsed = datetime.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return _make_date(parsed.year, parsed.month, parsed.day, text)
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    match = _US.fullmatch(text)
    if match:
        month, day, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year = _year_from_two_digits(year, today or timezone.localdate())
        if month > 12 and day <= 12:
            raise CellValueError(
                f"{shown(text)} is not in month/day/year order; write it as YYYY-MM-DD."
            )
        return _make_date(year, month, day, text)
    match = _DAY_MON_YEAR.fullmatch(text)
    if match:
        month = _month(match.group(2), text)
        year = int(match.group(3))
        if len(match.group(3)) == 2:
            year = _year_from_two_digits(year, today or timezone.localdate())
        return _make_date(year, month, int(match.group(1)), text)
    match = _MON_DAY_YEAR.fullmatch(text)
    if match:
        return _make_date(
            int(match.group(3)), _month(match.group(1), text), int(match.group(2)), text
        )
    match = _COMPACT.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text), text)
    raise CellValueError(f"{shown(text)} is not a date MHR can read ({DATE_HINT}).")


def _month(name: str, raw: str) -> int:
    key = name.lower()
    month = MONTHS.get(key) or FULL_MONTHS.get(key)
    if month is None:
        raise CellValueError(f"{shown(raw)}: “{name}” is not a month name ({DATE_HINT}).")
    return month


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (Jan 31 → Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _key(value: Any) -> str:
    """Lower case, letters and digits only, single spaces: 'Non-Sworn ' → 'non sworn'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value).casefold()).split())


SWORN_TRUE = frozenset(
    {"y", "yes", "true", "t", "1", "sworn", "sworn officer", "le", "law enforcement"}
)
SWORN_FALSE = frozenset(
    {
        "n",
        "no",
        "false",
        "f",
        "0",
        "civilian",
        "civ",
        "non sworn",
        "nonsworn",
        "not sworn",
        "unsworn",
        "professional staff",
    }
)
SWORN_HINT = "use Y/N, Yes/No, TRUE/FALSE, 1/0, Sworn/Civilian or Sworn/Non-sworn"


def parse_sworn(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if is_blank(value):
        raise CellValueError(f"The sworn column is empty for this person ({SWORN_HINT}).")
    key = _key(value)
    if key in SWORN_TRUE:
        return True
    if key in SWORN_FALSE:
        return False
    raise CellValueError(f"{shown(value)} does not say whether the person is sworn ({SWORN_HINT}).")


STATUS_WORDS = {
    "active": "active",
    "a": "active",
    "current": "active",
    "employed": "active",
    "active duty": "active",
    "full time": "active",
    "part time": "active",
    "leave": "leave",
    "l": "leave",
    "loa": "leave",
    "on leave": "leave",
    "leave of absence": "leave",
    "medical leave": "leave",
    "military leave": "leave",
    "administrative leave": "leave",
    "suspended": "leave",
    "separated": "separated",
    "s": "separated",
    "t": "separated",
    "inactive": "separated",
    "terminated": "separated",
    "term": "separated",
    "retired": "separated",
    "resigned": "separated",
    "former": "separated",
    "deceased": "separated",
}
STATUS_HINT = "use Active, Leave or Separated (or Terminated, Retired, Resigned, LOA)"


def parse_status(value: Any) -> str:
    if is_blank(value):
        return "active"
    status = STATUS_WORDS.get(_key(value))
    if status is None:
        raise CellValueError(f"{shown(value)} is not an employment status ({STATUS_HINT}).")
    return status


# Checked in order: the first keyword found in the title decides the role.
ROLE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "dispatcher",
        (
            "dispatch",
            "telecommunicator",
            "call taker",
            "calltaker",
            "communications officer",
            "911",
        ),
    ),
    (
        "command",
        (
            "chief",
            "captain",
            "capt",
            "commander",
            "major",
            "undersheriff",
            "colonel",
            "inspector",
            "commissioner",
            "superintendent",
        ),
    ),
    ("supervisor", ("sergeant", "sgt", "lieutenant", "lt", "corporal", "cpl", "supervisor")),
    ("detective", ("detective", "det", "investigator", "inv")),
    (
        "specialist",
        ("k9", "k 9", "swat", "sro", "school resource", "traffic", "specialist", "bomb", "marine"),
    ),
    ("patrol", ("patrol", "officer", "deputy", "trooper", "constable", "police officer", "po")),
    (
        "civilian",
        ("civilian", "clerk", "records", "analyst", "admin", "administrative", "technician"),
    ),
)
ROLE_EXACT = {
    "sheriff": "command",
    "other": "other",
}


def parse_role(value: Any, *, is_sworn: bool) -> tuple[str, bool]:
    """(role code, recognised). Unrecognised titles become "other" and the caller warns."""
    if is_blank(value):
        return ("patrol" if is_sworn else "civilian"), True
    key = _key(value)
    if key in ROLE_EXACT:
        return ROLE_EXACT[key], True
    for code in (
        "patrol",
        "supervisor",
        "detective",
        "command",
        "specialist",
        "dispatcher",
        "civilian",
    ):
        if key == code:
            return code, True
    words = f" {key} "
    for code, keywords in ROLE_KEYWORDS:
        for keyword in keywords:
            if f" {keyword} " in words:
                return code, True
    return "other", False


def parse_text(value: Any, *, max_length: int, required: bool = False, what: str = "") -> str:
    if value is None:
        text = ""
    elif isinstance(value, float) and value.is_integer():
        # Spreadsheets store 1234 typed into a cell as 1234.0.
        text = str(int(value))
    elif isinstance(value, datetime.datetime | datetime.date):
        text = value.isoformat()
    else:
        text = " ".join(str(value).split())
    if required and not text:
        raise CellValueError(f"{what or 'This value'} is empty.")
    if len(text) > max_length:
        raise CellValueError(f"{shown(text)} is longer than {max_length} characters.")
    return text


HOURS_MAX = Decimal("9999.9")
_HOURS_SUFFIX = re.compile(r"\s*(?:h|hr|hrs|hour|hours)\.?\s*$", re.IGNORECASE)


def parse_hours(value: Any) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellValueError(f"{shown(value)} is not a number of hours.")
    text = _HOURS_SUFFIX.sub("", str(value).strip()).replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise CellValueError(f"{shown(value)} is not a number of hours.") from None
    if not hours.is_finite() or hours <= 0 or hours > HOURS_MAX:
        raise CellValueError(f"{shown(value)} hours is not between 0.1 and {HOURS_MAX}.")
    return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Course:
    id: int
    code: str
    name: str
    validity_months: int | None


class CourseMatcher:
    """Finds a course type by its code, name or one of its aliases, ignoring case and punctuation."""

    def __init__(self, courses: Iterable[tuple[int, str, str, int | None, list[str]]]) -> None:
        self._by_key: dict[str, Course] = {}
        self.courses: list[Course] = []
        # Codes and names first, so an alias never hides another course's own name.
        entries = list(courses)
        for course_id, code, name, validity, _aliases in entries:
            course = Course(course_id, code, name, validity)
            self.courses.append(course)
            for text in (code, name):
                self._by_key.setdefault(_key(text), course)
        for course_id, _code, _name, _validity, aliases in entries:
            course = next(c for c in self.courses if c.id == course_id)
            for alias in aliases or ():
                self._by_key.setdefault(_key(alias), course)

    @classmethod
    def from_database(cls) -> CourseMatcher:
        from mhr.campaigns.models import CourseType

        return cls(
            CourseType.objects.order_by("name").values_list(
                "id", "code", "name", "validity_months", "aliases"
            )
        )

    def accepted(self) -> str:
        return "; ".join(f"{c.name} ({c.code})" for c in self.courses)

    def match(self, value: Any) -> Course:
        if is_blank(value):
            raise CellValueError("The course is empty.")
        course = self._by_key.get(_key(value))
        if course is None:
            raise CellValueError(
                f"{shown(value)} is not a known course type. Accepted: {self.accepted()}."
            )
        return course
