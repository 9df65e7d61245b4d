"""Entering encounters by hand: the form, drafts, a record's page with its history, corrections.

Who may do what: every member of an agency, coordinator or not, may enter records and drafts and
correct them, because entering the calls is the day-to-day work of the agency's staff; every
correction is kept with its reason in the record's history and in the audit log. Coordinators
keep imports, publishing and worksheets. Other agencies and association staff get 404; anonymous
visitors the sign-in page.

Times are shown and typed in the agency's time zone (its encounter settings), stored in UTC.
Opening a record, or a list of records, writes an ENCOUNTER_VIEWED audit row.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mhr.accounts.access import access_agency_object, require_membership
from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.core.pagination import list_page
from mhr.encounters import schema
from mhr.encounters.forms import FIELDSETS, EncounterFilterForm, EncounterForm
from mhr.encounters.models import Encounter
from mhr.encounters.selectors import (
    drafts_for_agency,
    encounter_history,
    encounter_settings_for,
    encounters_for_agency,
)
from mhr.encounters.services import encounter_create, encounter_discard, encounter_update

PER_PAGE = 25
# Lists count their rows exactly up to this many (see list_page).
COUNT_CAP = 10_000
Status = Encounter.Status

# The history names these stored columns too; person_digest only ever as "changed".
EXTRA_LABELS = {
    "status": "Status",
    "received_date": "Date received (local)",
    "minutes_on_scene": "Minutes on scene",
    "person_digest": "Person key",
}
STATUS_LABELS = dict(Status.choices)


def _zone(agency: Agency) -> ZoneInfo:
    return schema.zone(encounter_settings_for(agency).time_zone)


def _zone_context(tz: ZoneInfo) -> dict[str, Any]:
    now = datetime.datetime.now(tz)
    return {"tz": tz, "tz_name": tz.key, "tz_abbreviation": now.strftime("%Z")}


def _audit_viewed(request: HttpRequest, agency: Agency, target: Encounter | None, **extra: Any):
    audit_record(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED,
        actor=request.user,
        agency=agency,
        target=target,
        request=request,
        extra=extra,
    )


def _page(queryset: QuerySet[Encounter], request: HttpRequest) -> dict[str, Any]:
    return list_page(queryset, request, per_page=PER_PAGE, count_cap=COUNT_CAP)


# --- showing values -------------------------------------------------------------------------------


def display_value(name: str, value: Any, tz: ZoneInfo) -> str:
    """A stored value as a reader wants it: labels, Yes/No, local times."""
    if value is None or value == "":
        return "—"
    spec = schema.BY_NAME.get(name)
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if spec is None:
        return str(value)
    if spec.kind == schema.BOOL:
        return "Yes" if value else "No"
    if spec.kind == schema.CHOICE and spec.choices is not None:
        return str(dict(spec.choices.choices).get(value, value))
    if spec.kind == schema.DATETIME:
        moment = (
            datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
        ).astimezone(tz)
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _label(name: str) -> str:
    spec = schema.BY_NAME.get(name)
    return spec.label if spec else EXTRA_LABELS.get(name, name.replace("_", " ").capitalize())


def _history(encounter: Encounter, tz: ZoneInfo) -> list[dict[str, Any]]:
    entries = []
    for revision in encounter_history(encounter):
        if revision.number == 1:
            # The first version is the record as first saved, shown above in full.
            entries.append({"revision": revision, "changes": [], "first": True})
            continue
        changes = []
        for name, pair in sorted(revision.changes.items(), key=lambda item: _field_order(item[0])):
            before, after = (list(pair) + [None, None])[:2]
            if name == "person_digest":
                # Only that it changed: the digest itself is never shown.
                changes.append({"label": "Person key", "before": "", "after": "", "key": True})
                continue
            changes.append(
                {
                    "label": _label(name),
                    "before": display_value(name, before, tz),
                    "after": display_value(name, after, tz),
                    "key": False,
                }
            )
        entries.append({"revision": revision, "changes": changes, "first": False})
    return entries


_ORDER = {spec.name: index for index, spec in enumerate(schema.FIELDS)}


def _field_order(name: str) -> int:
    return _ORDER.get(name, len(_ORDER))


def _detail_sections(encounter: Encounter, tz: ZoneInfo) -> list[dict[str, Any]]:
    sections = []
    for key, legend, names in FIELDSETS:
        if key == "person_key":
            continue
        rows = []
        for name in names:
            if name == "received_date":
                continue
            stored = "received_at" if name == "received_time" else name
            rows.append(
                {
                    "label": _label(stored),
                    "value": display_value(stored, getattr(encounter, stored), tz),
                }
            )
        if key == "call":
            minutes = encounter.minutes_on_scene
            rows.append(
                {"label": "Minutes on scene", "value": "—" if minutes is None else str(minutes)}
            )
        sections.append({"legend": legend, "rows": rows})
    return sections


# --- lists ----------------------------------------------------------------------------------------


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    agency = require_membership(request.user).agency
    tz = _zone(agency)
    form = EncounterFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    notes = [error for errors in form.errors.values() for error in errors] if request.GET else []
    page = _page(encounters_for_agency(agency).filter(**filters), request)
    if page["note"]:
        notes.append(page["note"])
    _audit_viewed(request, agency, None, screen="encounter list", count=len(page["items"]))
    return render(
        request,
        "encounters/entry/list.html",
        {"form": form, "page": page, "notes": notes, **_zone_context(tz)},
    )


@login_required
@require_GET
def entry_drafts(request: HttpRequest) -> HttpResponse:
    agency = require_membership(request.user).agency
    tz = _zone(agency)
    page = _page(drafts_for_agency(agency).select_related("created_by"), request)
    _audit_viewed(request, agency, None, screen="draft list", count=len(page["items"]))
    return render(
        request,
        "encounters/entry/drafts.html",
        {"page": page, "notes": [page["note"]] if page["note"] else [], **_zone_context(tz)},
    )


# --- one record -----------------------------------------------------------------------------------


def _render_form(
    request: HttpRequest,
    form: EncounterForm,
    *,
    encounter: Encounter | None,
    status: int = 200,
) -> HttpResponse:
    form.prepare_widgets()
    return render(
        request,
        "encounters/entry/form.html",
        {"form": form, "encounter": encounter, **_zone_context(form.tz)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    agency = require_membership(request.user).agency
    tz = _zone(agency)
    if request.method == "GET":
        return _render_form(request, EncounterForm(tz=tz), encounter=None)
    form = EncounterForm(request.POST, tz=tz)
    as_draft = request.POST.get("action") == "draft"
    if form.is_valid():
        try:
            encounter = encounter_create(
                agency=agency,
                actor=request.user,
                values=form.values(),
                status=Status.DRAFT if as_draft else Status.COMPLETE,
                source=Encounter.Source.ENTRY,
                request=request,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            if as_draft:
                messages.success(request, f"Draft {encounter.incident_number} saved.")
            else:
                messages.success(request, f"Incident {encounter.incident_number} recorded.")
            return redirect("encounters_agency:entry_detail", pk=encounter.pk)
    return _render_form(request, form, encounter=None, status=400)


@login_required
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    encounter = access_agency_object(
        request.user, Encounter.objects.select_related("agency", "created_by"), pk=pk
    )
    tz = _zone(encounter.agency)
    _audit_viewed(request, encounter.agency, encounter, screen="encounter record")
    return render(
        request,
        "encounters/entry/detail.html",
        {
            "encounter": encounter,
            "sections": _detail_sections(encounter, tz),
            "history": _history(encounter, tz),
            **_zone_context(tz),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    encounter = access_agency_object(
        request.user, Encounter.objects.select_related("agency"), pk=pk
    )
    tz = _zone(encounter.agency)
    correcting = encounter.status == Status.COMPLETE
    if request.method == "GET":
        form = EncounterForm(tz=tz, encounter=encounter, correcting=correcting)
        return _render_form(request, form, encounter=encounter)
    form = EncounterForm(request.POST, tz=tz, encounter=encounter, correcting=correcting)
    as_draft = not correcting and request.POST.get("action") == "draft"
    if form.is_valid():
        if correcting:
            status, reason = None, form.cleaned_data["reason"]
        elif as_draft:
            status, reason = Status.DRAFT, "Draft updated"
        else:
            status, reason = Status.COMPLETE, "Recorded from a draft"
        version = encounter.version
        try:
            encounter = encounter_update(
                encounter=encounter,
                actor=request.user,
                changes=form.values(),
                reason=reason,
                status=status,
                source=Encounter.Source.ENTRY,
                request=request,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            if encounter.version == version:
                messages.info(request, "Nothing was changed.")
            elif correcting:
                messages.success(request, "The correction has been saved in the record's history.")
            elif as_draft:
                messages.success(request, f"Draft {encounter.incident_number} saved.")
            else:
                messages.success(request, f"Incident {encounter.incident_number} recorded.")
            return redirect("encounters_agency:entry_detail", pk=encounter.pk)
    return _render_form(request, form, encounter=encounter, status=400)


@login_required
@require_POST
def entry_discard(request: HttpRequest, pk: int) -> HttpResponse:
    encounter = access_agency_object(
        request.user, Encounter.objects.select_related("agency"), pk=pk
    )
    number = encounter.incident_number
    try:
        encounter_discard(encounter=encounter, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("encounters_agency:entry_detail", pk=encounter.pk)
    messages.success(request, f"Draft {number} discarded.")
    return redirect("encounters_agency:entry_drafts")
