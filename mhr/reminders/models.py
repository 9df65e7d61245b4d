"""What the daily jobs have already done, so that no reminder and no job runs twice."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class SentReminder(models.Model):
    """One reminder threshold for one subject, sent or deliberately skipped. Never deleted.

    The unique constraint is the guarantee: a second run (or a second server) that reaches the
    same subject and threshold fails to insert its row and so never queues the email.
    """

    class Kind(models.TextChoices):
        PLEDGE_DEADLINE = "pledge_deadline", "Pledge deadline"
        CERTIFICATE_EXPIRY = "certificate_expiry", "Certificate expiry"

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        # An earlier threshold passed while the job was not running; a nearer one was sent instead.
        SKIPPED = "skipped", "Skipped (a nearer reminder was sent)"
        NO_RECIPIENTS = "no_recipients", "Nobody to send it to"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    # "pledge:<id>:<target date>" or "training:<id>:<expiry date>": a changed date is a new subject.
    subject_key = models.CharField(max_length=80)
    threshold_days = models.SmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="sent_reminders"
    )
    due_on = models.DateField(help_text="The deadline or expiry date the reminder is about.")
    as_of = models.DateField(help_text="The day the run that recorded it was judging.")
    recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "threshold_days"],
                name="reminders_sentreminder_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["pledge_deadline", "certificate_expiry"]),
                name="reminders_sentreminder_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["sent", "skipped", "no_recipients"]),
                name="reminders_sentreminder_outcome_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="reminder_agency_time_idx"),
            # The daily run reads what it already recorded for subjects due in its window.
            models.Index(fields=["kind", "due_on"], name="reminder_kind_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_key} at {self.threshold_days} days"


class JobRun(models.Model):
    """One daily job on one day. The row is claimed before the job is queued, so several
    schedulers (app servers, restarts) never run a job twice for the same day."""

    class Job(models.TextChoices):
        REEVALUATE_PLEDGES = "reevaluate_pledges", "Re-evaluate recognized pledges"
        SEND_REMINDERS = "send_reminders", "Send reminders"
        DISABLE_INACTIVE_USERS = "disable_inactive_users", "Disable inactive accounts"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=32, choices=Job.choices)
    day = models.DateField(help_text="The UTC day the run is for.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="reminders_jobrun_once_per_day"),
            models.CheckConstraint(
                condition=Q(
                    job__in=["reevaluate_pledges", "send_reminders", "disable_inactive_users"]
                ),
                name="reminders_jobrun_job_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "succeeded", "failed"]),
                name="reminders_jobrun_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_job_display()} on {self.day:%Y-%m-%d}"
