"""The daily reminder run: pledge deadlines and expiring training certificates.

Each reminder is recorded as a SentReminder row in the same transaction that queues its email
(sent on commit), and the row's unique constraint makes a second send impossible. A run that
finds a subject past several thresholds (the job did not run for a while) sends only the
nearest one and records the earlier ones as skipped, so nobody gets "90 days" and "30 days"
in the same morning.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.audit.services import audit_record
from mhr.campaigns.models import Pledge, TrainingRecord
from mhr.reminders import selectors
from mhr.reminders.models import JobRun, SentReminder

logger = logging.getLogger(__name__)

PLEDGE_THRESHOLDS = (90, 30, 7)
CERTIFICATE_THRESHOLDS = (90, 30, 0)
# A run catches up on subjects whose date passed at most this many days ago (the job was down).
CATCH_UP_DAYS = 14
EVENT_REMINDERS_RUN = "reminders.run"

Kind = SentReminder.Kind
Outcome = SentReminder.Outcome


def plan_thresholds(
    *, days_left: int, thresholds: Iterable[int], recorded: set[int]
) -> tuple[int | None, list[int]]:
    """(threshold to send now or None, earlier thresholds to record as skipped).

    Only the nearest threshold crossed is sent; the ones crossed before it and never recorded
    are skipped. Nothing is sent once the nearest one is recorded.
    """
    crossed = sorted(t for t in thresholds if days_left <= t)
    if not crossed or crossed[0] in recorded:
        return None, []
    return crossed[0], [t for t in crossed[1:] if t not in recorded]


@dataclasses.dataclass
class _Row:
    subject_key: str
    threshold: int
    due_on: datetime.date
    outcome: str


@dataclasses.dataclass
class _Email:
    """One email and the rows that record it (sent and skipped)."""

    kind: str
    agency: Agency
    threshold: int
    recipients: list[str]
    rows: list[_Row]
    subject: str = ""
    body: str = ""
    items: int = 1

    def get_label(self) -> str:
        if self.kind == Kind.PLEDGE_DEADLINE:
            return f"pledge deadline, {self.threshold}-day reminder"
        return f"{self.items} certificate(s), {self.threshold}-day digest"


@dataclasses.dataclass
class RunSummary:
    as_of: datetime.date
    dry_run: bool
    pledge_emails: int = 0
    certificate_emails: int = 0
    certificates: int = 0
    skipped: int = 0
    no_recipients: int = 0
    # Units another run recorded first (two schedulers at once); nothing was sent for them here.
    already_recorded: int = 0
    lines: list[str] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data.pop("lines")
        return data

    def text(self) -> str:
        verb = "Would send" if self.dry_run else "Sent"
        return (
            f"{verb} {self.pledge_emails} pledge deadline reminder(s) and "
            f"{self.certificate_emails} certificate expiry digest(s) covering "
            f"{self.certificates} certificate(s) as of {self.as_of:%Y-%m-%d}; "
            f"{self.skipped} earlier threshold(s) skipped, {self.no_recipients} with nobody to "
            f"email, {self.already_recorded} already recorded by another run."
        )


def _site_link(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _unique(emails: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for email in emails:
        email = (email or "").strip()
        if email and email.lower() not in seen:
            seen[email.lower()] = email
    return list(seen.values())


def _when(days_left: int) -> str:
    if days_left > 1:
        return f"in {days_left} days"
    if days_left == 1:
        return "tomorrow"
    if days_left == 0:
        return "today"
    return f"{-days_left} day{'s' if days_left < -1 else ''} ago"


def _pledge_emails(as_of: datetime.date, window_end: datetime.date) -> list[_Email]:
    start = as_of - datetime.timedelta(days=CATCH_UP_DAYS)
    pledges = list(selectors.pledges_near_deadline(start=start, end=window_end))
    recorded = selectors.recorded_thresholds(kind=Kind.PLEDGE_DEADLINE, start=start, end=window_end)
    coordinators = selectors.coordinator_emails(agency_ids=[p.agency_id for p in pledges])
    emails = []
    for pledge in pledges:
        key = pledge_subject_key(pledge)
        days_left = (pledge.target_completion_on - as_of).days
        send, skip = plan_thresholds(
            days_left=days_left, thresholds=PLEDGE_THRESHOLDS, recorded=recorded[key]
        )
        if send is None:
            continue
        recipients = _unique([*coordinators[pledge.agency_id], pledge.contact_email])
        due = pledge.target_completion_on
        context = {
            "pledge": pledge,
            "agency": pledge.agency,
            "days_left": days_left,
            "when": _when(days_left),
            "threshold": send,
            "link": _site_link("campaigns_agency:home"),
            "site_name": settings.SITE_NAME,
        }
        emails.append(
            _Email(
                kind=Kind.PLEDGE_DEADLINE,
                agency=pledge.agency,
                threshold=send,
                recipients=recipients,
                rows=[_Row(key, send, due, Outcome.SENT)]
                + [_Row(key, t, due, Outcome.SKIPPED) for t in skip],
                subject=render_to_string(
                    "campaigns/email/reminder_pledge_deadline_subject.txt", context
                ).strip(),
                body=render_to_string("campaigns/email/reminder_pledge_deadline.txt", context),
            )
        )
    return emails


def _certificate_emails(as_of: datetime.date, window_end: datetime.date) -> list[_Email]:
    start = as_of - datetime.timedelta(days=CATCH_UP_DAYS)
    records = list(selectors.certificates_near_expiry(start=start, end=window_end))
    recorded = selectors.recorded_thresholds(
        kind=Kind.CERTIFICATE_EXPIRY, start=start, end=window_end
    )
    # One digest per agency and threshold: {(agency id, threshold): [(record, skipped)]}.
    groups: dict[tuple[int, int], list[tuple[TrainingRecord, list[int]]]] = defaultdict(list)
    for record in records:
        assert record.expires_on is not None  # filtered by the selector
        days_left = (record.expires_on - as_of).days
        send, skip = plan_thresholds(
            days_left=days_left,
            thresholds=CERTIFICATE_THRESHOLDS,
            recorded=recorded[certificate_subject_key(record)],
        )
        if send is not None:
            groups[(record.agency_id, send)].append((record, skip))
    coordinators = selectors.coordinator_emails(agency_ids=list({a for a, _t in groups}))
    emails = []
    for (agency_id, threshold), entries in sorted(groups.items(), key=lambda item: item[0]):
        agency = entries[0][0].agency
        rows: list[_Row] = []
        for record, skip in entries:
            key, due = certificate_subject_key(record), record.expires_on
            assert due is not None
            rows.append(_Row(key, threshold, due, Outcome.SENT))
            rows.extend(_Row(key, t, due, Outcome.SKIPPED) for t in skip)
        context = {
            "agency": agency,
            "threshold": threshold,
            "as_of": as_of,
            "items": [
                {"record": record, "when": _when((record.expires_on - as_of).days)}
                for record, _skip in entries
                if record.expires_on is not None
            ],
            "link": _site_link("campaigns_agency:home"),
            "site_name": settings.SITE_NAME,
        }
        emails.append(
            _Email(
                kind=Kind.CERTIFICATE_EXPIRY,
                agency=agency,
                threshold=threshold,
                recipients=list(coordinators[agency_id]),
                rows=rows,
                subject=render_to_string(
                    "campaigns/email/reminder_certificate_expiry_subject.txt", context
                ).strip(),
                body=render_to_string("campaigns/email/reminder_certificate_expiry.txt", context),
                items=len(entries),
            )
        )
    return emails


def pledge_subject_key(pledge: Pledge) -> str:
    # The date is part of the key: a pledge whose target date moves is reminded about the new one.
    return f"pledge:{pledge.pk}:{pledge.target_completion_on.isoformat()}"


def certificate_subject_key(record: TrainingRecord) -> str:
    assert record.expires_on is not None
    return f"training:{record.pk}:{record.expires_on.isoformat()}"


def _send(subject: str, body: str, recipients: Sequence[str]) -> None:
    try:
        send_mail(subject, body, None, list(recipients))
    except Exception:
        # Recorded already; a failed delivery is logged for the operator, not retried (never twice).
        logger.exception("Reminder email could not be sent (%s recipients).", len(recipients))


def _record(email: _Email, as_of: datetime.date) -> bool:
    """Write the rows and queue the email in one transaction; False if another run was first."""
    outcome_sent = Outcome.SENT if email.recipients else Outcome.NO_RECIPIENTS
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                [
                    SentReminder(
                        kind=email.kind,
                        subject_key=row.subject_key,
                        threshold_days=row.threshold,
                        outcome=outcome_sent if row.outcome == Outcome.SENT else row.outcome,
                        agency=email.agency,
                        due_on=row.due_on,
                        as_of=as_of,
                        recipients=email.recipients if row.outcome == Outcome.SENT else [],
                    )
                    for row in email.rows
                ]
            )
            if email.recipients:
                subject, body, recipients = email.subject, email.body, email.recipients
                transaction.on_commit(lambda: _send(subject, body, recipients))
    except IntegrityError:
        return False
    return True


def reminders_run(*, as_of: datetime.date | None = None, dry_run: bool = False) -> RunSummary:
    """Send the reminders due on `as_of` (default today, UTC). A dry run writes nothing."""
    as_of = as_of or timezone.now().date()
    summary = RunSummary(as_of=as_of, dry_run=dry_run)
    window_end = as_of + datetime.timedelta(days=max(PLEDGE_THRESHOLDS + CERTIFICATE_THRESHOLDS))
    emails = _pledge_emails(as_of, window_end) + _certificate_emails(as_of, window_end)
    for email in emails:
        if not dry_run and not _record(email, as_of):
            summary.already_recorded += 1
            continue
        if email.kind == Kind.PLEDGE_DEADLINE:
            summary.pledge_emails += 1
        else:
            summary.certificate_emails += 1
            summary.certificates += email.items
        summary.skipped += sum(1 for row in email.rows if row.outcome == Outcome.SKIPPED)
        if not email.recipients:
            summary.no_recipients += 1
        summary.lines.append(
            f"{email.agency.ori} {email.get_label()}: "
            f"{', '.join(email.recipients) or 'nobody to email'}"
        )
    if not dry_run:
        with transaction.atomic():
            audit_record(event_type=EVENT_REMINDERS_RUN, extra=summary.as_dict())
    return summary


# --- the daily scheduler -------------------------------------------------------------------------

DEFAULT_SCHEDULER_HOUR_UTC = 6


def scheduler_hour() -> int:
    hour = getattr(settings, "SCHEDULER_HOUR_UTC", DEFAULT_SCHEDULER_HOUR_UTC)
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValueError(f"SCHEDULER_HOUR_UTC must be an hour from 0 to 23, not {hour!r}.")
    return hour


def job_run_claim(*, job: str, day: datetime.date) -> JobRun | None:
    """Claim `job` for `day`; None when it is already claimed (another server, or a restart)."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, day=day)
    except IntegrityError:
        return None


def scheduler_tick(*, now: datetime.datetime, hour: int) -> list[JobRun]:
    """Queue each daily job not yet run today, once the configured UTC hour has come.

    The claim and the queued task are written in one transaction (the task backend stores its
    queue in the same database), so a crash between the two cannot lose or double a day's run.
    """
    from mhr.reminders.tasks import DAILY_TASKS

    now = now.astimezone(datetime.UTC)
    if now.hour < hour:
        return []
    claimed = []
    for job, job_task in DAILY_TASKS.items():
        with transaction.atomic():
            run = job_run_claim(job=job, day=now.date())
            if run is None:
                continue
            job_task.enqueue(run.pk)
        run.refresh_from_db()
        claimed.append(run)
    return claimed
