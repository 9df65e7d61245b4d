from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self) -> ResourceQuerySet:
        return self.filter(status=Resource.Status.PUBLISHED)

    def public(self) -> ResourceQuerySet:
        return self.filter(access=Resource.Access.PUBLIC)


class Resource(models.Model):
    """One item in the clearinghouse: a policy, paper, article, worksheet, toolkit or link."""

    class Type(models.TextChoices):
        MESSAGING_WORKSHEET = "messaging_worksheet", "Messaging worksheet"
        MODEL_POLICY = "model_policy", "Model policy"
        CONCEPTS_PAPER = "concepts_paper", "Concepts and issues paper"
        NEED_TO_KNOW = "need_to_know", "Need-to-know summary"
        RESOLUTION = "resolution", "Resolution"
        LEGISLATIVE_INITIATIVE = "legislative_initiative", "Legislative initiative"
        MAGAZINE_ARTICLE = "magazine_article", "Magazine article"
        REPORT = "report", "Report"
        TOOLKIT = "toolkit", "Toolkit"
        TRAINING = "training", "Training"
        CAMPAIGN = "campaign", "Campaign"
        EXTERNAL_LINK = "external_link", "External link"

    class Audience(models.TextChoices):
        AGENCY_LEADERS = "agency_leaders", "Agency leaders"
        CIT_COORDINATORS = "cit_coordinators", "CIT coordinators"
        TRAINERS = "trainers", "Trainers"
        OFFICERS = "officers", "Officers"
        DISPATCHERS = "dispatchers", "Dispatchers"
        COMMUNITY_PARTNERS = "community_partners", "Community partners"
        GENERAL_PUBLIC = "general_public", "General public"

    class Access(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "members", "Members only"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    resource_type = models.CharField("type", max_length=32, choices=Type.choices)
    summary = models.TextField(help_text="One to three sentences. Shown to everyone.")
    body = models.TextField(
        blank=True, help_text="Markdown. Members-only for members-only resources."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    audience = models.CharField(max_length=32, choices=Audience.choices, blank=True)
    publisher = models.CharField("author or publisher", max_length=200, blank=True)
    published_on = models.DateField("publication date", null=True, blank=True)
    external_url = models.URLField("external URL", max_length=500, blank=True)
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.PUBLIC)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            models.Index(fields=["status", "resource_type"], name="resource_status_type_idx"),
            models.Index(fields=["status", "-published_on"], name="resource_status_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(access__in=["public", "members"]),
                name="clearinghouse_resource_access_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "in_review", "published", "archived"]),
                name="clearinghouse_resource_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | models.Q(first_published_at__isnull=False),
                name="clearinghouse_resource_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("clearinghouse:resource_detail", kwargs={"slug": self.slug})

    @property
    def is_members_only(self) -> bool:
        return self.access == self.Access.MEMBERS


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # Generated names: the uploader's file name is kept only as metadata.
    extension = {"application/pdf": "pdf"}.get(instance.content_type, "docx")
    return f"attachments/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        DOCX = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
        )

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    title = models.CharField(max_length=300, blank=True)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, choices=Kind.choices)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # Text pulled out of the file for search. Same access rules as the resource's body.
    extracted_text = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["resource", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "sha256"], name="clearinghouse_attachment_unique_per_resource"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.original_filename

    @property
    def extension(self) -> str:
        return "PDF" if self.content_type == self.Kind.PDF else "DOCX"


class ResourceRevision(models.Model):
    """Who changed what on a resource, and when. Written by the clearinghouse services."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"
        ATTACHMENT_ADDED = "attachment_added", "Attachment added"
        ATTACHMENT_REMOVED = "attachment_removed", "Attachment removed"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # {"field": [old, new]} for each field that changed.
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="clearinghouse_revision_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} r{self.number} {self.action}"


class Fact(models.Model):
    """A national figure agencies can quote, with its source and year (messaging worksheets).

    Statements are written in our own words. A program-reported figure (a program's own count,
    not an independent evaluation) is flagged, and its caveat travels with it wherever it is quoted.
    """

    statement = models.TextField(help_text="One or two sentences in our own words.")
    figure = models.CharField(
        max_length=60, blank=True, help_text="The headline number, e.g. “7–10%”. Optional."
    )
    source = models.CharField(max_length=300, help_text="Author or publisher and title.")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year of publication; leave empty when undated."
    )
    url = models.URLField("source URL", max_length=500, blank=True)
    program_reported = models.BooleanField(
        default=False,
        help_text="The program's own figures rather than an independent evaluation.",
    )
    caveat = models.TextField(
        blank=True, help_text="Shown with the fact, e.g. what the research says about it."
    )
    resource = models.ForeignKey(
        Resource,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facts",
        help_text="The clearinghouse resource this fact comes from, if any.",
    )
    is_active = models.BooleanField(
        "offered on worksheets", default=True, help_text="Retired facts are kept, not offered."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1900, year__lte=2100),
                name="clearinghouse_fact_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def year_label(self) -> str:
        return str(self.year) if self.year else "undated"
