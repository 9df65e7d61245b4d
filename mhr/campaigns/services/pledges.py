"""Writes for pledges: taking the pledge, changing its terms, and moving it through its statuses.

Each function validates, saves and writes its audit row in one transaction.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mhr.accounts.access import membership_for
from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.models import Campaign, Officer, Pledge, RuleVersion
from mhr.campaigns.notifications import pledge_transition_on_commit

Status = Pledge.Status

# The roles an agency may bring into scope alongside its sworn officers.
NON_SWORN_ROLES: tuple[str, ...] = (
    Officer.Role.DISPATCHER,
    Officer.Role.CIVILIAN,
    Officer.Role.OTHER,
)

# status -> statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PLEDGED: frozenset({Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.RECOGNIZED, Status.RETURNED}),
    Status.RETURNED: frozenset({Status.IN_PROGRESS, Status.SUBMITTED}),
    Status.RECOGNIZED: frozenset({Status.LAPSED}),
    Status.LAPSED: frozenset({Status.RECOGNIZED}),
}

# Who may move a pledge into each status. The agency's coordinators do the work and submit it;
# association reviewers decide; lapsing and recovering follow the data (the daily re-evaluation,
# which runs without a user) or a reviewer.
_AGENCY_TARGETS = frozenset({Status.IN_PROGRESS, Status.SUBMITTED})
_REVIEW_TARGETS = frozenset({Status.RECOGNIZED, Status.RETURNED, Status.LAPSED})
_SYSTEM_MOVES = frozenset({(Status.RECOGNIZED, Status.LAPSED), (Status.LAPSED, Status.RECOGNIZED)})

# Terms of the commitment: fixed while the association reviews or recognizes the pledge.
TERM_FIELDS = (
    "agency_head_name",
    "agency_head_title",
    "signed_on",
    "target_completion_on",
    "non_sworn_roles_in_scope",
    "rule_version",
)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
EDITABLE_FIELDS = TERM_FIELDS + CONTACT_FIELDS
_LOCKED_STATUSES = frozenset({Status.SUBMITTED, Status.RECOGNIZED, Status.LAPSED})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when that day does not exist (Feb 30)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def target_window(
    campaign: Campaign, signed_on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest target completion dates the campaign allows for a signing date."""
    return add_months(signed_on, campaign.min_months), add_months(signed_on, campaign.max_months)


def long_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _is_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_association_staff or user.is_superuser)
    )


def _is_reviewer(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_reviewer or user.is_superuser)
    )


def _is_coordinator_of(user: Any, agency: Agency) -> bool:
    membership = membership_for(user)
    return (
        membership is not None and membership.agency_id == agency.pk and membership.is_coordinator
    )


def _require_agency_writer(user: Any, agency: Agency) -> None:
    if not (_is_coordinator_of(user, agency) or _is_staff(user)):
        raise PermissionDenied("Only the agency's coordinators or association staff can do this.")


def _clean_roles(roles: Iterable[str] | None) -> list[str]:
    if roles is None:
        return []
    if isinstance(roles, str):
        roles = [roles]
    chosen = []
    for role in roles:
        if role not in NON_SWORN_ROLES:
            allowed = ", ".join(str(Officer.Role(r).label) for r in NON_SWORN_ROLES)
            raise ValidationError(
                {
                    "non_sworn_roles_in_scope": (
                        f"“{role}” is not a non-sworn role. Choose from: {allowed}."
                    )
                }
            )
        if role not in chosen:
            chosen.append(role)
    # Stored in the roles' own order so the same choice always compares equal.
    return [r for r in NON_SWORN_ROLES if r in chosen]


def _resolve_rule_version(
    *, campaign: Campaign, rule_version: RuleVersion | str | None, actor: Any
) -> RuleVersion:
    current = campaign.rule_versions.filter(is_current=True).first()
    if rule_version is None or rule_version == "":
        if current is None:
            raise ValidationError(
                {"rule_version": f"{campaign.name} has no current rule version to pledge under."}
            )
        return current
    if isinstance(rule_version, str):
        version = campaign.rule_versions.filter(code=rule_version).first()
    elif rule_version.campaign_id == campaign.pk:
        version = rule_version
    else:
        version = None
    if version is None:
        raise ValidationError(
            {"rule_version": f"That rule version does not belong to {campaign.name}."}
        )
    if not version.is_current and not _is_staff(actor):
        # Earlier versions are for agencies that pledged under them; staff record those.
        raise ValidationError(
            {
                "rule_version": (
                    f"Only association staff can record a pledge under “{version.name}”; "
                    "new pledges use the current rules."
                )
            }
        )
    return version


def _validate_dates(
    *, campaign: Campaign, signed_on: Any, target_completion_on: Any, today: datetime.date
) -> None:
    errors: dict[str, str] = {}
    if not isinstance(signed_on, datetime.date):
        errors["signed_on"] = "Enter the date the pledge was signed."
    elif signed_on > today:
        errors["signed_on"] = "The date signed cannot be in the future."
    if not isinstance(target_completion_on, datetime.date):
        errors["target_completion_on"] = "Enter the target completion date."
    elif "signed_on" not in errors:
        earliest, latest = target_window(campaign, signed_on)
        if not earliest <= target_completion_on <= latest:
            errors["target_completion_on"] = (
                f"The target completion date must be between {campaign.min_months} and "
                f"{campaign.max_months} months after signing: from {long_date(earliest)} "
                f"to {long_date(latest)}."
            )
    if errors:
        raise ValidationError(errors)


def _validate_text(fields: dict[str, Any]) -> None:
    required = {
        "agency_head_name": "Enter the agency head's name.",
        "agency_head_title": "Enter the agency head's title.",
        "contact_name": "Enter the point of contact's name.",
        "contact_email": "Enter the point of contact's email address.",
    }
    errors = {
        name: message for name, message in required.items() if not str(fields.get(name, "")).strip()
    }
    if errors:
        raise ValidationError(errors)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, RuleVersion):
        return value.code
    return value


@transaction.atomic
def pledge_create(
    *,
    agency: Agency,
    campaign: Campaign,
    created_by: Any,
    agency_head_name: str,
    agency_head_title: str,
    signed_on: datetime.date,
    contact_name: str,
    contact_email: str,
    target_completion_on: datetime.date,
    contact_phone: str = "",
    non_sworn_roles_in_scope: Iterable[str] | None = None,
    rule_version: RuleVersion | str | None = None,
    request: Any = None,
) -> Pledge:
    """Record an agency's pledge. The rule version defaults to the campaign's current one."""
    _require_agency_writer(created_by, agency)
    if not campaign.is_active:
        raise ValidationError(f"{campaign.name} is not taking pledges.")
    if Pledge.objects.filter(agency=agency, campaign=campaign).exists():
        raise ValidationError(f"{agency.name} has already pledged to {campaign.name}.")
    text = {
        "agency_head_name": agency_head_name,
        "agency_head_title": agency_head_title,
        "contact_name": contact_name,
        "contact_email": contact_email,
    }
    _validate_text(text)
    _validate_dates(
        campaign=campaign,
        signed_on=signed_on,
        target_completion_on=target_completion_on,
        today=timezone.now().date(),
    )
    version = _resolve_rule_version(campaign=campaign, rule_version=rule_version, actor=created_by)
    now = timezone.now()
    pledge = Pledge(
        agency=agency,
        campaign=campaign,
        rule_version=version,
        agency_head_name=agency_head_name.strip(),
        agency_head_title=agency_head_title.strip(),
        signed_on=signed_on,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=(contact_phone or "").strip(),
        target_completion_on=target_completion_on,
        non_sworn_roles_in_scope=_clean_roles(non_sworn_roles_in_scope),
        status=Status.PLEDGED,
        status_changed_at=now,
        created_at=now,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    pledge.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            pledge.save()
    except IntegrityError as exc:
        # Two coordinators pledging at the same moment: the constraint decides.
        raise ValidationError(f"{agency.name} has already pledged to {campaign.name}.") from exc
    audit_record(
        event_type=AuditEvent.EventType.PLEDGE_CREATED,
        actor=created_by,
        agency=agency,
        target=pledge,
        request=request,
        extra={
            "campaign": campaign.slug,
            "rule_version": version.code,
            "signed_on": signed_on.isoformat(),
            "target_completion_on": target_completion_on.isoformat(),
            "non_sworn_roles_in_scope": pledge.non_sworn_roles_in_scope,
        },
    )
    pledge_transition_on_commit(pledge=pledge, old=None, new=Status.PLEDGED)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, changed_by: Any, request: Any = None, **fields: Any) -> Pledge:
    """Change a pledge's terms or contact details, recording what changed."""
    _require_agency_writer(changed_by, pledge.agency)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"These pledge fields cannot be changed here: {', '.join(sorted(unknown))}."
        )
    if "non_sworn_roles_in_scope" in fields:
        fields["non_sworn_roles_in_scope"] = _clean_roles(fields["non_sworn_roles_in_scope"])
    if "rule_version" in fields:
        fields["rule_version"] = _resolve_rule_version(
            campaign=pledge.campaign, rule_version=fields["rule_version"], actor=changed_by
        )
    for name in ("agency_head_name", "agency_head_title", "contact_name", "contact_email"):
        if name in fields:
            fields[name] = str(fields[name] or "").strip()
    if "contact_phone" in fields:
        fields["contact_phone"] = str(fields["contact_phone"] or "").strip()

    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(pledge, name)
        if old != value:
            changes[name] = [_jsonable(old), _jsonable(value)]
    if not changes:
        return pledge
    if (
        pledge.status in _LOCKED_STATUSES
        and set(changes) & set(TERM_FIELDS)
        and not _is_staff(changed_by)
    ):
        raise ValidationError(
            f"The pledge is {pledge.get_status_display().lower()}: its terms can no longer be "
            "changed. Contact details can."
        )
    merged = {name: fields.get(name, getattr(pledge, name)) for name in EDITABLE_FIELDS}
    _validate_text(merged)
    if {"signed_on", "target_completion_on"} & set(changes):
        _validate_dates(
            campaign=pledge.campaign,
            signed_on=merged["signed_on"],
            target_completion_on=merged["target_completion_on"],
            today=timezone.now().date(),
        )
    for name in changes:
        setattr(pledge, name, fields[name])
    pledge.full_clean(validate_unique=False)
    pledge.save(update_fields=list(changes))
    audit_record(
        event_type=AuditEvent.EventType.PLEDGE_CHANGED,
        actor=changed_by,
        agency=pledge.agency,
        target=pledge,
        request=request,
        extra={"changes": changes},
    )
    return pledge


def _may_move(user: Any, pledge: Pledge, old: str, new: str) -> bool:
    if user is None:
        return (old, new) in _SYSTEM_MOVES
    if new in _AGENCY_TARGETS and (_is_coordinator_of(user, pledge.agency) or _is_reviewer(user)):
        return True
    return new in _REVIEW_TARGETS and _is_reviewer(user)


def _require_review_round(pledge: Pledge, submitted_at: Any, status: str) -> None:
    """A submission ends only through the review: every practice decided in this round, and the
    outcome the decisions imply (recognized only when all were approved)."""
    from mhr.campaigns.models import PracticeDecision, Requirement

    keys = set(
        Requirement.objects.filter(rule_version_id=pledge.rule_version_id).values_list(
            "key", flat=True
        )
    )
    decided = dict(
        PracticeDecision.objects.filter(pledge=pledge, submitted_at=submitted_at).values_list(
            "requirement_key", "decision"
        )
    )
    if not keys <= decided.keys():
        raise ValidationError(
            "Decide every practice in the review before recognizing or returning the pledge."
        )
    any_returned = any(decided[key] == PracticeDecision.Decision.RETURNED for key in keys)
    if any_returned != (status == Status.RETURNED):
        raise ValidationError(
            "The practice decisions do not match this outcome: a pledge is recognized only when "
            "every practice was approved, and returned when any was returned."
        )


@transaction.atomic
def pledge_change_status(
    *,
    pledge: Pledge,
    status: str,
    changed_by: Any,
    comment: str = "",
    request: Any = None,
) -> Pledge:
    """Move a pledge along TRANSITIONS. `changed_by=None` is the daily re-evaluation."""
    if status not in Status.values:
        raise ValidationError({"status": f"“{status}” is not a pledge status."})
    # Lock the row so two reviewers (or a reviewer and the daily run) cannot both move it.
    locked = (
        Pledge.objects.select_for_update().only("status", "status_changed_at").get(pk=pledge.pk)
    )
    old = locked.status
    if status not in TRANSITIONS.get(old, frozenset()):
        raise ValidationError(
            f"A pledge that is {Status(old).label.lower()} cannot become "
            f"{Status(status).label.lower()}."
        )
    if not _may_move(changed_by, pledge, old, status):
        raise PermissionDenied("You cannot make this change to the pledge.")
    if old == Status.SUBMITTED and status in (Status.RECOGNIZED, Status.RETURNED):
        _require_review_round(pledge, locked.status_changed_at, status)
    now = timezone.now()
    pledge.status = status
    pledge.status_changed_at = now
    update_fields = ["status", "status_changed_at"]
    if status == Status.RECOGNIZED and old == Status.SUBMITTED:
        # A pledge recovering from lapsed keeps the date it was first recognized.
        pledge.recognized_on = now.date()
        update_fields.append("recognized_on")
    pledge.save(update_fields=update_fields)
    audit_record(
        event_type=AuditEvent.EventType.PLEDGE_STATUS_CHANGED,
        actor=changed_by,
        agency=pledge.agency,
        target=pledge,
        request=request,
        extra={"from": old, "to": status, "comment": comment.strip()[:2000]},
    )
    # Emailed once the move commits; a review's decisions belong to the submission it ends.
    pledge_transition_on_commit(
        pledge=pledge,
        old=old,
        new=status,
        comment=comment,
        submitted_at=locked.status_changed_at if old == Status.SUBMITTED else None,
    )
    return pledge


def pledges_reevaluate(
    *,
    as_of: datetime.date | None = None,
    agency_id: int | None = None,
    recover_only: bool = False,
) -> dict[str, int]:
    """The daily run: recognized pledges whose data no longer meets the rules lapse, and lapsed
    pledges whose data meets them again are recognized again. Each move is its own transaction.

    After each change of an agency's facts it runs for that agency with `recover_only`: renewed
    certificates restore recognition at once, while a lapse waits for the daily run, so a
    roster imported before its training file never flips the public badge in between.
    """
    from mhr.campaigns.selectors import evaluate_all_pledges

    watched = Pledge.objects.filter(
        status__in=[Status.LAPSED] if recover_only else [Status.RECOGNIZED, Status.LAPSED]
    )
    if agency_id is not None:
        watched = watched.filter(agency_id=agency_id)
    results = evaluate_all_pledges(as_of, pledges=watched)
    moved = {"lapsed": 0, "recovered": 0, "checked": len(results)}
    for pledge in watched.select_related("agency", "campaign"):
        result = results.get(pledge.pk)
        if result is None:
            continue
        if pledge.status == Status.RECOGNIZED and not result.met:
            target, counter = Status.LAPSED, "lapsed"
        elif pledge.status == Status.LAPSED and result.met:
            target, counter = Status.RECOGNIZED, "recovered"
        else:
            continue
        unmet = [r.title for r in result.requirements if not r.met]
        reason = "Daily re-evaluation" if agency_id is None else "Re-evaluation after a change"
        try:
            with transaction.atomic():
                pledge_change_status(
                    pledge=pledge,
                    status=target,
                    changed_by=None,
                    comment=reason
                    + (f": not met: {'; '.join(unmet)}." if unmet else ": every practice met."),
                )
        except ValidationError:
            # Moved meanwhile (a reviewer, or the other run after a change): its status stands.
            continue
        moved[counter] += 1
    return moved
