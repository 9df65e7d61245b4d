"""CSV and XLSX exports of the audit log, each recorded in the audit log itself.

CSV streams every matching row; XLSX is built in memory and holds at most XLSX_MAX_ROWS rows
(the newest), with a note in the workbook when rows were left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.audit.models import AuditEvent
from mhr.audit.selectors import (
    AuditFilters,
    AuditViewer,
    audit_event_list,
    event_label,
    extra_as_json,
    format_occurred_at,
)
from mhr.audit.services import audit_record
from mhr.core.spreadsheets import write_csv, write_xlsx

XLSX_MAX_ROWS = 100_000
CSV_CHUNK_SIZE = 2000
# Lines joined into one chunk of the streamed response, so the server writes a few large blocks.
CSV_LINES_PER_WRITE = 500

EXPORT_EVENT_TYPE = AuditEvent.EventType.AUDIT_EXPORTED
EXPORT_ACTION = "audit_export"

EXPORT_HEADERS = (
    "ID",
    "Occurred at (UTC)",
    "Event type",
    "Event",
    "Outcome",
    "Who",
    "Agency ORI",
    "Agency",
    "Object type",
    "Object ID",
    "Object",
    "IP address",
    "Details (JSON)",
)


@dataclass(frozen=True)
class XlsxExport:
    content: bytes
    filename: str
    rows: int
    truncated: bool


def export_row(event: AuditEvent) -> tuple[Any, ...]:
    agency = event.agency
    return (
        event.pk,
        format_occurred_at(event.occurred_at),
        event.event_type,
        event_label(event),
        event.outcome,
        event.actor_label,
        agency.ori if agency else "",
        agency.name if agency else "",
        event.object_type,
        event.object_id,
        event.object_repr,
        event.ip_address or "",
        extra_as_json(event.extra),
    )


def export_filename(*, viewer: AuditViewer, extension: str, now: dt.datetime) -> str:
    scope = f"-{viewer.agency.ori}" if viewer.agency is not None else ""
    return f"audit-log{scope}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.{extension}"


def _record_export(
    *,
    viewer: AuditViewer,
    filters: AuditFilters,
    export_format: str,
    filename: str,
    request: HttpRequest | None,
    **details: Any,
) -> None:
    audit_record(
        event_type=EXPORT_EVENT_TYPE,
        actor=viewer.user,
        agency=viewer.agency,
        request=request,
        extra={
            "action": EXPORT_ACTION,
            "format": export_format,
            "filename": filename,
            "filters": filters.as_dict(),
            **details,
        },
    )


def _batched(lines: Iterable[str], size: int) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


@transaction.atomic
def audit_log_export_csv(
    *, viewer: AuditViewer, filters: AuditFilters, request: HttpRequest | None = None
) -> tuple[str, Iterator[str]]:
    """Record the export, then return its filename and a lazy stream of CSV text.

    The audit row is committed before any data leaves, so an export that cannot be
    recorded never starts.
    """
    filename = export_filename(viewer=viewer, extension="csv", now=timezone.now())
    _record_export(
        viewer=viewer, filters=filters, export_format="csv", filename=filename, request=request
    )
    events = audit_event_list(viewer=viewer, filters=filters)
    rows = (export_row(event) for event in events.iterator(chunk_size=CSV_CHUNK_SIZE))
    return filename, _batched(write_csv(rows, EXPORT_HEADERS), CSV_LINES_PER_WRITE)


@transaction.atomic
def audit_log_export_xlsx(
    *, viewer: AuditViewer, filters: AuditFilters, request: HttpRequest | None = None
) -> XlsxExport:
    """Build the workbook of the newest matching rows (at most XLSX_MAX_ROWS) and record it."""
    now = timezone.now()
    filename = export_filename(viewer=viewer, extension="xlsx", now=now)
    events = audit_event_list(viewer=viewer, filters=filters)
    total = events.count()
    limit = XLSX_MAX_ROWS
    truncated = total > limit
    rows = (export_row(event) for event in events[:limit].iterator(chunk_size=CSV_CHUNK_SIZE))
    notes = [
        f"Audit log export made {format_occurred_at(now)} UTC by {viewer.user.email}.",
        "Scope: " + (f"agency {viewer.agency}." if viewer.agency is not None else "every agency."),
        "Filters: "
        + ("; ".join(f"{key} = {value}" for key, value in filters.as_dict().items()) or "none."),
        f"Rows: {min(total, limit)} of {total} matching, newest first.",
    ]
    if truncated:
        notes.append(
            f"Only the newest {limit:,} matching rows are included. Narrow the date range, "
            "or use the CSV export, which has no row limit."
        )
    content = write_xlsx(rows, EXPORT_HEADERS, sheet_title="Audit log", notes=notes)
    _record_export(
        viewer=viewer,
        filters=filters,
        export_format="xlsx",
        filename=filename,
        request=request,
        rows=min(total, limit),
        truncated=truncated,
    )
    return XlsxExport(
        content=content, filename=filename, rows=min(total, limit), truncated=truncated
    )
