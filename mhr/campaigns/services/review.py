"""Writes for the association's review of submitted pledges.

A reviewer approves or returns each practice (requirement) of a submitted pledge, with a
comment. When the last practice of the round is decided, the pledge moves through
`pledge_change_status`: recognized when every practice was approved, returned when any was
returned. That service writes the status audit row and sends the emails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.compliance import RequirementResult
from mhr.campaigns.models import (
    Partnership,
    Pledge,
    PolicyDocument,
    PracticeDecision,
    Requirement,
)
from mhr.campaigns.selectors import pledge_compliance
from mhr.campaigns.services.pledges import pledge_change_status

# Audit event types (free strings; AuditEvent.EventType is another app's).
PRACTICE_DECIDED = "pledge.practice_decided"
REVIEW_DOCUMENT_OPENED = "pledge.review_document_opened"

MAX_COMMENT = 4000
Decision = PracticeDecision.Decision
Status = Pledge.Status

RETURN_NEEDS_COMMENT = "Say what the agency must change: returning a practice needs a comment."
UNMET_APPROVAL_NEEDS_COMMENT = (
    "The numbers show this practice as not met: explain in a comment why you approve it."
)


@dataclass(frozen=True)
class DecisionOutcome:
    decision: PracticeDecision
    # Every practice of the round is decided, so the pledge has moved to `pledge_status`.
    completed: bool
    pledge_status: str


def is_pledge_reviewer(user: Any) -> bool:
    """Association reviewers and administrators (and superusers) review pledges; editors do not."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_reviewer or user.is_superuser)
    )


def _require_reviewer(user: Any) -> None:
    if not is_pledge_reviewer(user):
        raise PermissionDenied("Only association reviewers can review pledges.")


def engine_numbers(result: RequirementResult) -> dict[str, Any]:
    """The engine's figures for one practice, as stored with a decision."""
    return {
        "met": result.met,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "percent": str(result.percent) if result.percent is not None else None,
        "required": result.required,
        "shortfall": result.shortfall,
        "non_sworn_numerator": result.non_sworn_numerator,
        "non_sworn_denominator": result.non_sworn_denominator,
        "note": result.note,
    }


def round_number_for(pledge: Pledge, submitted_at: Any) -> int:
    """Which submission this is: 1 + the submissions recorded before `submitted_at`."""
    earlier = AuditEvent.objects.filter(
        agency_id=pledge.agency_id,
        object_type=Pledge._meta.label_lower,
        object_id=str(pledge.pk),
        event_type=AuditEvent.EventType.PLEDGE_STATUS_CHANGED,
        extra__to=Status.SUBMITTED,
        occurred_at__lt=submitted_at,
    ).count()
    return earlier + 1


def _summary(requirements: list[Requirement], decided: dict[str, str]) -> str:
    returned = [r.title for r in requirements if decided.get(r.key) == Decision.RETURNED]
    if returned:
        return f"Returned after review: {'; '.join(returned)}."
    return f"All {len(requirements)} practices approved after review."


@transaction.atomic
def practice_decide(
    *,
    pledge: Pledge,
    requirement_key: str,
    decision: str,
    comment: str,
    reviewer: Any,
    request: Any = None,
) -> DecisionOutcome:
    """Approve or return one practice of a submitted pledge; finish the review when all are decided.

    Deciding a practice again in the same round replaces the earlier decision (both are audited).
    """
    _require_reviewer(reviewer)
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose whether to approve or return this practice."})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {"comment": f"Keep the comment under {MAX_COMMENT} characters ({len(comment)} now)."}
        )
    # Lock the pledge so two reviewers finishing the same round cannot both move it.
    locked = (
        Pledge.objects.select_for_update().only("status", "status_changed_at").get(pk=pledge.pk)
    )
    if locked.status != Status.SUBMITTED:
        raise ValidationError(
            f"The pledge is {Status(locked.status).label.lower()}: only pledges submitted for "
            "recognition are reviewed."
        )
    requirements = list(
        Requirement.objects.filter(rule_version_id=pledge.rule_version_id).order_by(
            "position", "id"
        )
    )
    requirement = next((r for r in requirements if r.key == requirement_key), None)
    if requirement is None:
        raise ValidationError(f"“{requirement_key}” is not a practice of this pledge's rules.")
    result = pledge_compliance(pledge)
    numbers = engine_numbers(result.requirement(requirement.key))
    if decision == Decision.RETURNED and not comment:
        raise ValidationError({"comment": RETURN_NEEDS_COMMENT})
    if decision == Decision.APPROVED and not numbers["met"] and not comment:
        raise ValidationError({"comment": UNMET_APPROVAL_NEEDS_COMMENT})

    submitted_at = locked.status_changed_at
    now = timezone.now()
    fields = {
        "requirement": requirement,
        "requirement_title": requirement.title,
        "decision": decision,
        "comment": comment,
        "engine_numbers": numbers,
        "reviewer": reviewer,
        "reviewer_label": reviewer.email[:254],
        "decided_at": now,
    }
    existing = PracticeDecision.objects.filter(
        pledge=pledge, submitted_at=submitted_at, requirement_key=requirement.key
    ).first()
    previous = None
    if existing is not None:
        previous = {"decision": existing.decision, "comment": existing.comment}
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(fields))
        saved = existing
    else:
        saved = PracticeDecision(
            pledge=pledge,
            submitted_at=submitted_at,
            round_number=round_number_for(pledge, submitted_at),
            requirement_key=requirement.key,
            **fields,
        )
        saved.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError as exc:
            raise ValidationError(
                "Another reviewer decided this practice at the same moment; reload the page."
            ) from exc
    audit_record(
        event_type=PRACTICE_DECIDED,
        actor=reviewer,
        agency=pledge.agency,
        target=pledge,
        request=request,
        extra={
            "requirement": requirement.key,
            "decision": decision,
            "comment": comment[:2000],
            "round": saved.round_number,
            "submitted_at": submitted_at.isoformat(),
            "engine": numbers,
            "replaced": previous,
        },
    )

    decided = dict(
        PracticeDecision.objects.filter(pledge=pledge, submitted_at=submitted_at).values_list(
            "requirement_key", "decision"
        )
    )
    if not all(r.key in decided for r in requirements):
        return DecisionOutcome(decision=saved, completed=False, pledge_status=locked.status)
    returned = any(decided[r.key] == Decision.RETURNED for r in requirements)
    target = Status.RETURNED if returned else Status.RECOGNIZED
    pledge_change_status(
        pledge=pledge,
        status=target,
        changed_by=reviewer,
        comment=_summary(requirements, decided),
        request=request,
    )
    return DecisionOutcome(decision=saved, completed=True, pledge_status=target)


@transaction.atomic
def review_document_open(
    *,
    document: Partnership | PolicyDocument,
    opened_by: Any,
    request: Any = None,
) -> IO[bytes]:
    """Open an agency's evidence document for a reviewer and record who opened it.

    The caller has already scoped `document` to the pledge's agency. Raises FileNotFoundError
    when there is no stored file; nothing is recorded then.
    """
    _require_reviewer(opened_by)
    if not document.document.name:
        raise FileNotFoundError("No document is stored.")
    fileobj = document.document.open("rb")
    audit_record(
        event_type=REVIEW_DOCUMENT_OPENED,
        actor=opened_by,
        agency=document.agency,
        target=document,
        request=request,
        extra={"kind": document._meta.model_name},
    )
    return fileobj
