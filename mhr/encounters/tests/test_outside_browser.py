"""The new outside-agency forms, the worksheet rebuild and a waiting import preview in a real
browser: no blocking accessibility problems, and the forms work without JavaScript."""

from __future__ import annotations

import datetime
import os

import pytest

from mhr.core.tests.browser import axe_violations, sign_in_context
from mhr.encounters.models import EncounterImport
from mhr.encounters.services import encounter_settings_update
from mhr.encounters.tests.outside_data import add
from mhr.encounters.worksheet_services import worksheet_create, worksheet_save

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("MHR_SCREENSHOTS", "")


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def browser_context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_the_public_period_and_filters_without_javascript(chromium, live_server, agency_a):
    add(agency_a, 30, call_source="911", month=2)
    add(agency_a, 15, call_source="non_emergency", month=3)
    add(agency_a, 5, call_source="crisis_line", month=3)
    encounter_settings_update(agency=agency_a, actor=None, transparency_published=True)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/data/{agency_a.ori}/?year=2025")
    page.get_by_label("Call source").select_option("911")
    page.get_by_label("From (month)").fill("2025-02")
    page.get_by_label("To (month)").fill("2025-03")
    page.get_by_role("button", name="Show the numbers").click()
    assert "call_source=911" in page.url and "start=2025-02" in page.url
    assert page.get_by_test_id("filters-applied").inner_text() == "Showing only: Call source: 911."
    shoot(page, "public-filtered")
    page.get_by_label("To (month)").fill("2025-01")
    page.get_by_role("button", name="Show the numbers").click()
    assert "The last month is before the first month." in page.content()
    shoot(page, "public-error")
    context.close()


def test_the_pages_pass_axe(browser_context, live_server, agency_a, alice, sam):
    add(agency_a, 20, disposition="referral")
    encounter_settings_update(agency=agency_a, actor=None, transparency_published=True)
    worksheet = worksheet_create(
        agency=agency_a,
        actor=alice,
        title="Council briefing",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    worksheet_save(
        worksheet=worksheet,
        actor=alice,
        title=worksheet.title,
        texts=[
            (p["key"], "Our words." if p["key"] == "no_force" else p["text"])
            for p in worksheet.points
            if p["key"] != "no_arrest"
        ],
    )
    add(agency_a, 6, disposition="arrest")
    batch = EncounterImport.objects.create(
        agency=agency_a,
        original_filename="big.csv",
        status=EncounterImport.Status.QUEUED,
        counts={"stage": "preview"},
    )
    visitor = browser_context.new_page()
    visitor.goto(f"/data/{agency_a.ori}/?year=2025&flagged_at_dispatch=yes")
    assert axe_violations(visitor, "public page, filtered") == []
    visitor.goto(f"/data/{agency_a.ori}/?start=2025-13")
    assert axe_violations(visitor, "public page, bad period") == []

    sign_in_context(browser_context, live_server.url, alice)
    page = browser_context.new_page()
    page.goto(f"/agency/encounters/worksheets/{worksheet.pk}/regenerate/")
    shoot(page, "regenerate")
    assert axe_violations(page, "worksheet rebuild") == []
    page.locator("label", has_text="Replace my words with the new ones").click()
    page.get_by_role("button", name="Rebuild the points").click()
    page.wait_for_url(f"**/worksheets/{worksheet.pk}/")
    worksheet.refresh_from_db()
    assert "Our words." not in [p["text"] for p in worksheet.points]

    page.goto("/agency/encounters/peers/?year=2025&call_source=911")
    assert axe_violations(page, "peers, filtered") == []
    page.goto(f"/agency/encounters/imports/{batch.pk}/")
    shoot(page, "import-queued")
    assert "Queued: the check starts shortly." in page.content()
    assert axe_violations(page, "import preview queued") == []

    sign_in_context(browser_context, live_server.url, sam)
    staff = browser_context.new_page()
    staff.goto("/staff/encounters/?start=2025-01&end=2025-06&cit_officer_on_scene=yes")
    shoot(staff, "national")
    assert axe_violations(staff, "national roll-up, filtered") == []
