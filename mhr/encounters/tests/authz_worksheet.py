"""Authorization-matrix entries for messaging worksheets: agency A's coordinator only.

Members get 403 (worksheets are a coordinator's task), other agencies and staff 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, roles

COORDINATORS = roles(404, anonymous=SIGN_IN, bob=403, alice=200, carol=200)
A_COORDINATOR = roles(404, anonymous=SIGN_IN, bob=403, alice=200)


def extend_world(world: dict[str, Any]) -> None:
    from mhr.encounters.worksheet_services import worksheet_create

    world["worksheet_a"] = worksheet_create(
        agency=world["agency_a"],
        actor=world["alice"],
        title="Council briefing",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )


ROUTES = (
    Route(
        "encounters_agency:worksheet_list", lambda w: "/agency/encounters/worksheets/", COORDINATORS
    ),
    Route(
        "encounters_agency:worksheet_new",
        lambda w: "/agency/encounters/worksheets/new/",
        COORDINATORS,
    ),
    Route(
        "encounters_agency:worksheet_edit",
        lambda w: f"/agency/encounters/worksheets/{w['worksheet_a'].pk}/",
        A_COORDINATOR,
    ),
    Route(
        "encounters_agency:worksheet_pdf",
        lambda w: f"/agency/encounters/worksheets/{w['worksheet_a'].pk}/worksheet.pdf",
        A_COORDINATOR,
    ),
    Route(
        "encounters_agency:worksheet_regenerate",
        lambda w: f"/agency/encounters/worksheets/{w['worksheet_a'].pk}/regenerate/",
        A_COORDINATOR,
    ),
    Route(
        "encounters_agency:worksheet_docx",
        lambda w: f"/agency/encounters/worksheets/{w['worksheet_a'].pk}/worksheet.docx",
        A_COORDINATOR,
    ),
)
