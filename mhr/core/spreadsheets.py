"""CSV and XLSX output that spreadsheet programs cannot be tricked into executing.

A cell whose text starts with =, +, -, @, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (OWASP "CSV injection"). Every text cell we export
goes through `neutralize_formula`, which puts an apostrophe in front so the program shows the
text instead of running it. Audit, encounter and roster exports all use these helpers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel refuses longer text in one cell.
XLSX_MAX_CELL_LENGTH = 32_767

# Excel opens a UTF-8 CSV as UTF-8 only when the file starts with a byte-order mark.
UTF8_BOM = "\ufeff"

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralize_formula(value: Any) -> Any:
    """The value, with an apostrophe in front when it is text a spreadsheet would evaluate.

    Numbers, dates and None pass through unchanged: a spreadsheet never evaluates them.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_text(value: Any) -> Any:
    return "" if value is None else neutralize_formula(value)


class _Line:
    """A file-like object that hands back what the csv writer wrote, one row at a time."""

    def write(self, text: str) -> str:
        return text


def write_csv(
    rows: Iterable[Sequence[Any]], headers: Sequence[str], *, excel_bom: bool = True
) -> Iterator[str]:
    """Yield the CSV text of `headers` then each row, one line per row, for streaming.

    Rows are consumed lazily, so a queryset `.iterator()` is never held in memory at once.
    """
    writer = csv.writer(_Line())
    first = writer.writerow([_csv_text(h) for h in headers])
    yield (UTF8_BOM + first) if excel_bom else first
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row])


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters are not allowed in the file format: show them as U+FFFD.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:XLSX_MAX_CELL_LENGTH]
    return neutralize_formula(value)


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    sheet_title: str = "Export",
    notes: Sequence[str] = (),
) -> bytes:
    """The bytes of a one-sheet workbook of `headers` and `rows`, plus a "Notes" sheet if any.

    The workbook is written in openpyxl's write-only mode, so memory stays proportional to
    one row; callers cap the number of rows themselves.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    if notes:
        notes_sheet = workbook.create_sheet(title="Notes")
        for note in notes:
            notes_sheet.append([_xlsx_value(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
