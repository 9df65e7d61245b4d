"""Issue 4's "done when", end to end in a real browser, as Alice (coordinator of agency A).

She imports a Seattle Crisis Data file and a native CSV, enters a record by hand, watches the
dashboard's total change, exports a worksheet PDF whose numbers are checked against the records,
and publishes the transparency page, which a signed-out visitor reads with small counts hidden.
Every number the pages show is compared with one counted here from the database, never with a
number written into the test. Skipped when Chromium is missing, except on CI.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from pypdf import PdfReader

from mhr.core.tests.browser import axe_violations, sign_in_context
from mhr.encounters import synthetic
from mhr.encounters.models import Encounter, EncounterImport, EncounterSettings
from mhr.encounters.privacy import is_suppressed
from mhr.encounters.public_views import public_context
from mhr.encounters.tests.outside_data import add

pytestmark = pytest.mark.browser

YEAR = 2025
START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
NATIVE_COUNT = 80
NATIVE_SEED = 7
HAND_INCIDENT = "25-HAND-1"

# Four Seattle templates, written one row per officer on each:
# (template, reported at, call type, disposition, force used, CIT officer arrived, officers, beat)
SEATTLE_TEMPLATES = (
    ("S-1001", "2025-03-04 10:15", "911", "Voluntary Committal", "N", "Y", 2, "N2"),
    ("S-1002", "2025-04-10 22:40", "911", "Subject Arrested", "Y", "N", 1, "K1"),
    ("S-1003", "2025-05-20 08:05", "ONVIEW", "Mobile Crisis Team", "N", "Y", 1, "C2"),
    ("S-1004", "2025-09-12 16:30", "911", "Resources Declined", "N", "N", 3, "O1"),
)
PRECINCTS = {"N": "NORTH", "K": "WEST", "C": "EAST", "O": "SOUTH"}


def write_seattle_file(path) -> int:
    """The Seattle layout with its published headers; returns the number of rows written."""
    rows = 0
    officer_ids = iter(range(5101, 5200))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(synthetic.SEATTLE_HEADERS)
        for (
            template,
            reported,
            call_type,
            disposition,
            force,
            cit,
            officers,
            beat,
        ) in SEATTLE_TEMPLATES:
            moment = datetime.datetime.fromisoformat(reported)
            for _ in range(officers):
                writer.writerow(
                    [
                        template,
                        f"{moment:%Y-%m-%d}",
                        f"{moment:%H:%M:%S}",
                        f"{moment:%m/%d/%Y %I:%M:%S %p}",
                        call_type,
                        "PERSON IN BEHAVIORAL/EMOTIONAL CRISIS",
                        "--CRISIS COMPLAINT - GENERAL",
                        disposition,
                        force,
                        "Unknown",
                        "",
                        cit,
                        str(next(officer_ids)),
                        PRECINCTS[beat[0]],
                        beat[0],
                        beat,
                    ]
                )
                rows += 1
    return rows


def write_native_file(path) -> None:
    text = io.StringIO()
    synthetic.write_native_csv(
        text,
        count=NATIVE_COUNT,
        seed=NATIVE_SEED,
        prefix="J-",
        first_day=START,
        # Local wall-clock times on the last day stay inside the year in any US zone.
        last_day=END - datetime.timedelta(days=1),
    )
    path.write_text(text.getvalue(), encoding="utf-8")


def period_records(agency):
    """What every page under test counts: complete records received in the period."""
    return Encounter.objects.filter(
        agency=agency, status=Encounter.Status.COMPLETE, received_date__range=(START, END)
    )


def share(numerator: int, denominator: int) -> str:
    """A whole percent, rounded half up (the worksheet's wording for a share)."""
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return f"{exact.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def words(text: str) -> str:
    return " ".join(text.split())


def assert_accessible(page, label: str) -> None:
    violations = axe_violations(page, label)
    assert violations == [], "\n".join(str(v) for v in violations)


def import_count(page, label: str) -> int:
    header = page.locator("th", has_text=re.compile(rf"^{re.escape(label)}$"))
    cell = page.locator("table tr", has=header).locator("td")
    return int(cell.first.inner_text())


def dashboard_total(page) -> int:
    """Open the dashboard through its form, for the period, and read the total it shows."""
    page.goto("/agency/encounters/dashboard/")
    page.fill("#id_start", START.isoformat())
    page.fill("#id_end", END.isoformat())
    page.get_by_role("button", name="Show the numbers").click()
    page.wait_for_url(re.compile(rf"/agency/encounters/dashboard/\?.*start={START.isoformat()}"))
    heading = page.get_by_test_id("dashboard-total").inner_text()
    found = re.fullmatch(r"([\d,]+) complete encounters?", heading.strip())
    assert found, heading
    return int(found.group(1).replace(",", ""))


def dashboard_arrests(page) -> int:
    """The arrests in the dashboard's dispositions table (its count column)."""
    table = page.get_by_test_id("chart-dispositions").locator("table")
    row = table.locator("tr", has=page.locator("th", has_text=re.compile(r"^Arrest$")))
    return int(row.locator("td").first.inner_text().replace(",", ""))


def arrests_in_period(agency) -> int:
    return period_records(agency).filter(disposition=Encounter.Disposition.ARREST).count()


@pytest.fixture
def browser_context(chromium, live_server):
    # bypass_csp lets the test inject axe-core; the pages themselves still send their CSP.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True, accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_a_coordinator_imports_enters_charts_exports_and_publishes(
    browser_context, live_server, tmp_path, agency_a, alice
):
    sign_in_context(browser_context, live_server.url, alice)
    page = browser_context.new_page()

    # Before anything is recorded the dashboard says so instead of drawing empty charts.
    assert dashboard_total(page) == 0
    assert page.get_by_test_id("dashboard-empty").count() == 1

    # --- 1. The Seattle Crisis Data file: upload, preview, commit. ---------------------------
    seattle_file = tmp_path / "seattle-crisis-2025.csv"
    seattle_rows = write_seattle_file(seattle_file)
    page.goto("/agency/encounters/imports/new/")
    assert_accessible(page, "import upload")
    seattle_radio = page.locator('input[name="format"][value="seattle"]')
    page.locator(f'label[for="{seattle_radio.get_attribute("id")}"]').click()
    assert seattle_radio.is_checked()
    page.set_input_files("#id_file", str(seattle_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/agency/encounters/imports/\d+/$"))
    # One encounter per template, however many officer rows it has.
    assert seattle_rows > len(SEATTLE_TEMPLATES)
    assert import_count(page, "Encounters in the file") == len(SEATTLE_TEMPLATES)
    assert import_count(page, "New") == len(SEATTLE_TEMPLATES)
    assert import_count(page, "Errors") == 0
    assert Encounter.objects.filter(agency=agency_a).count() == 0  # a preview saves nothing
    assert_accessible(page, "Seattle import preview")
    page.get_by_role("button", name=f"Import {len(SEATTLE_TEMPLATES)} new and 0 corrected").click()
    page.wait_for_selector(".usa-alert--success")
    assert f"Imported: {len(SEATTLE_TEMPLATES)} new, 0 corrected, 0 unchanged." in words(
        page.inner_text("main")
    )
    seattle_batch = EncounterImport.objects.get(agency=agency_a, format="seattle")
    assert seattle_batch.status == EncounterImport.Status.COMMITTED
    imported = {e.incident_number: e for e in Encounter.objects.filter(import_batch=seattle_batch)}
    assert set(imported) == {t[0] for t in SEATTLE_TEMPLATES}
    assert imported["S-1001"].officers_count == 2
    assert imported["S-1002"].disposition == Encounter.Disposition.ARREST
    assert imported["S-1004"].officers_count == 3

    # --- 2. A native CSV: upload, match the columns, preview, commit. ------------------------
    native_file = tmp_path / "rms-export-2025.csv"
    write_native_file(native_file)
    page.goto("/agency/encounters/imports/new/")
    native_radio = page.locator('input[name="format"][value="native"]')
    assert native_radio.is_checked()  # the default layout
    page.set_input_files("#id_file", str(native_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/agency/encounters/imports/\d+/mapping/$"))
    # The file uses MHR's own column names, so each field starts matched to its column.
    assert page.input_value("#id_incident_number") == "incident_number"
    assert page.input_value("#id_disposition") == "disposition"
    assert_accessible(page, "column mapping")
    page.get_by_role("button", name="Preview with these columns").click()
    page.wait_for_url(re.compile(r"/agency/encounters/imports/\d+/$"))
    assert import_count(page, "Encounters in the file") == NATIVE_COUNT
    assert import_count(page, "New") == NATIVE_COUNT
    assert import_count(page, "Errors") == 0
    assert Encounter.objects.filter(agency=agency_a).count() == len(SEATTLE_TEMPLATES)
    assert_accessible(page, "native import preview")
    page.get_by_role("button", name=f"Import {NATIVE_COUNT} new and 0 corrected").click()
    page.wait_for_selector(".usa-alert--success")
    assert f"Imported: {NATIVE_COUNT} new, 0 corrected, 0 unchanged." in words(
        page.inner_text("main")
    )
    assert Encounter.objects.filter(agency=agency_a, incident_number__startswith="J-").count() == (
        NATIVE_COUNT
    )

    # --- 3. The dashboard shows the imported records; a hand-entered one adds one. -----------
    before = dashboard_total(page)
    assert before == period_records(agency_a).count() == len(SEATTLE_TEMPLATES) + NATIVE_COUNT
    assert page.get_by_test_id("chart-volume").count() == 1
    assert dashboard_arrests(page) == arrests_in_period(agency_a)
    assert_accessible(page, "dashboard")

    page.goto("/agency/encounters/records/new/")
    page.fill("#id_incident_number", HAND_INCIDENT)
    page.fill("#id_received_date", "2025-11-03")
    page.fill("#id_received_time", "1420")
    page.fill("#id_arrived_at", "1431")
    page.fill("#id_cleared_at", "1525")
    page.select_option("#id_call_source", "911")
    page.select_option("#id_disposition", "arrest")
    page.get_by_role("button", name="Save record").click()
    page.wait_for_url(re.compile(r"/agency/encounters/records/\d+/$"))
    assert f"Incident {HAND_INCIDENT} recorded." in page.inner_text("main")
    hand = Encounter.objects.get(agency=agency_a, incident_number=HAND_INCIDENT)
    assert hand.status == Encounter.Status.COMPLETE
    assert hand.source == Encounter.Source.ENTRY
    assert hand.received_date == datetime.date(2025, 11, 3)

    after = dashboard_total(page)
    assert after == before + 1 == period_records(agency_a).count()
    # The hand-entered arrest shows in the dispositions table too.
    assert dashboard_arrests(page) == arrests_in_period(agency_a) >= 2

    # --- 4. A worksheet for the period, exported as a PDF with the records' numbers. ---------
    records = period_records(agency_a)
    total = records.count()
    arrests = arrests_in_period(agency_a)
    no_arrest = share(total - arrests, total)
    page.goto("/agency/encounters/worksheets/new/")
    assert_accessible(page, "new worksheet")
    page.get_by_label("Period starts").fill(START.isoformat())
    page.get_by_label("Period ends").fill(END.isoformat())
    page.get_by_role("button", name="Create the worksheet").click()
    page.wait_for_url(re.compile(r"/agency/encounters/worksheets/\d+/$"))
    sentence = f"In {YEAR}, {no_arrest} of {total:,} crisis contacts ended without arrest."
    assert sentence in words(page.inner_text("main"))
    assert_accessible(page, "worksheet")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    pdf_text = words(" ".join(p.extract_text() or "" for p in PdfReader(pdf_path).pages))
    assert f"our officers responded to {total:,} crisis contacts" in pdf_text, pdf_text
    assert sentence in pdf_text, pdf_text

    # --- 5. The transparency page: preview, publish, read it signed out. ---------------------
    assert 1 <= arrests <= 10, f"the test data needs a small count to hide, not {arrests}"
    page.goto(f"/agency/encounters/transparency/?year={YEAR}")
    status = page.get_by_test_id("transparency-status")
    assert status.inner_text().strip().lower() == "not published"
    assert_accessible(page, "transparency settings")
    page.get_by_role("button", name="Publish the page").click()
    page.wait_for_url("**/agency/encounters/transparency/")
    assert page.get_by_test_id("transparency-status").inner_text().strip().lower() == "published"
    assert EncounterSettings.objects.get(agency=agency_a).transparency_published

    visitor_context = browser_context.browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        visitor = visitor_context.new_page()
        response = visitor.goto(f"/data/{agency_a.ori}/?year={YEAR}")
        assert response is not None and response.status == 200
        key_numbers = visitor.get_by_test_id("key-numbers")
        # A large count is shown as it is: the calls that came in on 911.
        calls_911 = period_records(agency_a).filter(call_source="911").count()
        assert calls_911 > 10
        sources = visitor.get_by_test_id("table-call-sources")
        row_911 = sources.locator("tr", has=visitor.locator("th", has_text=re.compile(r"^911$")))
        assert row_911.locator("td").inner_text().strip() == f"{calls_911:,}"
        # The arrests (1 to 10 of them) are hidden, and so is their share: never the number.
        arrest_cells = key_numbers.locator('[data-key="arrests"] td')
        assert "suppressed to protect privacy" in arrest_cells.nth(0).inner_text()
        assert arrest_cells.nth(0).inner_text().strip() != str(arrests)
        assert "suppressed to protect privacy" in arrest_cells.nth(1).inner_text()
        dispositions = visitor.get_by_test_id("table-dispositions")
        arrest_bar = dispositions.locator(
            "tr", has=visitor.locator("th", has_text=re.compile(r"^Arrest$"))
        )
        assert "suppressed to protect privacy" in arrest_bar.locator("td").inner_text()
        assert_accessible(visitor, "public transparency page")
    finally:
        visitor_context.close()


@pytest.mark.parametrize("field", ["flagged_at_dispatch", "cit_officer_on_scene"])
def test_a_few_unrecorded_flags_leave_the_public_total_shown(agency_a, field):
    add(agency_a, 30, **{field: True})
    add(agency_a, 20, **{field: False})
    add(agency_a, 1, **{field: None})
    numbers = public_context(agency_a, YEAR)["numbers"]
    # The one record without the flag is hidden...
    if field == "flagged_at_dispatch":
        assert is_suppressed(numbers["flagged_at_dispatch"]["unknown"])
    else:
        assert is_suppressed(numbers["cit"]["unknown"]["count"])
    # ...and hiding the flag-known denominator and one of yes/no would protect it; the total
    # of all 51 contacts does not need to go.
    assert numbers["total"] == Encounter.objects.filter(agency=agency_a).count()
