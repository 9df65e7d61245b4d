"""The canonical shapes every roster and training file is converted into, whatever its format."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    required: bool = False


ROSTER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("employee_id", "Employee ID", required=True),
    FieldSpec("first_name", "First name", required=True),
    FieldSpec("last_name", "Last name", required=True),
    FieldSpec("is_sworn", "Sworn", required=True),
    FieldSpec("role", "Role"),
    FieldSpec("unit", "Unit or shift"),
    FieldSpec("hire_date", "Hire date"),
    FieldSpec("status", "Status"),
    FieldSpec("status_since", "Status since"),
)

TRAINING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("employee_id", "Employee ID", required=True),
    FieldSpec("course", "Course", required=True),
    FieldSpec("provider", "Provider"),
    FieldSpec("completed_on", "Completed on", required=True),
    FieldSpec("hours", "Hours"),
    FieldSpec("expires_on", "Expires on"),
)

FIELDS_BY_KIND: dict[str, tuple[FieldSpec, ...]] = {
    "roster": ROSTER_FIELDS,
    "training": TRAINING_FIELDS,
}


def field_label(kind: str, name: str) -> str:
    for spec in FIELDS_BY_KIND[kind]:
        if spec.name == name:
            return spec.label
    return name


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One person on an agency's roster. `row` is where it came from, for messages."""

    employee_id: str
    first_name: str
    last_name: str
    is_sworn: bool
    role: str
    unit: str = ""
    hire_date: datetime.date | None = None
    status: str = "active"
    status_since: datetime.date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class TrainingRow:
    """One completed course. `expires_on` is already defaulted from the course's validity."""

    employee_id: str
    course_type_id: int
    course_code: str
    completed_on: datetime.date
    provider: str = ""
    hours: Decimal | None = None
    expires_on: datetime.date | None = None
    row: int = 0
