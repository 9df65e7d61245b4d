"""The roster import in a real browser: upload, map, preview, commit, see the officers.

Runs Debian's Chromium through Playwright against the live server, with axe-core on every
screen of the journey. Skipped when Chromium is missing, except on CI.
"""

from __future__ import annotations

import pytest

from mhr.campaigns.models import ImportBatch, Officer
from mhr.campaigns.services.imports import import_preview
from mhr.campaigns.tests.importdata import ROSTER_HEADER, ROSTER_ROWS, csv_bytes, roster_csv
from mhr.core.tests.browser import axe_violations, sign_in_context

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator_page(chromium, live_server, alice):
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    sign_in_context(context, live_server.url, alice)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_coordinator_imports_a_roster_and_sees_the_officers(coordinator_page, agency_a):
    page = coordinator_page
    found: list[object] = []

    def check(label: str) -> None:
        found.extend(axe_violations(page, label))

    page.goto("/agency/roster/")
    assert "The roster is empty" in page.inner_text("main")
    check("empty roster")

    page.get_by_role("link", name="Import a roster or training file").click()
    page.wait_for_url("**/imports/new/")
    check("upload step")
    page.locator("input[type=file]").set_input_files(
        {
            "name": "springfield-roster.csv",
            "mimeType": "text/csv",
            "buffer": csv_bytes(ROSTER_HEADER, ROSTER_ROWS, bom=True),
        }
    )
    page.get_by_role("button", name="Upload and continue").click()

    page.wait_for_url("**/mapping/")
    assert page.get_by_label("Employee ID (required)").input_value() == "Badge #"
    assert page.get_by_label("Sworn (required)").input_value() == "Sworn"
    check("mapping step")
    # The coordinator unmaps a required field by mistake and is told so.
    page.get_by_label("Sworn (required)").select_option("")
    page.get_by_role("button", name="Preview the changes").click()
    assert "Sworn is required" in page.inner_text("main")
    check("mapping step with an error")
    page.get_by_label("Sworn (required)").select_option("Sworn")
    page.get_by_role("button", name="Preview the changes").click()

    page.wait_for_url("**/imports/*/")
    assert page.get_by_test_id("count-new").inner_text() == "4"
    assert page.get_by_test_id("import-status").text_content() == "Previewed"
    check("preview")
    assert not Officer.objects.exists()
    page.get_by_role("button", name="Commit 4 changes").click()

    page.wait_for_load_state()
    assert page.get_by_test_id("import-status").text_content() == "Committed"
    check("result")
    page.get_by_role("link", name="Back to the roster").click()
    page.wait_for_url("**/agency/roster/")
    main = page.inner_text("main")
    for name in ("Lee, Ann", "Kim, Bo", "Diaz, Cy", "Olsen, Dee"):
        assert name in main
    check("roster with officers")

    page.get_by_role("link", name="Olsen, Dee").click()
    assert "Training history" in page.inner_text("main")
    check("officer detail")
    page.get_by_role("link", name="Add a training record").click()
    check("training record form")

    page.goto("/agency/roster/imports/")
    assert "springfield-roster.csv" in page.inner_text("main")
    check("import history")
    assert Officer.objects.filter(agency=agency_a).count() == 4

    assert not found, "Serious or critical accessibility violations:\n" + "\n".join(
        str(v) for v in found
    )


def test_the_progress_page_follows_a_background_import_to_its_end(
    coordinator_page, agency_a, alice
):
    batch = import_preview(
        agency=agency_a, kind="roster", file=roster_csv(), actor=alice, store_file=True
    ).batch
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", progress_percent=30)
    page = coordinator_page
    page.goto(f"/agency/roster/imports/{batch.pk}/")
    assert page.get_by_test_id("import-percent").inner_text() == "30%"
    violations = axe_violations(page, "progress page")

    # The background task moves on; the page, polling every second, follows without a reload.
    ImportBatch.objects.filter(pk=batch.pk).update(progress_percent=85)
    page.get_by_test_id("import-percent").filter(has_text="85%").wait_for()
    ImportBatch.objects.filter(pk=batch.pk).update(status="committed", progress_percent=100)
    page.get_by_test_id("import-status").filter(has_text="Committed").wait_for()
    assert not violations, "\n".join(str(v) for v in violations)
