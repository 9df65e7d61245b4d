"""Messaging worksheets: correct numbers, pledge progress, national facts, editing and exports.

Expected figures are worked out here from the records the tests create, not from stats.py.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Pledge
from mhr.clearinghouse.models import Fact
from mhr.encounters.models import Encounter, MessagingWorksheet
from mhr.encounters.services import encounter_create
from mhr.encounters.tests.factories import encounter_values
from mhr.encounters.tests.outside_data import add, at
from mhr.encounters.worksheet_services import worksheet_create, worksheet_save

EventType = AuditEvent.EventType
NEW_URL = "/agency/encounters/worksheets/new/"

# (how many, month, values): 40 complete records of agency A in 2025.
GROUPS = [
    (24, 3, {"disposition": "voluntary_transport", "force": "none", "cit_officer_on_scene": True, "flagged_at_dispatch": True}),
    (6, 7, {"disposition": "referral", "force": "none", "cit_officer_on_scene": False, "flagged_at_dispatch": False}),
    (3, 10, {"disposition": "arrest", "force": "physical", "cit_officer_on_scene": True, "flagged_at_dispatch": True}),
    (5, 12, {"disposition": "resolved_on_scene", "force": "none", "cit_officer_on_scene": None, "flagged_at_dispatch": None}),
    (2, 1, {"disposition": "involuntary_evaluation", "force": "physical", "cit_officer_on_scene": False, "flagged_at_dispatch": True}),
]  # fmt: skip


def whole_percent(numerator, denominator):
    """Half-up rounding to a whole percent, in integers."""
    return f"{(200 * numerator + denominator) // (2 * denominator)}%"


def expected(groups):
    rows = [values for n, _, values in groups for _ in range(n)]
    total = len(rows)
    arrests = sum(1 for r in rows if r["disposition"] == "arrest")
    forced = sum(1 for r in rows if r["force"] not in ("none", "unknown"))
    cit_known = [r for r in rows if r["cit_officer_on_scene"] is not None]
    cit_on = sum(1 for r in cit_known if r["cit_officer_on_scene"])
    care = sum(1 for r in rows if r["disposition"] in ("referral", "voluntary_transport"))
    flag_known = [r for r in rows if r["flagged_at_dispatch"] is not None]
    flagged = sum(1 for r in flag_known if r["flagged_at_dispatch"])
    return {
        "total": total,
        "no_arrest": whole_percent(total - arrests, total),
        "no_force": whole_percent(total - forced, total),
        "cit": (whole_percent(cit_on, len(cit_known)), len(cit_known)),
        "care": (care, whole_percent(care, total)),
        "flagged": (whole_percent(flagged, len(flag_known)), len(flag_known)),
    }


@pytest.fixture
def records(agency_a, agency_b, alice):
    for n, month, values in GROUPS:
        add(agency_a, n, month=month, **values)
    # None of these count: another year, a draft, another agency.
    add(agency_a, 4, year=2024, disposition="arrest")
    encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(received_at=at(5), disposition="arrest"),
        status=Encounter.Status.DRAFT,
    )
    add(agency_b, 9, disposition="arrest")


def create(agency, user, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)):
    return worksheet_create(
        agency=agency, actor=user, title="Council briefing", period_start=start, period_end=end
    )


def texts(worksheet, kind=None):
    return {p["key"]: p["text"] for p in worksheet.points if kind is None or p["kind"] == kind}


def test_the_agency_points_have_the_right_numbers(agency_a, alice, records):
    want = expected(GROUPS)
    points = texts(create(agency_a, alice), "agency")
    assert (
        points["volume"] == f"In 2025, our officers responded to {want['total']} crisis contacts."
    )
    assert points["no_arrest"] == (
        f"In 2025, {want['no_arrest']} of {want['total']} crisis contacts ended without arrest."
    )
    assert want["no_arrest"] == "93%"  # 37 of 40 = 92.5%, rounded half up
    assert points["no_force"] == (
        f"In 2025, {want['no_force']} of {want['total']} crisis contacts were resolved without "
        "any recorded use of force."
    )
    assert points["cit_on_scene"] == (
        f"In 2025, a CIT-trained officer was on scene in {want['cit'][0]} of the "
        f"{want['cit'][1]} crisis contacts where this was recorded."
    )
    assert points["referral_transport"] == (
        f"In 2025, {want['care'][0]} crisis contacts ({want['care'][1]}) ended with a referral to "
        "services or a voluntary transport to care."
    )
    assert points["flagged_at_dispatch"].startswith(
        f"In 2025, dispatch identified {want['flagged'][0]} of {want['flagged'][1]} crisis contacts"
    )


def test_every_point_carries_its_source_and_year(agency_a, alice, records):
    worksheet = create(agency_a, alice)
    for point in worksheet.points:
        assert point["source"] and point["year"], point
    agency_point = next(p for p in worksheet.points if p["key"] == "volume")
    assert agency_a.name in agency_point["source"] and agency_point["year"] == "2025"


def test_a_partial_period_is_named_by_its_dates(agency_a, alice, records):
    worksheet = create(agency_a, alice, datetime.date(2025, 3, 1), datetime.date(2025, 6, 30))
    points = texts(worksheet, "agency")
    # Only the 24 March records fall in the period; none ended in arrest.
    assert points["volume"] == (
        "Between March 1, 2025 and June 30, 2025, our officers responded to 24 crisis contacts."
    )
    assert "100% of 24 crisis contacts ended without arrest" in points["no_arrest"]


def test_a_share_short_of_all_never_reads_100_percent(agency_a, alice):
    add(agency_a, 250, disposition="referral")
    add(agency_a, 1, disposition="arrest")
    points = texts(create(agency_a, alice), "agency")
    assert "more than 99% of 251 crisis contacts ended without arrest" in points["no_arrest"]


def test_a_period_without_records_says_so(agency_a, alice):
    points = texts(create(agency_a, alice), "agency")
    assert points == {"volume": "In 2025, no crisis contacts were recorded in MHR."}


def test_pledge_progress_appears_only_with_a_pledge(agency_a, alice, one_mind, records):
    assert not texts(create(agency_a, alice), "pledge")
    Pledge.objects.create(
        agency=agency_a,
        campaign=one_mind,
        rule_version=one_mind.rule_versions.get(code="current"),
        agency_head_name="Chief Ada Park",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2025, 1, 15),
        contact_name="Alice Archer",
        contact_email=alice.email,
        target_completion_on=datetime.date(2027, 1, 15),
    )
    pledge = texts(create(agency_a, alice), "pledge")
    assert pledge["pledge_practices"].startswith(
        "We signed the One Mind Campaign pledge on January 15, 2025; 0 of "
    )


def test_national_facts_come_from_the_clearinghouse_with_caveats(agency_a, alice):
    retired = Fact.objects.create(statement="An old figure.", source="Old source", is_active=False)
    worksheet = create(agency_a, alice)
    national = [p for p in worksheet.points if p["kind"] == "national"]
    assert len(national) == Fact.objects.filter(is_active=True).count() >= 8
    assert f"fact-{retired.pk}" not in texts(worksheet)
    reported = [p for p in national if p["program_reported"]]
    assert reported and all("not an independent evaluation" in p["caveat"] for p in reported)
    assert all(p["year"] for p in national)


def test_a_coordinator_generates_edits_and_exports(agency_a, alice, records, client_for):
    client = client_for(alice)
    response = client.post(
        NEW_URL,
        {"title": "Council, May", "period_start": "2025-01-01", "period_end": "2025-12-31"},
    )
    worksheet = MessagingWorksheet.objects.get(agency=agency_a)
    assert response.status_code == 302 and response["Location"].endswith(f"/{worksheet.pk}/")
    original = list(worksheet.points)

    data = {"title": "Council, May (final)"}
    for index, point in enumerate(original):
        data[f"text_{index}"] = point["text"]
        data[f"keep_{index}"] = "on"
        data[f"position_{index}"] = str(index + 2)
    data["text_0"] = "Edited: " + original[0]["text"]
    del data["keep_1"]  # remove the second point
    last = len(original) - 1
    data[f"position_{last}"] = "1"  # move the last point first
    url = f"/agency/encounters/worksheets/{worksheet.pk}/"
    assert client.post(url, data).status_code == 302

    worksheet.refresh_from_db()
    keys = [p["key"] for p in worksheet.points]
    assert keys == [
        original[last]["key"],
        original[0]["key"],
        *[p["key"] for p in original[2:last]],
    ]
    assert worksheet.points[1]["text"] == "Edited: " + original[0]["text"]
    assert worksheet.points[1]["source"] == original[0]["source"]
    assert worksheet.title == "Council, May (final)"
    saved = AuditEvent.objects.filter(event_type=EventType.WORKSHEET_SAVED, agency=agency_a)
    assert saved.count() == 2
    assert saved.order_by("-id").first().extra["removed"] == [original[1]["key"]]

    pdf = client.get(url + "worksheet.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="worksheet-{agency_a.ori}-{worksheet.pk}.pdf"'
    )
    from pypdf import PdfReader

    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Edited:" in pdf_text and expected(GROUPS)["no_force"] in pdf_text

    docx_response = client.get(url + "worksheet.docx")
    assert docx_response["Content-Disposition"] == (
        f'attachment; filename="worksheet-{agency_a.ori}-{worksheet.pk}.docx"'
    )
    import docx

    document = docx.Document(io.BytesIO(docx_response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Edited: " + original[0]["text"] in paragraphs
    assert original[1]["text"] not in paragraphs
    # The chief's order holds in the document: the fact moved first comes before our numbers.
    assert paragraphs.index(original[last]["text"]) < paragraphs.index(
        "Edited: " + original[0]["text"]
    )
    assert any(p.startswith("Program-reported. Source:") for p in paragraphs)
    exported = AuditEvent.objects.filter(event_type=EventType.WORKSHEET_EXPORTED, agency=agency_a)
    assert sorted(e.extra["format"] for e in exported) == ["docx", "pdf"]


def test_an_empty_point_is_refused_and_nothing_is_saved(agency_a, alice, records, client_for):
    worksheet = create(agency_a, alice)
    data = {"title": "T"}
    for index, point in enumerate(worksheet.points):
        data.update(
            {f"text_{index}": point["text"], f"keep_{index}": "on", f"position_{index}": "1"}
        )
    data["text_0"] = ""
    response = client_for(alice).post(f"/agency/encounters/worksheets/{worksheet.pk}/", data)
    assert response.status_code == 400
    assert 'href="#id_text_0"' in response.content.decode()
    worksheet.refresh_from_db()
    assert worksheet.title == "Council briefing"


def test_the_service_refuses_points_the_worksheet_does_not_have(agency_a, alice):
    worksheet = create(agency_a, alice)
    with pytest.raises(ValidationError):
        worksheet_save(worksheet=worksheet, actor=alice, title="T", texts=[("made-up", "Hi")])
    with pytest.raises(ValidationError):
        worksheet_save(worksheet=worksheet, actor=alice, title="T", texts=[])


def test_a_period_that_ends_first_is_refused(agency_a, alice, client_for):
    response = client_for(alice).post(
        NEW_URL, {"title": "T", "period_start": "2025-06-01", "period_end": "2025-01-01"}
    )
    assert response.status_code == 400
    assert not MessagingWorksheet.objects.exists()


@pytest.mark.parametrize("suffix", ["", "worksheet.pdf", "worksheet.docx"])
def test_other_agencies_and_staff_get_not_found(suffix, agency_a, alice, carol, sam, client_for):
    worksheet = create(agency_a, alice)
    url = f"/agency/encounters/worksheets/{worksheet.pk}/{suffix}"
    assert client_for(carol).get(url).status_code == 404
    assert client_for(sam).get(url).status_code == 404


def test_members_cannot_open_worksheets(agency_a, alice, bob, client_for):
    worksheet = create(agency_a, alice)
    client = client_for(bob)
    assert client.get(f"/agency/encounters/worksheets/{worksheet.pk}/").status_code == 403
    assert client.get("/agency/encounters/worksheets/").status_code == 403
    assert client.post(NEW_URL, {"title": "T"}).status_code == 403


def test_the_list_shows_only_own_worksheets_in_constant_queries(
    agency_a, agency_b, alice, carol, client_for
):
    create(agency_b, carol)
    client = client_for(alice)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/agency/encounters/worksheets/")
        assert response.status_code == 200
        return len(captured), response.content.decode()

    create(agency_a, alice)
    few, html = queries()
    assert html.count('<tr><th scope="row">') == 1  # A's one worksheet, not B's
    for _ in range(3):
        create(agency_a, alice)
    assert queries()[0] == few
