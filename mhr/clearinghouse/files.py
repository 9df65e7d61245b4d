"""Checks and text extraction for uploaded attachments.

A file is identified by its content, never by its name or the browser's content type:
a renamed HTML page is not a PDF.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from mhr.clearinghouse.models import Attachment

logger = logging.getLogger(__name__)

# Text beyond this is not indexed; a 25 MB PDF can hold far more words than search needs.
MAX_EXTRACTED_CHARS = 400_000
# A DOCX is a zip: refuse archives that expand far beyond any real document (zip bombs).
MAX_DOCX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    size_bytes: int
    sha256: str
    page_count: int | None
    extracted_text: str


def _read_all(fileobj: IO[bytes], limit: int) -> bytes:
    fileobj.seek(0)
    data = fileobj.read(limit + 1)
    fileobj.seek(0)
    return data


def sniff_content_type(head: bytes, data: bytes) -> str | None:
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return Attachment.Kind.PDF
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return Attachment.Kind.DOCX
    return None


def inspect_upload(fileobj: IO[bytes], *, filename: str) -> InspectedFile:
    """Validate an upload and pull its text out. Raises ValidationError with a clear message."""
    limit = settings.MAX_UPLOAD_BYTES
    data = _read_all(fileobj, limit)
    if len(data) > limit:
        raise ValidationError(
            f"“{filename}” is larger than the {filesizeformat(limit)} limit.", code="too_large"
        )
    if not data:
        raise ValidationError(f"“{filename}” is empty.", code="empty")
    content_type = sniff_content_type(data[:2048], data)
    if content_type is None:
        raise ValidationError(
            f"“{filename}” is not a PDF or Word (DOCX) document. Only PDF and DOCX files can be "
            "attached; the file's contents are checked, not its name.",
            code="bad_type",
        )
    if content_type == Attachment.Kind.PDF:
        page_count, text = _pdf_text(data, filename)
    else:
        page_count, text = None, _docx_text(data, filename)
    return InspectedFile(
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=page_count,
        # PostgreSQL text columns cannot hold NUL characters, which PDF extraction can produce.
        extracted_text=text.replace("\x00", "")[:MAX_EXTRACTED_CHARS],
    )


def _pdf_text(data: bytes, filename: str) -> tuple[int, str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                f"“{filename}” is password-protected. Upload a PDF without a password.",
                code="encrypted",
            )
        parts: list[str] = []
        total = 0
        for page in reader.pages:
            page_text = page.extract_text() or ""
            parts.append(page_text)
            total += len(page_text)
            if total > MAX_EXTRACTED_CHARS:
                break
        page_count = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # damaged PDFs make pypdf raise almost anything
        logger.info("Unreadable PDF %s: %s", filename, exc)
        raise ValidationError(
            f"“{filename}” looks like a PDF but could not be read. It may be damaged.",
            code="unreadable",
        ) from exc
    if page_count == 0:
        raise ValidationError(
            f"“{filename}” looks like a PDF but has no pages. It may be damaged.",
            code="unreadable",
        )
    return page_count, "\n".join(parts)


def _docx_text(data: bytes, filename: str) -> str:
    import docx

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            f"“{filename}” expands to more than {filesizeformat(MAX_DOCX_UNCOMPRESSED_BYTES)} "
            "and cannot be attached.",
            code="too_large",
        )
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
        for table in document.tables:
            for row in table.rows:
                paragraphs.append(" ".join(cell.text for cell in row.cells))
    except Exception as exc:  # python-docx raises many kinds for broken packages
        logger.info("Unreadable DOCX %s: %s", filename, exc)
        raise ValidationError(
            f"“{filename}” looks like a Word document but could not be read. It may be damaged.",
            code="unreadable",
        ) from exc
    return "\n".join(paragraphs)
