"""Searching and exporting the audit log.

Association staff administrators, reviewers and superusers read every row; an agency's
coordinators read only their agency's rows; everyone else gets 403 (anonymous: sign-in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from mhr.audit.exports import XLSX_MAX_ROWS, audit_log_export_csv, audit_log_export_xlsx
from mhr.audit.forms import AuditFilterForm
from mhr.audit.models import AuditEvent
from mhr.audit.selectors import (
    AuditViewer,
    audit_event_list,
    audit_viewer_for,
    event_label,
    extra_as_json,
    format_occurred_at,
)
from mhr.audit.services import audit_record
from mhr.core.pagination import list_page
from mhr.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

# The log is the largest table there is: pages count at most this many matching rows (then
# "more than", and Next links), instead of counting every row on every visit.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class AuditRow:
    """One row of the results table, with the values the template cannot compute itself."""

    event: AuditEvent
    when: str
    label: str
    details: str


def _viewer(request: HttpRequest) -> AuditViewer:
    viewer = audit_viewer_for(request.user)
    if viewer is None:
        raise PermissionDenied(
            "Only association staff and agency coordinators can read the audit log."
        )
    return viewer


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _private(response: HttpResponse | StreamingHttpResponse) -> Any:
    # Audit rows name people and addresses: never keep them in a shared or browser cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _render_list(
    request: HttpRequest, viewer: AuditViewer, form: AuditFilterForm, *, status: int = 200
) -> HttpResponse:
    page = None
    rows: list[AuditRow] = []
    if form.is_valid():
        events = audit_event_list(viewer=viewer, filters=form.filters())
        page = list_page(events, request, per_page=form.page_size(), count_cap=COUNT_CAP)
        rows = [
            AuditRow(
                event=event,
                when=format_occurred_at(event.occurred_at),
                label=event_label(event),
                details=extra_as_json(event.extra, indent=2),
            )
            for event in page["items"]
        ]
        # Reading the log is itself audited (who looked for what); written after the page is read.
        audit_record(
            event_type=AuditEvent.EventType.AUDIT_VIEWED,
            actor=request.user,
            agency=viewer.agency,
            request=request,
            extra={
                "filters": form.filters().as_dict(),
                "page": page["number"],
            },
        )
    context = {
        "form": form,
        "viewer": viewer,
        "page": page,
        "rows": rows,
        "export_query": _query_without(request, "page", "per_page"),
        "xlsx_max_rows": f"{XLSX_MAX_ROWS:,}",
    }
    return _private(render(request, "audit/event_list.html", context, status=status))


@require_GET
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = AuditFilterForm(request.GET, show_agency=viewer.sees_all_agencies)
    return _render_list(request, viewer, form)


@require_GET
@login_required
def event_export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    viewer = _viewer(request)
    form = AuditFilterForm(request.GET, show_agency=viewer.sees_all_agencies)
    if not form.is_valid():
        return _render_list(request, viewer, form, status=400)
    filename, stream = audit_log_export_csv(viewer=viewer, filters=form.filters(), request=request)
    response = StreamingHttpResponse(stream, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _private(response)


@require_GET
@login_required
def event_export_xlsx(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = AuditFilterForm(request.GET, show_agency=viewer.sees_all_agencies)
    if not form.is_valid():
        return _render_list(request, viewer, form, status=400)
    export = audit_log_export_xlsx(viewer=viewer, filters=form.filters(), request=request)
    response = HttpResponse(export.content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return _private(response)
