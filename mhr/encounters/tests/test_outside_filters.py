"""Periods and filters on the views that leave the agency: public page, peers, national.

Filters make cells smaller, so these tests check that a filtered view still hides small counts,
that no hidden cell can be worked out from what a filtered view and the unfiltered view of the
same period show together, and that custom periods are whole months.
"""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from mhr.audit.models import AuditEvent
from mhr.encounters.privacy import (
    _Rest,
    _with_remainders,
    determined_cells,
    filter_cell,
    is_suppressed,
    linked_suppression,
    stats_cells,
)
from mhr.encounters.public_views import agency_public_numbers
from mhr.encounters.services import encounter_settings_update
from mhr.encounters.staff_views import national_rollup
from mhr.encounters.stats import encounter_stats
from mhr.encounters.tests.outside_data import add, make_agency

EventType = AuditEvent.EventType
SUPPRESSED_LABEL = "suppressed to protect privacy"
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def row_cells(html, key):
    start = html.index(f'data-key="{key}"')
    return html[start : html.index("</tr>", start)]


def publish(agency):
    encounter_settings_update(agency=agency, actor=None, transparency_published=True)


@pytest.fixture
def sources(agency_a):
    """50 contacts: 30 from 911, 15 from the non-emergency line, 5 from a crisis line.

    Alone, the crisis line's 5 is hidden, and since 50 - 30 would give it away, the next
    smallest source (non-emergency, 15) is hidden with it.
    """
    add(agency_a, 30, call_source="911")
    add(agency_a, 15, call_source="non_emergency", disposition="referral")
    add(agency_a, 5, call_source="crisis_line", disposition="arrest")
    publish(agency_a)


def _system(agency):
    def system(filters):
        stats = encounter_stats(agency=agency, start=YEAR[0], end=YEAR[1], filters=filters)
        values, relations = stats_cells(stats)
        return stats, values, relations, set()

    return system


def test_a_filtered_total_does_not_give_away_a_cell_the_unfiltered_page_hides(sources, agency_a):
    whole = agency_public_numbers(agency_a, *YEAR, {})
    by_source = {row["code"]: row["count"] for row in whole["call_sources"]}
    assert is_suppressed(by_source["crisis_line"]) and is_suppressed(by_source["non_emergency"])
    # 15 is not small: on its own, the filtered page would show it, and 50 - 30 - 15 = 5.
    filtered = agency_public_numbers(agency_a, *YEAR, {"call_source": "non_emergency"})
    assert is_suppressed(filtered["total"])
    # ...and nothing on the filtered page adds back up to it.
    assert any(is_suppressed(row["count"]) for row in filtered["by_month"] if row["count"] != 0)


@pytest.mark.parametrize(
    "filters",
    [
        {"call_source": "non_emergency"},
        {"call_source": "crisis_line"},
        {"call_source": "911"},
        {"call_source": "non_emergency", "flagged_at_dispatch": "yes"},
        {"cit_officer_on_scene": "yes", "call_source": "crisis_line"},
    ],
)
def test_no_hidden_cell_follows_from_the_filtered_and_unfiltered_pages_together(
    sources, agency_a, filters
):
    """One linear system of both pages' cells and the link between them: every cell either
    page hides stays undetermined by the cells they show."""
    cache: dict = {}
    system = _system(agency_a)
    views = {"all": {}, "one": filters}
    values, relations, hidden = {}, [], set()
    for name, chosen in views.items():
        _, shown_hidden = linked_suppression(system, chosen, cache=cache)
        stats = encounter_stats(agency=agency_a, start=YEAR[0], end=YEAR[1], filters=chosen)
        cells, rels = stats_cells(stats, prefix=(name,))
        values.update(cells)
        relations += rels
        hidden |= {(name, *key) for key in shown_hidden}
    for filter_name, value in filters.items():
        parent = {k: v for k, v in filters.items() if k != filter_name}
        if parent:
            continue  # linked to a view with one filter fewer, checked in its own case
        relations.append((("all", *filter_cell(filter_name, value)), [("one", "total")]))
    cells, closed = _with_remainders(values, relations)
    unknowns = hidden | {key for key in cells if isinstance(key, _Rest)}
    assert not determined_cells(closed, unknowns) & hidden
    assert all(not 1 <= values[key] <= 10 for key in values if key not in hidden)


def test_the_public_page_filters_and_its_downloads_match(sources, agency_a, client):
    url = f"/data/{agency_a.ori}/?year=2025&call_source=911"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Showing only: Call source: 911" in html
    assert ">30<" in row_cells(html, "total")
    assert f'href="/data/{agency_a.ori}/numbers.csv?year=2025&amp;call_source=911"' in html
    body = json.loads(
        client.get(f"/data/{agency_a.ori}/numbers.json?year=2025&call_source=911").content
    )
    assert body["total"] == 30 and body["filters"] == {"call_source": "911"}
    hidden = client.get(f"/data/{agency_a.ori}/numbers.json?year=2025&call_source=crisis_line")
    assert json.loads(hidden.content)["total"] == {"suppressed": True}
    exported = AuditEvent.objects.filter(event_type=EventType.ENCOUNTERS_EXPORTED).latest("id")
    assert exported.extra["filters"] == {"call_source": "crisis_line"}
    assert exported.extra["start"] == "2025-01-01" and exported.extra["format"] == "json"
    viewed = AuditEvent.objects.filter(event_type=EventType.ENCOUNTER_VIEWED).latest("id")
    assert viewed.extra["filters"] == {"call_source": "911"} and viewed.extra["page"] == "public"


def test_the_year_csv_keeps_its_address_and_takes_filters(sources, agency_a, client):
    response = client.get(f"/data/{agency_a.ori}/2025.csv?call_source=non_emergency")
    assert response["Content-Disposition"] == (
        f'attachment; filename="crisis-contacts-{agency_a.ori}-2025-filtered.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    total = next(row for row in rows if row[:2] == ["Headline", "Crisis contacts"])
    assert total[2] == "suppressed"


def test_a_custom_period_is_whole_months(agency_a, client):
    add(agency_a, 12, month=2)  # February 1-12
    add(agency_a, 14, month=3)
    add(agency_a, 20, month=5)
    publish(agency_a)
    response = client.get(f"/data/{agency_a.ori}/?start=2025-02&end=2025-03")
    html = response.content.decode()
    assert response.status_code == 200
    assert "responding to people in crisis, February 2025 to March 2025" in html
    assert "Key numbers, February 1, 2025 to March 31, 2025" in html
    assert ">26<" in row_cells(html, "total")
    download = client.get(f"/data/{agency_a.ori}/numbers.csv?start=2025-02&end=2025-03")
    assert download["Content-Disposition"] == (
        f'attachment; filename="crisis-contacts-{agency_a.ori}-2025-02-to-2025-03.csv"'
    )


def test_the_form_is_a_get_form_with_labels(sources, agency_a, client):
    html = client.get(f"/data/{agency_a.ori}/").content.decode()
    form = html[html.rindex("<form", 0, html.index('aria-label="Period and filters"')) :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form
    for name in (
        "preset",
        "start",
        "end",
        "call_source",
        "flagged_at_dispatch",
        "cit_officer_on_scene",
    ):
        assert f'for="id_{name}"' in form and f'id="id_{name}"' in form
    assert 'name="district"' not in form


# --- peers ----------------------------------------------------------------------------------------


def test_filtered_peer_numbers_stay_suppressed(agency_a, bob, client_for):
    for _ in range(3):
        peer = make_agency("WA", 150)
        add(peer, 20, call_source="911", disposition="referral")
        add(peer, 1, call_source="crisis_line", disposition="arrest")
    add(agency_a, 4, call_source="crisis_line")
    client = client_for(bob)
    html = client.get(
        "/agency/encounters/peers/?year=2025&call_source=crisis_line"
    ).content.decode()
    total = row_cells(html, "total")
    # Own numbers are the agency's own, in full (4); the peers' 3 is hidden.
    assert ">4<" in total and SUPPRESSED_LABEL in total and ">3<" not in total
    unfiltered = row_cells(
        client.get("/agency/encounters/peers/?year=2025").content.decode(), "total"
    )
    assert ">63<" in unfiltered
    pages = AuditEvent.objects.filter(extra__page="peers").order_by("id")
    assert [event.extra["filters"] for event in pages] == [{"call_source": "crisis_line"}, {}]


def test_a_published_peer_cannot_be_subtracted_from_a_filtered_total(agency_a, bob, client_for):
    for n, published in ((30, True), (30, True), (5, False)):
        peer = make_agency("WA", 150)
        add(peer, n, call_source="911")
        add(peer, 20, call_source="crisis_line")
        if published:
            publish(peer)
    html = (
        client_for(bob).get("/agency/encounters/peers/?year=2025&call_source=911").content.decode()
    )
    total = row_cells(html, "total")
    # 65 from 911 calls, minus the two published agencies' 30s, would give the third's 5 away.
    assert ">65<" not in total and SUPPRESSED_LABEL in total


# --- national -------------------------------------------------------------------------------------


@pytest.fixture
def country(agency_a, agency_b):
    """WA: 40 contacts (911), ID: 20 (911) + 14 crisis line, OR (agency B): 5 from a crisis line."""
    add(agency_a, 25, call_source="911")
    add(make_agency("WA", 40), 15, call_source="911")
    pocatello = make_agency("ID", 60)
    add(pocatello, 20, call_source="911")
    add(pocatello, 14, call_source="crisis_line")
    add(agency_b, 5, call_source="crisis_line")


def test_a_filtered_national_roll_up_suppresses_small_states(country):
    rollup = national_rollup(period=YEAR, filters={"call_source": "crisis_line"})
    rows = {row.code: row for row in rollup["state_rows"]}
    assert is_suppressed(rows["OR"].total)
    # 19 nationally and 14 in Idaho would give Oregon's 5 away: one more is hidden.
    assert is_suppressed(rows["ID"].total) or is_suppressed(rollup["numbers"]["total"])
    assert rows["WA"].total == "0"  # a true zero, shown


def test_the_national_csv_is_suppressed_audited_and_for_staff(country, sam, alice, client_for):
    url = "/staff/encounters/national.csv?year=2025&call_source=crisis_line"
    response = client_for(sam).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="crisis-contacts-national-2025-filtered.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Area", "Item", "Count", "Rate"]
    oregon = next(r for r in rows if r[1] == "Oregon" and r[2] == "Crisis contacts")
    assert oregon[3] == "suppressed"
    counts = [r[3] for r in rows[1:] if r[2] != "Agencies"]
    assert not any(value.isdigit() and 1 <= int(value) <= 10 for value in counts)
    event = AuditEvent.objects.filter(event_type=EventType.ENCOUNTERS_EXPORTED).latest("id")
    assert event.extra == {
        **event.extra,
        "page": "national",
        "format": "csv",
        "filters": {"call_source": "crisis_line"},
        "start": "2025-01-01",
        "end": "2025-12-31",
    }
    assert client_for(alice).get(url).status_code == 403


def test_the_national_page_links_its_csv_with_the_same_query(country, sam, client_for):
    html = client_for(sam).get("/staff/encounters/?start=2025-01&end=2025-06").content.decode()
    assert "National roll-up of crisis contacts, January 2025 to June 2025" in html
    assert 'href="/staff/encounters/national.csv?start=2025-01&amp;end=2025-06"' in html


def test_the_national_csv_refuses_a_bad_period(sam, client_for):
    response = client_for(sam).get("/staff/encounters/national.csv?start=2025-07&end=2025-01")
    assert response.status_code == 400
    assert "The last month is before the first month." in response.content.decode()


def test_the_coordinator_previews_a_filtered_period_before_publishing(agency_a, alice, client_for):
    add(agency_a, 30, call_source="911", month=2)
    add(agency_a, 4, call_source="crisis_line", month=2)
    client = client_for(alice)
    html = client.get(
        "/agency/encounters/transparency/?start=2025-02&end=2025-02&call_source=crisis_line"
    ).content.decode()
    assert "Preview: what the public sees for February 2025" in html
    assert SUPPRESSED_LABEL in row_cells(html, "total")  # the 4 is hidden, as it would be
    bad = client.get("/agency/encounters/transparency/?start=2025-02")
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter the last month of the period." in body and "Publish the page" in body


def test_a_custom_period_does_not_claim_a_year(agency_a, client):
    add(agency_a, 12, month=2)
    publish(agency_a)
    html = client.get(f"/data/{agency_a.ori}/?start=2025-02&end=2025-02").content.decode()
    select = html[
        html.index('id="id_preset"') : html.index("</select>", html.index('id="id_preset"'))
    ]
    assert '<option value="" selected>Custom period (months below)</option>' in select
    # Choosing the blank option without months falls back to the latest year, not an error.
    assert client.get(f"/data/{agency_a.ori}/?preset=&start=&end=").status_code == 200
