"""The agency dashboard page: periods, filters, charts, empty state, audit and isolation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.encounters.dashboard_views import preset_period
from mhr.encounters.services import encounter_create
from mhr.encounters.tests.factories import encounter_values

URL = "/agency/encounters/dashboard/"
UTC = datetime.UTC
NOW = datetime.datetime(2025, 11, 20, 18, 0, tzinfo=UTC)
CHARTS = ("volume", "flagged", "dispositions", "outcomes", "cit", "repeat", "time", "sources")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _main(response) -> str:
    """The page's own content (the header's menu icon is an img too)."""
    return response.content.decode().split('id="main-content"', 1)[1]


def _record(agency, user, **overrides):
    return encounter_create(agency=agency, actor=user, values=encounter_values(**overrides))


@pytest.fixture
def records(agency_a, alice):
    _record(agency_a, alice, received_at=datetime.datetime(2025, 3, 14, 21, 5, tzinfo=UTC))
    _record(
        agency_a,
        alice,
        received_at=datetime.datetime(2025, 6, 2, 15, tzinfo=UTC),
        disposition="arrest",
        cit_officer_on_scene=False,
        call_source="non_emergency",
        district="SOUTH",
    )


def test_it_shows_every_chart_with_text_and_table(client_for, bob, records):
    response = client_for(bob).get(URL)

    assert response.status_code == 200
    html = _main(response)
    for slug in CHARTS:
        assert f'data-testid="chart-{slug}"' in html
        assert f'id="chart-{slug}-title"' in html and f'id="chart-{slug}-desc"' in html
    assert html.count('role="img"') == len(CHARTS)
    assert html.count("<caption>") == len(CHARTS)
    assert 'data-testid="dashboard-total">2 complete encounters' in html
    assert "1 of 2 encounters (50%) ended in arrest" in html
    assert "Not cause and effect." in html
    assert "style=" not in html  # CSP: no inline styles


def test_it_writes_one_viewed_audit_row(client_for, bob, records, agency_a):
    client_for(bob).get(URL + "?preset=2025&call_source=911")

    events = AuditEvent.objects.filter(event_type=AuditEvent.EventType.ENCOUNTER_VIEWED)
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.agency) == (bob, agency_a)
    assert event.extra["start"] == "2025-01-01" and event.extra["filters"] == {"call_source": "911"}


def test_it_filters_and_keeps_the_filters_in_the_export_links(client_for, bob, records):
    response = client_for(bob).get(URL + "?preset=2025&district=SOUTH")

    html = _main(response)
    assert 'data-testid="dashboard-total">1 complete encounter<' in html
    assert "export/volume.csv?preset=2025&amp;district=SOUTH" in html


def test_it_uses_custom_dates(client_for, bob, records):
    response = client_for(bob).get(URL + "?start=2025-03-01&end=2025-03-31")

    assert 'data-testid="dashboard-total">1 complete encounter<' in _main(response)


def test_it_is_honest_when_there_is_nothing(client_for, bob, records):
    response = client_for(bob).get(URL + "?preset=2021")

    html = _main(response)
    assert 'data-testid="dashboard-empty"' in html
    assert 'role="img"' not in html and "<table" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2025-05-01&end=2025-04-01", "The last day is before the first day."),
        ("start=2025-05-01", "Enter the last day of the period."),
        ("start=2001-01-01&end=2025-01-01", "at most ten years"),
        ("start=31/31/2025&end=2025-01-01", "Enter a valid date."),
        ("call_source=pigeon", "Select a valid choice."),
        ("district=NOWHERE", "Select a valid choice."),
    ],
)
def test_it_explains_bad_periods_and_filters(client_for, bob, records, query, message):
    response = client_for(bob).get(f"{URL}?{query}")

    assert response.status_code == 400
    html = _main(response)
    assert message in html and 'role="alert"' in html
    assert 'role="img"' not in html
    assert not AuditEvent.objects.filter(event_type=AuditEvent.EventType.ENCOUNTER_VIEWED).exists()


def test_it_shows_only_the_users_own_agency(client_for, carol, records, agency_b):
    response = client_for(carol).get(URL + "?preset=2025")

    assert response.status_code == 200
    html = _main(response)
    assert "Shelbyville" in html and "Springfield" not in html
    assert 'data-testid="dashboard-empty"' in html


def test_staff_without_an_agency_get_404(client_for, sam):
    assert client_for(sam).get(URL).status_code == 404


def test_it_needs_a_constant_number_of_queries(client_for, bob, agency_a, alice, records):
    client = client_for(bob)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL + "?preset=2025")
    for day in range(1, 25):
        _record(
            agency_a,
            alice,
            received_at=datetime.datetime(2025, 1 + day % 10, day, 12, tzinfo=UTC),
            district=f"D{day % 4}",
            person_key=f"P{day % 3}",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(URL + "?preset=2025")
    assert len(many) == len(few)


def test_the_presets_cover_the_right_days():
    today = datetime.date(2025, 11, 20)
    assert preset_period("last_12_months", today) == (datetime.date(2024, 12, 1), today)
    assert preset_period("year_to_date", today) == (datetime.date(2025, 1, 1), today)
    assert preset_period("2024", today) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert preset_period("2025", today) == (datetime.date(2025, 1, 1), today)
