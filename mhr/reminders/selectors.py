"""Reads for the daily reminder run. Each returns everything in a constant number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, QuerySet

from mhr.accounts.models import Membership
from mhr.campaigns.models import Officer, Pledge, TrainingRecord
from mhr.reminders.models import JobRun, SentReminder

# Pledges past these statuses need no deadline reminder: the work is done (or was, and lapsed).
PLEDGE_DONE = (Pledge.Status.RECOGNIZED, Pledge.Status.LAPSED)


def pledges_near_deadline(*, start: datetime.date, end: datetime.date) -> QuerySet[Pledge]:
    """Open pledges whose target completion date falls in [start, end]."""
    return (
        Pledge.objects.filter(target_completion_on__gte=start, target_completion_on__lte=end)
        .exclude(status__in=PLEDGE_DONE)
        .select_related("agency", "campaign")
        .order_by("target_completion_on", "pk")
    )


def certificates_near_expiry(
    *, start: datetime.date, end: datetime.date
) -> QuerySet[TrainingRecord]:
    """Certificates expiring in [start, end] held by officers still on the roster, leaving out
    those the officer has already renewed (a later completion of the same course)."""
    renewed = TrainingRecord.objects.filter(
        officer_id=OuterRef("officer_id"),
        course_type_id=OuterRef("course_type_id"),
        completed_on__gt=OuterRef("completed_on"),
    )
    return (
        TrainingRecord.objects.filter(expires_on__gte=start, expires_on__lte=end)
        .exclude(officer__status=Officer.Status.SEPARATED)
        .exclude(Exists(renewed))
        .select_related("officer", "course_type", "agency")
        .order_by("agency_id", "expires_on", "officer__last_name", "officer__first_name", "pk")
    )


def recorded_thresholds(
    *, kind: str, start: datetime.date, end: datetime.date
) -> dict[str, set[int]]:
    """{subject key: thresholds already sent or skipped} for subjects due in [start, end]."""
    recorded: dict[str, set[int]] = defaultdict(set)
    rows = SentReminder.objects.filter(kind=kind, due_on__gte=start, due_on__lte=end).values_list(
        "subject_key", "threshold_days"
    )
    for key, threshold in rows:
        recorded[key].add(threshold)
    return recorded


def coordinator_emails(*, agency_ids: QuerySet | list[int]) -> dict[int, list[str]]:
    """{agency id: active coordinators' email addresses}."""
    emails: dict[int, list[str]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            Q(agency_id__in=agency_ids),
            role=Membership.Role.COORDINATOR,
            user__is_active=True,
        )
        .order_by("agency_id", "user__email")
        .values_list("agency_id", "user__email")
    )
    for agency_id, email in rows:
        emails[agency_id].append(email)
    return emails


def job_runs_recent(*, limit: int = 30) -> QuerySet[JobRun]:
    return JobRun.objects.order_by("-day", "job")[:limit]
