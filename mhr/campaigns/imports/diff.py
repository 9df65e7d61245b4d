"""What applying canonical rows would change: new, updated, separated, unchanged.

Each plan loads the agency's current data in one query (values_list, no model instances) and
compares in memory, so a 40,000-row roster costs one read, not 40,000. Plans never write; the
roster services apply them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from mhr.campaigns.imports.errors import ISSUE_LIST_CAP, IssueList
from mhr.campaigns.imports.parsing import shown
from mhr.campaigns.imports.rows import RosterRow, TrainingRow
from mhr.campaigns.models import Officer, TrainingRecord

ACTIVE = Officer.Status.ACTIVE
SEPARATED = Officer.Status.SEPARATED
# Fields compared when the file has a column for them; names are always mapped.
ROSTER_COMPARED = ("first_name", "last_name", "is_sworn", "role", "unit", "hire_date")
TRAINING_COMPARED = ("provider", "hours", "expires_on")
# A "full roster" that would separate more than this share of active people is suspicious.
SEPARATION_WARNING_SHARE = 0.2
SEPARATION_WARNING_MIN = 10


class ExistingOfficer(NamedTuple):
    id: int
    employee_id: str
    first_name: str
    last_name: str
    is_sworn: bool
    role: str
    unit: str
    hire_date: datetime.date | None
    status: str
    status_since: datetime.date | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


OFFICER_COLUMNS = ExistingOfficer._fields


@dataclass
class RosterUpdate:
    officer: ExistingOfficer
    row: RosterRow
    changes: dict[str, tuple[Any, Any]]


@dataclass
class RosterPlan:
    as_of: datetime.date
    full_roster: bool
    new: list[RosterRow] = field(default_factory=list)
    updated: list[RosterUpdate] = field(default_factory=list)
    separated: list[ExistingOfficer] = field(default_factory=list)
    unchanged: int = 0
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "separated": len(self.separated),
            "unchanged": self.unchanged,
        }

    def samples(self) -> dict[str, list[dict[str, Any]]]:
        """The first ISSUE_LIST_CAP of each kind of change, for the preview."""
        return {
            "new": [
                {
                    "row": r.row,
                    "employee_id": r.employee_id,
                    "name": f"{r.first_name} {r.last_name}",
                }
                for r in self.new[:ISSUE_LIST_CAP]
            ],
            "updated": [
                {
                    "row": u.row.row,
                    "employee_id": u.officer.employee_id,
                    "name": u.officer.name,
                    "changes": {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in u.changes.items()},
                }
                for u in self.updated[:ISSUE_LIST_CAP]
            ],
            "separated": [
                {"row": None, "employee_id": o.employee_id, "name": o.name}
                for o in self.separated[:ISSUE_LIST_CAP]
            ],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def load_officers(agency: Any) -> dict[str, ExistingOfficer]:
    rows = (
        Officer.objects.filter(agency=agency)
        .order_by()
        .values_list(*OFFICER_COLUMNS)
        .iterator(chunk_size=5000)
    )
    return {row[1]: ExistingOfficer(*row) for row in rows}


def plan_roster(
    *,
    agency: Any,
    rows: Sequence[RosterRow],
    provided: Iterable[str],
    full_roster: bool,
    as_of: datetime.date,
    also_present: Iterable[str] = (),
) -> RosterPlan:
    """Compare rows with the agency's officers.

    Only fields the file provides are compared, so a file without a unit column never blanks
    units. Without a status column, listed people keep their status, except that someone listed
    on a full roster who was separated is active again. With `full_roster`, active and on-leave
    people missing from the file (and from `also_present`, ids on rows that failed) are
    separated as of `as_of`.
    """
    provided = frozenset(provided)
    compared = [name for name in ROSTER_COMPARED if name in provided]
    has_status = "status" in provided
    has_status_since = "status_since" in provided
    plan = RosterPlan(as_of=as_of, full_roster=full_roster)
    existing = load_officers(agency)
    for row in rows:
        officer = existing.get(row.employee_id)
        if officer is None:
            plan.new.append(row)
            continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name in compared:
            old, new = getattr(officer, name), getattr(row, name)
            if old != new:
                changes[name] = (old, new)
        if has_status:
            status = row.status
        elif full_roster and officer.status == SEPARATED:
            status = ACTIVE
        else:
            status = officer.status
        if status != officer.status:
            changes["status"] = (officer.status, status)
            since = row.status_since if has_status_since and row.status_since else as_of
            if since != officer.status_since:
                changes["status_since"] = (officer.status_since, since)
        elif has_status_since and row.status_since and row.status_since != officer.status_since:
            changes["status_since"] = (officer.status_since, row.status_since)
        if changes:
            plan.updated.append(RosterUpdate(officer=officer, row=row, changes=changes))
        else:
            plan.unchanged += 1
    if full_roster:
        listed = {row.employee_id for row in rows}
        listed.update(also_present)
        plan.separated = [
            officer
            for employee_id, officer in existing.items()
            if officer.status != SEPARATED and employee_id not in listed
        ]
        current = sum(1 for officer in existing.values() if officer.status != SEPARATED)
        if (
            len(plan.separated) >= SEPARATION_WARNING_MIN
            and len(plan.separated) > current * SEPARATION_WARNING_SHARE
        ):
            plan.warnings.add(
                f"This file would mark {len(plan.separated):,} of the {current:,} people on the "
                "roster as separated, because they are not in it. If it is not the full roster, "
                "import it with “only add and update” instead."
            )
    return plan


class ExistingRecord(NamedTuple):
    id: int
    provider: str
    hours: Decimal | None
    expires_on: datetime.date | None


@dataclass
class TrainingUpdate:
    record: ExistingRecord
    row: TrainingRow
    officer_id: int
    changes: dict[str, tuple[Any, Any]]


@dataclass
class TrainingPlan:
    new: list[tuple[int, TrainingRow]] = field(default_factory=list)
    updated: list[TrainingUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "separated": 0,
            "unchanged": self.unchanged,
        }

    def samples(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "new": [
                {
                    "row": r.row,
                    "employee_id": r.employee_id,
                    "course": r.course_code,
                    "completed_on": r.completed_on.isoformat(),
                }
                for _, r in self.new[:ISSUE_LIST_CAP]
            ],
            "updated": [
                {
                    "row": u.row.row,
                    "employee_id": u.row.employee_id,
                    "course": u.row.course_code,
                    "completed_on": u.row.completed_on.isoformat(),
                    "changes": {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in u.changes.items()},
                }
                for u in self.updated[:ISSUE_LIST_CAP]
            ],
            "separated": [],
        }


def plan_training(
    *,
    agency: Any,
    rows: Sequence[TrainingRow],
    provided: Iterable[str],
    employee_column: str = "",
) -> TrainingPlan:
    """Match rows to the agency's officers and existing records (officer, course, completion date).

    A row for an employee id not on the agency's roster is an error. Records missing from the
    file are kept: training exports are often only the latest courses.
    """
    provided = frozenset(provided)
    # Without an expiry column the expiry is derived; a hand-corrected one is left alone.
    compared = [name for name in TRAINING_COMPARED if name in provided]
    plan = TrainingPlan()
    officers = dict(
        Officer.objects.filter(agency=agency).order_by().values_list("employee_id", "id")
    )
    existing = {
        (officer_id, course_type_id, completed_on): ExistingRecord(pk, provider, hours, expires)
        for officer_id, course_type_id, completed_on, pk, provider, hours, expires in (
            TrainingRecord.objects.filter(agency=agency)
            .order_by()
            .values_list(
                "officer_id",
                "course_type_id",
                "completed_on",
                "id",
                "provider",
                "hours",
                "expires_on",
            )
            .iterator(chunk_size=5000)
        )
    }
    for row in rows:
        officer_id = officers.get(row.employee_id)
        if officer_id is None:
            plan.errors.add(
                f"No one with the employee ID {shown(row.employee_id)} is on the agency's roster. "
                "Import the roster first, or correct the ID.",
                row=row.row,
                column=employee_column,
            )
            continue
        record = existing.get((officer_id, row.course_type_id, row.completed_on))
        if record is None:
            plan.new.append((officer_id, row))
            continue
        changes = {}
        for name in compared:
            old, new = getattr(record, name), getattr(row, name)
            if old != new:
                changes[name] = (old, new)
        if changes:
            plan.updated.append(
                TrainingUpdate(record=record, row=row, officer_id=officer_id, changes=changes)
            )
        else:
            plan.unchanged += 1
    return plan
