"""Authorization matrix: the agency's encounter dashboard and its downloads.

Members and coordinators of the agency see its own numbers; no URL names an agency, so other
agencies see only their own (Carol's agency has no records, so a download has nothing to
export: 404); association staff belong to no agency (404); anonymous visitors sign in first.
"""

from __future__ import annotations

import datetime
from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, agency_member_routes, roles

PERIOD = "start=2025-01-01&end=2025-12-31"


def extend_world(world: dict[str, Any]) -> None:
    from mhr.encounters.services import encounter_create
    from mhr.encounters.tests.factories import encounter_values

    world["dashboard_encounter"] = encounter_create(
        agency=world["agency_a"],
        actor=world["alice"],
        values=encounter_values(
            incident_number="AUTHZ-DASH-1",
            received_at=datetime.datetime(2025, 5, 6, 17, tzinfo=datetime.UTC),
        ),
    )


ROUTES = (
    Route(
        "encounters_agency:dashboard_overview",
        lambda w: f"/agency/encounters/dashboard/?{PERIOD}",
        agency_member_routes(),
    ),
    Route(
        "encounters_agency:dashboard_export",
        lambda w: f"/agency/encounters/dashboard/export/dispositions.csv?{PERIOD}",
        roles(404, anonymous=SIGN_IN, bob=200, alice=200),
    ),
)
