"""The staff national roll-up: totals by state, suppressed together, never one agency's numbers."""

from __future__ import annotations

import pytest

from mhr.audit.models import AuditEvent
from mhr.encounters.privacy import is_suppressed
from mhr.encounters.staff_views import national_rollup
from mhr.encounters.tests.outside_data import add, make_agency

URL = "/staff/encounters/?year=2025"
SUPPRESSED_LABEL = "suppressed to protect privacy"


def state_row(html, state):
    start = html.index(f'data-state="{state}"')
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def country(agency_a, agency_b):
    """WA: A (25) and another agency (15) = 40 contacts, 12 arrests. ID: 20. OR: B with 5."""
    add(agency_a, 13, disposition="referral")
    add(agency_a, 12, disposition="arrest")
    add(make_agency("WA", 40, name="Ogdenville Police"), 15, disposition="referral")
    add(make_agency("ID", 60, name="Pocatello Police"), 20, disposition="referral")
    add(agency_b, 5, disposition="referral")


def test_staff_see_state_totals(country, sam, client_for):
    response = client_for(sam).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    wa = state_row(html, "WA")
    assert ">40<" in wa and ">12<" in wa and "30.0%" in wa
    assert "Key numbers, January 1, 2025 to December 31, 2025" in html
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, extra__page="national", actor=sam
    ).exists()


def test_a_small_state_cannot_be_worked_out_from_the_national_total(country):
    rollup = national_rollup(2025)
    rows = {row.code: row for row in rollup["state_rows"]}
    assert is_suppressed(rows["OR"].total)
    # 65 nationally, 40 in WA and 20 in ID would give Oregon's 5 away: one more is hidden.
    others = [rows["WA"].total, rows["ID"].total, rollup["numbers"]["total"]]
    assert any(is_suppressed(value) for value in others)


def test_no_agency_is_named_or_counted_alone(country, sam, client_for):
    html = client_for(sam).get(URL).content.decode()
    for name in ("Springfield Police Department", "Ogdenville Police", "Pocatello", "Shelbyville"):
        assert name not in html
    assert ">25<" not in html  # agency A's own total


@pytest.mark.parametrize("role", ["alice", "bob", "carol"])
def test_agency_users_cannot_see_the_roll_up(role, request, client_for):
    assert client_for(request.getfixturevalue(role)).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_a_published_agency_cannot_be_subtracted_from_its_state(agency_a, alice, agency_b, sam):
    from mhr.encounters.services import encounter_settings_update

    add(agency_a, 40, disposition="referral")
    encounter_settings_update(agency=agency_a, actor=alice, transparency_published=True)
    add(make_agency("WA", 40), 5, disposition="referral")
    add(agency_b, 60, disposition="referral")
    add(make_agency("ID", 30), 50, disposition="referral")
    rows = {row.code: row for row in national_rollup(2025)["state_rows"]}
    # WA's 45 minus A's published 40 would give the other WA agency's 5 away.
    assert is_suppressed(rows["WA"].total)


FILTER_SETS = [
    {},
    {"call_source": "911"},
    {"flagged_at_dispatch": "yes"},
    {"call_source": "911", "flagged_at_dispatch": "yes", "cit_officer_on_scene": "no"},
    {"cit_officer_on_scene": "unknown"},
    {"district": "North"},
    {"district": "", "call_source": "911"},
]


def test_every_state_read_once_and_filtered_in_python_equals_one_state_at_a_time(country):
    import datetime

    from mhr.accounts.models import Agency
    from mhr.encounters.stats import encounter_stats_for_agencies, state_stats_reader

    add(make_agency("ID", 30), 4, month=11, call_source="911", flagged_at_dispatch=True)
    add(make_agency("WA", 20), 3, month=4, district="North", cit_officer_on_scene=False)
    make_agency("MT", 10)  # a state with an agency and no records
    states = set(Agency.objects.values_list("state", flat=True))
    for period in (
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2025, 3, 1), datetime.date(2025, 11, 30)),
    ):
        # One reader for every set of filters, as the national page's linked views use it.
        reader = state_stats_reader(start=period[0], end=period[1])
        for filters in FILTER_SETS:
            grouped = reader(filters)
            assert set(grouped) == states
            for state in states:
                one = encounter_stats_for_agencies(
                    agencies=Agency.objects.filter(state=state),
                    start=period[0],
                    end=period[1],
                    filters=filters,
                )
                assert grouped[state] == one, (state, filters)


def test_a_period_that_cuts_a_month_is_left_to_the_per_state_reads(country):
    import datetime

    from mhr.encounters.stats import encounter_stats_by_state

    cut = encounter_stats_by_state(start=datetime.date(2025, 3, 5), end=datetime.date(2025, 6, 30))
    assert cut is None
