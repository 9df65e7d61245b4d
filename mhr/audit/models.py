from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One append-only row per security- or compliance-relevant action.

    Rows are written by services inside the same transaction as the change they describe,
    and never updated or deleted by the application.
    """

    class EventType(models.TextChoices):
        SIGN_IN = "auth.sign_in", "Signed in"
        SIGN_IN_FAILED = "auth.sign_in_failed", "Sign-in failed"
        SIGN_OUT = "auth.sign_out", "Signed out"
        ACCOUNT_LOCKED = "auth.account_locked", "Account locked after failed sign-ins"
        ACCOUNT_UNLOCKED = "auth.account_unlocked", "Account unlocked"
        SESSION_EXPIRED = "auth.session_expired", "Session expired"
        MFA_ENROLLED = "auth.mfa_enrolled", "Authenticator app set up"
        MFA_VERIFIED = "auth.mfa_verified", "Sign-in code accepted"
        MFA_FAILED = "auth.mfa_failed", "Sign-in code refused"
        MFA_RESET = "auth.mfa_reset", "Authenticator reset"
        USER_DEACTIVATED = "user.deactivated", "User deactivated"
        PASSWORD_RESET_REQUESTED = "auth.password_reset_requested", "Password reset requested"
        PASSWORD_CHANGED = "auth.password_changed", "Password changed"
        USER_CREATED = "user.created", "User created"
        USER_CHANGED = "user.changed", "User changed"
        AGENCY_CREATED = "agency.created", "Agency created"
        AGENCY_CHANGED = "agency.changed", "Agency changed"
        MEMBERSHIP_CREATED = "membership.created", "Membership created"
        MEMBERSHIP_CHANGED = "membership.changed", "Membership changed"
        MEMBERSHIP_REMOVED = "membership.removed", "Membership removed"
        TOKEN_CREATED = "token.created", "API token created"
        TOKEN_REVOKED = "token.revoked", "API token revoked"
        TOKEN_USED = "token.used", "API token used"
        RESOURCE_CREATED = "resource.created", "Resource created"
        RESOURCE_CHANGED = "resource.changed", "Resource changed"
        RESOURCE_STATUS_CHANGED = "resource.status_changed", "Resource status changed"
        ATTACHMENT_ADDED = "attachment.added", "Attachment added"
        ATTACHMENT_REMOVED = "attachment.removed", "Attachment removed"
        ATTACHMENT_DOWNLOADED = "attachment.downloaded", "Attachment downloaded"
        DEMO_LOADED = "demo.loaded", "Demo data loaded"
        AUDIT_VIEWED = "audit.viewed", "Audit log searched"
        AUDIT_EXPORTED = "audit.exported", "Audit log exported"
        CAMPAIGN_RULES_CHANGED = "campaign.rules_changed", "Campaign rules changed"
        PARTNERSHIP_CREATED = "partnership.created", "Partnership added"
        PARTNERSHIP_CHANGED = "partnership.changed", "Partnership changed"
        PARTNERSHIP_REMOVED = "partnership.removed", "Partnership removed"
        PARTNERSHIP_INVITED = "partnership.invited", "Partner invited to confirm"
        PARTNERSHIP_CONFIRMED = "partnership.confirmed", "Partnership confirmed by the partner"
        PARTNERSHIP_INVITATION_DECLINED = (
            "partnership.invitation_declined",
            "Partner declined to confirm",
        )
        PARTNERSHIP_CONFIRMATION_CLEARED = (
            "partnership.confirmation_cleared",
            "Partner confirmation cleared by a change",
        )
        REMINDERS_RUN = "reminders.run", "Reminders sent"
        POLICY_CREATED = "policy.created", "Policy added"
        POLICY_CHANGED = "policy.changed", "Policy changed"
        BACKUP_CREATED = "backup.created", "Backup created"
        BACKUP_RESTORED = "backup.restored", "Backup restored"
        ENCRYPTION_ROTATED = (
            "security.encryption_rotated",
            "Encrypted fields re-sealed with the current key",
        )
        OFFICER_CREATED = "officer.created", "Officer added to the roster"
        OFFICER_CHANGED = "officer.changed", "Officer changed"
        OFFICER_SEPARATED = "officer.separated", "Officer separated"
        TRAINING_RECORDED = "training.recorded", "Training recorded"
        TRAINING_CHANGED = "training.changed", "Training record changed"
        TRAINING_REMOVED = "training.removed", "Training record removed"
        ROSTER_IMPORTED = "roster.imported", "Roster imported"
        TRAINING_IMPORTED = "training.imported", "Training records imported"
        PLEDGE_CREATED = "pledge.created", "Pledge created"
        PLEDGE_CHANGED = "pledge.changed", "Pledge changed"
        PLEDGE_STATUS_CHANGED = "pledge.status_changed", "Pledge status changed"
        PLEDGE_PRACTICE_DECIDED = "pledge.practice_decided", "Pledge practice decided"
        PLEDGE_REVIEW_DOCUMENT_OPENED = (
            "pledge.review_document_opened",
            "Evidence document opened by reviewer",
        )
        ENCOUNTER_CREATED = "encounter.created", "Encounter recorded"
        ENCOUNTER_CHANGED = "encounter.changed", "Encounter corrected"
        ENCOUNTER_DISCARDED = "encounter.discarded", "Encounter draft discarded"
        ENCOUNTER_VIEWED = "encounter.viewed", "Encounter data viewed"
        ENCOUNTERS_EXPORTED = "encounter.exported", "Encounter data exported"
        ENCOUNTERS_IMPORTED = "encounter.imported", "Encounters imported"
        ENCOUNTER_SETTINGS_CHANGED = "encounter.settings_changed", "Encounter settings changed"
        TRANSPARENCY_PUBLISHED = "encounter.transparency_published", "Transparency page published"
        TRANSPARENCY_UNPUBLISHED = (
            "encounter.transparency_unpublished",
            "Transparency page withdrawn",
        )
        WORKSHEET_SAVED = "worksheet.saved", "Messaging worksheet saved"
        WORKSHEET_EXPORTED = "worksheet.exported", "Messaging worksheet exported"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Values come from EventType; not declared as field choices so that adding an event type
    # never needs a migration of this large, append-only table.
    event_type = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's email at the time, so the row still reads after the user is renamed or removed.
    actor_label = models.CharField(max_length=254, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["agency", "-occurred_at"], name="audit_agency_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["success", "failure"]),
                name="audit_event_outcome_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.event_type} {self.object_repr}"

    def get_event_type_display(self) -> str:
        try:
            return str(self.EventType(self.event_type).label)
        except ValueError:
            return self.event_type
