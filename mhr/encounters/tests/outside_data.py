"""Records for the tests of what leaves the agency (public page, peers, national, worksheets)."""

from __future__ import annotations

import datetime
from typing import Any

from mhr.accounts.models import Agency
from mhr.encounters.services import encounter_create
from mhr.encounters.tests.factories import encounter_values

_ORIS = iter(range(100, 10_000))


def at(month: int, day: int = 10, year: int = 2025) -> datetime.datetime:
    # Mid-afternoon UTC: the same local date in every US time zone.
    return datetime.datetime(year, month, day, 18, 0, tzinfo=datetime.UTC)


def add(agency: Agency, n: int = 1, *, month: int = 3, year: int = 2025, **overrides: Any) -> list:
    """`n` complete records for the agency, spread over days of the month, with `overrides`."""
    return [
        encounter_create(
            agency=agency,
            actor=None,
            values=encounter_values(received_at=at(month, 1 + i % 27, year), **overrides),
        )
        for i in range(n)
    ]


def make_agency(state: str = "WA", sworn: int | None = 150, name: str = "") -> Agency:
    number = next(_ORIS)
    return Agency.objects.create(
        name=name or f"Test agency {number}",
        ori=f"{state}{number:07d}",
        state=state,
        agency_type=Agency.AgencyType.CITY,
        sworn_headcount=sworn,
    )
