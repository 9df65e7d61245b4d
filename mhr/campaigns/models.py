"""Pledge campaigns as data: rule versions, requirements, pledges, rosters, training and evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Campaign(models.Model):
    """A pledge the association runs, such as the One Mind Campaign."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(help_text="Shown on the public campaign page.")
    min_months = models.PositiveSmallIntegerField(
        default=12, help_text="Earliest target completion, in months after signing."
    )
    max_months = models.PositiveSmallIntegerField(
        default=36, help_text="Latest target completion, in months after signing."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_months__lte=F("max_months")),
                name="campaigns_campaign_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CourseType(models.Model):
    """A kind of training (CIT 40-hour, CRIT, MHFA for Public Safety, ...). Editable by staff."""

    class Family(models.TextChoices):
        CRISIS_INTERVENTION = "crisis_intervention", "Crisis intervention (CIT, CRIT or equivalent)"
        MENTAL_HEALTH_FIRST_AID = "mental_health_first_aid", "Mental Health First Aid or equivalent"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    family = models.CharField(max_length=32, choices=Family.choices)
    validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How long a certificate stays valid. Empty means it does not expire.",
    )
    typical_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    # Other names agencies' training systems use for this course, matched on import.
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    """One version of a campaign's rules. A pledge is judged by the version it was made under."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rule_versions")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    effective_from = models.DateField()
    is_current = models.BooleanField(
        default=False, help_text="Offered to agencies pledging now. One per campaign."
    )

    class Meta:
        ordering = ["campaign", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"], name="campaigns_ruleversion_code_unique"
            ),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(is_current=True),
                name="campaigns_ruleversion_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name}: {self.name}"


class Requirement(models.Model):
    """One practice a pledge must complete, with the numbers that define 'met'."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", "Partnership with a community mental-health organization"
        POLICY = "policy", "Written policy"
        TRAINING_COVERAGE = "training_coverage", "Training coverage"
        ATTESTATION = "attestation", "Attestation"

    class CoverageBasis(models.TextChoices):
        # A share of all active sworn officers must hold an accepted course.
        SWORN_SHARE = "sworn_share", "Share of sworn officers"
        # Every sworn officer not counted by the version's other coverage requirements must hold
        # an accepted course (the current One Mind rule: MHFA for the remaining officers).
        REMAINING_SWORN = "remaining_sworn", "Every remaining sworn officer"

    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.CASCADE, related_name="requirements"
    )
    key = models.SlugField(max_length=60, help_text="Stable identifier, e.g. 'cit-coverage'.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    coverage_basis = models.CharField(max_length=32, choices=CoverageBasis.choices, blank=True)
    min_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="For sworn-share coverage: the share of sworn officers, 0–100.",
    )
    accepted_courses = models.ManyToManyField(CourseType, blank=True, related_name="+")
    include_non_sworn_in_scope = models.BooleanField(
        default=True,
        help_text="The non-sworn roles the agency chose (e.g. dispatchers) must meet it too.",
    )

    class Meta:
        ordering = ["rule_version", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_version", "key"], name="campaigns_requirement_key_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="training_coverage") | ~Q(coverage_basis=""),
                name="campaigns_requirement_coverage_has_basis",
            ),
            models.CheckConstraint(
                condition=~Q(coverage_basis="sworn_share") | Q(min_percent__isnull=False),
                name="campaigns_requirement_share_has_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Officer(models.Model):
    """A person on an agency's roster. Agency-owned."""

    class Role(models.TextChoices):
        PATROL = "patrol", "Patrol officer"
        SUPERVISOR = "supervisor", "Supervisor"
        DETECTIVE = "detective", "Detective or investigator"
        COMMAND = "command", "Command staff"
        SPECIALIST = "specialist", "Specialist unit"
        DISPATCHER = "dispatcher", "Dispatcher or call-taker"
        CIVILIAN = "civilian", "Other non-sworn staff"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEAVE = "leave", "On leave"
        SEPARATED = "separated", "Separated"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="officers")
    employee_id = models.CharField(max_length=40)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    is_sworn = models.BooleanField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATROL)
    unit = models.CharField("unit or shift", max_length=100, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency", "last_name", "first_name", "employee_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employee_id"], name="campaigns_officer_employee_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "leave", "separated"]),
                name="campaigns_officer_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "is_sworn"], name="officer_scope_idx")]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.employee_id})"


def certificate_upload_to(instance: TrainingRecord, filename: str) -> str:
    return f"certificates/{uuid.uuid4().hex}.pdf"


class TrainingRecord(models.Model):
    """A completed course. Agency-owned through its officer."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        IMPORT = "import", "File import"
        API = "api", "API"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="training_records")
    # Denormalised from the officer so agency-scoped queries need no join.
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="training_records"
    )
    course_type = models.ForeignKey(CourseType, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    certificate = models.FileField(upload_to=certificate_upload_to, blank=True, max_length=200)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["officer", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("completed_on")),
                name="campaigns_training_expiry_after_completion",
            ),
            models.UniqueConstraint(
                fields=["officer", "course_type", "completed_on"],
                name="campaigns_training_unique_completion",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "expires_on"], name="training_agency_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.course_type} – {self.completed_on:%Y-%m-%d}"


class Pledge(models.Model):
    """An agency's commitment to complete a campaign's practices by a target date."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", "Pledged"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted for recognition"
        RETURNED = "returned", "Returned for changes"
        RECOGNIZED = "recognized", "Recognized"
        LAPSED = "lapsed", "Lapsed"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="pledges")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="pledges")
    agency_head_name = models.CharField(max_length=150)
    agency_head_title = models.CharField(max_length=150)
    signed_on = models.DateField()
    contact_name = models.CharField("point of contact", max_length=150)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    target_completion_on = models.DateField()
    # Non-sworn roles the agency chose to include (e.g. ["dispatcher"]), held to the same coverage.
    non_sworn_roles_in_scope = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLEDGED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    recognized_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "campaign"], name="campaigns_pledge_one_per_campaign"
            ),
            models.CheckConstraint(
                condition=Q(target_completion_on__gt=F("signed_on")),
                name="campaigns_pledge_target_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pledged",
                        "in_progress",
                        "submitted",
                        "returned",
                        "recognized",
                        "lapsed",
                    ]
                ),
                name="campaigns_pledge_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "-signed_on"], name="pledge_status_signed_idx")]

    def __str__(self) -> str:
        return f"{self.agency.name} – {self.campaign.name}"


class Partnership(models.Model):
    """A partnership with a community mental-health organization. Agency-owned."""

    class OrganizationKind(models.TextChoices):
        MENTAL_HEALTH_CENTER = "mental_health_center", "Community mental-health center"
        CRISIS_CENTER = "crisis_center", "Crisis or 988 center"
        HOSPITAL = "hospital", "Hospital"
        ADVOCACY = "advocacy", "Advocacy group (e.g. NAMI)"
        OTHER = "other", "Other"

    class AgreementKind(models.TextChoices):
        MOU = "mou", "Memorandum of understanding"
        DATA_SHARING = "data_sharing", "Data-sharing agreement"
        LETTER = "letter", "Letter of agreement"

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="partnerships"
    )
    organization_name = models.CharField(max_length=200)
    organization_kind = models.CharField(max_length=32, choices=OrganizationKind.choices)
    agreement_kind = models.CharField(max_length=20, choices=AgreementKind.choices)
    started_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    document = models.FileField(upload_to="partnerships/", blank=True, max_length=200)
    # The name the coordinator's file had: stored under a generated name, downloaded under this.
    document_filename = models.CharField(max_length=255, blank=True)
    partner_contact_email = models.EmailField(blank=True)
    # The partner confirms from its own account; only a digest of the invitation is kept.
    invitation_digest = models.CharField(max_length=64, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("started_on")),
                name="campaigns_partnership_ends_after_start",
            ),
        ]
        indexes = [
            # The invitation link is looked up by its digest (partnership_for_invitation).
            models.Index(fields=["invitation_digest"], name="campaigns_partner_invite_idx"),
        ]

    def __str__(self) -> str:
        return self.organization_name


class PolicyDocument(models.Model):
    """The agency's adopted policy on responding to people in crisis. Agency-owned."""

    class Element(models.TextChoices):
        RECOGNIZING_SIGNS = "recognizing_signs", "Recognizing signs of mental illness or crisis"
        RISK_ASSESSMENT = "risk_assessment", "Assessing risk"
        DISPATCH = "dispatch", "Dispatch protocol"
        DE_ESCALATION = "de_escalation", "De-escalation"
        DISPOSITION = "disposition", "Disposition options"
        CUSTODY_EVALUATION = (
            "custody_evaluation",
            "Custody and emergency evaluation under state law",
        )
        TRANSPORT = "transport", "Transport"
        DOCUMENTATION = "documentation", "Documentation"
        TRAINING = "training", "Training"
        PARTNERSHIPS = "partnerships", "Partnerships"

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="policy_documents"
    )
    title = models.CharField(max_length=200)
    document = models.FileField(upload_to="policies/", blank=True, max_length=200)
    document_filename = models.CharField(max_length=255, blank=True)
    adopted_on = models.DateField()
    next_review_on = models.DateField(null=True, blank=True)
    # {"de_escalation": "pp. 4–6", ...}: page references for each model-policy element covered.
    element_pages = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency", "-adopted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=F("adopted_on")),
                name="campaigns_policy_review_after_adoption",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def covered_elements(self) -> list[str]:
        return [key for key, pages in self.element_pages.items() if str(pages).strip()]


class ColumnMapping(models.Model):
    """How an agency's export columns map to MHR's fields, remembered per agency and file kind."""

    class Kind(models.TextChoices):
        ROSTER = "roster", "Roster"
        TRAINING = "training", "Training records"

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="column_mappings"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # {"employee_id": "Badge #", "last_name": "Surname", ...}: MHR field -> the file's header.
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind"], name="campaigns_columnmapping_one_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.kind} mapping"


class ImportBatch(models.Model):
    """One file an agency imported (or tried to): who, when, which file, and what it changed."""

    class Kind(models.TextChoices):
        ROSTER = "roster", "Roster"
        TRAINING = "training", "Training records"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    original_filename = models.CharField(max_length=255)
    stored_file = models.FileField(upload_to="imports/", blank=True, max_length=200)
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict, blank=True)
    # {"new": n, "updated": n, "separated": n, "unchanged": n, "rows": n}
    counts = models.JSONField(default=dict, blank=True)
    # [{"row": 12, "column": "Hire date", "message": "..."}], capped.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life while queued or running; mhr.core.stale_imports fails batches without one.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="import_agency_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.original_filename}"


class PracticeDecision(models.Model):
    """A reviewer's decision on one practice of a submitted pledge, for one submission round.

    A round is identified by the moment the pledge was submitted (`submitted_at`): resubmitting a
    returned pledge starts a new round, and the earlier rounds' decisions stay as history.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="practice_decisions")
    submitted_at = models.DateTimeField(help_text="When the pledge was submitted for this round.")
    round_number = models.PositiveSmallIntegerField(default=1)
    # Kept if staff later delete the requirement: the key and title say what was decided.
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requirement_key = models.SlugField(max_length=60)
    requirement_title = models.CharField(max_length=200)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    comment = models.TextField(blank=True)
    # The engine's numbers the reviewer saw when deciding: {"met": true, "numerator": 41, ...}.
    engine_numbers = models.JSONField(default=dict, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_label = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pledge", "-submitted_at", "requirement_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "submitted_at", "requirement_key"],
                name="campaigns_practicedecision_one_per_round",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["approved", "returned"]),
                name="campaigns_practicedecision_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""),
                name="campaigns_practicedecision_return_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(round_number__gte=1),
                name="campaigns_practicedecision_round_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["pledge", "-submitted_at"], name="decision_pledge_round_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_title}: {self.get_decision_display()}"


class ComplianceFactsVersion(models.Model):
    """A counter per agency that every write to the engine's facts raises, in the same transaction.

    Cached compliance results are stored under the version they were computed from (see
    compliance_cache), so a committed write makes every earlier result unreachable at once.
    """

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.agency_id} facts v{self.version}"
