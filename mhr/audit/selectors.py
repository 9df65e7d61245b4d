"""Reading the audit log: who may see which rows, and the filtered, newest-first list."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet

from mhr.accounts.access import membership_for
from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditViewer:
    """Someone allowed to read the audit log; `agency` limits them to that agency's rows."""

    user: Any
    agency: Agency | None

    @property
    def sees_all_agencies(self) -> bool:
        return self.agency is None


def audit_viewer_for(user: Any) -> AuditViewer | None:
    """Staff administrators, reviewers and superusers read every row; coordinators their agency's.

    Everyone else (members, editors, users without an agency) gets None.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_reviewer or user.is_superuser:
        return AuditViewer(user=user, agency=None)
    membership = membership_for(user)
    if membership is None or not membership.is_coordinator:
        return None
    return AuditViewer(user=user, agency=membership.agency)


@dataclass(frozen=True)
class AuditFilters:
    """The search form's cleaned values; empty means "any". Dates are UTC calendar days."""

    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    event_type: str = ""
    actor: str = ""
    outcome: str = ""
    object_type: str = ""
    text: str = ""
    agency_ori: str = ""

    def as_dict(self) -> dict[str, str]:
        """The filters in use, as text, for the audit row an export writes."""
        return {key: str(value) for key, value in asdict(self).items() if value not in ("", None)}


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def audit_event_list(*, viewer: AuditViewer, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The rows `viewer` may read that match `filters`, newest first, with their agency."""
    queryset = AuditEvent.objects.select_related("agency").order_by("-occurred_at", "-id")
    if viewer.agency is not None:
        # A coordinator's scope is part of the query itself, never a filter applied afterwards.
        queryset = queryset.filter(agency=viewer.agency)
    elif filters.agency_ori:
        queryset = queryset.filter(agency__ori=filters.agency_ori)
    if filters.starts_on is not None:
        queryset = queryset.filter(occurred_at__gte=_utc_midnight(filters.starts_on))
    if filters.ends_on is not None and filters.ends_on < dt.date.max:
        next_day = filters.ends_on + dt.timedelta(days=1)
        queryset = queryset.filter(occurred_at__lt=_utc_midnight(next_day))
    if filters.event_type:
        queryset = queryset.filter(event_type=filters.event_type)
    if filters.actor:
        queryset = queryset.filter(actor_label__icontains=filters.actor)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    if filters.text:
        queryset = queryset.filter(object_repr__icontains=filters.text)
    return queryset


def format_occurred_at(moment: dt.datetime) -> str:
    """UTC to the hundredth of a second, e.g. "2026-11-27 21:30:42.17" (truncated, not rounded)."""
    utc = moment.astimezone(dt.UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond // 10_000:02d}"


def event_label(event: AuditEvent) -> str:
    try:
        return str(AuditEvent.EventType(event.event_type).label)
    except ValueError:
        return event.event_type


def extra_as_json(extra: Any, *, indent: int | None = None) -> str:
    """The `extra` payload as stable JSON text: sorted keys, so two exports compare equal."""
    if not extra:
        return ""
    separators = (",", ": ") if indent else (",", ":")
    return json.dumps(
        extra, sort_keys=True, ensure_ascii=False, indent=indent, separators=separators, default=str
    )
