"""The coordinator's roster screens: officers, their training records, and file imports.

Members of the signed-in user's agency read; its coordinators write; everyone else gets 404
(anonymous visitors the sign-in page). Every officer, record and import is fetched through
`access_agency_object`, so another agency's objects answer 404 like missing ones.

The import wizard is upload → column mapping → preview → commit → result. The upload previews
the file with the saved or suggested mapping and keeps it with its ImportBatch; the mapping step
previews the kept file again on the same batch (`import_remap`); the commit runs in the request
for small files and in a background task with a polled progress bar for large ones.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from mhr.accounts.access import access_agency_object, require_membership
from mhr.campaigns.imports.rows import field_label
from mhr.campaigns.models import CourseType, ImportBatch, Officer, TrainingRecord
from mhr.campaigns.roster_forms import (
    ImportMappingForm,
    ImportUploadForm,
    OfficerForm,
    OfficerStatusForm,
    RosterFilterForm,
    TrainingRecordForm,
    apply_service_errors,
)
from mhr.campaigns.services.imports import (
    BACKGROUND_ROWS,
    import_commit,
    import_enqueue,
    import_headers,
    import_preview,
    import_remap,
)
from mhr.campaigns.services.roster import (
    CERTIFICATE_KINDS,
    officer_create,
    officer_separate,
    officer_update,
    training_record_create,
    training_record_remove,
    training_record_update,
)
from mhr.core.pagination import parse_page

PAGE_SIZE = 50
IMPORT_PAGE_SIZE = 25
SAMPLE_SIZE = 10
QUALIFYING_FAMILIES = (
    CourseType.Family.CRISIS_INTERVENTION,
    CourseType.Family.MENTAL_HEALTH_FIRST_AID,
)
IN_PROGRESS = (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)


def _today() -> datetime.date:
    return timezone.localdate()


def _current_training(today: datetime.date) -> Prefetch:
    """Each officer's crisis-intervention and MHFA certificates valid today, as `current_training`."""
    valid = (
        TrainingRecord.objects.filter(
            course_type__family__in=QUALIFYING_FAMILIES, completed_on__lte=today
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .select_related("course_type")
        .order_by("course_type__name", "-completed_on")
    )
    return Prefetch("training_records", queryset=valid, to_attr="current_training")


def _search(officers: QuerySet[Officer], query: str) -> QuerySet[Officer]:
    # Every word must match a name or the employee id: "ann lee" finds Ann Lee.
    for word in query.split()[:5]:
        officers = officers.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(employee_id__icontains=word)
        )
    return officers


# --- roster ----------------------------------------------------------------------------------------


@login_required
@require_GET
def officer_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    form = RosterFilterForm(request.GET)
    filters = form.filters()
    officers = Officer.objects.filter(agency=membership.agency)
    if filters.get("q"):
        officers = _search(officers, filters["q"])
    if filters.get("sworn"):
        officers = officers.filter(is_sworn=filters["sworn"] == "yes")
    if filters.get("status"):
        officers = officers.filter(status=filters["status"])
    if filters.get("role"):
        officers = officers.filter(role=filters["role"])
    officers = officers.order_by("last_name", "first_name", "employee_id", "pk").prefetch_related(
        _current_training(_today())
    )
    number, page_note = parse_page(request.GET.get("page"))
    page = Paginator(officers, PAGE_SIZE).get_page(number)
    return render(
        request,
        "campaigns/roster/officer_list.html",
        {
            "form": form,
            "page": page,
            "page_note": page_note,
            "filtered": bool(filters),
            "querystring": urlencode(filters),
            "can_edit": membership.is_coordinator,
            "agency": membership.agency,
        },
    )


@login_required
@require_GET
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = access_agency_object(request.user, Officer, pk=pk)
    membership = require_membership(request.user)
    today = _today()
    records = list(
        officer.training_records.select_related("course_type").order_by("-completed_on", "-pk")
    )
    current = {
        record.pk
        for record in records
        if record.completed_on <= today
        and (record.expires_on is None or record.expires_on >= today)
    }
    return render(
        request,
        "campaigns/roster/officer_detail.html",
        {
            "officer": officer,
            "records": records,
            "current": current,
            "can_edit": membership.is_coordinator,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_new(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    form = OfficerForm(request.POST or None, agency=membership.agency)
    if request.method == "POST" and form.is_valid():
        try:
            officer = officer_create(
                agency=membership.agency, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{officer.first_name} {officer.last_name} was added.")
            return redirect("campaigns_roster:officer_detail", pk=officer.pk)
    return render(request, "campaigns/roster/officer_form.html", {"form": form, "officer": None})


@login_required
@require_http_methods(["GET", "POST"])
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = access_agency_object(request.user, Officer, need_coordinator=True, pk=pk)
    form = OfficerForm(request.POST or None, agency=officer.agency, officer=officer)
    if request.method == "POST" and form.is_valid():
        try:
            officer_update(
                officer=officer, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The officer's details were saved.")
            return redirect("campaigns_roster:officer_detail", pk=officer.pk)
    elif request.method == "GET":
        form.initial_from(officer)
    return render(request, "campaigns/roster/officer_form.html", {"form": form, "officer": officer})


@login_required
@require_http_methods(["GET", "POST"])
def officer_status(request: HttpRequest, pk: int) -> HttpResponse:
    officer = access_agency_object(request.user, Officer, need_coordinator=True, pk=pk)
    form = OfficerStatusForm(
        request.POST or None,
        officer=officer,
        initial={"status": officer.status, "status_since": _today()},
    )
    if request.method == "POST" and form.is_valid():
        status, since = form.cleaned_data["status"], form.cleaned_data["status_since"]
        try:
            if status == Officer.Status.SEPARATED and officer.status != status:
                officer_separate(officer=officer, actor=request.user, on=since, request=request)
            else:
                officer_update(
                    officer=officer,
                    actor=request.user,
                    request=request,
                    status=status,
                    status_since=since,
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Status set to {Officer.Status(status).label.lower()} from {since:%B %-d, %Y}.",
            )
            return redirect("campaigns_roster:officer_detail", pk=officer.pk)
    return render(
        request, "campaigns/roster/officer_status.html", {"form": form, "officer": officer}
    )


# --- training records --------------------------------------------------------------------------


def _record(request: HttpRequest, pk: int, *, need_coordinator: bool = False) -> TrainingRecord:
    return access_agency_object(
        request.user,
        TrainingRecord.objects.select_related("officer", "course_type"),
        need_coordinator=need_coordinator,
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest, pk: int) -> HttpResponse:
    officer = access_agency_object(request.user, Officer, need_coordinator=True, pk=pk)
    form = TrainingRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_record_create(
                officer=officer,
                actor=request.user,
                certificate=form.cleaned_data["certificate"],
                request=request,
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The training record was added.")
            return redirect("campaigns_roster:officer_detail", pk=officer.pk)
    return render(
        request,
        "campaigns/roster/training_form.html",
        {"form": form, "officer": officer, "record": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk, need_coordinator=True)
    if request.method == "POST":
        form = TrainingRecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                training_record_update(
                    record=record,
                    actor=request.user,
                    certificate=form.cleaned_data["certificate"],
                    request=request,
                    **form.service_fields(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "The training record was saved.")
                return redirect("campaigns_roster:officer_detail", pk=record.officer_id)
    else:
        form = TrainingRecordForm(
            initial={
                "course_type": record.course_type_id,
                "provider": record.provider,
                "completed_on": record.completed_on,
                "hours": record.hours,
                "expires_on": record.expires_on,
            }
        )
    return render(
        request,
        "campaigns/roster/training_form.html",
        {"form": form, "officer": record.officer, "record": record},
    )


@login_required
@require_POST
def training_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk, need_coordinator=True)
    training_record_remove(record=record, actor=request.user, request=request)
    messages.success(
        request,
        f"The {record.course_type.name} record of {record.completed_on:%B %-d, %Y} was removed.",
    )
    return redirect("campaigns_roster:officer_detail", pk=record.officer_id)


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    record = _record(request, pk)
    if not record.certificate.name:
        raise Http404("No certificate.")
    extension = record.certificate.name.rsplit(".", 1)[-1].lower()
    try:
        stream = record.certificate.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"certificate-{record.officer.employee_id}-{record.pk}.{extension}",
        content_type=CERTIFICATE_KINDS.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


# --- imports ---------------------------------------------------------------------------------------


def _batch(request: HttpRequest, pk: int, *, need_coordinator: bool = False) -> ImportBatch:
    return access_agency_object(
        request.user,
        ImportBatch.objects.select_related("created_by"),
        need_coordinator=need_coordinator,
        pk=pk,
    )


SAMPLES_SESSION_KEY = "roster_import_samples"


def _keep_samples(request: HttpRequest, batch: ImportBatch, samples: dict[str, Any]) -> None:
    """The preview's first changes of each kind, for the preview page (not stored on the batch).

    One preview's worth per session: the latest is the one the coordinator is looking at.
    """
    request.session[SAMPLES_SESSION_KEY] = {
        "batch": batch.pk,
        "samples": {kind: rows[:SAMPLE_SIZE] for kind, rows in samples.items()},
    }


def _kept_samples(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    kept = request.session.get(SAMPLES_SESSION_KEY) or {}
    return (kept.get("samples") or {}) if kept.get("batch") == batch.pk else {}


def _sample_rows(batch: ImportBatch, samples: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    shown: dict[str, list[dict[str, Any]]] = {}
    for kind, rows in samples.items():
        shown[kind] = [
            {
                **row,
                "changes": [
                    {"field": field_label(batch.kind, name), "old": old, "new": new}
                    for name, (old, new) in (row.get("changes") or {}).items()
                ],
            }
            for row in rows
        ]
    return shown


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    batches = (
        ImportBatch.objects.filter(agency=membership.agency)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    number, page_note = parse_page(request.GET.get("page"))
    page = Paginator(batches, IMPORT_PAGE_SIZE).get_page(number)
    return render(
        request,
        "campaigns/roster/import_list.html",
        {"page": page, "page_note": page_note, "can_edit": membership.is_coordinator},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    kind = request.GET.get("kind")
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": kind if kind in ImportBatch.Kind.values else ImportBatch.Kind.ROSTER},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_preview(
                agency=membership.agency,
                kind=form.cleaned_data["kind"],
                file=upload,
                actor=request.user,
                filename=upload.name,
                full_roster=form.cleaned_data["full_roster"],
                store_file=True,
            )
        except ValidationError as exc:  # the file could not be kept (a full disk)
            apply_service_errors(form, exc)
        else:
            _keep_samples(request, result.batch, result.samples)
            if result.headers and result.batch.stored_file:
                return redirect("campaigns_roster:import_mapping", pk=result.batch.pk)
            # The file could not be read at all: the import's page says why.
            return redirect("campaigns_roster:import_detail", pk=result.batch.pk)
    return render(request, "campaigns/roster/import_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk, need_coordinator=True)
    if batch.status != ImportBatch.Status.PREVIEWED:
        messages.info(request, "This import has already been committed or started.")
        return redirect("campaigns_roster:import_detail", pk=batch.pk)
    headers = import_headers(batch)
    if not headers:
        messages.error(request, "The file of this import cannot be read any more; upload it again.")
        return redirect("campaigns_roster:import_detail", pk=batch.pk)
    form = ImportMappingForm(
        request.POST or None,
        kind=batch.kind,
        headers=headers,
        current=batch.mapping or {},
        initial={"full_roster": bool(batch.counts.get("full_roster", True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = import_remap(
                batch=batch,
                mapping=form.mapping(),
                full_roster=form.cleaned_data.get("full_roster", False),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _keep_samples(request, batch, result.samples)
            return redirect("campaigns_roster:import_detail", pk=batch.pk)
    mapping_errors = [] if request.method == "POST" else batch.errors[:5]
    return render(
        request,
        "campaigns/roster/import_mapping.html",
        {
            "batch": batch,
            "form": form,
            "headers": headers,
            "file_errors": [e for e in mapping_errors if e.get("row") is None],
        },
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    membership = require_membership(request.user)
    running = batch.status in IN_PROGRESS
    if getattr(request, "htmx", False):
        if running:
            return render(request, "campaigns/roster/_import_progress.html", {"batch": batch})
        # Finished: load the whole page, which now shows the result.
        return HttpResponseClientRedirect(reverse("campaigns_roster:import_detail", args=[pk]))
    counts = batch.counts or {}
    changes = sum(int(counts.get(k) or 0) for k in ("new", "updated", "separated"))
    samples = _kept_samples(request, batch)
    return render(
        request,
        "campaigns/roster/import_detail.html",
        {
            "batch": batch,
            "counts": counts,
            "changes": changes,
            "running": running,
            "samples": _sample_rows(batch, samples),
            "has_samples": any(samples.values()),
            "can_edit": membership.is_coordinator,
            "can_commit": (
                membership.is_coordinator
                and batch.status == ImportBatch.Status.PREVIEWED
                and not batch.errors
                and changes > 0
            ),
            "mapping": [
                {"field": field_label(batch.kind, name), "header": header}
                for name, header in (batch.mapping or {}).items()
            ],
            "background": int(counts.get("rows") or 0) > BACKGROUND_ROWS,
        },
    )


@login_required
@require_POST
def import_commit_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk, need_coordinator=True)
    if batch.status != ImportBatch.Status.PREVIEWED or batch.errors:
        messages.error(request, "Only a previewed import without errors can be committed.")
        return redirect("campaigns_roster:import_detail", pk=batch.pk)
    try:
        if int(batch.counts.get("rows") or 0) > BACKGROUND_ROWS:
            import_enqueue(batch=batch, actor=request.user)
            return redirect("campaigns_roster:import_detail", pk=batch.pk)
        result = import_commit(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns_roster:import_detail", pk=batch.pk)
    except Exception:
        # import_commit logged it and marked the batch failed; nothing was changed.
        messages.error(
            request,
            "The import stopped because of an unexpected error; nothing was changed. "
            "Try again, and tell the association if it happens again.",
        )
        return redirect("campaigns_roster:import_detail", pk=batch.pk)
    if result.committed:
        messages.success(request, "The import was committed.")
    else:
        messages.error(request, "The import was not committed: the file has errors.")
    return redirect("campaigns_roster:import_detail", pk=batch.pk)
