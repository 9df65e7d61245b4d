"""Readers and cell parsers: arbitrary input gives a value or our error, never anything else."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.source import as_source
from mhr.encounters import schema
from mhr.encounters.imports.mapping import resolve_mapping, suggest_mapping
from mhr.encounters.imports.native import Bad, NativeConverter, cell_converter
from mhr.encounters.imports.readers import open_table
from mhr.encounters.imports.seattle import SeattleConverter

TZ = ZoneInfo("America/Los_Angeles")


@given(name=st.sampled_from([spec.name for spec in schema.FIELDS]), raw=st.text(max_size=80))
def test_coerce_raises_only_value_error(name, raw):
    try:
        schema.coerce(name, raw, tz=TZ)
    except ValueError as exc:
        assert str(exc)


@given(name=st.sampled_from([spec.name for spec in schema.FIELDS]), raw=st.text(max_size=80))
def test_fast_converters_agree_with_coerce(name, raw):
    converted = cell_converter(name, TZ)(raw)
    try:
        expected = schema.coerce(name, raw, tz=TZ)
    except ValueError:
        assert isinstance(converted, Bad)
    else:
        assert converted == expected


@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2030, 1, 1)
    ),
    sep=st.sampled_from([" ", "T"]),
)
def test_iso_fast_path_matches_coerce(moment, sep):
    text = moment.replace(microsecond=0).isoformat(sep=sep)
    assert cell_converter("received_at", TZ)(text) == schema.coerce("received_at", text, tz=TZ)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(payload=st.binary(max_size=400))
def test_reader_raises_only_import_errors_on_bytes(payload):
    try:
        with open_table(as_source(io.BytesIO(payload), "x.csv")) as table:
            for _row in table.rows:
                pass
    except ImportFileError as exc:
        assert exc.message


@settings(max_examples=60)
@given(text=st.text(max_size=300))
def test_native_pipeline_never_raises_on_text(text):
    data = "Incident,Received,Disposition,Officers\n" + text
    try:
        with open_table(as_source(io.BytesIO(data.encode()), "x.csv")) as table:
            mapping, issues = resolve_mapping(table.headers)
            if issues:
                return
            errors, warnings = IssueList(), IssueList()
            for _row, values in NativeConverter(table.headers, mapping, TZ).records(
                table.rows, errors, warnings
            ):
                assert values["incident_number"]
            for issue in errors.items:
                assert issue.row and issue.column and issue.message
    except ImportFileError as exc:
        assert exc.message


@settings(max_examples=60)
@given(text=st.text(max_size=300))
def test_seattle_pipeline_never_raises_on_text(text):
    data = "Template ID,Reported Date,Reported Time,Disposition,Officer ID\n" + text
    try:
        with open_table(as_source(io.BytesIO(data.encode()), "x.csv")) as table:
            errors, warnings = IssueList(), IssueList()
            for _row, values in SeattleConverter(table.headers, TZ).records(
                table.rows, errors, warnings
            ):
                assert values["incident_number"]
    except ImportFileError as exc:
        assert exc.message


def test_suggestions_from_common_headers():
    mapping = suggest_mapping(["CAD Number", "Call Received", "Disposition", "Precinct", "Beat"])
    assert mapping == {
        "incident_number": "CAD Number",
        "received_at": "Call Received",
        "disposition": "Disposition",
        "district": "Precinct",
        "beat": "Beat",
    }


def test_chosen_header_not_in_file_is_named():
    _mapping, issues = resolve_mapping(["A"], chosen={"incident_number": "Nope"})
    assert "Nope" in issues.items[0].message


def test_xlsx_rows_stream_with_dates(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Incident", "Received", "Disposition", "Officers"])
    sheet.append(["X-1", datetime.datetime(2025, 3, 1, 10, 0), "arrest", 2])
    sheet.append(["X-2", "2025-03-01 11:00", "referral", None])
    path = tmp_path / "e.xlsx"
    workbook.save(path)
    with open_table(as_source(path)) as table:
        mapping, issues = resolve_mapping(table.headers)
        assert not issues
        errors = IssueList()
        records = list(
            NativeConverter(table.headers, mapping, TZ).records(table.rows, errors, IssueList())
        )
    assert not errors
    assert [values["officers_count"] for _row, values in records] == [2, None]
    assert records[0][1]["received_at"] == datetime.datetime(2025, 3, 1, 18, 0, tzinfo=datetime.UTC)


def test_xlsx_formula_is_an_error_naming_the_cell(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Incident", "Received", "Disposition"])
    sheet.append(["X-1", "2025-03-01 10:00", "=A1"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    with open_table(as_source(path)) as table:
        rows = list(table.rows)
        assert rows
    assert table.errors.items[0].column == "Disposition"


@pytest.mark.parametrize("name", ["data.xls", "data.xlsx"])
def test_not_really_excel(name):
    with pytest.raises(ImportFileError):
        with open_table(as_source(io.BytesIO(b"hello,world\n1,2\n"), name)):
            pass
