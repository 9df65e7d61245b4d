"""Authorization matrix entries for the roster screens (/agency/roster/).

Members of agency A read; its coordinator (Alice) writes; Carol (agency B) gets 404 on A's
officers, training records and imports; association staff, who belong to no agency, get 404.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, agency_member_routes, roles

COORDINATOR_PAGE = roles(200, anonymous=SIGN_IN, bob=403, editor=404, reviewer=404, sam=404)
A_READ = roles(404, anonymous=SIGN_IN, alice=200, bob=200)
A_WRITE_PAGE = roles(404, anonymous=SIGN_IN, alice=200, bob=403)
A_WRITE_POST = roles(404, anonymous=SIGN_IN, alice=302, bob=403)


def extend_world(world: dict[str, Any]) -> None:
    from mhr.campaigns.models import CourseType
    from mhr.campaigns.services.imports import import_preview
    from mhr.campaigns.services.roster import officer_create, training_record_create
    from mhr.campaigns.tests.importdata import roster_csv
    from mhr.clearinghouse.tests.factories import make_pdf

    alice = world["alice"]
    officer = officer_create(
        agency=world["agency_a"],
        actor=alice,
        employee_id="A-100",
        first_name="Ann",
        last_name="Lee",
        is_sworn=True,
    )
    world["roster_officer"] = officer
    world["roster_record"] = training_record_create(
        officer=officer,
        actor=alice,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2025, 5, 1),
        certificate=io.BytesIO(make_pdf()),
    )
    world["roster_batch"] = import_preview(
        agency=world["agency_a"],
        kind="roster",
        file=roster_csv(),
        actor=alice,
        filename="roster.csv",
        store_file=True,
    ).batch


def _officer(w: dict[str, Any]) -> int:
    return w["roster_officer"].pk


def _record(w: dict[str, Any]) -> int:
    return w["roster_record"].pk


def _batch(w: dict[str, Any]) -> int:
    return w["roster_batch"].pk


ROUTES = (
    Route("campaigns_roster:officer_list", lambda w: "/agency/roster/", agency_member_routes()),
    Route(
        "campaigns_roster:officer_new", lambda w: "/agency/roster/officers/new/", COORDINATOR_PAGE
    ),
    Route(
        "campaigns_roster:officer_detail",
        lambda w: f"/agency/roster/officers/{_officer(w)}/",
        A_READ,
    ),
    Route(
        "campaigns_roster:officer_edit",
        lambda w: f"/agency/roster/officers/{_officer(w)}/edit/",
        A_WRITE_PAGE,
    ),
    Route(
        "campaigns_roster:officer_status",
        lambda w: f"/agency/roster/officers/{_officer(w)}/status/",
        A_WRITE_PAGE,
    ),
    Route(
        "campaigns_roster:training_new",
        lambda w: f"/agency/roster/officers/{_officer(w)}/training/new/",
        A_WRITE_PAGE,
    ),
    Route(
        "campaigns_roster:training_edit",
        lambda w: f"/agency/roster/training/{_record(w)}/edit/",
        A_WRITE_PAGE,
    ),
    Route(
        "campaigns_roster:training_remove",
        lambda w: f"/agency/roster/training/{_record(w)}/remove/",
        A_WRITE_POST,
        method="post",
    ),
    Route(
        "campaigns_roster:certificate_download",
        lambda w: f"/agency/roster/training/{_record(w)}/certificate/",
        A_READ,
    ),
    Route(
        "campaigns_roster:import_list", lambda w: "/agency/roster/imports/", agency_member_routes()
    ),
    Route("campaigns_roster:import_new", lambda w: "/agency/roster/imports/new/", COORDINATOR_PAGE),
    Route(
        "campaigns_roster:import_detail",
        lambda w: f"/agency/roster/imports/{_batch(w)}/",
        A_READ,
    ),
    Route(
        "campaigns_roster:import_mapping",
        lambda w: f"/agency/roster/imports/{_batch(w)}/mapping/",
        A_WRITE_PAGE,
    ),
    Route(
        "campaigns_roster:import_commit",
        lambda w: f"/agency/roster/imports/{_batch(w)}/commit/",
        A_WRITE_POST,
        method="post",
    ),
)
