"""Shared builders for the search tests: resources made and published through the services."""

from __future__ import annotations

import datetime
import io

from docx import Document as DocxDocument

from mhr.clearinghouse import services
from mhr.clearinghouse.models import Resource


def docx_bytes(text: str) -> io.BytesIO:
    document = DocxDocument()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def make_resource(
    staff,
    *,
    title: str,
    summary: str = "A short summary.",
    body: str = "",
    topics: tuple[str, ...] = (),
    resource_type: str = Resource.Type.REPORT,
    access: str = Resource.Access.PUBLIC,
    published_on: datetime.date | None = None,
    attachment_text: str = "",
    publish: bool = True,
) -> Resource:
    resource = services.resource_create(
        created_by=staff,
        title=title,
        resource_type=resource_type,
        summary=summary,
        body=body,
        topics=services.topics_from_names(topics),
        access=access,
        published_on=published_on,
    )
    if attachment_text:
        services.attachment_add(
            resource=resource,
            fileobj=docx_bytes(attachment_text),
            filename=f"{resource.slug}.docx",
            uploaded_by=staff,
        )
    if publish:
        services.resource_change_status(
            resource=resource, status=Resource.Status.IN_REVIEW, changed_by=staff
        )
        services.resource_change_status(
            resource=resource, status=Resource.Status.PUBLISHED, changed_by=staff
        )
    resource.refresh_from_db()
    return resource
