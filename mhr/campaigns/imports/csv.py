"""CSV files as HR and training systems export them: UTF-8 (with or without BOM) or Windows-1252,
separated by commas, semicolons or tabs.

The encoding is decided by decoding the whole file before any row is used: UTF-8 if every byte
is valid UTF-8, otherwise Windows-1252 if every byte is defined there (with a warning to check
accented names), otherwise a clear error. Control characters mean the file is not text at all.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
from collections.abc import Iterator
from typing import Any

from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.source import CHUNK, CountingReader, Source, Table, max_rows

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SAMPLE_BYTES = 64 * 1024
LINE_LIMIT = 1024 * 1024
# Tab, line feed and carriage return are the only control characters a CSV file has.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every byte but those control characters (tab, line feed and carriage return are allowed).
_ALLOWED_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))
_SAVE_AS = "Export it again as CSV UTF-8 (or XLSX) and import that."


def detect_encoding(source: Source) -> tuple[str, IssueList]:
    """'utf-8-sig', 'utf-8' or 'cp1252', after checking every byte decodes."""
    warnings = IssueList()
    with source.open() as stream:
        head = stream.read(4)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(f"The file is saved as UTF-32 text. {_SAVE_AS}")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(f"The file is saved as UTF-16 (“Unicode”) text. {_SAVE_AS}")
    if head.startswith(codecs.BOM_UTF8):
        problem = _decode_all(source, "utf-8-sig")
        if problem is not None:
            raise ImportFileError(
                f"The file starts with a UTF-8 byte-order mark but is not UTF-8 text "
                f"({problem}). {_SAVE_AS}"
            )
        return "utf-8-sig", warnings
    problem = _decode_all(source, "utf-8")
    if problem is None:
        return "utf-8", warnings
    cp1252_problem = _decode_all(source, "cp1252")
    if cp1252_problem is not None:
        raise ImportFileError(
            f"The file is neither UTF-8 nor Windows-1252 text ({cp1252_problem}). {_SAVE_AS}"
        )
    warnings.add(
        "The file is not UTF-8, so it was read as Windows-1252 (the usual Excel “CSV” on "
        "Windows). Check that accented names look right in the preview."
    )
    return "cp1252", warnings


def _decode_all(source: Source, encoding: str) -> str | None:
    """None when the whole file decodes to text, else what is wrong and where."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with source.open() as stream:
        while True:
            chunk = stream.read(CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                position = offset + max(exc.start, 0)
                return f"byte {exc.object[exc.start : exc.start + 1]!r} at position {position}"
            # The control characters are single ASCII bytes in UTF-8 and Windows-1252 alike, so
            # they are found in the raw bytes: deleting every allowed byte in C is three times
            # quicker than a regex over the text.
            control = chunk.translate(None, _ALLOWED_BYTES)
            if control:
                char = chr(control[0])
                return (
                    f"it contains the control character U+{ord(char):04X}, so it looks like a "
                    "binary file or a different encoding"
                )
            if final:
                return None
            offset += len(chunk)


def sniff_delimiter(line: str) -> str:
    """The delimiter that occurs most often outside quotes in the header line (comma on a tie)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@contextlib.contextmanager
def open_csv(source: Source) -> Iterator[Table]:
    encoding, warnings = detect_encoding(source)
    with source.open() as raw:
        counting = CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counting, CHUNK), encoding=encoding, newline="")
        try:
            sample: list[str] = []
            sampled = 0
            while sampled < SAMPLE_BYTES:
                line = text.readline(LINE_LIMIT)
                if not line:
                    break
                if len(line) == LINE_LIMIT and not line.endswith(("\n", "\r")):
                    raise ImportFileError(
                        "The first rows are over a million characters long; this is not a "
                        "roster or training file."
                    )
                sample.append(line)
                sampled += len(line)
            first = next((line for line in sample if line.strip()), "")
            if not first:
                raise ImportFileError("The file is empty: it has no header row and no data.")
            delimiter = sniff_delimiter(first)
            lines = itertools.chain(sample, text)
            rows = _rows(lines, delimiter)
            header = next(rows, None)
            if header is None:
                raise ImportFileError("The file is empty: it has no header row and no data.")
            header_row, header_cells = header
            headers = [
                cell.strip() or f"Column {index}" for index, cell in enumerate(header_cells, 1)
            ]
            total = max(source.size, 1)
            yield Table(
                format="csv",
                headers=headers,
                header_row=header_row,
                rows=rows,
                warnings=warnings,
                encoding=encoding,
                progress=lambda: min(counting.count / total, 1.0),
            )
        finally:
            # The Source owns the underlying stream; detach so closing the wrapper leaves it open.
            with contextlib.suppress(ValueError):
                text.detach()


def _rows(lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    limit = max_rows()
    number = 0
    data_rows = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not "".join(cells).strip():
                continue
            data_rows += 1
            if data_rows > limit + 1:
                raise ImportFileError(
                    f"The file has more than {limit:,} rows, the most one import takes. "
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
