"""The XLSX converter: typed cells, dates, and formulas refused with the cell named."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest

from mhr.campaigns.imports.convert import convert_roster
from mhr.campaigns.imports.errors import ImportFileError
from mhr.campaigns.imports.mapping import suggest_mapping
from mhr.campaigns.imports.source import as_source, open_table
from mhr.campaigns.tests.importdata import ROSTER_HEADER, xlsx_bytes

TODAY = datetime.date(2026, 11, 27)


def convert(upload):
    with open_table(as_source(upload)) as table:
        return convert_roster(table, suggest_mapping(table.headers, "roster"), today=TODAY)


def test_it_reads_the_first_sheet_with_typed_cells():
    upload = xlsx_bytes(
        ROSTER_HEADER,
        [
            [1001, "Ann", "Lee", True, "Patrol Officer", "Days", datetime.datetime(2012, 3, 15)],
            [1002.0, "Bo", "Kim", "N", "Dispatcher", None, 42156, "Active"],
            [None, None, None, None],
            ["01003", "Cy", "Diaz", 1, "Sergeant", "", "1-Jun-2010", "LOA"],
        ],
    )
    converted = convert(upload)
    assert not converted.errors, [str(e) for e in converted.errors.items]
    rows = converted.rows
    assert [r.employee_id for r in rows] == ["1001", "1002", "01003"]
    assert [r.row for r in rows] == [2, 3, 5]
    assert rows[0].hire_date == datetime.date(2012, 3, 15)
    assert rows[1].hire_date == datetime.date(2015, 6, 1)
    assert rows[1].is_sworn is False and rows[1].role == "dispatcher"
    assert rows[2].status == "leave" and rows[2].role == "supervisor"


def test_formulas_are_refused_naming_the_row_column_and_cell():
    upload = xlsx_bytes(
        ROSTER_HEADER,
        [
            ["1001", "Ann", "Lee", "Y", "Patrol", "Days", "=TODAY()-400"],
            [
                "1002",
                "Bo",
                "Kim",
                "N",
                "Dispatcher",
                "Nights",
                "2015-06-01",
                '=IF(A3="","","Active")',
            ],
        ],
    )
    converted = convert(upload)
    assert [(e.row, e.column) for e in converted.errors.items] == [
        (2, "Hire Date"),
        (3, "Status"),
    ]
    assert "The cell G2 holds a formula (“=TODAY()-400”)" in converted.errors.items[0].message
    assert "paste it as values" in converted.errors.items[0].message


def test_a_formula_in_the_header_row_is_refused():
    upload = xlsx_bytes(["Badge #", '=CONCAT("Sur","name")'], [["1", "Lee"]])
    with pytest.raises(ImportFileError, match="The cell B1 holds a formula"):
        convert(upload)


def test_an_empty_sheet_and_a_header_only_sheet_are_errors():
    with pytest.raises(ImportFileError, match="is empty"):
        convert(xlsx_bytes([], []))
    converted = convert(xlsx_bytes(ROSTER_HEADER, []))
    assert [str(e) for e in converted.errors.items] == [
        "Row 1: The file has a header row but no data rows."
    ]


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    out.name = "roster.xlsx"
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        convert(out)


def test_a_damaged_workbook_is_refused_with_a_clear_message():
    good = xlsx_bytes(ROSTER_HEADER, [["1", "Ann", "Lee", "Y"]]).getvalue()
    damaged = io.BytesIO(good[: len(good) // 2])
    damaged.name = "roster.xlsx"
    with pytest.raises(ImportFileError, match="cannot be read"):
        convert(damaged)


def test_a_workbook_that_expands_too_far_is_refused(settings):
    good = xlsx_bytes(ROSTER_HEADER, [["1", "Ann", "Lee", "Y"]])
    bomb = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("xl/media/padding.bin", b"\0" * 5_000_000)
    bomb.name = "roster.xlsx"
    settings.MHR_IMPORT_MAX_BYTES = 100_000
    with pytest.raises(ImportFileError, match="expands to more data"):
        with open_table(as_source(bomb)):
            pass
