"""Importing encounter files on the web: upload, map columns, preview, commit, follow progress.

Coordinators import; every member of the agency may see the import history and each import's
result. Another agency's imports answer 404. A preview shows sample records, so opening an
import writes an ENCOUNTER_VIEWED audit row. Large files are committed by a background task and
the page polls a small progress fragment with htmx.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mhr.accounts.access import access_agency_object, require_membership
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.core.pagination import list_page
from mhr.encounters import schema
from mhr.encounters.import_background import (
    encounter_import_preview_enqueue,
    encounter_import_remap_enqueue,
    preview_failed,
    preview_pending,
    previews_in_background,
)
from mhr.encounters.import_services import (
    encounter_import_commit,
    encounter_import_enqueue,
    encounter_import_headers,
    encounter_import_preview,
    encounter_import_remap,
    runs_in_background,
)
from mhr.encounters.models import Encounter, EncounterImport

PER_PAGE = 25
Status = EncounterImport.Status
IN_PROGRESS = (Status.QUEUED, Status.RUNNING)
UPLOAD_LIMIT = 200 * 1024 * 1024
DISPOSITION_LABELS = dict(Encounter.Disposition.choices)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Encounter file",
        help_text="A CSV (UTF-8 or Windows-1252) or XLSX file, one row per encounter (Seattle "
        "Crisis Data: one row per officer). At most 200 MB.",
    )
    format = forms.ChoiceField(
        label="Layout of the file",
        choices=EncounterImport.Format.choices,
        initial=EncounterImport.Format.NATIVE,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_LIMIT:
            raise ValidationError("The file is larger than 200 MB; split it into smaller files.")
        return upload


class MappingForm(forms.Form):
    """One select per MHR field: which of the file's columns holds it."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— Not in this file —"), *((header, header) for header in headers)]
        for spec in schema.FIELDS:
            self.fields[spec.name] = forms.ChoiceField(
                label=spec.label,
                choices=choices,
                required=spec.required,
                help_text=spec.help or ("Required." if spec.required else ""),
                error_messages={"required": f"Choose the column that holds {spec.label}."},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for name, header in cleaned.items():
            if not header:
                continue
            if header in seen:
                self.add_error(
                    name,
                    f"“{header}” is already chosen for {schema.BY_NAME[seen[header]].label}.",
                )
            seen.setdefault(header, name)
        return cleaned

    def mapping(self) -> dict[str, str | None]:
        return {name: (header or None) for name, header in self.cleaned_data.items()}


def _batch(request: HttpRequest, pk: int, *, need_coordinator: bool = False) -> EncounterImport:
    return access_agency_object(
        request.user,
        EncounterImport.objects.select_related("agency", "created_by"),
        need_coordinator=need_coordinator,
        pk=pk,
    )


@login_required
@require_GET
def import_history(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    imports = EncounterImport.objects.filter(agency=membership.agency).select_related("created_by")
    page = list_page(imports.order_by("-created_at", "-id"), request, per_page=PER_PAGE)
    return render(
        request,
        "encounters/import/history.html",
        {"page": page, "is_coordinator": membership.is_coordinator},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if previews_in_background(upload.size):
            batch = encounter_import_preview_enqueue(
                agency=membership.agency,
                file=upload,
                filename=upload.name,
                actor=request.user,
                format=form.cleaned_data["format"],
            )
            if batch.status in IN_PROGRESS:
                messages.info(request, "The file is being checked; this page shows how far.")
            return redirect("encounters_agency:import_detail", pk=batch.pk)
        outcome = encounter_import_preview(
            agency=membership.agency,
            file=upload,
            filename=upload.name,
            actor=request.user,
            format=form.cleaned_data["format"],
            store_file=True,
        )
        batch = outcome.batch
        if batch.format == EncounterImport.Format.NATIVE and outcome.headers:
            return redirect("encounters_agency:import_mapping", pk=batch.pk)
        return redirect("encounters_agency:import_detail", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "encounters/import/upload.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk, need_coordinator=True)
    if batch.status != Status.PREVIEWED or batch.format != EncounterImport.Format.NATIVE:
        return redirect("encounters_agency:import_detail", pk=batch.pk)
    headers = encounter_import_headers(batch)
    if not headers:
        messages.error(request, "The file of this import can no longer be read; upload it again.")
        return redirect("encounters_agency:import_upload")
    if request.method == "POST":
        form = MappingForm(request.POST, headers=headers)
        if form.is_valid():
            try:
                if previews_in_background(batch.stored_file.size):
                    encounter_import_remap_enqueue(batch=batch, mapping=form.mapping())
                else:
                    encounter_import_remap(batch=batch, mapping=form.mapping())
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("encounters_agency:import_detail", pk=batch.pk)
        status = 400
    else:
        form = MappingForm(initial=dict(batch.mapping or {}), headers=headers)
        status = 200
    rows = [
        (form[spec.name], spec) for spec in schema.FIELDS
    ]  # bound fields with their spec, in canonical order
    return render(
        request,
        "encounters/import/mapping.html",
        {"batch": batch, "form": form, "rows": rows, "headers": headers},
        status=status,
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    membership = require_membership(request.user)
    audit_record(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED,
        actor=request.user,
        agency=batch.agency,
        target=batch,
        request=request,
        extra={"import": batch.pk},
    )
    counts = dict(batch.counts or {})
    return render(
        request,
        "encounters/import/detail.html",
        {
            "batch": batch,
            "counts": counts,
            "samples": [
                {**sample, "disposition": DISPOSITION_LABELS.get(sample.get("disposition"), "")}
                for sample in counts.get("samples") or []
            ],
            "mapping_rows": [
                (schema.BY_NAME[name].label, header)
                for name, header in (batch.mapping or {}).items()
                if name in schema.BY_NAME
            ],
            "is_coordinator": membership.is_coordinator,
            "can_commit": membership.is_coordinator
            and batch.status == Status.PREVIEWED
            and not batch.errors
            and bool(batch.stored_file),
            "in_progress": batch.status in IN_PROGRESS,
            "previewing": preview_pending(batch),
            "preview_failed": preview_failed(batch),
            "more_errors": int(counts.get("errors", 0)) - len(batch.errors),
            "more_warnings": int(counts.get("warnings", 0)) - len(batch.warnings),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk, need_coordinator=True)
    try:
        if batch.errors:
            raise ValidationError("This file has errors; correct them and upload it again.")
        if batch.status != Status.PREVIEWED:
            raise ValidationError("Only a previewed import can be committed.")
        if runs_in_background(batch):
            encounter_import_enqueue(batch=batch, actor=request.user)
            messages.info(request, "The import has started; this page shows how far it is.")
        else:
            outcome = encounter_import_commit(batch=batch, actor=request.user, request=request)
            if outcome.committed:
                messages.success(request, "The encounters are imported.")
            else:
                messages.error(request, "Nothing was imported: the file has errors.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("encounters_agency:import_detail", pk=batch.pk)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the detail page polls; a finished preview or import reloads it."""
    batch = _batch(request, pk)
    response = render(
        request,
        "encounters/import/_progress.html",
        {"batch": batch, "previewing": preview_pending(batch)},
    )
    # Finished either way (a preview, a commit, or a failure): the page reloads with the result.
    if batch.status not in IN_PROGRESS and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
