"""Association reviewers' pledge screens: the queue, one pledge's evidence and numbers, decisions.

Reviewers and staff administrators (and superusers) use these screens. Anonymous visitors go to
the sign-in page; every other signed-in user (agency coordinators and members, editors) gets 403
before anything is looked up, as the editorial screens at /staff/resources/ answer non-staff, so
the answer never depends on whose pledge an id is.

Staff belong to no agency, so `access_agency_object` (which scopes by the user's own agency)
does not apply; evidence documents are instead looked up scoped to the reviewed pledge's agency in
the query, and another agency's document id answers 404. Every write goes through
mhr.campaigns.services.review.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from mhr.campaigns.models import (
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    PracticeDecision,
    Requirement,
)
from mhr.campaigns.review_selectors import (
    DEFAULT_QUEUE_STATUS,
    QUEUE_STATUSES,
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
    is_pledge_reviewer,
    practice_decide,
    review_document_open,
    round_number_for,
)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
ALL_STATUSES = "all"
Status = Pledge.Status
Decision = PracticeDecision.Decision
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def reviewer_required(view: Callable) -> Callable:
    """Anonymous visitors go to sign-in; signed-in users who are not reviewers get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_pledge_reviewer(request.user):
            raise PermissionDenied("Only association reviewers can review pledges.")
        return view(request, *args, **kwargs)

    return wrapped


class PracticeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(Decision.APPROVED, "Approve"), (Decision.RETURNED, "Return for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or return this practice."},
    )
    comment = forms.CharField(
        label="Comment for the agency",
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you return the practice: say what the agency must change.",
    )


def _per_page(raw: str | None) -> int:
    try:
        value = int(raw or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return min(max(value, 1), MAX_PER_PAGE)


# --- the queue -------------------------------------------------------------------------------------


@require_GET
@reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("status", DEFAULT_QUEUE_STATUS)
    status = raw if raw in QUEUE_STATUSES or raw == ALL_STATUSES else DEFAULT_QUEUE_STATUS
    per_page = _per_page(request.GET.get("per_page"))
    counts = review_status_counts()
    page_obj = review_queue_page(
        status="" if status == ALL_STATUSES else status,
        page=request.GET.get("page"),
        per_page=per_page,
        total=sum(counts.values()) if status == ALL_STATUSES else counts.get(status, 0),
    )
    tabs = [
        {"value": value, "label": Status(value).label, "count": counts.get(value, 0)}
        for value in QUEUE_STATUSES
    ]
    tabs.append({"value": ALL_STATUSES, "label": "All pledges", "count": sum(counts.values())})
    return render(
        request,
        "campaigns/review/queue.html",
        {
            "page_obj": page_obj,
            "status": status,
            "status_label": next(t["label"] for t in tabs if t["value"] == status),
            "tabs": tabs,
            "per_page": per_page,
            # A pledge's page is the queue's URL + "<pk>/": one reverse, not one per row.
            "queue_url": reverse("campaigns_review:queue"),
        },
    )


# --- one pledge ------------------------------------------------------------------------------------


def _policy_rows(policy: PolicyDocument) -> list[dict[str, str]]:
    pages = policy.element_pages or {}
    return [
        {"label": label, "pages": str(pages.get(key, "")).strip()}
        for key, label in PolicyDocument.Element.choices
    ]


def _review_context(
    pledge: Pledge, *, bound: dict[str, PracticeDecisionForm] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    result = pledge_compliance(pledge, cached=True)
    by_key = {r.key: r for r in result.requirements}
    requirements = review_requirements(pledge)
    current = current_round_decisions(pledge)
    can_decide = pledge.status == Status.SUBMITTED
    practices = []
    for requirement in requirements:
        decision = current.get(requirement.key)
        form = bound.get(requirement.key)
        if form is None and can_decide:
            initial = (
                {"decision": decision.decision, "comment": decision.comment} if decision else {}
            )
            form = PracticeDecisionForm(prefix=requirement.key, initial=initial)
        practices.append(
            {
                "requirement": requirement,
                "result": by_key.get(requirement.key),
                "decision": decision,
                "form": form,
            }
        )
    # The error summary links each message to its field (the first radio for the decision).
    anchors = {"decision": "decision_0", "comment": "comment"}
    errors = [
        {
            "practice": p["requirement"].title,
            "errors": errs,
            "anchor": (
                f"id_{p['form'].prefix}-{anchors[field]}"
                if field in anchors
                else f"practice-{p['requirement'].key}-form"
            ),
        }
        for p in practices
        if p["form"] is not None and p["form"].is_bound
        for field, errs in p["form"].errors.items()
    ]
    evidence = review_evidence(pledge)
    return {
        "pledge": pledge,
        "agency": pledge.agency,
        "result": result,
        "practices": practices,
        "decided_count": len(current),
        "can_decide": can_decide,
        "round_number": round_number_for(pledge, pledge.status_changed_at) if can_decide else None,
        "earlier_rounds": earlier_review_rounds(pledge),
        "form_errors": errors,
        "partnerships": evidence.partnerships,
        "policies": [{"policy": p, "elements": _policy_rows(p)} for p in evidence.policies],
        "element_count": len(PolicyDocument.Element.values),
        "roles_in_scope": [
            Officer.Role(r).label
            for r in pledge.non_sworn_roles_in_scope
            if r in Officer.Role.values
        ],
    }


@require_GET
@reviewer_required
def pledge_review(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = review_pledge(pk)
    return render(request, "campaigns/review/pledge_review.html", _review_context(pledge))


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


@require_POST
@reviewer_required
def practice_decision(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    pledge = review_pledge(pk)
    requirement = Requirement.objects.filter(
        rule_version_id=pledge.rule_version_id, key=key
    ).first()
    if requirement is None:
        raise Http404("No such practice.")
    form = PracticeDecisionForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            outcome = practice_decide(
                pledge=pledge,
                requirement_key=key,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                reviewer=request.user,
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            label = "approved" if outcome.decision.decision == Decision.APPROVED else "returned"
            messages.success(request, f"“{requirement.title}” {label}.")
            if outcome.completed:
                messages.success(
                    request,
                    f"Every practice is decided: {pledge.agency.name}'s pledge is now "
                    f"{Status(outcome.pledge_status).label.lower()}, and the agency has been "
                    "emailed.",
                )
                return redirect("campaigns_review:queue")
            return redirect(
                reverse("campaigns_review:pledge_review", args=[pledge.pk]) + f"#practice-{key}"
            )
    context = _review_context(pledge, bound={key: form})
    return render(request, "campaigns/review/pledge_review.html", context, status=400)


# --- evidence documents ----------------------------------------------------------------------------


def _document_response(
    request: HttpRequest, document: Partnership | PolicyDocument, prefix: str
) -> FileResponse:
    try:
        fileobj = review_document_open(document=document, opened_by=request.user, request=request)
    except FileNotFoundError as exc:
        raise Http404("No document is stored.") from exc
    extension = document.document.name.rsplit(".", 1)[-1].lower()
    filename = f"{prefix}-{document.agency.ori}-{document.pk}.{extension}"
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=filename,
        content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@reviewer_required
def partnership_document(request: HttpRequest, pk: int, partnership_id: int) -> FileResponse:
    pledge = review_pledge(pk)
    partnership = get_object_or_404(
        Partnership.objects.select_related("agency"), pk=partnership_id, agency_id=pledge.agency_id
    )
    return _document_response(request, partnership, "partnership")


@require_GET
@reviewer_required
def policy_document(request: HttpRequest, pk: int, policy_id: int) -> FileResponse:
    pledge = review_pledge(pk)
    policy = get_object_or_404(
        PolicyDocument.objects.select_related("agency"), pk=policy_id, agency_id=pledge.agency_id
    )
    return _document_response(request, policy, "policy")
