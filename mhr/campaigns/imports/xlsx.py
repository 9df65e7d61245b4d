"""XLSX workbooks: the first sheet, streamed straight from the zip's XML.

The sheet is read with ElementTree.iterparse (no DTD allowed), row by row, resolving shared strings,
inline strings, booleans, errors and dates (a number whose cell style has a date format) the way
openpyxl does, about five times faster than openpyxl's read-only mode and in constant memory
(apart from the shared-string table). openpyxl still supplies the small pieces that define
Excel's rules: the built-in number formats, date-format detection and serial-date conversion.

Formulas are seen as formulas: a formula's cached value may be stale or missing (files saved by
scripts have none), so a cell holding a formula is an error naming the cell, and the coordinator
pastes values instead.
"""

from __future__ import annotations

import contextlib
import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any, Literal
from xml.etree.ElementTree import (  # nosec B405 # parsed only behind _NoDoctype (no DTD)
    Element,
    ParseError,
)
from xml.etree.ElementTree import iterparse as c_iterparse  # nosec B405 # behind _NoDoctype

from defusedxml import DefusedXmlException
from defusedxml.common import DTDForbidden
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel

from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.parsing import shown
from mhr.campaigns.imports.source import Source, Table, max_bytes, max_rows

# A workbook's XML is far larger than its zip; beyond this it is a zip bomb, not a roster.
UNZIPPED_RATIO = 20
_UNREADABLE = "The XLSX file cannot be read ({}). Open it in Excel, save it again and re-import."

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT_MAIN = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_REL_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_COORDINATE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def iterparse(
    stream: IO[bytes], events: tuple[Literal["start", "end"], ...] = ("end",)
) -> Iterator[tuple[str, Any]]:
    """ElementTree's streaming parser, refusing any DTD: a workbook with a document type,
    entities or external references is refused rather than expanded or fetched.

    defusedxml gives that guarantee only with ElementTree's pure-Python parser (half the speed
    on a large sheet), so the parts are read by the C parser behind `_NoDoctype`, which refuses
    a DTD in the bytes before the parser sees it.
    """
    return c_iterparse(_NoDoctype(stream), events=events)  # noqa: S314 # nosec B314 # DTD refused


# Entities can only be declared inside a DTD, so refusing "<!DOCTYPE" and "<!ENTITY" refuses
# every entity trick (comments "<!--" and CDATA "<![CDATA[" are harmless and allowed).
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")


class _NoDoctype:
    """A workbook part's bytes on their way to the parser, refusing a DTD.

    The check works on bytes, so the part must be UTF-8 (what Excel and every library we know
    write); another encoding could spell "<!DOCTYPE" in other bytes, so it is refused too.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.tail = b""
        self.first = True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        if self.first:
            self.first = False
            # The declaration and any byte-order mark sit in the first bytes; read enough of them.
            while 0 < len(chunk) < 200:
                more = self.stream.read(200)
                if not more:
                    break
                chunk += more
            head = chunk[:200]
            declared = _XML_ENCODING.match(head)
            if (
                head.startswith((b"\xff\xfe", b"\xfe\xff"))
                or b"\x00" in head
                or (declared and declared.group(1).lower().replace(b"_", b"-") not in _UTF8)
            ):
                raise DefusedXmlException("a workbook part that is not UTF-8")
        window = self.tail + chunk
        if b"<!" in window and _DECLARATION.search(window):
            raise DTDForbidden("", None, None)
        # "<!DOCTYPE" split across reads is found in the next window.
        self.tail = window[-8:]
        return chunk


_UTF8 = frozenset({b"utf-8", b"utf8"})


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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- the workbook's parts --------------------------------------------------------------------------


class _Workbook:
    """Where the first worksheet is, its name, the date system, and which styles are dates."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.epoch = WINDOWS_EPOCH
        self.sheet_title = ""
        self.sheet_path = ""
        self.date_styles: frozenset[int] = frozenset()
        self.timedelta_styles: frozenset[int] = frozenset()
        self._read_workbook()
        self._read_styles()

    def _parts(self, path: str) -> Iterator[Element]:
        with self.archive.open(path) as stream:
            for _event, element in iterparse(stream):
                yield element

    def _read_workbook(self) -> None:
        sheets: list[tuple[str, str]] = []  # (relationship id, sheet name), in tab order
        for element in self._parts("xl/workbook.xml"):
            name = _local(element.tag)
            if name == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif name == "sheet":
                rel = element.get(_REL_ID) or element.get(_STRICT_REL_ID) or ""
                sheets.append((rel, element.get("name", "")))
        rels = "xl/_rels/workbook.xml.rels"
        if not sheets or rels not in self.names:
            raise ImportFileError("The workbook has no worksheet.")
        worksheets: dict[str, str] = {}
        for element in self._parts(rels):
            # Chart sheets have no cells; like openpyxl, the first *worksheet* is the one read.
            if element.tag == _PKG_REL and element.get("Type", "").endswith("/worksheet"):
                target = element.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                worksheets[element.get("Id", "")] = posixpath.normpath(path)
        for rel, title in sheets:
            if worksheets.get(rel) in self.names:
                self.sheet_path, self.sheet_title = worksheets[rel], title
                return
        raise ImportFileError("The workbook has no worksheet.")

    def _read_styles(self) -> None:
        if "xl/styles.xml" not in self.names:
            return
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        xf_formats: list[int] = []
        in_cell_xfs = False
        with self.archive.open("xl/styles.xml") as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                name = _local(element.tag)
                if name == "cellXfs":
                    in_cell_xfs = event == "start"
                elif event != "end":
                    continue
                elif name == "numFmt":
                    with contextlib.suppress(TypeError, ValueError):
                        formats[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
                elif name == "xf" and in_cell_xfs:
                    try:
                        xf_formats.append(int(element.get("numFmtId", "0")))
                    except ValueError:
                        xf_formats.append(0)
        dates, timedeltas = set(), set()
        for index, format_id in enumerate(xf_formats):
            code = formats.get(format_id, "")
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    timedeltas.add(index)
        self.date_styles = frozenset(dates)
        self.timedelta_styles = frozenset(timedeltas)

    def shared_strings(self) -> list[str]:
        path = "xl/sharedStrings.xml"
        if path not in self.names:
            return []
        strings: list[str] = []
        with self.archive.open(path) as stream:
            for _event, element in iterparse(stream):
                if _local(element.tag) == "si":
                    strings.append(_string_content(element).replace("x005F_", ""))
                    element.clear()
        return strings


def _string_content(element: Element) -> str:
    """The text of a shared or inline string: its <t>, or its rich-text runs' <t>s joined.

    Phonetic guides (<rPh>) are not part of the cell's text.
    """
    plain = element.find(f"{_MAIN}t")
    if plain is None:
        plain = element.find(f"{_STRICT_MAIN}t")
    if plain is not None:
        return plain.text or ""
    return "".join(
        run_text.text or ""
        for run in element
        if _local(run.tag) == "r"
        for run_text in run
        if _local(run_text.tag) == "t"
    )


# --- cells -------------------------------------------------------------------------------------------


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


class _SheetReader:
    """Turns the sheet's <row> elements into (row number, values, [(column, problem)]).

    This is the hot loop (a 40,000-row roster has 320,000 cells): tags are compared as whole
    strings in the sheet's own namespace and column letters are looked up, not parsed, per cell.
    """

    def __init__(self, workbook: _Workbook, strings: list[str], width: int | None) -> None:
        self.strings = strings
        self.epoch = workbook.epoch
        self.date_styles = workbook.date_styles
        self.timedelta_styles = workbook.timedelta_styles
        # Like openpyxl, rows are padded to the sheet's recorded dimension (but, unlike it, a
        # dimension written too small by some exporters never cuts cells off).
        self.width = width or 0
        self.shared_formulas: dict[str, Translator] = {}
        self.row_counter = 0
        self.columns: dict[str, int] = {}
        self.namespace(_MAIN)

    def namespace(self, prefix: str) -> None:
        """Use the tags of the namespace the sheet is written in (transitional or strict)."""
        self.c_tag, self.v_tag = f"{prefix}c", f"{prefix}v"
        self.f_tag, self.is_tag = f"{prefix}f", f"{prefix}is"

    def column(self, reference: str) -> int:
        """The column of a cell reference such as "B12", remembered by its letters."""
        key = reference.rstrip("0123456789")
        index = self.columns.get(key)
        if index is None:
            index = self.columns[key] = column_index_from_string(key.strip("$").upper())
        return index

    def row(self, element: Element) -> tuple[int, list[Any], list[tuple[int, str]]]:
        raw = element.get("r")
        if raw:
            try:
                self.row_counter = int(raw)
            except ValueError:
                self.row_counter = int(float(raw))
        else:
            self.row_counter += 1
        number = self.row_counter
        values: list[Any] = [None] * self.width
        problems: list[tuple[int, str]] = []
        column = 0
        c_tag, columns = self.c_tag, self.columns
        for cell in element:
            if cell.tag != c_tag:
                continue
            reference = cell.get("r")
            if reference:
                found = columns.get(reference.rstrip("0123456789"))
                column = found if found is not None else self.column(reference)
            else:
                column += 1
            kind, value = self.cell(cell, column, number)
            if kind == "f" or kind == "e":
                where = f"{get_column_letter(column)}{number}"
                problems.append((column, _problem(kind, where, value)))
                value = None
            elif value.__class__ is str and not value.strip():
                value = None
            if column > len(values):
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        return number, values, problems

    def cell(self, element: Element, column: int, row: int) -> tuple[str, Any]:
        data_type = element.get("t", "n")
        value_text: str | None = None
        formula: Element | None = None
        inline: Element | None = None
        for child in element:
            tag = child.tag
            if tag == self.v_tag:
                value_text = child.text or None
            elif tag == self.f_tag:
                formula = child
            elif tag == self.is_tag:
                inline = child
        if formula is not None:
            return "f", self.formula(formula, f"{get_column_letter(column)}{row}")
        if data_type == "inlineStr":
            return "s", (_string_content(inline) if inline is not None else None)
        if value_text is None:
            return data_type, None
        if data_type == "n":
            number = _number(value_text)
            style = element.get("s")
            if style and int(style) in self.date_styles:
                style_id = int(style)
                try:
                    return "d", from_excel(
                        number, self.epoch, timedelta=style_id in self.timedelta_styles
                    )
                except (OverflowError, ValueError):
                    return "e", "#VALUE!"
            return "n", number
        if data_type == "s":
            return "s", self.strings[int(value_text)]
        if data_type == "b":
            return "b", bool(int(value_text))
        if data_type == "str":
            return "s", value_text
        if data_type == "d":
            return "d", datetime.datetime.fromisoformat(value_text.rstrip("Z"))
        return data_type, value_text

    def formula(self, element: Element, coordinate: str) -> str:
        text = "=" + (element.text or "")
        if element.get("t") == "shared":
            index = element.get("si", "")
            if index in self.shared_formulas:
                return self.shared_formulas[index].translate_formula(coordinate)
            if text != "=":
                self.shared_formulas[index] = Translator(text, coordinate)
        return text


def _dimension(archive: zipfile.ZipFile, path: str) -> tuple[int | None, int]:
    """(last column, last row) from the sheet's <dimension>, read before <sheetData> starts."""
    with archive.open(path) as stream:
        for _event, element in iterparse(stream, events=("start",)):
            name = _local(element.tag)
            if name == "dimension":
                last = element.get("ref", "").split(":")[-1]
                match = _COORDINATE.match(last)
                if match:
                    return column_index_from_string(match.group(1).upper()), int(match.group(2))
                return None, 0
            if name == "sheetData":
                break
    return None, 0


def _stream_rows(
    archive: zipfile.ZipFile, path: str, reader: _SheetReader
) -> Iterator[tuple[int, list[Any], list[tuple[int, str]]]]:
    """(row number, values, [(column index, problem)]) for each non-blank row.

    Only "end" events are asked for (half the events of start+end). Each row is cleared once
    read, which leaves an empty element per row in the tree: about 100 bytes a row, 4 MB for
    40,000 rows, far cheaper than tracking the parent to detach it.
    """
    limit = max_rows()
    count = 0
    row_tag = ""
    try:
        with archive.open(path) as stream:
            for _event, element in iterparse(stream):
                tag = element.tag
                if tag != row_tag:
                    if row_tag or _local(tag) != "row":
                        continue
                    row_tag = tag
                    reader.namespace(tag[: -len("row")])
                number, values, problems = reader.row(element)
                element.clear()
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
        # A damaged workbook can fail anywhere: zip CRC, XML syntax, a bad string index.
        raise ImportFileError(_UNREADABLE.format(type(exc).__name__)) from exc


@contextlib.contextmanager
def open_xlsx(source: Source) -> Iterator[Table]:
    with source.open() as stream:
        _check_zip(stream)
        stream.seek(0)
        archive = _open_archive(stream)
        try:
            try:
                workbook = _Workbook(archive)
                strings = workbook.shared_strings()
                width, total_rows = _dimension(archive, workbook.sheet_path)
            except ImportFileError:
                raise
            except (
                ParseError,
                DefusedXmlException,
                zipfile.BadZipFile,
                KeyError,
                ValueError,
                OSError,
                EOFError,
            ) as exc:
                raise ImportFileError(_UNREADABLE.format(type(exc).__name__)) from exc
            reader = _SheetReader(workbook, strings, width)
            errors = IssueList()
            raw_rows = _stream_rows(archive, workbook.sheet_path, reader)
            header = next(raw_rows, None)
            if header is None:
                raise ImportFileError(
                    f"The first sheet (“{workbook.sheet_title}”) is empty: it has no header row "
                    "and no data."
                )
            header_row, header_cells, header_problems = header
            if header_problems:
                raise ImportFileError(header_problems[0][1], row=header_row)
            headers = [
                _text(cell) or f"Column {get_column_letter(index)}"
                for index, cell in enumerate(header_cells, 1)
            ]
            rows = _data_rows(raw_rows, headers, errors)
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
            archive.close()


def _open_archive(stream: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(_UNREADABLE.format("it is not a valid zip archive")) from exc


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
