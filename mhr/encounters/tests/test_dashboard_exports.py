"""Dashboard downloads: CSV (formula-safe), SVG and PNG of each chart, audited, own agency only."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from PIL import Image

from mhr.audit.models import AuditEvent
from mhr.encounters.dashboard_charts import chart_svg
from mhr.encounters.services import encounter_create
from mhr.encounters.tests.factories import encounter_values

BASE = "/agency/encounters/dashboard/export/"
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 18, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def records(agency_a, alice):
    for district, disposition in (("SOUTH", "arrest"), ("NORTH", "referral")):
        encounter_create(
            agency=agency_a,
            actor=alice,
            values=encounter_values(district=district, disposition=disposition),
        )


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_exports_a_chart_as_csv(client_for, bob, records, agency_a):
    response = client_for(bob).get(BASE + "dispositions.csv?preset=2025")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "encounters-dispositions-2025-01-01-to-2025-11-20.csv" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["Disposition", "Encounters", "Share of all encounters (%)"]
    assert ["Arrest", "1", "50.0"] in rows
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.ENCOUNTERS_EXPORTED)
    assert (event.actor, event.agency) == (bob, agency_a)
    assert event.extra["chart"] == "dispositions" and event.extra["format"] == "csv"


def test_csv_cells_cannot_become_formulas(client_for, bob, records, monkeypatch):
    # Today's labels come from fixed choices; the view must still write through the
    # formula-safe writer, whatever a label may hold tomorrow.
    from mhr.encounters import dashboard_views

    real = dashboard_views.build_charts

    def with_formula_label(stats, *, agency_name):
        charts = real(stats, agency_name=agency_name)
        charts[0].rows[0][0] = "=HYPERLINK(1)"
        return charts

    monkeypatch.setattr(dashboard_views, "build_charts", with_formula_label)
    response = client_for(bob).get(BASE + "volume.csv?preset=2025")

    assert _rows(response)[1][0] == "'=HYPERLINK(1)"


def test_it_exports_svg_and_png(client_for, bob, records):
    client = client_for(bob)
    svg = client.get(BASE + "cit.svg?preset=2025")
    png = client.get(BASE + "cit.png?preset=2025")

    assert svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    assert text.startswith("<svg") and 'role="img"' in text and "<title" in text
    assert "CIT-trained officer on scene or not" in text
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width >= 720
    assert (
        AuditEvent.objects.filter(event_type=AuditEvent.EventType.ENCOUNTERS_EXPORTED).count() == 2
    )


def test_svg_text_is_escaped():
    stats_like = {
        "total": 1,
        "period": {"start": "2025-01-01", "end": "2025-01-31", "days": 31},
        "by_month": [{"month": "2025-01", "count": 1}],
    }
    from mhr.encounters import dashboard_charts

    chart = dashboard_charts._volume(stats_like, 1, "January", "<script>alert(1)</script>")
    assert "<script>" not in chart_svg(chart)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("nothing.csv?preset=2025", 404),
        ("volume.xls?preset=2025", 404),
        ("volume.csv?preset=2021", 404),  # no encounters: nothing to export
        ("volume.csv?start=2025-02-01&end=2025-01-01", 400),
    ],
)
def test_it_refuses_what_it_cannot_export(client_for, bob, records, path, status):
    assert client_for(bob).get(BASE + path).status_code == status
    assert not AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTERS_EXPORTED
    ).exists()


def test_other_agencies_export_only_their_own(client_for, carol, records):
    # Carol's agency has no encounters: A's records never appear, whatever she asks for.
    assert client_for(carol).get(BASE + "volume.csv?preset=2025").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(BASE + "volume.csv").status_code == 302
