"""Authorization-matrix entries for what leaves the agency: the public transparency pages, the
coordinator's transparency settings, peer comparison and the staff national roll-up.

Agency B's page is published in this world (agency A's is not: its 404 for everyone is tested in
test_public_pages.py). Settings are for coordinators; peers for any member; the roll-up for staff.
"""

from __future__ import annotations

from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, agency_member_routes, everyone, roles


def extend_world(world: dict[str, Any]) -> None:
    from mhr.encounters.services import encounter_settings_update

    world["public_settings_b"] = encounter_settings_update(
        agency=world["agency_b"], actor=world["carol"], transparency_published=True
    )


ROUTES = (
    Route("encounters_public:agency_list", lambda w: "/data/", everyone(200)),
    Route(
        "encounters_public:agency_detail",
        lambda w: f"/data/{w['agency_b'].ori}/",
        everyone(200),
    ),
    Route(
        "encounters_public:agency_csv",
        lambda w: f"/data/{w['agency_b'].ori}/2025.csv",
        everyone(200),
    ),
    Route(
        "encounters_public:agency_json",
        lambda w: f"/data/{w['agency_b'].ori}/2025.json",
        everyone(200),
    ),
    Route(
        "encounters_public:agency_download",
        lambda w: f"/data/{w['agency_b'].ori}/numbers.csv?year=2025&call_source=911",
        everyone(200),
    ),
    Route(
        "encounters_agency:transparency_settings",
        lambda w: "/agency/encounters/transparency/",
        roles(404, anonymous=SIGN_IN, bob=403, alice=200, carol=200),
    ),
    Route(
        "encounters_agency:peer_comparison",
        lambda w: "/agency/encounters/peers/",
        agency_member_routes(),
    ),
    Route(
        "encounters_staff:national",
        lambda w: "/staff/encounters/",
        roles(403, anonymous=SIGN_IN, editor=200, reviewer=200, sam=200),
    ),
    Route(
        "encounters_staff:national_csv",
        lambda w: "/staff/encounters/national.csv?start=2025-01&end=2025-06",
        roles(403, anonymous=SIGN_IN, editor=200, reviewer=200, sam=200),
    ),
)
