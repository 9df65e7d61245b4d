"""Opening an uploaded or local file as a table of cells, whatever its format.

The size is checked before a byte is read; formats are told apart by content, not by the
file name; rows are streamed, so memory does not grow with the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from mhr.campaigns.imports.errors import ImportFileError, IssueList

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_ROWS = 250_000
CHUNK = 1024 * 1024

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 .xls (and other old Office files)
PDF_MAGIC = b"%PDF"


def max_bytes() -> int:
    return int(getattr(settings, "MHR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "MHR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


@dataclass
class Source:
    """A file to import: its name (for messages and history), its size, and a way to (re)open it."""

    filename: str
    size: int
    opener: Callable[[], contextlib.AbstractContextManager[IO[bytes]]]

    def open(self) -> contextlib.AbstractContextManager[IO[bytes]]:
        return self.opener()


def as_source(obj: Any, filename: str = "") -> Source:
    """A Source from a path or a seekable binary file object (an upload, a stored file, BytesIO).

    File objects are rewound for each pass and left open: their owner closes them.
    """
    if isinstance(obj, Source):
        return obj
    if isinstance(obj, str | os.PathLike):
        path = Path(obj)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ImportFileError(
                f"The file {path.name} cannot be opened: {exc.strerror}."
            ) from exc
        if not path.is_file():
            raise ImportFileError(f"{path.name} is not a file.")
        return Source(filename or path.name, size, lambda: open(path, "rb"))  # noqa: SIM115
    if hasattr(obj, "read") and hasattr(obj, "seek"):
        declared = getattr(obj, "size", None)
        if isinstance(declared, int):
            size = declared
        else:
            obj.seek(0, io.SEEK_END)
            size = obj.tell()
        name = filename or os.path.basename(str(getattr(obj, "name", "") or "upload"))

        @contextlib.contextmanager
        def rewound() -> Iterator[IO[bytes]]:
            obj.seek(0)
            yield obj

        return Source(name, size, rewound)
    raise TypeError(f"Cannot import from {type(obj).__name__}.")


def check_size(source: Source) -> None:
    limit = max_bytes()
    if source.size == 0:
        raise ImportFileError("The file is empty.")
    if source.size > limit:
        raise ImportFileError(
            f"The file is {human_size(source.size)}; the largest file MHR imports is "
            f"{human_size(limit)}. Split it into smaller files, or export only the columns needed."
        )


def file_sha256(source: Source) -> str:
    digest = hashlib.sha256()
    with source.open() as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Table:
    """A file's header and a lazy stream of its non-blank rows as (file row number, cells).

    Cells are text for CSV and typed values for XLSX. `errors` collects problems the reader finds
    while streaming (an XLSX formula, say), so they are complete only once `rows` is exhausted.
    """

    format: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)
    encoding: str = ""
    progress: Callable[[], float] = lambda: 0.0


@contextlib.contextmanager
def open_table(source: Source) -> Iterator[Table]:
    """Open the file as a Table. Raises ImportFileError for files that cannot be imported."""
    from mhr.campaigns.imports import csv as csv_format
    from mhr.campaigns.imports import xlsx as xlsx_format

    check_size(source)
    with open_spreadsheet(
        source, noun="roster", open_xlsx=xlsx_format.open_xlsx, open_csv=csv_format.open_csv
    ) as table:
        yield table


@contextlib.contextmanager
def open_spreadsheet(
    source: Source,
    *,
    noun: str,
    open_xlsx: Callable[[Source], contextlib.AbstractContextManager[Table]],
    open_csv: Callable[[Source], contextlib.AbstractContextManager[Table]],
) -> Iterator[Table]:
    """A CSV or XLSX file, told apart by its content, through the importer's own readers; any
    other file (old .xls, PDF, a misnamed file) is an ImportFileError that says what to do."""
    with source.open() as stream:
        head = stream.read(8)
    lower = source.filename.lower()
    if head.startswith(XLSX_MAGIC):
        with open_xlsx(source) as table:
            yield table
        return
    if head.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise ImportFileError(
            "This is an Excel 97–2003 (.xls) file. Save it as Excel Workbook (.xlsx) or as "
            "CSV UTF-8 and import that."
        )
    if head.startswith(PDF_MAGIC):
        raise ImportFileError(f"This is a PDF. Import the {noun} as a CSV or XLSX file.")
    if lower.endswith(".xlsx"):
        raise ImportFileError(
            "The file is named .xlsx but is not an Excel workbook. Export it again as XLSX or CSV."
        )
    with open_csv(source) as table:
        yield table


def kept_file_headers(
    stored_file: Any,
    filename: str,
    open_table: Callable[[Source], contextlib.AbstractContextManager[Table]],
) -> list[str]:
    """The column headers of an import's kept file ([] when it is gone or cannot be read)."""
    if not stored_file:
        return []
    try:
        with stored_file.open("rb") as stream:
            with open_table(as_source(stream, filename)) as table:
                return list(table.headers)
    except (ImportFileError, OSError):
        return []


class CountingReader(io.RawIOBase):
    """Passes reads through and counts the bytes, so a streaming parser can report progress."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n

    def close(self) -> None:
        # The underlying stream belongs to the Source; do not close it here.
        super().close()
