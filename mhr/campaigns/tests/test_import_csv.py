"""The CSV converter: encodings, delimiters, size limits and files that are not CSV at all."""

from __future__ import annotations

import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr.campaigns.imports.convert import convert_roster
from mhr.campaigns.imports.errors import ImportFileError
from mhr.campaigns.imports.mapping import suggest_mapping
from mhr.campaigns.imports.source import as_source, open_table
from mhr.campaigns.tests.importdata import ROSTER_HEADER, ROSTER_ROWS, csv_bytes

TODAY = datetime.date(2026, 11, 27)


def read(data: bytes, name: str = "roster.csv"):
    with open_table(as_source(io.BytesIO(data), name)) as table:
        rows = list(table.rows)
        return table, rows


def convert(data: bytes):
    with open_table(as_source(io.BytesIO(data), "roster.csv")) as table:
        return convert_roster(table, suggest_mapping(table.headers, "roster"), today=TODAY)


def test_it_reads_utf8_with_and_without_a_byte_order_mark():
    rows = [["1001", "Zoë", "Muñoz", "Y", "", "", "", ""]]
    for bom in (False, True):
        table, read_rows = read(csv_bytes(ROSTER_HEADER, rows, bom=bom))
        assert table.headers[0] == "Badge #"
        assert read_rows == [(2, rows[0])]
        assert table.encoding == ("utf-8-sig" if bom else "utf-8")
        assert not table.warnings


def test_it_falls_back_to_windows_1252_and_says_so():
    table, rows = read(csv_bytes(ROSTER_HEADER, [["1001", "Zoë", "Muñoz", "Y"]], encoding="cp1252"))
    assert table.encoding == "cp1252"
    assert rows[0][1][1:3] == ["Zoë", "Muñoz"]
    assert "read as Windows-1252" in table.warnings.items[0].message


def test_it_refuses_a_file_that_is_neither_utf8_nor_windows_1252():
    # 0x81 is undefined in Windows-1252 and invalid on its own in UTF-8.
    data = csv_bytes(ROSTER_HEADER, [["1001", "Ann", "Lee", "Y"]]) + b"1002,B\x81,Kim,N\r\n"
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252"):
        read(data)


def test_it_refuses_utf16_and_binary_files_with_a_clear_message():
    with pytest.raises(ImportFileError, match="UTF-16"):
        read("Badge,Sworn\r\n1,Y\r\n".encode("utf-16"))
    with pytest.raises(ImportFileError, match="control character"):
        read(b"Badge,Sworn\r\n1,\x00Y\r\n")


def test_a_utf8_bom_on_a_file_that_is_not_utf8_is_an_error():
    with pytest.raises(ImportFileError, match="byte-order mark but is not UTF-8"):
        read(b"\xef\xbb\xbfBadge,Sworn\r\n1,\xe9\r\n")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_sniffs_the_delimiter(delimiter):
    rows = [["1001", "Ann", "Lee, Jr.", "Y", "Patrol; days", "", "", ""]]
    table, read_rows = read(csv_bytes(ROSTER_HEADER, rows, delimiter=delimiter))
    assert table.headers == ROSTER_HEADER
    assert read_rows[0][1] == rows[0]


def test_it_keeps_quoted_line_breaks_and_counts_rows_as_spreadsheets_do():
    data = b'Badge #,Surname,Sworn\r\n1001,"Lee\r\nSmith",Y\r\n\r\n1002,Kim,N\r\n'
    _, rows = read(data)
    assert rows == [(2, ["1001", "Lee\r\nSmith", "Y"]), (4, ["1002", "Kim", "N"])]


def test_it_refuses_an_empty_file():
    with pytest.raises(ImportFileError, match="The file is empty"):
        read(b"")
    with pytest.raises(ImportFileError, match="The file is empty"):
        read(b"\r\n\r\n  \r\n")


def test_a_header_only_file_is_an_error_naming_the_header_row():
    converted = convert(csv_bytes(ROSTER_HEADER, []))
    assert [str(e) for e in converted.errors.items] == [
        "Row 1: The file has a header row but no data rows."
    ]


def test_it_checks_the_size_before_reading_a_byte(tmp_path, settings):
    settings.MHR_IMPORT_MAX_BYTES = 100 * 1024 * 1024
    huge = tmp_path / "roster.csv"
    with huge.open("wb") as f:
        f.truncate(2 * 1024**3)  # sparse: 2 GB on paper, nothing on disk
    with pytest.raises(ImportFileError) as excinfo, open_table(as_source(huge)):
        pass
    assert excinfo.value.message.startswith(
        "The file is 2.0 GB; the largest file MHR imports is 100.0 MB"
    )


def test_an_upload_that_is_too_large_is_refused_by_its_declared_size(settings):
    class Upload(io.BytesIO):
        size = 3 * 1024**3

        def read(self, *args):
            raise AssertionError("must not be read")

    with (
        pytest.raises(ImportFileError, match="3.0 GB"),
        open_table(as_source(Upload(b""), "x.csv")),
    ):
        pass


def test_it_refuses_old_excel_files_and_pdfs():
    with pytest.raises(ImportFileError, match=r"\.xls"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "roster.xls")
    with pytest.raises(ImportFileError, match="PDF"):
        read(b"%PDF-1.7\n...", "roster.csv")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read(b"Badge,Sworn\n1,Y\n", "roster.xlsx")


def test_it_refuses_more_rows_than_one_import_takes(settings):
    settings.MHR_IMPORT_MAX_ROWS = 10
    data = b"Badge #,Surname,Sworn\r\n" + b"".join(b"%d,Lee,Y\r\n" % i for i in range(20))
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read(data)


def test_it_converts_a_roster_naming_row_and_column_for_each_bad_cell():
    rows = [
        *ROSTER_ROWS,
        ["1005", "Eve", "", "maybe", "Patrol", "", "31/12/2020", "Gone fishing"],
    ]
    converted = convert(csv_bytes(ROSTER_HEADER, rows))
    assert [r.employee_id for r in converted.rows] == ["1001", "1002", "1003", "1004"]
    assert converted.rows[3].status == "leave"
    assert converted.rows[3].hire_date == datetime.date(2019, 7, 4)
    assert [(e.row, e.column) for e in converted.errors.items] == [
        (6, "Surname"),
        (6, "Sworn"),
        (6, "Hire Date"),
        (6, "Status"),
    ]
    assert "“maybe” does not say whether the person is sworn" in converted.errors.items[1].message


def test_duplicate_employee_ids_name_both_rows():
    rows = [ROSTER_ROWS[0], ROSTER_ROWS[1], [*ROSTER_ROWS[0][:1], "Al", "Lee", "Y"]]
    converted = convert(csv_bytes(ROSTER_HEADER, rows))
    [error] = converted.errors.items
    assert (error.row, error.column) == (4, "Badge #")
    assert "“1001” appears twice: rows 2 and 4" in error.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_anything_but_our_error(data):
    try:
        with open_table(as_source(io.BytesIO(data), "upload.csv")) as table:
            converted = convert_roster(table, suggest_mapping(table.headers, "roster"), today=TODAY)
    except ImportFileError as exc:
        assert exc.message
    else:
        for issue in converted.errors.items:
            assert issue.message


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.lists(st.text(max_size=12), min_size=1, max_size=8),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_arbitrary_csv_tables_never_raise_anything_but_our_error(rows, delimiter, encoding):
    header = ["Badge #", "First Name", "Surname", "Sworn", "Hire Date"]
    try:
        data = csv_bytes(header, rows, delimiter=delimiter, encoding=encoding)
    except UnicodeEncodeError:
        return
    try:
        with open_table(as_source(io.BytesIO(data), "upload.csv")) as table:
            converted = convert_roster(table, suggest_mapping(table.headers, "roster"), today=TODAY)
    except ImportFileError as exc:
        assert exc.message
    else:
        assert len(converted.rows) + bool(converted.errors) >= 1 or not converted.data_rows
