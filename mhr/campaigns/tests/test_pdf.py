import datetime
import io

import pytest
import time_machine
from pypdf import PdfReader

from mhr.campaigns.pdf import pdf_response, render_pdf
from mhr.campaigns.tests.test_agency_views import make_pledge, make_roster


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(
        datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_render_pdf_turns_a_template_into_a_pdf(db):
    content = render_pdf(
        "campaigns/pdf/certificate.html",
        {
            "agency": {"name": "Test Agency", "ori": "WA0000000", "state": "WA"},
            "campaign": {"name": "Test Campaign"},
            "pledge": None,
            "requirements": [],
        },
    )
    assert content.startswith(b"%PDF-")
    assert "Test Agency" in pdf_text(content)[1]


def test_pdf_response_is_an_attachment_that_is_not_cached():
    response = pdf_response(b"%PDF-1.7", "x.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_the_certificate_is_one_dignified_page_with_the_pledge(
    client_for, alice, one_mind, agency_a
):
    make_pledge(agency_a, one_mind, alice, non_sworn_roles_in_scope=["dispatcher"])
    response = client_for(alice).get("/agency/campaign/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="pledge-certificate-WA0170000.pdf"'
    )
    pages, text = pdf_text(response.content)
    assert pages == 1
    for expected in (
        "Certificate of Pledge",
        "Springfield Police Department",
        "ORI WA0170000",
        "Pat Chief",
        "Chief of Police",
        "January 5, 2026",
        "July 5, 2027",
        "Current pledge",
        "Partnership with a community mental-health organization",
        "Policy on responding to people in crisis",
        "CIT, CRIT or equivalent for at least 20% of sworn officers",
        "MHFA or equivalent for every other sworn officer",
        "dispatcher",
        "http://testserver/campaign/agencies/WA0170000/",
    ):
        # Labels under the signature lines are set in capitals.
        assert expected.lower() in text.lower(), expected


def test_a_2016_pledge_certificate_names_its_rules(client_for, alice, sam, one_mind, agency_a):
    from mhr.campaigns.services.pledges import pledge_create

    pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=sam,
        rule_version="2016",
        agency_head_name="Chief Old",
        agency_head_title="Chief",
        signed_on=datetime.date(2017, 2, 1),
        contact_name="Alice",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2019, 2, 1),
    )
    _, text = pdf_text(client_for(alice).get("/agency/campaign/certificate.pdf").content)
    assert "2016–2018 pledge" in text
    assert "Mental Health First Aid for every sworn officer" in text


def test_the_progress_report_uses_the_dashboards_numbers(client_for, alice, one_mind, agency_a):
    make_pledge(agency_a, one_mind, alice)
    make_roster(agency_a, 30)
    response = client_for(alice).get("/agency/campaign/report.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="pledge-progress-WA0170000-2026-03-10.pdf"'
    )
    _, text = pdf_text(response.content)
    # Text extraction may drop the space where a table cell's line wraps (it depends on the
    # fonts and WeasyPrint's layout), so the cells are compared without spaces.
    unspaced = text.replace(" ", "")
    for expected in (
        "Springfield Police Department",
        "Status: In progress",
        "482 days left",
        "Practices: 1 of 4 met",
        "10 of 30 sworn (33.3%); needs 6",
        "10 without an accepted course",
        "ASurname00002",
        "10 expiring by June 8, 2026",
        "April 1, 2026",
    ):
        assert expected.replace(" ", "") in unspaced, expected


def test_the_report_of_an_empty_roster_still_renders(client_for, bob, one_mind, agency_a, alice):
    make_pledge(agency_a, one_mind, alice)
    response = client_for(bob).get("/agency/campaign/report.pdf")
    _, text = pdf_text(response.content)
    assert "Status: Pledged" in text
    assert "No active sworn officers on the roster" in text
