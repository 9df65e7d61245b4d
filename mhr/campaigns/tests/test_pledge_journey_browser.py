"""A pledge's whole life in a real browser, from the pledge form to the public badge.

Alice (coordinator of agency A) pledges, imports a roster and a training file through the import
wizard, records a partnership and a policy with their documents, and submits; Rui (a reviewer)
approves every practice from the queue; the dashboard, the public pages and the badge then show
the agency as recognized. A certificate that runs out lapses the pledge at the daily run, and the
renewed certificate restores it at once. The emails of each transition are checked on the way: the live server
runs in a thread of this process, so the locmem backend's outbox is the test's outbox.

Runs Debian's Chromium through Playwright against the live server, with axe-core on the main
screens. Skipped when Chromium is missing, except on CI.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import ImportBatch, Officer, Pledge, PolicyDocument, TrainingRecord
from mhr.campaigns.tests.importdata import (
    ROSTER_HEADER,
    TRAINING_HEADER,
    csv_bytes,
    days_ago,
)
from mhr.clearinghouse.tests.factories import make_pdf
from mhr.core.tests.browser import axe_violations, sign_in_context

pytestmark = pytest.mark.browser

AGENCY_NAME = "Springfield Police Department"
SWORN = 10
# The current rule: at least 20% of sworn officers hold CIT (here 2 of 10), all others MHFA.
CIT_SWORN = 2


def _roster_rows() -> list[list[str]]:
    rows = [
        [f"2{n:03d}", f"Officer{n}", f"Lastname{n:02d}", "Y", "Patrol Officer", "Days",
         "2014-05-01", "Active"]
        for n in range(1, SWORN + 1)
    ]  # fmt: skip
    # Dispatchers are in scope by default on the pledge form, so this one must be trained too.
    rows.append(["2900", "Dana", "Dispatch", "N", "Dispatcher", "Nights", "2018-02-01", "Active"])
    return rows


def _training_rows() -> list[list[str]]:
    done = days_ago(200).isoformat()
    rows = []
    for n in range(1, SWORN + 1):
        if n <= CIT_SWORN:
            rows.append([f"2{n:03d}", "CIT 40-hour", "County CIT program", done, "40", ""])
        else:
            rows.append([f"2{n:03d}", "MHFA-PS", "State MHFA trainers", done, "8", ""])
    rows.append(["2900", "CIT", "County CIT program", done, "40", ""])
    return rows


@pytest.fixture
def journey(chromium, live_server, alice, reviewer, one_mind, mailoutbox):
    contexts = []

    def page_for(user=None):
        context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
        context.set_default_timeout(10_000)
        if user is not None:
            sign_in_context(context, live_server.url, user)
        contexts.append(context)
        return context.new_page()

    try:
        yield page_for
    finally:
        for context in contexts:
            context.close()


def _subjects(outbox) -> list[str]:
    return [message.subject for message in outbox]


def _import_file(page, *, kind: str, filename: str, header, rows, expected_new: int) -> None:
    """Upload -> mapping -> preview -> commit, as the coordinator clicks through it."""
    data = csv_bytes(header, rows, bom=kind == "roster")
    page.goto("/agency/roster/imports/new/")
    page.get_by_label("What the file holds").select_option(kind)
    page.locator("input[type=file]").set_input_files(
        {"name": filename, "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_url("**/mapping/")
    # MHR guessed the mapping from the HR system's column names.
    assert page.get_by_label("Employee ID (required)").input_value() == header[0]
    page.get_by_role("button", name="Preview the changes").click()
    page.wait_for_url("**/imports/*/")
    assert page.get_by_test_id("count-errors").inner_text() == "0"
    assert page.get_by_test_id("count-new").inner_text() == str(expected_new)
    assert page.get_by_test_id("import-status").text_content() == "Previewed"
    page.get_by_role("button", name=f"Commit {expected_new} changes").click()
    page.get_by_test_id("import-status").filter(has_text="Committed").wait_for()


def test_a_pledge_goes_from_the_form_to_a_recognized_public_badge(
    journey, agency_a, alice, reviewer, mailoutbox
):
    found: list[object] = []
    coordinator = journey(alice)

    def check(page, label: str) -> None:
        found.extend(axe_violations(page, label))

    # --- the pledge form ----------------------------------------------------------------------
    page = coordinator
    page.goto("/agency/campaign/")
    assert "Take the One Mind Campaign pledge" in page.inner_text("h1")
    check(page, "pledge form")
    target = timezone.localdate() + datetime.timedelta(days=730)
    page.get_by_label("Agency head's name").fill("Pat Morgan")
    page.get_by_label("Agency head's title").fill("Chief of Police")
    page.get_by_label("Target completion date").fill(target.isoformat())
    page.get_by_role("button", name="Take the pledge").click()
    # The form posts to the dashboard's own address, so wait for the new page, not the URL.
    page.get_by_test_id("pledge-status").wait_for()
    assert page.get_by_test_id("pledge-status").text_content() == "Pledged"
    assert "0 of 4 practices met" in page.inner_text("main")
    pledge = Pledge.objects.get(agency=agency_a)
    assert pledge.rule_version.code == "current"
    assert pledge.non_sworn_roles_in_scope == ["dispatcher"]
    assert _subjects(mailoutbox) == [f"[MHR] {AGENCY_NAME} has taken the One Mind Campaign pledge"]
    # One message per recipient: the coordinator, who is also the point of contact.
    assert mailoutbox[0].to == [alice.email]

    # --- roster and training through the import wizard ---------------------------------------
    _import_file(
        page,
        kind="roster",
        filename="springfield-hr-export.csv",
        header=ROSTER_HEADER,
        rows=_roster_rows(),
        expected_new=SWORN + 1,
    )
    _import_file(
        page,
        kind="training",
        filename="springfield-training.csv",
        header=TRAINING_HEADER,
        rows=_training_rows(),
        expected_new=SWORN + 1,
    )
    assert Officer.objects.filter(agency=agency_a, is_sworn=True).count() == SWORN
    assert TrainingRecord.objects.filter(officer__agency=agency_a).count() == SWORN + 1
    assert list(
        ImportBatch.objects.filter(agency=agency_a).order_by("pk").values_list("kind", "status")
    ) == [("roster", "committed"), ("training", "committed")]

    page.goto("/agency/campaign/")
    assert page.get_by_test_id("pledge-status").text_content() == "In progress"
    assert "2 of 4 practices met" in page.inner_text("main")

    # --- evidence: a partnership and the policy, each with its document ----------------------
    page.get_by_role("link", name="Partnerships").click()
    page.get_by_role("link", name="Add a partnership").click()
    page.get_by_label("Partner organization").fill("Springfield Community Mental Health Center")
    page.get_by_label("Kind of organization").select_option("mental_health_center")
    page.get_by_label("Kind of agreement").select_option("mou")
    page.get_by_label("Start date").fill(days_ago(90).isoformat())
    page.locator("input[type=file][name=document]").set_input_files(
        {
            "name": "mou-springfield-cmhc.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf("Memorandum of understanding between the police and the CMHC."),
        }
    )
    page.get_by_role("button", name="Save partnership").click()
    page.wait_for_url("**/agency/campaign/partnerships/")
    assert "Springfield Community Mental Health Center" in page.inner_text("main")

    page.goto("/agency/campaign/policy/new/")
    page.get_by_label("Policy title").fill("General Order 41: Response to persons in crisis")
    page.get_by_label("Date adopted").fill(days_ago(60).isoformat())
    page.locator("input[type=file][name=document]").set_input_files(
        {
            "name": "general-order-41.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf("General Order 41. Responding to persons in crisis."),
        }
    )
    for number, (_key, label) in enumerate(PolicyDocument.Element.choices, start=1):
        page.get_by_label(f"{label}: pages", exact=True).fill(f"p. {number + 2}")
    page.get_by_role("button", name="Save policy").click()
    page.wait_for_url("**/agency/campaign/policy/")
    assert "General Order 41" in page.inner_text("main")

    # --- submit ---------------------------------------------------------------------------------
    page.goto("/agency/campaign/")
    assert "4 of 4 practices met" in page.inner_text("main")
    check(page, "dashboard, ready to submit")
    page.get_by_role("button", name="Submit for recognition").click()
    page.get_by_role("heading", name="Submit for recognition").wait_for(state="detached")
    assert page.get_by_test_id("pledge-status").text_content() == "Submitted for recognition"
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    submitted = mailoutbox[1:]
    assert _subjects(submitted) == [f"[MHR] Pledge submitted for review: {AGENCY_NAME}"]
    assert submitted[0].to == [reviewer.email]

    # --- the reviewer's queue and decisions ------------------------------------------------
    staff = journey(reviewer)
    staff.goto("/staff/pledges/")
    row = staff.get_by_role("row").filter(has_text=agency_a.ori)
    assert "Submitted for recognition" in row.text_content()
    assert "0 of 4" in row.text_content()
    check(staff, "review queue")
    staff.get_by_role("link", name=AGENCY_NAME).click()
    staff.wait_for_url(f"**/staff/pledges/{pledge.pk}/")
    main = staff.inner_text("main")
    assert f"Active sworn officers\t{SWORN}" in main
    assert "Springfield Community Mental Health Center" in main
    assert "General Order 41" in main
    check(staff, "review page")

    keys = list(pledge.rule_version.requirements.order_by("position").values_list("key", flat=True))
    assert keys == ["partnership", "policy", "cit-coverage", "mhfa-remaining"]
    for key in keys:
        form = staff.locator(f"#practice-{key}-form")
        # USWDS moves the radio itself off screen; people click its label.
        form.locator("label", has_text="Approve").click()
        assert form.get_by_label("Approve", exact=True).is_checked()
        form.get_by_label("Comment for the agency").fill(f"Checked the evidence for {key}.")
        form.get_by_role("button", name="Save decision").click()
        if key != keys[-1]:
            staff.locator(f"#practice-{key}-section").filter(has_text="Decided by").wait_for()
    # The last decision completes the round and sends the reviewer back to the queue.
    staff.wait_for_url("**/staff/pledges/")
    assert (
        f"Every practice is decided: {AGENCY_NAME}'s pledge is now recognized"
        in staff.inner_text("main")
    )
    check(staff, "review queue after the decisions")
    staff.goto(f"/staff/pledges/{pledge.pk}/")
    assert staff.get_by_test_id("pledge-status").text_content() == "Recognized"
    assert staff.locator("main form").count() == 0
    check(staff, "review page, decided")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECOGNIZED
    assert pledge.recognized_on == timezone.localdate()
    recognized = mailoutbox[2:]
    assert _subjects(recognized) == [f"[MHR] {AGENCY_NAME} is recognized for the One Mind Campaign"]
    assert recognized[0].to == [alice.email]
    assert "Checked the evidence for cit-coverage." in recognized[0].body

    # Every move is recorded too, by the person who made it.
    moves = AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.PLEDGE_STATUS_CHANGED, object_id=str(pledge.pk)
    ).order_by("occurred_at", "id")
    assert [(e.extra["from"], e.extra["to"], e.actor_id) for e in moves] == [
        ("pledged", "in_progress", alice.pk),
        ("in_progress", "submitted", alice.pk),
        ("submitted", "recognized", reviewer.pk),
    ]

    # --- the coordinator sees the outcome -------------------------------------------------------
    page.goto("/agency/campaign/")
    assert page.get_by_test_id("pledge-status").text_content() == "Recognized"
    review = page.get_by_test_id("review-decisions").inner_text()
    assert "4 practices approved, 0 returned" in review
    assert "Checked the evidence for policy." in review
    check(page, "dashboard, recognized")

    # --- and so does everyone else -----------------------------------------------------------
    public = journey()
    public.goto("/campaign/")
    recent = public.locator("section", has=public.locator("#recent-recognized-heading"))
    assert AGENCY_NAME in recent.inner_text()
    listed = public.locator("#participants").get_by_role("row").filter(has_text=AGENCY_NAME)
    assert "Recognized" in listed.text_content()
    check(public, "public campaign page")

    public.goto(f"/campaign/agencies/{agency_a.ori}/")
    assert "Recognized" in public.locator(".usa-intro").text_content()
    check(public, "public agency page")

    badge = public.request.get(f"/campaign/badge/{agency_a.ori}.svg")
    assert badge.ok
    assert badge.headers["content-type"].startswith("image/svg+xml")
    svg = badge.text()
    assert "Recognized" in svg
    assert f"/campaign/agencies/{agency_a.ori}/" in svg

    assert len(mailoutbox) == 3

    # --- a certificate runs out: the daily run lapses the pledge -------------------------------
    # The coordinator corrects one officer's MHFA certificate: it was a one-off that ran out
    # yesterday. A lapse waits for the daily run (an import in two steps must not flip the badge).
    officer = Officer.objects.get(agency=agency_a, employee_id="2003")
    page.goto(f"/agency/roster/officers/{officer.pk}/")
    page.get_by_role(
        "link", name="Change the Mental Health First Aid for Public Safety record"
    ).click()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Expires on").fill(yesterday.isoformat())
    page.get_by_role("button", name="Save record").click()
    page.wait_for_url(f"**/agency/roster/officers/{officer.pk}/")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECOGNIZED
    call_command("reevaluate_pledges", stdout=io.StringIO())
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.LAPSED
    assert _subjects(mailoutbox[3:]) == [
        f"[MHR] {AGENCY_NAME}'s One Mind Campaign recognition has lapsed"
    ]
    public.goto(f"/campaign/agencies/{agency_a.ori}/")
    assert "Lapsed" in public.locator(".usa-intro").text_content()
    assert "Lapsed" in public.request.get(f"/campaign/badge/{agency_a.ori}.svg").text()
    page.goto("/agency/campaign/")
    assert page.get_by_test_id("pledge-status").text_content() == "Lapsed"
    assert "3 of 4 practices met" in page.inner_text("main")
    check(page, "dashboard, lapsed")

    # --- the renewed certificate restores recognition at once ----------------------------------
    page.goto(f"/agency/roster/officers/{officer.pk}/")
    page.get_by_role("link", name="Add a training record").click()
    page.get_by_label("Course").select_option(label="Mental Health First Aid for Public Safety")
    page.get_by_label("Completed on").fill(yesterday.isoformat())
    page.get_by_role("button", name="Add record").click()
    page.wait_for_url(f"**/agency/roster/officers/{officer.pk}/")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECOGNIZED
    assert _subjects(mailoutbox[4:]) == [
        f"[MHR] {AGENCY_NAME}'s One Mind Campaign recognition is restored"
    ]
    public.goto(f"/campaign/agencies/{agency_a.ori}/")
    assert "Recognized" in public.locator(".usa-intro").text_content()
    assert "Recognized" in public.request.get(f"/campaign/badge/{agency_a.ori}.svg").text()

    assert not found, "Serious or critical accessibility violations:\n" + "\n".join(
        str(v) for v in found
    )
