"""API: the agency's pledge and compliance numbers, roster and training upserts, and the
association reviewers' pledge review (at the end of this module).

Every operation acts on the caller's agency: the token's agency, or the signed-in user's
membership. Writes go through the same converters as file imports, so a value accepted from a
file is accepted from JSON and a bad value gets the same message. Any bad row fails the whole
request; nothing is saved.

Who may write: coordinators, signed in or with their own token. A member's token reads only,
like the member does in the browser, so a leaked member token cannot rewrite the roster.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from mhr.accounts.access import require_membership
from mhr.accounts.models import Agency
from mhr.api.auth import SIGNED_IN, caller
from mhr.api.errors import Conflict, error_body
from mhr.api.pagination import PageParams, page_meta, paginate
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
from mhr.campaigns.models import Officer, Pledge, PolicyDocument, PracticeDecision
from mhr.campaigns.review_selectors import (
    current_round_decisions,
    earlier_review_rounds,
    review_evidence,
    review_pledge,
    review_queue_page,
    review_requirements,
    review_status_counts,
)
from mhr.campaigns.selectors import pledge_compliance
from mhr.campaigns.services.review import (
    MAX_COMMENT,
    engine_numbers,
    is_pledge_reviewer,
    practice_decide,
    round_number_for,
)
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
    return result_as_dict(pledge_compliance(pledge, as_of=params.as_of, cached=True))


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


# Review: association reviewers decide submitted pledges, practice by practice.
#
# Only a signed-in reviewer (or staff administrator) may call these. API tokens always belong to
# an agency, so a token is refused with 403 whoever holds it, and so is every other signed-in
# user, before any pledge is looked up: as on the review screens at /staff/pledges/, the answer
# never depends on whether an id exists. Staff belong to no agency, so pledges are fetched by id
# (access_agency_object scopes by the caller's own agency and does not apply), and evidence is
# scoped to the pledge's agency in the query. Every decision goes through practice_decide, which
# writes the audit row and, on the round's last decision, moves the pledge and emails the agency.

REVIEW_TAGS = ["pledge review"]
QueueStatus = Literal["submitted", "returned", "recognized", "lapsed", "all"]
DecisionCode = Literal["approved", "returned"]


def _reviewer(request: HttpRequest) -> Any:
    current = caller(request)
    if current.token is not None:
        raise PermissionDenied(
            "API tokens act for an agency and cannot review pledges: sign in as an association "
            "reviewer."
        )
    if not is_pledge_reviewer(current.user):
        raise PermissionDenied("Only association reviewers can review pledges.")
    return current.user


def _require_submitted(pledge: Pledge) -> None:
    if pledge.status != Pledge.Status.SUBMITTED:
        raise Conflict(
            f"The pledge is {pledge.get_status_display().lower()}: only pledges submitted for "
            "recognition are reviewed."
        )


class ReviewQueueParams(PageParams):
    status: QueueStatus = Field(
        "submitted",
        description='Pledges in this status, longest waiting first; "all" for every one.',
    )


class AgencyRefOut(Schema):
    name: str
    ori: str


class QueueItemOut(Schema):
    id: int
    agency: AgencyRefOut
    status: str
    status_label: str
    status_changed_at: datetime.datetime
    days_in_status: int
    rule_version: str
    decided_count: int = Field(description="Practices decided so far in the current round.")
    practice_count: int
    review_url: str = Field(description="The review screen in the browser.")


class ReviewQueueOut(Schema):
    items: list[QueueItemOut]
    page: int
    per_page: int
    total: int
    num_pages: int
    counts: dict[str, int] = Field(description="How many pledges are in each status.")


class EngineNumbersOut(Schema):
    met: bool
    numerator: int
    denominator: int
    percent: float | None
    required: int
    shortfall: int
    non_sworn_numerator: int
    non_sworn_denominator: int
    note: str


class DecisionOut(Schema):
    practice: str
    practice_title: str
    decision: str
    comment: str
    round: int
    submitted_at: datetime.datetime
    reviewer: str
    decided_at: datetime.datetime
    engine: EngineNumbersOut | None = Field(
        description="The engine's numbers when it was decided (null if none were kept)."
    )


class PracticeOut(Schema):
    key: str
    title: str
    kind: str
    engine: EngineNumbersOut = Field(description="The engine's numbers now.")
    decision: DecisionOut | None = Field(description="This round's decision so far, if any.")


class PartnershipEvidenceOut(Schema):
    id: int
    organization_name: str
    organization_kind: str
    agreement_kind: str
    started_on: datetime.date
    ends_on: datetime.date | None
    confirmed_by_partner: bool
    confirmed_at: datetime.datetime | None
    document_url: str | None = Field(description="Download in the browser (session), audited.")


class PolicyEvidenceOut(Schema):
    id: int
    title: str
    adopted_on: datetime.date
    next_review_on: datetime.date | None
    elements_covered: list[str] = Field(description="Model-policy elements with page references.")
    element_count: int = Field(description="How many elements the model policy has.")
    document_url: str | None


class EvidenceOut(Schema):
    partnerships: list[PartnershipEvidenceOut]
    policies: list[PolicyEvidenceOut]


class RoundOut(Schema):
    round: int
    submitted_at: datetime.datetime
    decisions: list[DecisionOut]


class ReviewOut(Schema):
    id: int
    agency: AgencyRefOut
    status: str
    status_label: str
    status_changed_at: datetime.datetime
    rule_version: str
    signed_on: datetime.date
    target_completion_on: datetime.date
    non_sworn_roles_in_scope: list[str]
    can_decide: bool = Field(description="The pledge is submitted, so its practices are decided.")
    round: int | None = Field(description="The current round's number while submitted.")
    decided_count: int
    practice_count: int
    met: bool = Field(description="The engine finds every practice met today.")
    practices: list[PracticeOut]
    evidence: EvidenceOut
    earlier_rounds: list[RoundOut]


class DecisionIn(_Strict):
    decision: DecisionCode
    comment: str = Field(
        "",
        max_length=MAX_COMMENT,
        description="Required to return a practice, or to approve one the numbers show unmet.",
    )


class DecisionItemIn(DecisionIn):
    practice: str = Field(description="The practice's key, e.g. cit-coverage.")


class RoundIn(_Strict):
    decisions: list[DecisionItemIn] = Field(min_length=1, max_length=50)


class DecideOut(Schema):
    decision: DecisionOut
    completed: bool = Field(description="Every practice is decided and the round is finished.")
    pledge_status: str
    decided_count: int
    practice_count: int


class RoundDoneOut(Schema):
    decisions: list[DecisionOut]
    pledge_status: str


_ENGINE_COUNTS = (
    "numerator",
    "denominator",
    "required",
    "shortfall",
    "non_sworn_numerator",
    "non_sworn_denominator",
)


def _engine(numbers: dict[str, Any]) -> dict[str, Any] | None:
    """Engine numbers for output; None for a stored decision that kept none."""
    if "met" not in numbers:
        return None
    # Stored snapshots keep the percent as text (JSON has no decimals).
    percent = numbers.get("percent")
    return {
        "met": bool(numbers["met"]),
        **{name: int(numbers.get(name) or 0) for name in _ENGINE_COUNTS},
        "percent": float(percent) if percent not in (None, "") else None,
        "note": str(numbers.get("note") or ""),
    }


def _decision_out(decision: PracticeDecision) -> dict[str, Any]:
    return {
        "practice": decision.requirement_key,
        "practice_title": decision.requirement_title,
        "decision": decision.decision,
        "comment": decision.comment,
        "round": decision.round_number,
        "submitted_at": decision.submitted_at,
        "reviewer": decision.reviewer_label,
        "decided_at": decision.decided_at,
        "engine": _engine(decision.engine_numbers or {}),
    }


def _agency_ref(pledge: Pledge) -> dict[str, str]:
    return {"name": pledge.agency.name, "ori": pledge.agency.ori}


@router.get(
    "/review/pledges",
    response=responses({200: ReviewQueueOut}, 403),
    summary="The pledge review queue (association reviewers)",
    tags=REVIEW_TAGS,
)
def review_queue_list(request: HttpRequest, params: Query[ReviewQueueParams]) -> dict[str, Any]:
    _reviewer(request)
    status = "" if params.status == "all" else params.status
    counts = review_status_counts()
    total = sum(counts.values()) if not status else counts.get(status, 0)
    meta = page_meta(page=params.page, per_page=params.per_page, total=total)
    rows: list[Pledge] = []
    # Past the last page is empty (the API's rule), where the paginator would clamp it.
    if (params.page - 1) * params.per_page < total:
        page = review_queue_page(
            status=status, page=params.page, per_page=params.per_page, total=total
        )
        rows = list(page.object_list)
    queue_url = reverse("campaigns_review:queue")
    items = [
        {
            "id": pledge.pk,
            "agency": _agency_ref(pledge),
            "status": pledge.status,
            "status_label": pledge.get_status_display(),
            "status_changed_at": pledge.status_changed_at,
            "days_in_status": pledge.days_in_status,  # type: ignore[attr-defined]
            "rule_version": pledge.rule_version.code,
            "decided_count": pledge.decided_count,  # type: ignore[attr-defined]
            "practice_count": pledge.practice_count,  # type: ignore[attr-defined]
            "review_url": f"{queue_url}{pledge.pk}/",
        }
        for pledge in rows
    ]
    return {**meta.model_dump(), "items": items, "counts": counts}


@router.get(
    "/review/pledges/{pledge_id}",
    response=responses({200: ReviewOut}, 403, 404),
    summary="One pledge's review: practices, engine numbers, evidence (association reviewers)",
    tags=REVIEW_TAGS,
)
def review_detail(request: HttpRequest, pledge_id: int) -> dict[str, Any]:
    _reviewer(request)
    pledge = review_pledge(pledge_id)
    # A read, like the review screen: the cached result (decisions compute afresh).
    result = pledge_compliance(pledge, cached=True)
    requirements = review_requirements(pledge)
    current = current_round_decisions(pledge)
    can_decide = pledge.status == Pledge.Status.SUBMITTED
    practices = []
    for requirement in requirements:
        decision = current.get(requirement.key)
        practices.append(
            {
                "key": requirement.key,
                "title": requirement.title,
                "kind": requirement.kind,
                "engine": _engine(engine_numbers(result.requirement(requirement.key))),
                "decision": _decision_out(decision) if decision else None,
            }
        )
    evidence = review_evidence(pledge)
    element_count = len(PolicyDocument.Element.values)
    return {
        "id": pledge.pk,
        "agency": _agency_ref(pledge),
        "status": pledge.status,
        "status_label": pledge.get_status_display(),
        "status_changed_at": pledge.status_changed_at,
        "rule_version": pledge.rule_version.code,
        "signed_on": pledge.signed_on,
        "target_completion_on": pledge.target_completion_on,
        "non_sworn_roles_in_scope": list(pledge.non_sworn_roles_in_scope or []),
        "can_decide": can_decide,
        "round": round_number_for(pledge, pledge.status_changed_at) if can_decide else None,
        "decided_count": len(current),
        "practice_count": len(requirements),
        "met": result.met,
        "practices": practices,
        "evidence": {
            "partnerships": [
                {
                    "id": p.pk,
                    "organization_name": p.organization_name,
                    "organization_kind": p.organization_kind,
                    "agreement_kind": p.agreement_kind,
                    "started_on": p.started_on,
                    "ends_on": p.ends_on,
                    "confirmed_by_partner": p.confirmed_at is not None,
                    "confirmed_at": p.confirmed_at,
                    "document_url": (
                        reverse("campaigns_review:partnership_document", args=[pledge.pk, p.pk])
                        if p.document.name
                        else None
                    ),
                }
                for p in evidence.partnerships
            ],
            "policies": [
                {
                    "id": p.pk,
                    "title": p.title,
                    "adopted_on": p.adopted_on,
                    "next_review_on": p.next_review_on,
                    "elements_covered": p.covered_elements,
                    "element_count": element_count,
                    "document_url": (
                        reverse("campaigns_review:policy_document", args=[pledge.pk, p.pk])
                        if p.document.name
                        else None
                    ),
                }
                for p in evidence.policies
            ],
        },
        "earlier_rounds": [
            {
                "round": r.number,
                "submitted_at": r.submitted_at,
                "decisions": [_decision_out(d) for d in r.decisions],
            }
            for r in earlier_review_rounds(pledge)
        ],
    }


def _refused(exc: ValidationError, *, where: str = "body", index: int | None = None) -> Any:
    """A service refusal: its field messages as 422 rows, anything else (the pledge moved on,
    another reviewer's decision at the same moment) as 409."""
    if not hasattr(exc, "error_dict"):
        raise Conflict(" ".join(exc.messages))
    rows = []
    for name, messages in exc.message_dict.items():
        field = f"{where}.{name}" if name != "__all__" else where
        for message in messages:
            row: dict[str, Any] = {"field": field, "message": message}
            if index is not None:
                row["index"] = index
            rows.append(row)
    return rows


@router.put(
    "/review/pledges/{pledge_id}/practices/{practice}/decision",
    response=responses({200: DecideOut}, 403, 404, 409),
    summary="Approve or return one practice; the last decision finishes the round",
    tags=REVIEW_TAGS,
)
def review_practice_decide(
    request: HttpRequest, pledge_id: int, practice: str, payload: DecisionIn
) -> dict[str, Any] | Status:
    reviewer = _reviewer(request)
    pledge = review_pledge(pledge_id)
    requirements = review_requirements(pledge)
    if practice not in {r.key for r in requirements}:
        raise Http404(f"“{practice}” is not a practice of this pledge's rules.")
    _require_submitted(pledge)
    try:
        outcome = practice_decide(
            pledge=pledge,
            requirement_key=practice,
            decision=payload.decision,
            comment=payload.comment,
            reviewer=reviewer,
            request=request,
        )
    except ValidationError as exc:
        return Status(422, error_body(422, " ".join(exc.messages), errors=_refused(exc)))
    decided = len(requirements) if outcome.completed else len(current_round_decisions(pledge))
    return {
        "decision": _decision_out(outcome.decision),
        "completed": outcome.completed,
        "pledge_status": outcome.pledge_status,
        "decided_count": decided,
        "practice_count": len(requirements),
    }


@router.post(
    "/review/pledges/{pledge_id}/round",
    response=responses({200: RoundDoneOut}, 403, 404, 409),
    summary="Decide the remaining practices and finish the round, all or nothing",
    tags=REVIEW_TAGS,
)
def review_round_finish(
    request: HttpRequest, pledge_id: int, payload: RoundIn
) -> dict[str, Any] | Status:
    reviewer = _reviewer(request)
    pledge = review_pledge(pledge_id)
    _require_submitted(pledge)
    keys = [r.key for r in review_requirements(pledge)]
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(payload.decisions):
        if item.practice not in keys:
            message = f"“{item.practice}” is not a practice of this pledge's rules."
            errors.append({"index": index, "field": "body.practice", "message": message})
        elif item.practice in seen:
            message = f"“{item.practice}” is decided twice: at {seen[item.practice]} and {index}."
            errors.append({"index": index, "field": "body.practice", "message": message})
        seen.setdefault(item.practice, index)
    already = set(current_round_decisions(pledge))
    if not errors:
        missing = [key for key in keys if key not in already and key not in seen]
        if missing:
            errors.append(
                {
                    "index": None,
                    "field": "body.decisions",
                    "message": "Decide every practice to finish the round; still undecided: "
                    + ", ".join(missing)
                    + ".",
                }
            )
    if errors:
        return _invalid_round(errors)
    # Practices already decided this round are re-decided first: the round finishes on the last
    # undecided one, after which nothing of it can change.
    order = sorted(enumerate(payload.decisions), key=lambda pair: pair[1].practice not in already)
    decided: dict[int, dict[str, Any]] = {}
    with transaction.atomic():
        for index, item in order:
            try:
                outcome = practice_decide(
                    pledge=pledge,
                    requirement_key=item.practice,
                    decision=item.decision,
                    comment=item.comment,
                    reviewer=reviewer,
                    request=request,
                )
            except ValidationError as exc:
                errors.extend(_refused(exc, index=index))
                continue
            decided[index] = _decision_out(outcome.decision)
        if errors:
            # Nothing of the round is kept: no decision, no status change, no email.
            transaction.set_rollback(True)
            return _invalid_round(errors)
        if not outcome.completed:
            # Checked above; only a change to the rules between the check and now leaves one open.
            transaction.set_rollback(True)
            raise Conflict("The round could not be finished; reload the review and try again.")
    return {
        "decisions": [decided[index] for index in sorted(decided)],
        "pledge_status": outcome.pledge_status,
    }


def _invalid_round(errors: list[dict[str, Any]]) -> Status:
    return Status(
        422,
        error_body(
            422, "Some decisions are invalid; nothing was saved.", errors=errors, total=len(errors)
        ),
    )
