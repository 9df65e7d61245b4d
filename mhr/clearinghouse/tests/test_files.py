from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mhr.clearinghouse.files import inspect_upload
from mhr.clearinghouse.models import Attachment


def pdf_bytes(text: str = "Crisis intervention teams", pages: int = 1) -> bytes:
    """A small valid PDF whose pages show `text`, built by hand so tests need no PDF writer."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 712 Td ({escaped}) Tj ET".encode("latin-1")
    page_ids = [4 + 2 * i for i in range(pages)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{i} 0 R".encode() for i in page_ids)
        + f"] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for page_id in page_ids:
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_id + 1} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def docx_bytes(text: str = "Co-responder programs") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Table cell"
    table.rows[0].cells[1].text = "Second cell"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script>Not a PDF</body></html>"


def inspect(data: bytes, filename: str = "file.pdf"):
    return inspect_upload(io.BytesIO(data), filename=filename)


def test_it_accepts_a_pdf_and_extracts_its_text_and_pages():
    result = inspect(pdf_bytes("Model policy text", pages=2))
    assert result.content_type == Attachment.Kind.PDF
    assert result.page_count == 2
    assert "Model policy text" in result.extracted_text
    assert len(result.sha256) == 64


def test_it_accepts_a_docx_and_extracts_paragraphs_and_tables():
    data = docx_bytes("Crisis line referrals")
    result = inspect(data, "policy.docx")
    assert result.content_type == Attachment.Kind.DOCX
    assert result.size_bytes == len(data)
    assert result.page_count is None
    assert "Crisis line referrals" in result.extracted_text
    assert "Table cell Second cell" in result.extracted_text


def test_it_identifies_files_by_content_not_by_name():
    result = inspect(pdf_bytes(), "misnamed.docx")
    assert result.content_type == Attachment.Kind.PDF


def test_it_rejects_an_html_page_renamed_to_pdf():
    with pytest.raises(ValidationError) as exc:
        inspect(HTML_PAGE, "x.pdf")
    assert exc.value.code == "bad_type"
    assert "“x.pdf” is not a PDF or Word (DOCX) document" in exc.value.messages[0]


def test_it_rejects_an_empty_file():
    with pytest.raises(ValidationError) as exc:
        inspect(b"", "empty.pdf")
    assert exc.value.code == "empty"
    assert "“empty.pdf” is empty." in exc.value.messages


def test_it_rejects_a_file_over_the_size_limit(settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        inspect(pdf_bytes(), "big.pdf")
    assert exc.value.code == "too_large"
    assert "larger than the 100\xa0bytes limit" in exc.value.messages[0]


def test_it_accepts_a_file_exactly_at_the_size_limit(settings):
    data = pdf_bytes()
    settings.MAX_UPLOAD_BYTES = len(data)
    assert inspect(data).size_bytes == len(data)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not really a pdf",
        b"%PDF-1.7\n" + b"\x00" * 100 + b"%%EOF",
        pdf_bytes()[:200],
    ],
    ids=["garbage", "nul-bytes", "truncated"],
)
def test_it_rejects_a_corrupt_pdf_with_a_clear_message(data):
    with pytest.raises(ValidationError) as exc:
        inspect(data, "broken.pdf")
    assert exc.value.code == "unreadable"
    assert "could not be read" in exc.value.messages[0] or "no pages" in exc.value.messages[0]


def test_it_rejects_a_pdf_with_no_pages():
    data = pdf_bytes(pages=1).replace(b"/Kids [4 0 R] /Count 1", b"/Kids [] /Count 0")
    with pytest.raises(ValidationError) as exc:
        inspect(data, "blank.pdf")
    assert exc.value.code == "unreadable"


def test_it_rejects_a_password_protected_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as exc:
        inspect(out.getvalue(), "locked.pdf")
    assert exc.value.code == "encrypted"


def test_it_rejects_a_zip_that_is_not_a_word_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError) as exc:
        inspect(out.getvalue(), "archive.docx")
    assert exc.value.code == "bad_type"


def test_it_rejects_a_damaged_word_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("word/document.xml", "<broken")
    with pytest.raises(ValidationError) as exc:
        inspect(out.getvalue(), "broken.docx")
    assert exc.value.code == "unreadable"


def test_it_rejects_a_word_document_that_expands_enormously(monkeypatch):
    monkeypatch.setattr("mhr.clearinghouse.files.MAX_DOCX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(ValidationError) as exc:
        inspect(docx_bytes(), "bomb.docx")
    assert exc.value.code == "too_large"


@hypothesis_settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=3000).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
        st.integers(min_value=0, max_value=2000).map(lambda n: pdf_bytes()[:n]),
    )
)
def test_it_answers_any_bytes_with_a_result_or_a_validation_error(data):
    try:
        result = inspect(data, "fuzz.pdf")
    except ValidationError as exc:
        assert exc.messages
    else:
        assert result.content_type in Attachment.Kind.values
        assert "\x00" not in result.extracted_text
