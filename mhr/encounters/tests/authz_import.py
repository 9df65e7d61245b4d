"""Authorization matrix: encounter imports.

Members see the import history and each import; only coordinators upload, map and commit
(members get 403); other agencies and association staff get 404; anonymous visitors sign in.
"""

from __future__ import annotations

import io
from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, agency_member_routes, roles


def extend_world(world: dict[str, Any]) -> None:
    from mhr.encounters.import_services import encounter_import_preview

    text = "Incident,Received,Disposition\nAZ-1,2025-03-01 10:00,arrest\n"
    world["import_batch"] = encounter_import_preview(
        agency=world["agency_a"],
        file=io.BytesIO(text.encode()),
        filename="authz.csv",
        actor=world["alice"],
        store_file=True,
    ).batch


def _batch(world: dict[str, Any], suffix: str = "") -> str:
    return f"/agency/encounters/imports/{world['import_batch'].pk}/{suffix}"


def _coordinators() -> dict[str, Any]:
    return roles(404, anonymous=SIGN_IN, bob=403, alice=200, carol=200)


def _own_object() -> dict[str, Any]:
    return roles(404, anonymous=SIGN_IN, bob=200, alice=200)


ROUTES = (
    Route(
        "encounters_agency:import_history",
        lambda w: "/agency/encounters/imports/",
        agency_member_routes(),
    ),
    Route(
        "encounters_agency:import_upload",
        lambda w: "/agency/encounters/imports/new/",
        _coordinators(),
    ),
    Route("encounters_agency:import_detail", _batch, _own_object()),
    Route("encounters_agency:import_progress", lambda w: _batch(w, "progress/"), _own_object()),
    Route(
        "encounters_agency:import_mapping",
        lambda w: _batch(w, "mapping/"),
        roles(404, anonymous=SIGN_IN, bob=403, alice=200),
    ),
    Route(
        "encounters_agency:import_commit",
        lambda w: _batch(w, "commit/"),
        roles(404, anonymous=SIGN_IN, bob=403, alice=302),
        method="post",
    ),
)
