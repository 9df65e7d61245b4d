"""Authorization matrix: hand entry of encounters and the encounters API.

Every member of an agency (coordinator or not) reads, enters and corrects its records; other
agencies and association staff get 404; anonymous visitors the sign-in page (401 in the API).
"""

from __future__ import annotations

from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, agency_member_routes, roles


def extend_world(world: dict[str, Any]) -> None:
    from mhr.encounters.models import Encounter
    from mhr.encounters.services import encounter_create
    from mhr.encounters.tests.factories import encounter_values

    world["entry_encounter"] = encounter_create(
        agency=world["agency_a"],
        actor=world["alice"],
        values=encounter_values(incident_number="AUTHZ-1"),
    )
    world["entry_draft"] = encounter_create(
        agency=world["agency_a"],
        actor=world["alice"],
        values={"incident_number": "AUTHZ-D1"},
        status=Encounter.Status.DRAFT,
    )


def _record(world: dict[str, Any]) -> str:
    return f"/agency/encounters/records/{world['entry_encounter'].pk}/"


def _own_object() -> dict[str, Any]:
    return roles(404, anonymous=SIGN_IN, bob=200, alice=200)


def _api_agency() -> dict[str, Any]:
    return roles(404, anonymous=401, bob=200, alice=200, carol=200)


API_BODY = {
    "incident_number": "MATRIX-1",
    "received_at": "2025-03-14T21:05:00Z",
    "disposition": "referral",
}

ROUTES = (
    Route(
        "encounters_agency:entry_list",
        lambda w: "/agency/encounters/records/",
        agency_member_routes(),
    ),
    Route(
        "encounters_agency:entry_new",
        lambda w: "/agency/encounters/records/new/",
        agency_member_routes(),
    ),
    Route(
        "encounters_agency:entry_drafts",
        lambda w: "/agency/encounters/drafts/",
        agency_member_routes(),
    ),
    Route("encounters_agency:entry_detail", _record, _own_object()),
    Route("encounters_agency:entry_edit", lambda w: f"{_record(w)}edit/", _own_object()),
    Route(
        "encounters_agency:entry_discard",
        lambda w: f"/agency/encounters/records/{w['entry_draft'].pk}/discard/",
        roles(404, anonymous=SIGN_IN, bob=302, alice=302),
        method="post",
    ),
    Route("GET /api/v1/encounters", lambda w: "/api/v1/encounters", _api_agency(), api=True),
    Route(
        "POST /api/v1/encounters",
        lambda w: "/api/v1/encounters",
        roles(404, anonymous=401, bob=201, alice=201, carol=201),
        method="post",
        data=lambda w: API_BODY,
        api=True,
    ),
    Route(
        "GET /api/v1/encounters/stats",
        lambda w: "/api/v1/encounters/stats?from=2025-01-01&to=2025-12-31",
        _api_agency(),
        api=True,
    ),
    Route(
        "GET /api/v1/encounters/{incident_number}",
        lambda w: "/api/v1/encounters/AUTHZ-1",
        roles(404, anonymous=401, bob=200, alice=200),
        api=True,
    ),
    Route(
        "PATCH /api/v1/encounters/{incident_number}",
        lambda w: "/api/v1/encounters/AUTHZ-1",
        roles(404, anonymous=401, bob=200, alice=200),
        method="patch",
        data=lambda w: {"beat": "M1", "reason": "Matrix check"},
        api=True,
    ),
)
