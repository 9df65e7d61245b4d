"""Encounter files as tables of text cells, streamed.

CSV: the encoding is settled before a row is used (UTF-8 with or without BOM, else Windows-1252
with a warning, else a clear error; control characters mean a binary file), then rows stream
through `csv.reader`. XLSX: the first sheet's XML is streamed by the roster importer's reader
(formulas are errors naming the cell, never evaluated). Encounter files are far longer than
rosters, so their own size and row limits apply.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from mhr.campaigns.imports import csv as roster_csv
from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.source import (
    CHUNK,
    CountingReader,
    Source,
    human_size,
    open_spreadsheet,
)

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000
LINE_LIMIT = 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "MHR_ENCOUNTER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "MHR_ENCOUNTER_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class Table:
    """Headers and a lazy stream of (file row number, cells); the header is row `header_row`.

    CSV cells are text; XLSX cells are text or, for date cells, datetime/date/time objects.
    `errors` fills while `rows` is consumed (an XLSX formula cell, say).
    """

    format: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)
    encoding: str = ""
    delimiter: str = ","
    progress: Callable[[], float] = lambda: 0.0


def check_size(source: Source) -> None:
    if source.size == 0:
        raise ImportFileError("The file is empty: it has no header row and no data.")
    if source.size > max_bytes():
        raise ImportFileError(
            f"The file is {human_size(source.size)}; the largest encounter file MHR imports is "
            f"{human_size(max_bytes())}. Split it into smaller files."
        )


@contextlib.contextmanager
def open_table(source: Source, *, encoding: str = "") -> Iterator[Table]:
    """Open a CSV or XLSX file (told apart by content). Raises ImportFileError only.

    `encoding`: a CSV's encoding as an earlier open_table of the same file found it, to skip
    finding it again (which reads the whole file)."""
    check_size(source)
    with open_spreadsheet(
        source,
        noun="encounters",
        open_xlsx=_open_xlsx,
        open_csv=functools.partial(_open_csv, encoding=encoding),
    ) as table:
        yield table


@contextlib.contextmanager
def _open_csv(source: Source, *, encoding: str = "") -> Iterator[Table]:
    if encoding:
        warnings = IssueList()
    else:
        encoding, warnings = roster_csv.detect_encoding(source)
    with source.open() as raw:
        counting = CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counting, CHUNK), encoding=encoding, newline="")
        try:
            first = ""
            skipped: list[str] = []
            while not first.strip():
                first = text.readline(LINE_LIMIT)
                if not first:
                    raise ImportFileError("The file is empty: it has no header row and no data.")
                if len(first) == LINE_LIMIT and not first.endswith(("\n", "\r")):
                    raise ImportFileError(
                        "The first row is over a million characters long; this is not an "
                        "encounter file."
                    )
                skipped.append(first)
            delimiter = roster_csv.sniff_delimiter(first)
            rows = _csv_rows(itertools.chain(skipped, text), delimiter)
            header = next(rows, None)
            if header is None:  # pragma: no cover (a non-blank first line is a header)
                raise ImportFileError("The file is empty: it has no header row and no data.")
            header_row, cells = header
            headers = [cell.strip() or f"Column {index}" for index, cell in enumerate(cells, 1)]
            total = max(source.size, 1)
            yield Table(
                format="csv",
                headers=headers,
                header_row=header_row,
                rows=rows,
                warnings=warnings,
                encoding=encoding,
                delimiter=delimiter,
                progress=lambda: min(counting.count / total, 1.0),
            )
        finally:
            with contextlib.suppress(ValueError):
                text.detach()


def _csv_rows(lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    limit = max_rows() + 1
    number = 0
    data_rows = 0
    try:
        for number, cells in enumerate(reader, start=1):
            # Blank lines are skipped; a row of only whitespace is caught by the converters.
            if not any(cells):
                continue
            data_rows += 1
            if data_rows > limit:
                raise ImportFileError(
                    f"The file has more than {limit - 1:,} rows, the most one import takes. "
                    "Split it into smaller files."
                )
            yield number, cells
    except csv.Error as exc:
        raise ImportFileError(
            f"Row {number + 1} cannot be read as CSV ({exc}). Check for a stray quote mark.",
            row=number + 1,
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file changed while it was being read ({exc.reason}).") from exc


def cell_text(value: Any) -> Any:
    """An XLSX cell as the text a CSV would hold; date and time cells stay typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value
    return str(value)


@contextlib.contextmanager
def _open_xlsx(source: Source) -> Iterator[Table]:
    from mhr.campaigns.imports import xlsx as roster_xlsx

    with roster_xlsx.open_xlsx(source) as sheet:

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, cells in sheet.rows:
                yield number, [cell_text(cell) for cell in cells]

        yield Table(
            format="xlsx",
            headers=list(sheet.headers),
            header_row=sheet.header_row,
            rows=rows(),
            errors=sheet.errors,
            warnings=sheet.warnings,
            progress=sheet.progress,
        )
