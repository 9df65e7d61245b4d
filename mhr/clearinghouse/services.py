"""Writes for the clearinghouse. Each records a revision and an audit row, and keeps search current."""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.clearinghouse import search
from mhr.clearinghouse.files import inspect_upload
from mhr.clearinghouse.models import Attachment, Resource, ResourceRevision, Topic
from mhr.core.uploads import StorageFull

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title",
    "slug",
    "resource_type",
    "summary",
    "body",
    "audience",
    "publisher",
    "published_on",
    "external_url",
    "access",
)

# status -> statuses it may move to, and who may move it.
TRANSITIONS: dict[str, set[str]] = {
    Resource.Status.DRAFT: {Resource.Status.IN_REVIEW, Resource.Status.ARCHIVED},
    Resource.Status.IN_REVIEW: {
        Resource.Status.PUBLISHED,
        Resource.Status.DRAFT,
        Resource.Status.ARCHIVED,
    },
    Resource.Status.PUBLISHED: {Resource.Status.ARCHIVED, Resource.Status.DRAFT},
    Resource.Status.ARCHIVED: {Resource.Status.DRAFT},
}
STATUS_ACTIONS = {
    Resource.Status.IN_REVIEW: ResourceRevision.Action.SUBMITTED,
    Resource.Status.PUBLISHED: ResourceRevision.Action.PUBLISHED,
    Resource.Status.ARCHIVED: ResourceRevision.Action.ARCHIVED,
    Resource.Status.DRAFT: ResourceRevision.Action.RETURNED,
}


def _require_editor(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not (user.is_editor or user.is_superuser):
        raise PermissionDenied("Only association editors can change the clearinghouse.")


def _record_revision(
    *, resource: Resource, action: str, actor: Any, changes: dict | None = None, comment: str = ""
) -> ResourceRevision:
    last = resource.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return ResourceRevision.objects.create(
        resource=resource,
        number=last + 1,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changes=changes or {},
        comment=comment,
    )


# Paths under /resources/ that a resource slug would shadow.
RESERVED_SLUGS = frozenset({"feed"})


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": f"“{slug}” is reserved for a site page; choose another slug."}
        )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "resource"
    slug = base
    n = 2
    while slug in RESERVED_SLUGS or Resource.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def topics_from_names(names: Iterable[str]) -> list[Topic]:
    """Existing topics matched by name or slug, creating the missing ones, in the given order."""
    topics: list[Topic] = []
    for raw in names:
        name = " ".join(raw.split())[:100]
        if not name:
            continue
        slug = slugify(name)[:100]
        if not slug:
            raise ValidationError(
                f"“{name}” cannot be used as a topic name: use letters or digits."
            )
        # Match by name first: a topic renamed in the admin may no longer have the slug of its name.
        topic = (
            Topic.objects.filter(name__iexact=name).first()
            or Topic.objects.filter(slug=slug).first()
            or Topic.objects.create(name=name, slug=slug)
        )
        if topic not in topics:
            topics.append(topic)
    return topics


def _as_jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


@transaction.atomic
def resource_create(
    *,
    created_by: Any,
    title: str,
    resource_type: str,
    summary: str,
    body: str = "",
    topics: Iterable[Topic] = (),
    audience: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    external_url: str = "",
    access: str = Resource.Access.PUBLIC,
    slug: str = "",
) -> Resource:
    _require_editor(created_by)
    now = timezone.now()
    resource = Resource(
        title=title.strip(),
        slug=slug or _unique_slug(title),
        resource_type=resource_type,
        summary=summary.strip(),
        body=body,
        audience=audience,
        publisher=publisher.strip(),
        published_on=published_on,
        external_url=external_url.strip(),
        access=access,
        status=Resource.Status.DRAFT,
        created_at=now,
        updated_at=now,
        created_by=created_by,
    )
    _check_slug(resource.slug)
    resource.full_clean()
    resource.save()
    resource.topics.set(list(topics))
    _record_revision(resource=resource, action=ResourceRevision.Action.CREATED, actor=created_by)
    audit_record(
        event_type=AuditEvent.EventType.RESOURCE_CREATED, actor=created_by, target=resource
    )
    return resource


@transaction.atomic
def resource_update(
    *, resource: Resource, changed_by: Any, topics: Iterable[Topic] | None = None, **fields: Any
) -> Resource:
    _require_editor(changed_by)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown resource fields: {', '.join(sorted(unknown))}.")
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(resource, name)
        if old != value:
            changes[name] = [_as_jsonable(old), _as_jsonable(value)]
            setattr(resource, name, value)
    if topics is not None:
        new_topics = list(topics)
        old_names = sorted(resource.topics.values_list("name", flat=True))
        new_names = sorted(t.name for t in new_topics)
        if old_names != new_names:
            changes["topics"] = [old_names, new_names]
            resource.topics.set(new_topics)
    if not changes:
        return resource
    resource.updated_at = timezone.now()
    _check_slug(resource.slug)
    resource.full_clean()
    field_names = [name for name in changes if name != "topics"] + ["updated_at"]
    resource.save(update_fields=field_names)
    _record_revision(
        resource=resource, action=ResourceRevision.Action.EDITED, actor=changed_by, changes=changes
    )
    audit_record(
        event_type=AuditEvent.EventType.RESOURCE_CHANGED,
        actor=changed_by,
        target=resource,
        extra={"fields": sorted(changes)},
    )
    search.index_resource(resource)
    return resource


@transaction.atomic
def resource_change_status(
    *, resource: Resource, status: str, changed_by: Any, comment: str = ""
) -> Resource:
    """Move a resource through draft → in review → published → archived."""
    if status not in Resource.Status.values:
        raise ValidationError(f"“{status}” is not a resource status.")
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _require_editor_or_reviewer(changed_by, status, current=resource.status)
    if status not in TRANSITIONS.get(resource.status, set()):
        raise ValidationError(
            f"A {resource.get_status_display().lower()} resource cannot be moved to "
            f"“{Resource.Status(status).label}”."
        )
    old = resource.status
    resource.status = status
    resource.updated_at = timezone.now()
    update_fields = ["status", "updated_at"]
    if status == Resource.Status.PUBLISHED and resource.first_published_at is None:
        resource.first_published_at = resource.updated_at
        update_fields.append("first_published_at")
    resource.save(update_fields=update_fields)
    _record_revision(
        resource=resource,
        action=STATUS_ACTIONS[status],
        actor=changed_by,
        changes={"status": [old, status]},
        comment=comment,
    )
    audit_record(
        event_type=AuditEvent.EventType.RESOURCE_STATUS_CHANGED,
        actor=changed_by,
        target=resource,
        extra={"status": [old, status]},
    )
    search.index_resource(resource)
    return resource


def _require_editor_or_reviewer(user: Any, status: str, *, current: str) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in as association staff.")
    # Reviewers decide on resources in review: publish them, or send them back with a comment.
    reviewer_decision = status == Resource.Status.PUBLISHED or (
        current == Resource.Status.IN_REVIEW and status == Resource.Status.DRAFT
    )
    if reviewer_decision:
        if not (user.is_editor or user.is_reviewer or user.is_superuser):
            raise PermissionDenied("Only association editors and reviewers can do this.")
        return
    _require_editor(user)


STORAGE_FAILED_MESSAGE = (
    "“{filename}” could not be stored: the server has no room for it right now. Nothing was "
    "saved. Try again later, and tell the site administrator if it happens again."
)


@transaction.atomic
def attachment_add(
    *, resource: Resource, fileobj: IO[bytes], filename: str, uploaded_by: Any, title: str = ""
) -> Attachment:
    """Check the file by content, extract its text, and store it under a generated name."""
    _require_editor(uploaded_by)
    inspected = inspect_upload(fileobj, filename=filename)
    # Lock the resource so concurrent uploads cannot take the same revision number.
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.attachments.filter(sha256=inspected.sha256).exists():
        raise ValidationError(f"“{filename}” is already attached to this resource.")
    attachment = Attachment(
        resource=resource,
        title=(title.strip() or filename.rsplit(".", 1)[0])[:300],
        original_filename=filename[:255],
        content_type=inspected.content_type,
        size_bytes=inspected.size_bytes,
        sha256=inspected.sha256,
        page_count=inspected.page_count,
        extracted_text=inspected.extracted_text,
        uploaded_by=uploaded_by,
    )
    fileobj.seek(0)
    # upload_to generates the stored name; the uploader's name is never used on disk.
    name = attachment.file.field.generate_filename(attachment, filename)
    storage = attachment.file.storage
    try:
        attachment.file.name = storage.save(name, ContentFile(fileobj.read()))
    except (OSError, StorageFull) as exc:
        # The guarded storage already removed its partial file (StorageFull); another backend
        # may not have. The name is a fresh UUID: only ours.
        logger.exception("Storing attachment %s failed", name)
        with contextlib.suppress(OSError):
            storage.delete(name)
        raise ValidationError(
            {"file": STORAGE_FAILED_MESSAGE.format(filename=filename)}, code="storage_failed"
        ) from exc
    try:
        attachment.save()
        _record_revision(
            resource=resource,
            action=ResourceRevision.Action.ATTACHMENT_ADDED,
            actor=uploaded_by,
            changes={"attachment": [None, attachment.original_filename]},
        )
        audit_record(
            event_type=AuditEvent.EventType.ATTACHMENT_ADDED,
            actor=uploaded_by,
            target=attachment,
            extra={"resource": resource.slug, "sha256": attachment.sha256},
        )
        search.index_resource(resource)
    except BaseException:
        # Nothing half-saved: the rows roll back with the transaction; the file is removed here.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, removed_by: Any) -> None:
    _require_editor(removed_by)
    resource = Resource.objects.select_for_update().get(pk=attachment.resource_id)
    storage = attachment.file.storage
    name = attachment.file.name
    filename = attachment.original_filename
    audit_record(
        event_type=AuditEvent.EventType.ATTACHMENT_REMOVED,
        actor=removed_by,
        target=attachment,
        extra={"resource": resource.slug},
    )
    attachment.delete()
    _record_revision(
        resource=resource,
        action=ResourceRevision.Action.ATTACHMENT_REMOVED,
        actor=removed_by,
        changes={"attachment": [filename, None]},
    )
    search.index_resource(resource)

    def delete_file() -> None:
        if name and storage.exists(name):
            storage.delete(name)

    transaction.on_commit(delete_file)
