"""De-identified crisis-encounter records and what is built on them.

No names, no dates of birth, no address: the finest place is a beat or district, and a person is
known only by a keyed digest of a key the agency computes itself, used to flag repeat contacts and
never shown to anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from mhr.core.indexes import HashIndexOnPostgres


class Encounter(models.Model):
    """One contact between the agency and a person in crisis. Agency-owned."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    class Source(models.TextChoices):
        ENTRY = "entry", "Entered by hand"
        IMPORT = "import", "Imported from a file"
        API = "api", "Sent through the API"

    class CallSource(models.TextChoices):
        NINE_ONE_ONE = "911", "911"
        NON_EMERGENCY = "non_emergency", "Non-emergency line"
        CRISIS_LINE = "crisis_line", "Transfer from 988 or a crisis line"
        OFFICER_INITIATED = "officer_initiated", "Officer-initiated"
        PROVIDER_OR_FAMILY = "provider_or_family", "Mental-health provider or family"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Not recorded"

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", "Under 18"
        AGE_18_24 = "18_24", "18–24"
        AGE_25_34 = "25_34", "25–34"
        AGE_35_44 = "35_44", "35–44"
        AGE_45_54 = "45_54", "45–54"
        AGE_55_64 = "55_64", "55–64"
        AGE_65_PLUS = "65_plus", "65 and over"
        UNKNOWN = "unknown", "Not recorded"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        ANOTHER = "another", "Another sex or gender"
        UNKNOWN = "unknown", "Not recorded"

    class RaceEthnicity(models.TextChoices):
        AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
        ASIAN = "asian", "Asian"
        BLACK = "black", "Black or African American"
        HISPANIC = "hispanic", "Hispanic or Latino"
        PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
        WHITE = "white", "White"
        MULTIPLE = "multiple", "Two or more races"
        OTHER = "other", "Another race or ethnicity"
        UNKNOWN = "unknown", "Not recorded"

    class Housing(models.TextChoices):
        HOUSED = "housed", "Housed"
        UNSHELTERED = "unsheltered", "Unhoused, unsheltered"
        SHELTERED = "sheltered", "Unhoused, in a shelter"
        UNKNOWN = "unknown", "Not recorded"

    class Weapon(models.TextChoices):
        NONE = "none", "No weapon"
        FIREARM = "firearm", "Firearm"
        EDGED = "edged", "Knife or edged weapon"
        OTHER = "other", "Other weapon"
        UNKNOWN = "unknown", "Not recorded"

    class Force(models.TextChoices):
        """Highest level of force used; USED means force was used but its level was not recorded."""

        NONE = "none", "No force"
        PHYSICAL = "physical", "Physical control"
        LESS_LETHAL = "less_lethal", "Less-lethal weapon"
        DEADLY = "deadly", "Deadly force"
        USED = "used", "Force used, level not recorded"
        UNKNOWN = "unknown", "Not recorded"

    class Disposition(models.TextChoices):
        RESOLVED_ON_SCENE = "resolved_on_scene", "Resolved on scene"
        REFERRAL = "referral", "Referral to services"
        VOLUNTARY_TRANSPORT = "voluntary_transport", "Voluntary transport"
        INVOLUNTARY_EVALUATION = "involuntary_evaluation", "Involuntary emergency evaluation"
        ARREST = "arrest", "Arrest"
        CITATION = "citation", "Citation"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Not recorded"

    # No index of its own: the unique key and every index below lead with the agency, and each
    # index costs every imported row an insertion.
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="encounters", db_index=False
    )
    incident_number = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPLETE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTRY)

    received_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    # The received date in the agency's own time zone: months and periods are the agency's.
    received_date = models.DateField(null=True, blank=True)
    minutes_on_scene = models.PositiveIntegerField(null=True, blank=True)

    call_source = models.CharField(
        max_length=20, choices=CallSource.choices, default=CallSource.UNKNOWN
    )
    dispatch_call_type = models.CharField(max_length=120, blank=True)
    final_call_type = models.CharField(max_length=120, blank=True)
    flagged_at_dispatch = models.BooleanField(null=True, blank=True)

    officers_count = models.PositiveSmallIntegerField(null=True, blank=True)
    cit_officer_on_scene = models.BooleanField(null=True, blank=True)
    co_responder_on_scene = models.BooleanField(null=True, blank=True)
    ems_on_scene = models.BooleanField(null=True, blank=True)

    age_band = models.CharField(max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    race_ethnicity = models.CharField(
        max_length=20, choices=RaceEthnicity.choices, default=RaceEthnicity.UNKNOWN
    )
    veteran = models.BooleanField(null=True, blank=True)
    housing = models.CharField(max_length=12, choices=Housing.choices, default=Housing.UNKNOWN)

    suicidal = models.BooleanField("suicidal ideation or attempt", null=True, blank=True)
    substance_use = models.BooleanField(null=True, blank=True)
    psychosis = models.BooleanField("signs of psychosis", null=True, blank=True)
    threats_to_others = models.BooleanField(null=True, blank=True)
    weapon = models.CharField(max_length=10, choices=Weapon.choices, default=Weapon.UNKNOWN)
    force = models.CharField(max_length=12, choices=Force.choices, default=Force.UNKNOWN)
    person_injured = models.BooleanField(null=True, blank=True)
    officer_injured = models.BooleanField(null=True, blank=True)
    other_injured = models.BooleanField(null=True, blank=True)

    disposition = models.CharField(
        max_length=24, choices=Disposition.choices, default=Disposition.UNKNOWN
    )
    destination = models.CharField(max_length=200, blank=True)
    referral_to = models.CharField(max_length=200, blank=True)
    follow_up_done = models.BooleanField(null=True, blank=True)

    district = models.CharField("precinct or district", max_length=60, blank=True)
    beat = models.CharField(max_length=20, blank=True)

    # HMAC of the agency-supplied person key under a server secret: comparable within the
    # agency only, never shown, never exported.
    person_digest = models.CharField(max_length=64, blank=True)
    repeat_contact = models.BooleanField(default=False)

    # Provenance only, never filtered on. No database constraint or index: on a million-row
    # import each cost a check or an index entry per row (together ~3 s of the server's time,
    # docs/benchmarks.md); Django still sets them NULL when a batch or a user is deleted.
    import_batch = models.ForeignKey(
        "encounters.EncounterImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="encounters",
        db_constraint=False,
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # The database default (the transaction's start) serves the bulk import's COPY, which then
    # sends and parses two fewer date-times per row; Python's default serves everything else.
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now())
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agency", "-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "incident_number"], name="encounters_incident_unique_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(received_at__isnull=False),
                name="encounters_complete_has_received_at",
            ),
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True)
                | Q(received_at__isnull=True)
                | Q(arrived_at__gte=F("received_at")),
                name="encounters_arrived_after_received",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True)
                | Q(received_at__isnull=True)
                | Q(cleared_at__gte=F("received_at")),
                name="encounters_cleared_after_received",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True)
                | Q(arrived_at__isnull=True)
                | Q(cleared_at__gte=F("arrived_at")),
                name="encounters_cleared_after_arrived",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "complete"]), name="encounters_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(officers_count__isnull=True) | Q(officers_count__lte=500),
                name="encounters_officers_count_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "received_date"], name="encounter_agency_date_idx"),
            # Repeat contacts look people up by digest (digests differ between agencies). The
            # costliest index to keep, its keys being long and random: so a hash index (on
            # PostgreSQL), of records with a person key only (about 70 %). Queries state
            # `person_digest <> ''` (an exclude) so PostgreSQL can use it; tests check the plans.
            HashIndexOnPostgres(
                fields=["person_digest"],
                condition=~Q(person_digest=""),
                name="encounter_person_digest_idx",
            ),
            # Drafts only: complete records (all imported ones) add no entry.
            models.Index(
                fields=["agency", "-updated_at"],
                condition=Q(status="draft"),
                name="encounter_agency_draft_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Encounter {self.incident_number}"


class EncounterRevision(models.Model):
    """One change to an encounter: corrections stay visible in the record's history."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="revisions")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Encounter.Source.choices)
    # {"disposition": ["referral", "arrest"], ...}: field -> [before, after], as stored values.
    changes = models.JSONField(default=dict)
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["encounter", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "number"], name="encounters_revision_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.encounter_id}"


class EncounterSettings(models.Model):
    """Per-agency choices for its encounter data: time zone and the public transparency page."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="encounter_settings"
    )
    time_zone = models.CharField(max_length=64, default="America/New_York")
    transparency_published = models.BooleanField(default=False)
    transparency_published_at = models.DateTimeField(null=True, blank=True)
    transparency_note = models.TextField(
        blank=True, help_text="A short introduction shown on the public page."
    )
    # The saved column mapping for imports: MHR field -> the file's header.
    import_mapping = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "encounter settings"

    def __str__(self) -> str:
        return f"Encounter settings for {self.agency_id}"


class EncounterImport(models.Model):
    """One encounter file an agency imported or tried to: who, when, which file, what changed."""

    class Format(models.TextChoices):
        NATIVE = "native", "MHR columns"
        SEATTLE = "seattle", "Seattle Police Department Crisis Data"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="encounter_imports"
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.NATIVE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    original_filename = models.CharField(max_length=255)
    stored_file = models.FileField(upload_to="encounter-imports/", blank=True, max_length=200)
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict, blank=True)
    # {"rows": n, "new": n, "updated": n, "unchanged": n}
    counts = models.JSONField(default=dict, blank=True)
    # [{"row": 12, "column": "Disposition", "message": "..."}], capped.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life while queued or running; mhr.core.stale_imports fails batches without one.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="enc_import_agency_time_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="encounters_import_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Encounter import {self.original_filename}"


class MessagingWorksheet(models.Model):
    """Talking points for one agency and period, built from its numbers and edited by the chief."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="messaging_worksheets"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    # [{"key": "no_arrest", "text": "...", "source": "...", "year": "2025", "kind": "agency"}]
    points = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency", "-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="encounters_worksheet_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IdempotentRequest(models.Model):
    """The first answer to an API write sent with an Idempotency-Key, replayed on retries."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # What was asked: method, path and body. The same key with another request is refused.
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "key"], name="encounters_idempotency_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"Idempotency key {self.key}"


# --- pre-aggregated counts for the statistics (stats.py, rollups.py) ----------------------------

# How the nullable yes/no columns are keyed in the rollups (NULL cannot sit in a unique key).
TRISTATE_CHOICES = [("yes", "Yes"), ("no", "No"), ("unknown", "Not recorded")]


class RollupMeasures(models.Model):
    """The measures summed for one key of an agency's rollup (by month or by day)."""

    total = models.PositiveIntegerField(default=0)
    # One column per Encounter.Disposition code (a test keeps the two lists in step).
    d_resolved_on_scene = models.PositiveIntegerField(default=0)
    d_referral = models.PositiveIntegerField(default=0)
    d_voluntary_transport = models.PositiveIntegerField(default=0)
    d_involuntary_evaluation = models.PositiveIntegerField(default=0)
    d_arrest = models.PositiveIntegerField(default=0)
    d_citation = models.PositiveIntegerField(default=0)
    d_other = models.PositiveIntegerField(default=0)
    d_unknown = models.PositiveIntegerField(default=0)
    force_used = models.PositiveIntegerField(default=0)
    injured_person = models.PositiveIntegerField(default=0)
    injured_officer = models.PositiveIntegerField(default=0)
    injured_other = models.PositiveIntegerField(default=0)
    injured_any = models.PositiveIntegerField(default=0)
    repeat_contacts = models.PositiveIntegerField(default=0)
    minutes_count = models.PositiveIntegerField(default=0)
    minutes_sum = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class EncounterMonthlyCount(RollupMeasures):
    """Complete encounters counted by agency, local month and the dashboard's filter dimensions.

    Derived data: rollups.rollup_refresh rebuilds an agency's months from the records in one
    set-based statement, so a row is never edited by hand. stats.py sums these rows for whole
    months and EncounterDailyCount's rows for the days at a period's edges.
    """

    # No index of its own: the unique key starts with the agency (a lone agency index tempts
    # the planner into reading every month of a large agency).
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(help_text="First day of the agency's local month.")
    call_source = models.CharField(max_length=20)
    district = models.CharField(max_length=60, blank=True)
    flagged = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    cit = models.CharField(max_length=7, choices=TRISTATE_CHOICES)

    # The first and last received dates counted: a period that ends part-way through a month
    # can still use the month's row when nothing in it falls after the period's end.
    min_date = models.DateField(null=True)
    max_date = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "call_source", "district", "flagged", "cit"],
                name="encounters_monthly_count_unique",
            ),
        ]
        indexes = [models.Index(fields=["month"], name="enc_monthly_month_idx")]

    def __str__(self) -> str:
        return f"Counts for {self.agency_id} in {self.month:%Y-%m}"


class EncounterMinutesCount(models.Model):
    """How many complete encounters spent each band of minutes on scene (for the median).

    Same keys as EncounterMonthlyCount plus `bucket`, the band's lower bound in minutes (see
    stats.minutes_bucket): 5-minute bands below 4 hours, 30-minute bands below 12 hours, one
    band for 12 hours and more.
    """

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()
    call_source = models.CharField(max_length=20)
    district = models.CharField(max_length=60, blank=True)
    flagged = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    cit = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "call_source", "district", "flagged", "cit", "bucket"],
                name="encounters_minutes_count_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["month"], name="enc_minutes_month_idx"),
            # Covers the dashboard's read (PostgreSQL answers it from the index alone).
            models.Index(
                fields=["agency", "month"],
                include=["call_source", "district", "flagged", "cit", "bucket", "count"],
                name="enc_minutes_agency_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes band {self.bucket} for {self.agency_id} in {self.month:%Y-%m}"


class EncounterMinutesAllDistrictsCount(models.Model):
    """EncounterMinutesCount summed over districts: the median's read without a district filter.

    The minute bands are the largest read of an agency's dashboard (a band per district and
    filter value); without a district filter, which is the usual case, these rows are about a
    sixth as many. Refreshed with the agency's monthly rows, from them.
    """

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()
    call_source = models.CharField(max_length=20)
    flagged = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    cit = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # `count` included: PostgreSQL answers the read from the index alone.
            models.UniqueConstraint(
                fields=["agency", "month", "call_source", "flagged", "cit", "bucket"],
                include=["count"],
                name="encounters_minutes_all_districts_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes band {self.bucket} for {self.agency_id} in {self.month:%Y-%m}"


class EncounterDailyCount(RollupMeasures):
    """EncounterMonthlyCount's measures by local day: the part-months at a period's edges.

    A period that cuts a month (15 March to 10 September) reads its whole months from
    EncounterMonthlyCount and the days at the edges from here, never from the records. Refreshed
    with the monthly rows, day by day (only the days whose records changed).
    """

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(help_text="The agency's local received date.")
    call_source = models.CharField(max_length=20)
    district = models.CharField(max_length=60, blank=True)
    flagged = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    cit = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    # The day's minutes-on-scene bands (EncounterMinutesCount's), {"lower bound": count}, for
    # the edges' medians. One value per daily row: a row per band came to 0.75 rows per record
    # and was most of the cost of refreshing after a large import.
    minutes_bands = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            # Starts with (agency, day): the edge read is a range scan of this index.
            models.UniqueConstraint(
                fields=["agency", "day", "call_source", "district", "flagged", "cit"],
                name="encounters_daily_count_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Counts for {self.agency_id} on {self.day:%Y-%m-%d}"


class EncounterNationalMonthlyCount(models.Model):
    """EncounterMonthlyCount summed over every agency (no district: districts are local).

    Kept current by rollups.rollup_refresh, which subtracts an agency's old rows and adds its new
    ones, so the national roll-up reads a few hundred rows instead of every agency's. Signed
    columns: a subtraction may pass through a negative value inside the transaction.
    """

    month = models.DateField()
    call_source = models.CharField(max_length=20)
    flagged = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    cit = models.CharField(max_length=7, choices=TRISTATE_CHOICES)

    total = models.IntegerField(default=0)
    d_resolved_on_scene = models.IntegerField(default=0)
    d_referral = models.IntegerField(default=0)
    d_voluntary_transport = models.IntegerField(default=0)
    d_involuntary_evaluation = models.IntegerField(default=0)
    d_arrest = models.IntegerField(default=0)
    d_citation = models.IntegerField(default=0)
    d_other = models.IntegerField(default=0)
    d_unknown = models.IntegerField(default=0)
    force_used = models.IntegerField(default=0)
    injured_person = models.IntegerField(default=0)
    injured_officer = models.IntegerField(default=0)
    injured_other = models.IntegerField(default=0)
    injured_any = models.IntegerField(default=0)
    repeat_contacts = models.IntegerField(default=0)
    minutes_count = models.IntegerField(default=0)
    minutes_sum = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "call_source", "flagged", "cit"],
                name="encounters_national_count_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"National counts for {self.month:%Y-%m}"


class EncounterNationalMinutesCount(models.Model):
    """EncounterMinutesCount summed over every agency (no district)."""

    month = models.DateField()
    call_source = models.CharField(max_length=20)
    flagged = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    cit = models.CharField(max_length=7, choices=TRISTATE_CHOICES)
    bucket = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "call_source", "flagged", "cit", "bucket"],
                name="encounters_national_minutes_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"National minutes band {self.bucket} in {self.month:%Y-%m}"
