"""API: the agency's pledge and compliance numbers, and roster and training upserts.

Every operation acts on the caller's agency: the token's agency, or the signed-in user's
membership. Writes go through the same converters as file imports, so a value accepted from a
file is accepted from JSON and a bad value gets the same message. Any bad row fails the whole
request; nothing is saved.

Who may write: coordinators, signed in or with their own token. A member's token reads only,
like the member does in the browser, so a leaked member token cannot rewrite the roster.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from mhr.accounts.access import require_membership
from mhr.accounts.models import Agency
from mhr.api.auth import SIGNED_IN, caller
from mhr.api.errors import error_body
from mhr.api.pagination import PageParams, paginate
from mhr.api.schemas import responses
from mhr.campaigns.compliance import result_as_dict
from mhr.campaigns.imports.convert import (
    Converted,
    convert_roster,
    convert_training,
    table_from_records,
)
from mhr.campaigns.imports.parsing import CourseMatcher
from mhr.campaigns.imports.rows import FIELDS_BY_KIND
from mhr.campaigns.models import Officer, Pledge
from mhr.campaigns.selectors import pledge_compliance
from mhr.campaigns.services.roster import roster_upsert, training_upsert

router = Router(tags=["pledge campaign"], auth=SIGNED_IN)

MAX_BATCH = 1000

Cell = str | int | float | bool | None


# Scoping


def _agency(request: HttpRequest, *, write: bool = False) -> Agency:
    """The caller's agency; 404 without one, 403 for a write by anyone but a coordinator."""
    current = caller(request)
    membership = require_membership(current.user)
    agency = current.token.agency if current.token is not None else membership.agency
    if agency.pk != membership.agency_id:
        # A token whose user moved agency is refused at authentication; this is belt and braces.
        raise Http404("No agency.")
    if write and not membership.is_coordinator:
        raise PermissionDenied("Only the agency's coordinators (or their tokens) can do this.")
    return agency


def _issues(issues: Any) -> list[dict[str, Any]]:
    return [
        {"index": issue.row, "field": issue.column, "message": issue.message}
        for issue in issues.items
    ]


def _with_required(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Records with every required field present, so a missing one is reported under its name."""
    required = [spec.name for spec in FIELDS_BY_KIND[kind] if spec.required]
    return [{**dict.fromkeys(required), **record} for record in records]


def _invalid(errors: list[dict[str, Any]], *, total: int | None = None) -> Status:
    """422 in the API's error shape, listing every bad row by its index in the request."""
    body = error_body(
        422,
        "Some records are invalid; nothing was saved.",
        errors=errors,
        total=len(errors) if total is None else total,
    )
    return Status(422, body)


def _outcome(plan: Any, converted: Converted) -> dict[str, Any]:
    counts = plan.counts()
    return {
        "counts": {key: counts[key] for key in ("new", "updated", "unchanged")},
        "warnings": _issues(converted.warnings),
    }


# Schemas


class PledgeOut(Schema):
    campaign: str
    campaign_name: str
    status: str
    status_label: str
    rule_version: str
    rule_version_name: str
    signed_on: datetime.date
    target_completion_on: datetime.date
    recognized_on: datetime.date | None
    non_sworn_roles_in_scope: list[str]


class ComplianceParams(Schema):
    as_of: datetime.date | None = Field(
        None, description="Evaluate on this day (YYYY-MM-DD); default today."
    )


class RequirementOut(Schema):
    key: str
    title: str
    kind: str
    met: bool
    numerator: int
    denominator: int
    percent: float | None
    required: int
    shortfall: int = Field(description="How many more officers need an accepted course.")
    needs_course_family: str
    lacking_officer_ids: list[int]
    note: str


class ExpiringOut(Schema):
    officer_id: int
    course_code: str
    expires_on: datetime.date


class ComplianceOut(Schema):
    as_of: datetime.date
    met: bool = Field(description="Every requirement is met.")
    requirements: list[RequirementOut]
    active_sworn: int
    cit_qualified: int
    cit_percent: float
    mhfa_qualified: int
    mhfa_percent: float
    covered: int
    covered_percent: float
    non_sworn_in_scope: int
    non_sworn_covered: int
    expiring_soon: list[ExpiringOut] = Field(description="Certificates expiring in 90 days.")
    coverage_falls_below_on: datetime.date | None = Field(
        description="First day some coverage requirement stops being met from expiries alone."
    )


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class OfficerFields(_Strict):
    first_name: Cell = None
    last_name: Cell = None
    is_sworn: Cell = Field(None, description='true/false, or "sworn"/"non-sworn", "Y"/"N".')
    role: Cell = Field(None, description="patrol, supervisor, detective, dispatcher, …")
    unit: Cell = None
    hire_date: Cell = Field(None, description="A date, e.g. 2020-03-01.")
    status: Cell = Field(None, description="active, leave or separated; default active.")
    status_since: Cell = None


class OfficerIn(OfficerFields):
    employee_id: Cell = Field(description="The agency's employee id: the key.")


class OfficerBatchIn(_Strict):
    officers: list[OfficerIn] = Field(min_length=1, max_length=MAX_BATCH)


class TrainingIn(_Strict):
    employee_id: Cell
    course: Cell = Field(description="Course code, name or alias, e.g. mhfa-ps, CIT 40-hour.")
    completed_on: Cell
    provider: Cell = None
    hours: Cell = None
    expires_on: Cell = Field(None, description="Default: the course's validity after completion.")


class TrainingBatchIn(_Strict):
    records: list[TrainingIn] = Field(min_length=1, max_length=MAX_BATCH)


class IssueOut(Schema):
    index: int | None = Field(description="The record's position in the request, from 0.")
    field: str
    message: str


class CountsOut(Schema):
    new: int
    updated: int
    unchanged: int


class UpsertOut(Schema):
    counts: CountsOut
    warnings: list[IssueOut]


class OfficerOut(Schema):
    employee_id: str
    first_name: str
    last_name: str
    is_sworn: bool
    role: str
    unit: str
    hire_date: datetime.date | None
    status: str
    status_since: datetime.date | None


class OfficerListOut(Schema):
    items: list[OfficerOut]
    page: int
    per_page: int
    total: int
    num_pages: int


# Reads


def _pledge(agency: Agency) -> Pledge:
    pledge = (
        Pledge.objects.select_related("campaign", "rule_version")
        .filter(agency=agency)
        .order_by("-signed_on", "id")
        .first()
    )
    if pledge is None:
        raise Http404("This agency has not pledged.")
    return pledge


@router.get("/pledge", response=responses({200: PledgeOut}, 404), summary="My agency's pledge")
def pledge_detail(request: HttpRequest) -> dict[str, Any]:
    pledge = _pledge(_agency(request))
    return {
        "campaign": pledge.campaign.slug,
        "campaign_name": pledge.campaign.name,
        "status": pledge.status,
        "status_label": pledge.get_status_display(),
        "rule_version": pledge.rule_version.code,
        "rule_version_name": pledge.rule_version.name,
        "signed_on": pledge.signed_on,
        "target_completion_on": pledge.target_completion_on,
        "recognized_on": pledge.recognized_on,
        "non_sworn_roles_in_scope": list(pledge.non_sworn_roles_in_scope or []),
    }


@router.get(
    "/pledge/compliance",
    response=responses({200: ComplianceOut}, 404),
    summary="My agency's compliance with its pledge",
)
def pledge_compliance_detail(
    request: HttpRequest, params: Query[ComplianceParams]
) -> dict[str, Any]:
    pledge = _pledge(_agency(request))
    return result_as_dict(pledge_compliance(pledge, as_of=params.as_of))


@router.get(
    "/roster/officers",
    response=responses({200: OfficerListOut}, 404),
    summary="My agency's officers",
)
def officer_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    agency = _agency(request)
    officers = Officer.objects.filter(agency=agency).order_by("employee_id", "id")
    page = paginate(officers, params)
    return {**page.meta.model_dump(), "items": page.items}


# Writes


def _upsert_officers(
    request: HttpRequest, agency: Agency, records: list[dict[str, Any]]
) -> dict[str, Any] | Status:
    table, mapping = table_from_records(_with_required(records, "roster"), "roster", first_row=0)
    converted = convert_roster(table, mapping, today=timezone.now().date())
    if converted.errors:
        return _invalid(_issues(converted.errors), total=converted.errors.total)
    plan = roster_upsert(
        agency=agency,
        actor=caller(request).user,
        rows=converted.rows,
        provided=converted.provided,
        request=request,
    )
    return _outcome(plan, converted)


@router.put(
    "/roster/officers/{employee_id}",
    response=responses({200: UpsertOut}, 403, 404),
    summary="Create or update one officer",
)
def officer_put(
    request: HttpRequest, employee_id: str, payload: OfficerFields
) -> dict[str, Any] | Status:
    agency = _agency(request, write=True)
    record = {**payload.model_dump(exclude_unset=True), "employee_id": employee_id}
    return _upsert_officers(request, agency, [record])


@router.post(
    "/roster/officers",
    response=responses({200: UpsertOut}, 403, 404),
    summary=f"Create or update officers (at most {MAX_BATCH:,})",
)
def officer_batch(request: HttpRequest, payload: OfficerBatchIn) -> dict[str, Any] | Status:
    agency = _agency(request, write=True)
    records = [officer.model_dump(exclude_unset=True) for officer in payload.officers]
    return _upsert_officers(request, agency, records)


@router.put(
    "/training",
    response=responses({200: UpsertOut}, 403, 404),
    summary=f"Create or update training records (at most {MAX_BATCH:,})",
)
def training_batch(request: HttpRequest, payload: TrainingBatchIn) -> dict[str, Any] | Status:
    agency = _agency(request, write=True)
    records = [record.model_dump(exclude_unset=True) for record in payload.records]
    table, mapping = table_from_records(
        _with_required(records, "training"), "training", first_row=0
    )
    converted = convert_training(
        table, mapping, courses=CourseMatcher.from_database(), today=timezone.now().date()
    )
    if converted.errors:
        return _invalid(_issues(converted.errors), total=converted.errors.total)
    known = set(
        Officer.objects.filter(
            agency=agency, employee_id__in={row.employee_id for row in converted.rows}
        ).values_list("employee_id", flat=True)
    )
    unknown = [
        {
            "index": row.row,
            "field": "employee_id",
            "message": f"No officer with employee id {row.employee_id!r} is on the roster.",
        }
        for row in converted.rows
        if row.employee_id not in known
    ]
    if unknown:
        return _invalid(unknown)
    try:
        plan = training_upsert(
            agency=agency,
            actor=caller(request).user,
            rows=converted.rows,
            provided=converted.provided,
            request=request,
        )
    except ValidationError as exc:
        return _invalid([{"index": None, "field": "", "message": m} for m in exc.messages])
    return _outcome(plan, converted)
