"""From a table of cells and a column mapping to canonical rows, with every problem named.

Each bad cell becomes an error on its file row and under the file's own column header; the rest
of the row is still read so one pass reports everything. Nothing here touches the database, so
the same conversion serves the preview, the commit, the command line and the API.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mhr.campaigns.imports.errors import CellValueError, IssueList
from mhr.campaigns.imports.parsing import (
    CourseMatcher,
    add_months,
    memo,
    parse_date,
    parse_hours,
    parse_role,
    parse_status,
    parse_sworn,
    parse_text,
    shown,
)
from mhr.campaigns.imports.rows import ROSTER_FIELDS, TRAINING_FIELDS, RosterRow, TrainingRow
from mhr.campaigns.imports.source import Table

ProgressCallback = Callable[[float], None]
PROGRESS_EVERY = 2000
ROLE_NAMES = "Patrol, Supervisor, Detective, Command, Specialist, Dispatcher, Civilian"


@dataclass
class Converted:
    kind: str
    mapping: dict[str, str]
    rows: list[Any] = field(default_factory=list)
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)
    data_rows: int = 0
    # Employee ids read from the file, including rows with errors elsewhere: a full-roster
    # preview must not count a person as separated because their hire date was mistyped.
    employee_ids: set[str] = field(default_factory=set)

    @property
    def provided(self) -> frozenset[str]:
        return frozenset(self.mapping)


class _Row:
    """Reads one row's mapped cells, recording errors under the file's header."""

    __slots__ = ("cells", "number", "failed", "_columns", "_mapping", "_errors")

    def __init__(
        self,
        number: int,
        cells: Sequence[Any],
        columns: Mapping[str, int],
        mapping: Mapping[str, str],
        errors: IssueList,
    ) -> None:
        self.number = number
        self.cells = cells
        self.failed = False
        self._columns = columns
        self._mapping = mapping
        self._errors = errors

    def raw(self, name: str) -> Any:
        index = self._columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def read(self, name: str, parser: Callable[[Any], Any]) -> Any:
        index = self._columns.get(name)
        cells = self.cells
        try:
            return parser(None if index is None or index >= len(cells) else cells[index])
        except CellValueError as exc:
            self.fail(name, exc.message)
            return None

    def fail(self, name: str, message: str) -> None:
        self.failed = True
        self._errors.add(message, row=self.number, column=self._mapping.get(name, ""))


def _columns(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, int]:
    return {name: headers.index(header) for name, header in mapping.items() if header in headers}


def _employee_id(value: Any) -> str:
    return parse_text(value, max_length=40, required=True, what="The employee ID")


def _completion_date(value: Any, today: datetime.date) -> datetime.date:
    completed_on = parse_date(value, today=today)
    if completed_on is None:
        raise CellValueError("The completion date is empty.")
    return completed_on


def _finish(converted: Converted, table: Table) -> Converted:
    converted.errors.extend(table.errors)
    if converted.data_rows == 0 and not converted.errors:
        converted.errors.add(
            "The file has a header row but no data rows.", row=table.header_row, column=""
        )
    return converted


def convert_roster(
    table: Table,
    mapping: Mapping[str, str],
    *,
    today: datetime.date,
    progress: ProgressCallback | None = None,
) -> Converted:
    mapping = {name: header for name, header in mapping.items() if header}
    converted = Converted(kind="roster", mapping=dict(mapping))
    converted.warnings.extend(table.warnings)
    columns = _columns(table.headers, mapping)
    errors = converted.errors
    first_seen: dict[str, int] = {}
    unknown_roles: dict[str, list[int]] = {}
    first_name_of = memo(
        lambda v: parse_text(v, max_length=100, required=True, what="The first name")
    )
    last_name_of = memo(
        lambda v: parse_text(v, max_length=100, required=True, what="The last name")
    )
    unit_of = memo(lambda v: parse_text(v, max_length=100))
    date_of = memo(lambda v: parse_date(v, today=today))
    sworn_of = memo(parse_sworn)
    status_of = memo(parse_status)
    roles: dict[tuple[type, Any, bool], tuple[str, bool]] = {}
    for number, cells in table.rows:
        converted.data_rows += 1
        if progress is not None and converted.data_rows % PROGRESS_EVERY == 0:
            progress(table.progress())
        row = _Row(number, cells, columns, mapping, errors)
        employee_id = row.read("employee_id", _employee_id)
        if employee_id:
            converted.employee_ids.add(employee_id)
            if employee_id in first_seen:
                row.fail(
                    "employee_id",
                    f"The employee ID {shown(employee_id)} appears twice: rows "
                    f"{first_seen[employee_id]} and {number}. Each person must be listed once.",
                )
            else:
                first_seen[employee_id] = number
        first_name = row.read("first_name", first_name_of)
        last_name = row.read("last_name", last_name_of)
        is_sworn = row.read("is_sworn", sworn_of)
        unit = row.read("unit", unit_of) or ""
        hire_date = row.read("hire_date", date_of)
        status = row.read("status", status_of) or "active"
        status_since = row.read("status_since", date_of)
        role = "other"
        if is_sworn is not None:
            raw_role = row.raw("role")
            role_key = (type(raw_role), raw_role, is_sworn)
            if role_key not in roles:
                roles[role_key] = parse_role(raw_role, is_sworn=is_sworn)
            role, known = roles[role_key]
            if not known:
                label = " ".join(str(raw_role).split())[:60]
                unknown_roles.setdefault(label, []).append(number)
        if hire_date is not None and hire_date > today:
            converted.warnings.add(
                f"The hire date {hire_date:%Y-%m-%d} is in the future.",
                row=number,
                column=mapping.get("hire_date", ""),
            )
        if status_since is not None and status_since > today:
            row.fail("status_since", f"The status date {status_since:%Y-%m-%d} is in the future.")
        if row.failed:
            continue
        converted.rows.append(
            RosterRow(
                employee_id=employee_id,
                first_name=first_name,
                last_name=last_name,
                is_sworn=is_sworn,
                role=role,
                unit=unit,
                hire_date=hire_date,
                status=status,
                status_since=status_since,
                row=number,
            )
        )
    for label, numbers in unknown_roles.items():
        people = "1 person was" if len(numbers) == 1 else f"{len(numbers):,} people were"
        converted.warnings.add(
            f"The role {shown(label)} is not one MHR recognises, so {people} imported with the "
            f"role Other (first at row {numbers[0]}). Roles MHR knows: {ROLE_NAMES}.",
            row=numbers[0],
            column=mapping.get("role", ""),
        )
    return _finish(converted, table)


def convert_training(
    table: Table,
    mapping: Mapping[str, str],
    *,
    courses: CourseMatcher,
    today: datetime.date,
    progress: ProgressCallback | None = None,
) -> Converted:
    mapping = {name: header for name, header in mapping.items() if header}
    converted = Converted(kind="training", mapping=dict(mapping))
    converted.warnings.extend(table.warnings)
    columns = _columns(table.headers, mapping)
    errors = converted.errors
    first_seen: dict[tuple[str, int, datetime.date], int] = {}
    course_of = memo(courses.match)
    completed_on_of = memo(lambda v: _completion_date(v, today))
    provider_of = memo(lambda v: parse_text(v, max_length=200))
    hours_of = memo(parse_hours)
    date_of = memo(lambda v: parse_date(v, today=today))
    for number, cells in table.rows:
        converted.data_rows += 1
        if progress is not None and converted.data_rows % PROGRESS_EVERY == 0:
            progress(table.progress())
        row = _Row(number, cells, columns, mapping, errors)
        employee_id = row.read("employee_id", _employee_id)
        if employee_id:
            converted.employee_ids.add(employee_id)
        course = row.read("course", course_of)
        completed_on = row.read("completed_on", completed_on_of)
        provider = row.read("provider", provider_of) or ""
        hours = row.read("hours", hours_of)
        expires_on = row.read("expires_on", date_of)
        if completed_on is not None:
            if completed_on > today:
                row.fail(
                    "completed_on",
                    f"The completion date {completed_on:%Y-%m-%d} is in the future.",
                )
            if expires_on is not None and expires_on < completed_on:
                row.fail(
                    "expires_on",
                    f"The expiry date {expires_on:%Y-%m-%d} is before the completion date "
                    f"{completed_on:%Y-%m-%d}.",
                )
            if expires_on is None and course is not None and course.validity_months:
                expires_on = add_months(completed_on, course.validity_months)
        if employee_id and course is not None and completed_on is not None:
            key = (employee_id, course.id, completed_on)
            if key in first_seen:
                row.fail(
                    "employee_id",
                    f"{course.name} completed on {completed_on:%Y-%m-%d} by {shown(employee_id)} "
                    f"is listed twice: rows {first_seen[key]} and {number}.",
                )
            else:
                first_seen[key] = number
        if row.failed:
            continue
        converted.rows.append(
            TrainingRow(
                employee_id=employee_id,
                course_type_id=course.id,
                course_code=course.code,
                completed_on=completed_on,
                provider=provider,
                hours=hours,
                expires_on=expires_on,
                row=number,
            )
        )
    return _finish(converted, table)


def table_from_records(
    records: Iterable[Mapping[str, Any]], kind: str, *, first_row: int = 1
) -> tuple[Table, dict[str, str]]:
    """A Table (and identity mapping) over dicts keyed by MHR field names, e.g. an API payload.

    Lets the API reuse the converters, so a value accepted from a file is accepted from JSON.
    Row numbers count records from `first_row`.
    """
    names = [spec.name for spec in (ROSTER_FIELDS if kind == "roster" else TRAINING_FIELDS)]
    records = list(records)
    present = [name for name in names if any(name in record for record in records)]
    rows = (
        (first_row + index, [record.get(name) for name in present])
        for index, record in enumerate(records)
    )
    table = Table(format="records", headers=present, header_row=0, rows=rows)
    return table, {name: name for name in present}
