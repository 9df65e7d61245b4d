"""The coordinator's messaging worksheets: generate, edit the points, export PDF and Word.

Coordinators of the signed-in user's agency only: members get 403, other agencies and staff 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from mhr.accounts.access import access_agency_object, require_membership
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.pdf import pdf_response
from mhr.core.pagination import parse_page
from mhr.encounters.models import MessagingWorksheet
from mhr.encounters.public_views import years_with_data
from mhr.encounters.worksheet_services import (
    KIND_LABELS,
    MAX_POINT_LENGTH,
    document_context,
    worksheet_create,
    worksheet_export_docx,
    worksheet_export_pdf,
    worksheet_regenerate,
    worksheet_regeneration_plan,
    worksheet_save,
)

PER_PAGE = 20
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorksheetNewForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    period_start = forms.DateField(label="Period starts", widget=_DATE)
    period_end = forms.DateField(label="Period ends", widget=_DATE, help_text="Inclusive.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period ends before it starts.")
        return data


class WorksheetEditForm(forms.Form):
    """The title, then for each point: its words, whether to keep it, and its position."""

    title = forms.CharField(label="Title", max_length=200)

    def __init__(self, *args: Any, worksheet: MessagingWorksheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = list(worksheet.points)
        for index, point in enumerate(self.points):
            number = index + 1
            self.fields[f"text_{index}"] = forms.CharField(
                label=f"Words of point {number}",
                max_length=MAX_POINT_LENGTH,
                initial=point["text"],
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"keep_{index}"] = forms.BooleanField(
                label=f"Keep point {number}", required=False, initial=True
            )
            self.fields[f"position_{index}"] = forms.IntegerField(
                label=f"Position of point {number}",
                min_value=1,
                max_value=999,
                initial=number,
                help_text="Lower numbers come first.",
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": index + 1,
                "point": point,
                "kind_label": KIND_LABELS.get(point.get("kind"), ""),
                "text": self[f"text_{index}"],
                "keep": self[f"keep_{index}"],
                "position": self[f"position_{index}"],
            }
            for index, point in enumerate(self.points)
        ]

    def texts(self) -> list[tuple[str, str]]:
        """(key, words) of the kept points in their new order."""
        kept = [
            (self.cleaned_data[f"position_{index}"], index)
            for index in range(len(self.points))
            if self.cleaned_data.get(f"keep_{index}")
        ]
        return [
            (self.points[index]["key"], self.cleaned_data[f"text_{index}"])
            for _, index in sorted(kept)
        ]


class RegenerateForm(forms.Form):
    """The chief's choices on the comparison page: which edited points to overwrite, which
    points the worksheet lacks to add. Unticked means "leave as it is"."""

    fingerprint = forms.CharField(widget=forms.HiddenInput)
    replace = forms.MultipleChoiceField(
        label="Replace my words with the new ones",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add = forms.MultipleChoiceField(
        label="Add these points", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replace"].choices = [(c.key, c.key) for c in plan.conflicts]
        self.fields["add"].choices = [(c.key, c.key) for c in plan.added]


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _worksheet(request: HttpRequest, pk: int) -> MessagingWorksheet:
    return access_agency_object(
        request.user,
        MessagingWorksheet.objects.select_related("agency"),
        need_coordinator=True,
        pk=pk,
    )


@login_required
@require_GET
def worksheet_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    page_number, note = parse_page(request.GET.get("page"))
    worksheets = (
        MessagingWorksheet.objects.filter(agency=membership.agency)
        .select_related("created_by")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(worksheets, PER_PAGE).get_page(page_number)
    return render(
        request,
        "encounters/worksheet/list.html",
        {"page": page, "worksheets": list(page.object_list), "note": note},
    )


def _default_period(agency: Any) -> tuple[datetime.date, datetime.date]:
    years = years_with_data(agency)
    year = years[0] if years else timezone.localdate().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_new(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    agency = membership.agency
    start, end = _default_period(agency)
    form = WorksheetNewForm(
        request.POST or None,
        initial={
            "title": f"Talking points: crisis response, {start.year}",
            "period_start": start,
            "period_end": end,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            worksheet = worksheet_create(
                agency=agency, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Worksheet created. Edit the points, then export it.")
            return redirect("encounters_agency:worksheet_edit", pk=worksheet.pk)
    return render(
        request,
        "encounters/worksheet/new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worksheet = _worksheet(request, pk)
    form = WorksheetEditForm(
        request.POST or None, worksheet=worksheet, initial={"title": worksheet.title}
    )
    if request.method == "POST" and form.is_valid():
        try:
            worksheet_save(
                worksheet=worksheet,
                actor=request.user,
                title=form.cleaned_data["title"],
                texts=form.texts(),
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Worksheet saved.")
            return redirect("encounters_agency:worksheet_edit", pk=worksheet.pk)
    if request.method == "GET":
        with transaction.atomic():
            audit_record(
                event_type=AuditEvent.EventType.ENCOUNTER_VIEWED,
                actor=request.user,
                agency=worksheet.agency,
                target=worksheet,
                request=request,
                extra={"page": "worksheet"},
            )
    context = document_context(worksheet)
    context.update(form=form, rows=form.rows())
    return render(
        request, "encounters/worksheet/edit.html", context, status=400 if form.errors else 200
    )


def _filename(worksheet: MessagingWorksheet, extension: str) -> str:
    return f"worksheet-{worksheet.agency.ori}-{worksheet.pk}.{extension}"


@login_required
@require_GET
def worksheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    worksheet = _worksheet(request, pk)
    content = worksheet_export_pdf(worksheet=worksheet, actor=request.user, request=request)
    return pdf_response(content, _filename(worksheet, "pdf"))


@login_required
@require_GET
def worksheet_docx(request: HttpRequest, pk: int) -> HttpResponse:
    worksheet = _worksheet(request, pk)
    content = worksheet_export_docx(worksheet=worksheet, actor=request.user, request=request)
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _filename(worksheet, "docx"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what current numbers would change, then apply the changes the chief confirms."""
    worksheet = _worksheet(request, pk)
    plan = worksheet_regeneration_plan(worksheet)
    form = RegenerateForm(
        request.POST or None, plan=plan, initial={"fingerprint": plan.fingerprint}
    )
    if request.method == "POST" and form.is_valid():
        try:
            worksheet_regenerate(
                worksheet=worksheet,
                actor=request.user,
                fingerprint=form.cleaned_data["fingerprint"],
                replace=form.cleaned_data["replace"],
                add=form.cleaned_data["add"],
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
            # Show the current plan, with a fresh fingerprint to confirm it.
            form = RegenerateForm(None, plan=plan, initial={"fingerprint": plan.fingerprint})
            form.stale_message = " ".join(exc.messages)
        else:
            messages.success(request, "The points are rebuilt from current numbers.")
            return redirect("encounters_agency:worksheet_edit", pk=worksheet.pk)
    elif request.method == "POST":
        form.stale_message = "The choices did not match this worksheet; check them again."
    status = 400 if getattr(form, "stale_message", "") else 200
    return render(
        request,
        "encounters/worksheet/regenerate.html",
        {
            "worksheet": worksheet,
            "plan": plan,
            "form": form,
            "error": getattr(form, "stale_message", ""),
            "kind_labels": KIND_LABELS,
            "period": document_context(worksheet)["period"],
        },
        status=status,
    )
