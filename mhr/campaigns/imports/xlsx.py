"""XLSX workbooks: the first sheet, streamed with openpyxl's read-only mode.

Loaded with data_only=False so formulas are seen as formulas: a formula's cached value may be
stale or missing (files saved by scripts have none), so a cell holding a formula is an error
naming the cell, and the coordinator pastes values instead.
"""

from __future__ import annotations

import contextlib
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.parsing import shown
from mhr.campaigns.imports.source import Source, Table, max_bytes, max_rows

# A workbook's XML is far larger than its zip; beyond this it is a zip bomb, not a roster.
UNZIPPED_RATIO = 20
_UNREADABLE = "The XLSX file cannot be read ({}). Open it in Excel, save it again and re-import."


def _check_zip(stream: Any) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(_UNREADABLE.format("it is not a valid zip archive")) from exc
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            "The file is a zip archive but not an Excel workbook. Import a CSV or XLSX file."
        )
    if unzipped > max_bytes() * UNZIPPED_RATIO:
        raise ImportFileError(
            "The workbook expands to more data than MHR imports at once. Split it into "
            "smaller files."
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


@contextlib.contextmanager
def open_xlsx(source: Source) -> Iterator[Table]:
    with source.open() as stream:
        _check_zip(stream)
        stream.seek(0)
        try:
            with warnings.catch_warnings():
                # openpyxl warns about styles and extensions it ignores; they do not matter here.
                warnings.simplefilter("ignore")
                workbook = load_workbook(stream, read_only=True, data_only=False)
        except ImportFileError:
            raise
        except Exception as exc:
            # A damaged workbook can fail anywhere inside openpyxl and the XML parser.
            raise ImportFileError(_UNREADABLE.format(type(exc).__name__)) from exc
        try:
            if not workbook.worksheets:
                raise ImportFileError("The workbook has no worksheet.")
            sheet = workbook.worksheets[0]
            errors = IssueList()
            raw_rows = _rows(sheet)
            header = next(raw_rows, None)
            if header is None:
                raise ImportFileError(
                    f"The first sheet (“{sheet.title}”) is empty: it has no header row and no data."
                )
            header_row, header_cells, header_problems = header
            if header_problems:
                raise ImportFileError(header_problems[0][1], row=header_row)
            headers = [
                _text(cell) or f"Column {get_column_letter(index)}"
                for index, cell in enumerate(header_cells, 1)
            ]
            rows = _data_rows(raw_rows, headers, errors)
            total_rows = sheet.max_row if isinstance(sheet.max_row, int) else 0
            progress = _Progress(total_rows)
            yield Table(
                format="xlsx",
                headers=headers,
                header_row=header_row,
                rows=progress.track(rows),
                errors=errors,
                progress=progress.fraction,
            )
        finally:
            workbook.close()


class _Progress:
    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.row = 0

    def track(self, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
        for number, cells in rows:
            self.row = number
            yield number, cells

    def fraction(self) -> float:
        return min(self.row / self.total, 1.0)


def _problem(kind: str, cell: str, value: Any) -> str:
    if kind == "f":
        return (
            f"The cell {cell} holds a formula ({shown(value)}). Imports take values only: "
            "copy the sheet, paste it as values, save and import again."
        )
    return f"The cell {cell} shows the error {shown(value)}. Correct it and import again."


def _rows(sheet: Any) -> Iterator[tuple[int, list[Any], list[tuple[int, str]]]]:
    """(row number, values, [(column index, problem)]) for each non-blank row."""
    limit = max_rows()
    count = 0
    try:
        for cells in sheet.iter_rows():
            values: list[Any] = []
            problems: list[tuple[int, str]] = []
            number = 0
            for index, cell in enumerate(cells, 1):
                number = getattr(cell, "row", None) or number
                data_type = getattr(cell, "data_type", None)
                value = cell.value
                if data_type in ("f", "e"):
                    coordinate = f"{get_column_letter(index)}{number}"
                    problems.append((index, _problem(data_type, coordinate, value)))
                    value = None
                elif isinstance(value, str) and not value.strip():
                    value = None
                values.append(value)
            if not problems and all(value is None for value in values):
                continue
            count += 1
            if count > limit + 1:
                raise ImportFileError(
                    f"The sheet has more than {limit:,} rows, the most one import takes. "
                    "Split it into smaller files."
                )
            yield number, values, problems
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_UNREADABLE.format(type(exc).__name__)) from exc


def _data_rows(
    rows: Iterator[tuple[int, list[Any], list[tuple[int, str]]]],
    headers: list[str],
    errors: IssueList,
) -> Iterator[tuple[int, list[Any]]]:
    for number, values, problems in rows:
        for index, message in problems:
            column = (
                headers[index - 1]
                if index <= len(headers)
                else f"Column {get_column_letter(index)}"
            )
            errors.add(message, row=number, column=column)
        yield number, values
