"""The encounter form in a real browser: a coordinator enters a record by keyboard alone.

Runs Debian's Chromium through Playwright against the live server (see mhr/core/tests/browser.py);
skipped when Chromium is missing, except on CI.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from mhr.core.tests.browser import axe_violations, sign_in_context
from mhr.encounters.models import Encounter

pytestmark = pytest.mark.browser

NEW = "/agency/encounters/records/new/"
# A person types about three keys a second; a typical record must take under a minute.
KEYS_PER_MINUTE = 180


class Keyboard:
    """Presses keys and counts them, so the test can say how long an entry takes."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
        self.count += times

    def tab(self, times: int = 1) -> None:
        self.press("Tab", times)

    def focused(self) -> str:
        return self.page.evaluate("document.activeElement.id || document.activeElement.name")


@pytest.fixture
def browser_context(chromium, live_server):
    # bypass_csp lets the test inject axe-core; the pages themselves still send their CSP.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def coordinator_page(browser_context, live_server, alice):
    sign_in_context(browser_context, live_server.url, alice)
    return browser_context.new_page()


def test_a_coordinator_enters_a_record_by_keyboard_alone(coordinator_page, agency_a):
    page = coordinator_page
    response = page.goto(NEW)
    assert response is not None and response.status == 200
    keys = Keyboard(page)
    assert keys.focused() == "id_incident_number"  # the form starts ready to type

    keys.type("25-104233")
    keys.tab()
    assert keys.focused() == "id_received_date"
    keys.type("2025-03-14")
    keys.tab()
    keys.type("2105")  # time received
    keys.tab(2)  # past its "Now" button
    keys.type("2114")  # arrived
    keys.tab(2)
    keys.type("2209")  # cleared
    keys.tab(2)
    assert keys.focused() == "id_call_source"
    keys.type("9")  # 911
    keys.tab()
    keys.type("SUICIDE")  # call type at dispatch
    keys.tab(2)  # final call type left empty
    assert keys.focused() == "id_flagged_at_dispatch_2"  # the group starts on "Unknown"
    keys.press("ArrowRight")  # yes: right from the last option wraps to the first
    keys.tab()
    keys.type("2")  # officers
    keys.tab()
    keys.press("ArrowRight")  # CIT-trained officer: yes
    keys.tab()
    keys.press("ArrowLeft")  # co-responder: no
    keys.tab(2)  # EMS left unknown
    assert keys.focused() == "id_age_band"
    keys.type("2")  # 25–34
    keys.tab()
    keys.press("ArrowDown")  # sex: female
    keys.tab()
    keys.type("w")  # white
    keys.tab(2)  # veteran left unknown
    keys.press("ArrowDown")  # housing: housed
    keys.tab()
    keys.press("ArrowRight")  # suicidal: yes
    keys.tab()
    keys.press("ArrowLeft")  # substance use: no
    keys.tab(2)  # psychosis left unknown
    keys.press("ArrowLeft")  # threats to others: no
    keys.tab()
    keys.press("ArrowDown")  # weapon: none
    keys.tab()
    keys.press("ArrowDown")  # force: none
    keys.tab()
    keys.press("ArrowLeft")  # person injured: no
    keys.tab()
    keys.press("ArrowLeft")  # officer injured: no
    keys.tab(2)  # someone else injured left unknown
    assert keys.focused() == "id_disposition"
    keys.type("v")  # voluntary transport
    keys.tab()
    keys.type("County CSU")
    keys.tab(3)  # referral and follow-up left empty
    assert keys.focused() == "id_district"
    keys.type("NORTH")
    keys.tab()
    keys.type("N2")
    keys.press("Enter")  # Enter presses the first button: "Save record"

    page.wait_for_url("**/agency/encounters/records/*/")
    assert "Incident 25-104233 recorded." in page.inner_text("main")
    encounter = Encounter.objects.get(agency=agency_a, incident_number="25-104233")
    assert encounter.status == Encounter.Status.COMPLETE
    # 21:05 Pacific daylight time.
    assert encounter.received_at == datetime.datetime(2025, 3, 15, 4, 5, tzinfo=datetime.UTC)
    assert encounter.minutes_on_scene == 55
    assert (encounter.call_source, encounter.dispatch_call_type) == ("911", "SUICIDE")
    assert (encounter.flagged_at_dispatch, encounter.officers_count) == (True, 2)
    assert (encounter.cit_officer_on_scene, encounter.co_responder_on_scene) == (True, False)
    assert encounter.ems_on_scene is None
    assert (encounter.age_band, encounter.sex, encounter.race_ethnicity) == (
        "25_34",
        "female",
        "white",
    )
    assert (encounter.veteran, encounter.housing) == (None, "housed")
    assert (encounter.suicidal, encounter.substance_use, encounter.psychosis) == (True, False, None)
    assert encounter.threats_to_others is False
    assert (encounter.weapon, encounter.force) == ("none", "none")
    assert (encounter.person_injured, encounter.officer_injured) == (False, False)
    assert encounter.disposition == "voluntary_transport"
    assert encounter.destination == "County CSU"
    assert (encounter.district, encounter.beat) == ("NORTH", "N2")
    # The record is on screen with its history.
    main = page.inner_text("main")
    assert "Voluntary transport" in main and "History" in main

    print(f"\nKeyboard-only entry of a typical record: {keys.count} keystrokes")
    assert keys.count < KEYS_PER_MINUTE / 1.5, keys.count


def test_the_form_with_errors_is_accessible_and_links_to_each_field(coordinator_page):
    page = coordinator_page
    page.goto(NEW)
    keys = Keyboard(page)
    keys.type("25-1")
    keys.tab(2)
    keys.type("2510")  # 25:10 is no time of day
    keys.press("Enter")
    page.wait_for_selector("#error-summary")
    # The script moves focus to the summary, so a screen reader reads the problems first.
    assert keys.focused() == "error-summary"
    assert "is not a time of day" in page.inner_text("#error-summary")
    violations = axe_violations(page, "encounter form with errors")
    assert violations == [], "\n".join(str(v) for v in violations)

    keys.tab()
    keys.press("Enter")  # follow the summary's link
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'id_received_time'"
    )
    assert Encounter.objects.count() == 0


def test_the_form_fits_a_phone_screen(chromium, live_server, alice):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    sign_in_context(context, live_server.url, alice)
    page = context.new_page()
    page.goto(NEW)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert scroll_width <= 375


def test_the_now_button_fills_the_time_in_the_agencys_zone(coordinator_page):
    page = coordinator_page
    page.goto(NEW)
    page.get_by_role("button", name=re.compile("set Time received to the current time")).click()
    now = datetime.datetime.now(ZoneInfo("America/Los_Angeles"))
    typed = page.input_value("#id_received_time")
    moment = datetime.datetime.strptime(typed, "%H:%M").replace(
        year=now.year, month=now.month, day=now.day, tzinfo=now.tzinfo
    )
    assert abs((moment - now.replace(second=0, microsecond=0)).total_seconds()) <= 120
    assert page.input_value("#id_received_date") == now.date().isoformat()


def test_the_entry_pages_have_no_serious_accessibility_violations(
    coordinator_page, agency_a, alice
):
    from mhr.encounters.services import encounter_create, encounter_update
    from mhr.encounters.tests.factories import encounter_values

    record = encounter_create(agency=agency_a, actor=alice, values=encounter_values())
    encounter_update(encounter=record, actor=alice, changes={"beat": "N7"}, reason="Beat fixed")
    draft = encounter_create(
        agency=agency_a, actor=alice, values={"incident_number": "D-1"}, status="draft"
    )
    page = coordinator_page
    found = []
    for label, path in (
        ("encounter list", "/agency/encounters/records/?month=2025-03"),
        ("drafts", "/agency/encounters/drafts/"),
        ("record with history", f"/agency/encounters/records/{record.pk}/"),
        ("correction form", f"/agency/encounters/records/{record.pk}/edit/"),
        ("draft form", f"/agency/encounters/records/{draft.pk}/edit/"),
        ("new form", NEW),
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        found.extend(axe_violations(page, label))
    assert found == [], "\n".join(str(v) for v in found)
