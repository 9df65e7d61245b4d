"""The streaming XLSX reader: the same cells openpyxl reads, from the sheet's XML directly."""

from __future__ import annotations

import datetime
import io
import pyexpat
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from mhr.campaigns.imports.errors import ImportFileError
from mhr.campaigns.imports.source import as_source, open_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def read(upload: io.BytesIO) -> tuple[list[str], list[tuple[int, list]], list[str]]:
    with open_table(as_source(upload)) as table:
        rows = list(table.rows)
        return table.headers, rows, [str(e) for e in table.errors.items]


def workbook_bytes(build) -> io.BytesIO:
    workbook = Workbook()
    build(workbook.active)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def handmade(sheet_data: str, *, shared: str = "", styles: str = "", workbook_pr: str = "",
             dimension: str = "", sheets: str = "") -> io.BytesIO:  # fmt: skip
    """A minimal workbook from its XML parts, to reach cases Excel writes but openpyxl doesn't."""
    out = io.BytesIO()
    sheets = sheets or f'<sheet name="Roster" sheetId="1" r:id="rId1" xmlns:r="{RELS}"/>'
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}">{workbook_pr}<sheets>{sheets}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId9" Type="{RELS}/chartsheet" Target="chartsheets/sheet1.xml"/>'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>',
        )
        if shared:
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared}</sst>')
        if styles:
            archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def test_it_reads_the_same_values_as_openpyxl():
    def build(sheet):
        sheet.append(["Badge #", "Name", "Sworn", "Hire date", "Hours", "Rate", "Custom date"])
        sheet.append([1001, "Ann Lee", True, datetime.datetime(2012, 3, 15), 40, 12.5, 45000])
        sheet.append(["01002", "  ", False, datetime.date(2015, 6, 1), None, 1e-3, 45001.5])
        sheet.append([None, None, None, None, None, None, None])
        sheet.append([1004, "Dee Olsen", None, "7/4/19", 8, -2, None])
        for row in (2, 3):
            sheet.cell(row, 7).number_format = "dd/mm/yyyy hh:mm"

    upload = workbook_bytes(build)
    headers, rows, errors = read(upload)
    expected = [
        (number, [None if isinstance(v, str) and not v.strip() else v for v in values])
        for number, values in enumerate(
            load_workbook(upload, read_only=True).active.iter_rows(values_only=True), 1
        )
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values)
    ]
    assert headers == list(expected[0][1])
    assert rows == [(number, list(values)) for number, values in expected[1:]]
    assert rows[0][1][3] == datetime.datetime(2012, 3, 15)
    assert rows[1][1][6] == datetime.datetime(2023, 3, 16, 12, 0)
    assert errors == []


def test_it_resolves_shared_inline_and_rich_strings_dates_and_booleans():
    shared = (
        "<si><t>Badge #</t></si>"
        "<si><t>Surname</t></si>"
        # Rich text: the runs are joined; the phonetic guide is not part of the text.
        "<si><r><t>Le</t></r><r><rPr><b/></rPr><t>e</t></r><rPh><t>リー</t></rPh></si>"
        "<si><t>Hired</t></si>"
    )
    styles = (
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>'
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="inlineStr"><is><t>Sworn</t></is></c><c r="D1" t="s"><v>3</v></c></row>'
        '<row r="3"><c r="A3"><v>1001</v></c><c r="B3" t="s"><v>2</v></c>'
        '<c r="C3" t="b"><v>1</v></c><c r="D3" s="1"><v>1</v></c></row>'
        # No row or cell references: counted on from the previous ones, as Excel does.
        '<row><c t="str"><v>1002</v></c><c t="inlineStr"><is><r><t>K</t></r><r><t>im</t></r></is>'
        '</c><c t="b"><v>0</v></c><c s="2"><v>366</v></c></row>'
    )
    headers, rows, errors = read(
        handmade(sheet, shared=shared, styles=styles, workbook_pr='<workbookPr date1904="1"/>')
    )
    assert headers == ["Badge #", "Surname", "Sworn", "Hired"]
    assert rows == [
        (3, [1001, "Lee", True, datetime.datetime(1904, 1, 2)]),
        (4, ["1002", "Kim", False, datetime.datetime(1905, 1, 1)]),
    ]
    assert errors == []


def test_it_pads_rows_to_the_dimension_and_reads_past_a_wrong_one():
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>3</v></c></row>'
    )
    headers, rows, _ = read(handmade(sheet, dimension='<dimension ref="A1:B2"/>'))
    assert headers == ["ID", "Column B"]
    assert rows == [(2, [1, None, 3])]


def test_formulas_and_error_cells_are_named_including_shared_formulas():
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Hire date</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2+1</f>'
        "<v>2</v></c></row>"
        '<row r="3"><c r="A3"><v>2</v></c><c r="B3"><f t="shared" si="0"/><v>3</v></c></row>'
        '<row r="4"><c r="A4"><v>3</v></c><c r="B4" t="e"><v>#N/A</v></c></row>'
    )
    _headers, rows, errors = read(handmade(sheet))
    assert rows == [(2, [1, None]), (3, [2, None]), (4, [3, None])]
    assert errors[0].startswith("Row 2, column “Hire date”: The cell B2 holds a formula (“=A2+1”)")
    assert "The cell B3 holds a formula (“=A3+1”)" in errors[1]
    assert "The cell B4 shows the error “#N/A”" in errors[2]


def test_the_first_worksheet_is_read_even_after_a_chart_sheet():
    sheets = (
        f'<sheet name="Chart" sheetId="2" r:id="rId9" xmlns:r="{RELS}"/>'
        f'<sheet name="People" sheetId="1" r:id="rId1" xmlns:r="{RELS}"/>'
    )
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
    headers, rows, _ = read(handmade(sheet, sheets=sheets))
    assert headers == ["ID"] and rows == []


def test_an_empty_first_sheet_is_named():
    with pytest.raises(ImportFileError, match="The first sheet \\(“Roster”\\) is empty"):
        read(handmade(""))


def test_entity_bombs_and_external_entities_are_refused():
    assert pyexpat.version_info >= (2, 4, 0)  # expat's own guard against entity expansion
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefg", "bcdefgh", strict=True)
        )
        + f']><sst xmlns="{MAIN}"><si><t>&h;</t></si></sst>'
    )
    upload = handmade('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    patched = io.BytesIO()
    with zipfile.ZipFile(upload) as source, zipfile.ZipFile(patched, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("xl/sharedStrings.xml", bomb)
    patched.seek(0)
    patched.name = "roster.xlsx"
    with pytest.raises(ImportFileError, match="cannot be read"):
        read(patched)

    external = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    upload = handmade("")
    patched = io.BytesIO()
    with zipfile.ZipFile(upload) as source, zipfile.ZipFile(patched, "w") as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, source.read(info))
        out.writestr("xl/worksheets/sheet1.xml", external)
    patched.seek(0)
    patched.name = "roster.xlsx"
    with pytest.raises(ImportFileError, match="cannot be read"):
        read(patched)


def _parts(payload: bytes, chunk: int) -> list[str]:
    """Every element's tag, read through the guarded parser in chunks of `chunk` bytes."""
    from mhr.campaigns.imports.xlsx import iterparse

    class Trickle(io.BytesIO):
        def read(self, size=-1):
            return super().read(min(size, chunk) if size and size > 0 else chunk)

    return [element.tag for _event, element in iterparse(Trickle(payload))]


@pytest.mark.parametrize("chunk", [1, 3, 7, 16 * 1024])
def test_a_doctype_is_refused_wherever_the_reads_split_it(chunk):
    from defusedxml import DefusedXmlException

    payload = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with pytest.raises(DefusedXmlException):
        _parts(payload, chunk)


@pytest.mark.parametrize(
    "payload",
    [
        '<?xml version="1.0" encoding="UTF-16"?><x/>'.encode("utf-16"),
        b'<?xml version="1.0" encoding="ISO-8859-1"?><x/>',
        b"\x00<\x00x\x00/\x00>",
    ],
    ids=["utf-16", "latin-1 declared", "nul bytes"],
)
def test_a_part_not_in_utf8_is_refused(payload):
    from defusedxml import DefusedXmlException

    with pytest.raises(DefusedXmlException):
        _parts(payload, 16 * 1024)


def test_comments_cdata_and_a_utf8_declaration_are_read():
    payload = (
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8" standalone="yes"?>'
        b"<!-- made by a script --><x><y><![CDATA[a <b> & c]]></y></x>"
    )
    assert _parts(payload, 5) == ["y", "x"]
