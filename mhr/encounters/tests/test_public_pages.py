"""The opt-in public transparency page: 404 until published, suppressed numbers once it is."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.encounters.models import Encounter, EncounterSettings
from mhr.encounters.services import encounter_create, encounter_settings_update
from mhr.encounters.tests.factories import encounter_values
from mhr.encounters.tests.outside_data import add, at, make_agency

EventType = AuditEvent.EventType
SUPPRESSED_LABEL = "suppressed to protect privacy"


def page_url(agency, suffix=""):
    return f"/data/{agency.ori}/{suffix}"


@pytest.fixture
def records_a(agency_a):
    """30 contacts in March 2025: 25 voluntary transports, 3 arrests, 2 referrals; no force."""
    add(agency_a, 25, disposition="voluntary_transport")
    add(agency_a, 3, disposition="arrest")
    add(agency_a, 2, disposition="referral")


def publish(agency, user):
    encounter_settings_update(agency=agency, actor=user, transparency_published=True)


def row_cells(html, key):
    start = html.index(f'data-key="{key}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize("role", ["anonymous", "alice", "bob", "carol", "sam"])
@pytest.mark.parametrize("suffix", ["", "2025.csv", "2025.json", "numbers.csv?year=2025"])
def test_an_unpublished_page_is_not_found_for_everyone(
    role, suffix, request, agency_a, client_for, alice, bob, carol, sam
):
    add(agency_a, 12)
    client = client_for(None if role == "anonymous" else request.getfixturevalue(role))
    assert client.get(page_url(agency_a, suffix)).status_code == 404


def test_a_coordinator_publishes_after_previewing_the_suppressed_numbers(
    agency_a, records_a, alice, client_for
):
    client = client_for(alice)
    preview = client.get("/agency/encounters/transparency/?year=2025")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Not published" in html
    assert '<option value="2025" selected>' in html
    assert SUPPRESSED_LABEL in row_cells(html, "arrests")
    assert ">30<" in row_cells(html, "total")

    response = client.post("/agency/encounters/transparency/", {"action": "publish"})
    assert response.status_code == 302
    assert EncounterSettings.objects.get(agency=agency_a).transparency_published
    assert AuditEvent.objects.filter(
        event_type=EventType.TRANSPARENCY_PUBLISHED, agency=agency_a, actor=alice
    ).exists()
    assert client_for(None).get(page_url(agency_a)).status_code == 200
    listing = client.get("/data/").content.decode()
    assert agency_a.name in listing


def test_the_public_page_hides_small_counts_and_shows_true_zeros(
    agency_a, alice, records_a, client
):
    publish(agency_a, alice)
    response = client.get(page_url(agency_a) + "?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    # 3 arrests and 2 referrals are hidden; 30 contacts and 25 transports are not.
    arrests = row_cells(html, "arrests")
    assert SUPPRESSED_LABEL in arrests and ">3<" not in arrests
    assert ">30<" in row_cells(html, "total")
    # No force was used: a true zero, not a hidden value.
    force = row_cells(html, "force")
    assert ">0<" in force and SUPPRESSED_LABEL not in force
    dispositions = html[html.index('data-testid="table-dispositions"') :]
    dispositions = dispositions[: dispositions.index("</table>")]
    assert ">25<" in dispositions
    assert dispositions.count(SUPPRESSED_LABEL) == 2
    # The chart says the same, with text for screen readers.
    assert 'role="img"' in html and "2 values are hidden to protect privacy." in html
    assert AuditEvent.objects.filter(
        event_type=EventType.ENCOUNTER_VIEWED, agency=agency_a, extra__page="public"
    ).exists()


def test_the_downloads_mark_hidden_values_and_keep_zeros(agency_a, alice, records_a, client):
    publish(agency_a, alice)
    response = client.get(page_url(agency_a, "2025.csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="crisis-contacts-{agency_a.ori}-2025.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert "Headline,Ended in arrest,suppressed,suppressed" in lines
    assert "Headline,Crisis contacts,30," in lines
    assert "Headline,Force used,0,0.0%" in lines

    response = client.get(page_url(agency_a, "2025.json"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="crisis-contacts-{agency_a.ori}-2025.json"'
    )
    body = json.loads(response.content)
    assert body["total"] == 30
    assert body["arrests"] == {"suppressed": True}
    assert body["force_used"] == 0
    assert body["rates"]["arrest"]["value"] == {"suppressed": True}
    assert (
        AuditEvent.objects.filter(event_type=EventType.ENCOUNTERS_EXPORTED, agency=agency_a).count()
        == 2
    )


def test_withdrawing_takes_the_page_down(agency_a, alice, records_a, client_for):
    publish(agency_a, alice)
    client = client_for(alice)
    assert (
        client.post("/agency/encounters/transparency/", {"action": "withdraw"}).status_code == 302
    )
    assert client.get(page_url(agency_a)).status_code == 404
    assert AuditEvent.objects.filter(
        event_type=EventType.TRANSPARENCY_UNPUBLISHED, agency=agency_a
    ).exists()


def test_members_cannot_publish(agency_a, bob, client_for):
    response = client_for(bob).post("/agency/encounters/transparency/", {"action": "publish"})
    assert response.status_code == 403
    assert not EncounterSettings.objects.filter(
        agency=agency_a, transparency_published=True
    ).exists()


def test_a_coordinator_publishes_only_their_own_agency(agency_a, agency_b, carol, client_for):
    client = client_for(carol)
    assert client.post("/agency/encounters/transparency/", {"action": "publish"}).status_code == 302
    assert client.get(page_url(agency_b)).status_code == 200
    assert client.get(page_url(agency_a)).status_code == 404


def test_the_introduction_is_saved_and_shown(agency_a, alice, client_for):
    client = client_for(alice)
    client.post(
        "/agency/encounters/transparency/",
        {"action": "publish", "transparency_note": "Questions: data@springfield.example"},
    )
    assert "data@springfield.example" in client.get(page_url(agency_a)).content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=20x5", "Choose one of the years in the list, or a custom period below."),
        ("start=2025-13&end=2025-12", "Type the month as YYYY-MM, e.g. 2025-03."),
        ("start=2025-03", "Enter the last month of the period."),
        ("start=2025-06&end=2025-03", "The last month is before the first month."),
        ("start=1850-01&end=2025-03", "Choose a month from 2000 to"),
        ("start=2010-01&end=2025-03", "Choose a period of at most ten years."),
        ("year=2025&call_source=fax", "Select a valid choice."),
    ],
)
def test_a_bad_period_or_filter_is_explained(query, message, agency_a, alice, records_a, client):
    publish(agency_a, alice)
    response = client.get(page_url(agency_a) + "?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Check the period and filters" in html and message in html
    assert 'data-key="total"' not in html  # no numbers for a period nobody asked for
    download = client.get(page_url(agency_a, "numbers.csv") + "?" + query)
    assert download.status_code == 400 and message in download.content.decode()
    assert client.get(page_url(agency_a, "1850.csv")).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(db, client):
    def listing_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/data/").status_code == 200
        return len(queries)

    for _ in range(2):
        publish(make_agency(), None)
    few = listing_queries()
    for _ in range(4):
        publish(make_agency(), None)
    assert listing_queries() == few


def test_the_years_offered_are_those_with_complete_records_of_that_agency(agency_a, agency_b):
    from mhr.encounters.public_views import years_with_data
    from mhr.encounters.staff_views import _years_with_data

    add(agency_a, 2, year=2023)
    add(agency_a, 1, year=2025, month=7)
    add(agency_b, 1, year=2021)
    encounter_create(
        agency=agency_a,
        actor=None,
        values=encounter_values(received_at=at(5, 3, 2022)),
        status=Encounter.Status.DRAFT,
    )
    assert years_with_data(agency_a) == [2025, 2023]
    assert years_with_data(agency_b) == [2021]
    assert _years_with_data() == [2025, 2023, 2021]
