"""Canonical encounter values for tests: a complete, valid record unless told otherwise."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

_numbers = itertools.count(1)


def encounter_values(**overrides: Any) -> dict[str, Any]:
    received = overrides.pop(
        "received_at", datetime.datetime(2025, 3, 14, 21, 5, tzinfo=datetime.UTC)
    )
    values: dict[str, Any] = {
        "incident_number": f"25-{next(_numbers):06d}",
        "received_at": received,
        "arrived_at": received + datetime.timedelta(minutes=9),
        "cleared_at": received + datetime.timedelta(minutes=64),
        "call_source": "911",
        "dispatch_call_type": "SUICIDAL PERSON",
        "final_call_type": "CRISIS COMPLAINT",
        "flagged_at_dispatch": True,
        "officers_count": 2,
        "cit_officer_on_scene": True,
        "age_band": "25_34",
        "sex": "female",
        "race_ethnicity": "white",
        "suicidal": True,
        "weapon": "none",
        "force": "none",
        "person_injured": False,
        "officer_injured": False,
        "disposition": "voluntary_transport",
        "destination": "County crisis stabilization unit",
        "district": "NORTH",
        "beat": "N2",
    }
    values.update(overrides)
    return values


def rollup_snapshot() -> list[list[tuple[Any, ...]]]:
    """Every rollup table's rows (ids aside), agency and national, for comparing states."""
    from mhr.encounters.rollups import AGENCY_ROLLUP_MODELS, NATIONAL_ROLLUP_MODELS

    tables = []
    for model in (*AGENCY_ROLLUP_MODELS, *NATIONAL_ROLLUP_MODELS):
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        tables.append(sorted(tuple(row) for row in model.objects.values_list(*fields)))
    return tables
