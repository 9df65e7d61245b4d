"""Writes for a pledge's evidence: partnerships and the crisis-response policy.

Only the agency's coordinators write. Documents are checked by content (PDF or DOCX) and stored
under generated names; the uploader's file name never reaches the disk.
"""

from __future__ import annotations

import datetime
import uuid
from typing import IO, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from mhr.accounts.access import membership_for
from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.models import Partnership, PolicyDocument
from mhr.clearinghouse.files import inspect_upload
from mhr.clearinghouse.models import Attachment

PARTNERSHIP_FIELDS = (
    "organization_name",
    "organization_kind",
    "agreement_kind",
    "started_on",
    "ends_on",
    "partner_contact_email",
)
POLICY_FIELDS = ("title", "adopted_on", "next_review_on", "element_pages")
MAX_PAGE_REF = 100
_EXTENSIONS = {Attachment.Kind.PDF: "pdf", Attachment.Kind.DOCX: "docx"}


def _require_coordinator(user: Any, agency: Agency) -> None:
    membership = membership_for(user)
    if membership is None or membership.agency_id != agency.pk or not membership.is_coordinator:
        raise PermissionDenied("Only the agency's coordinators can do this.")


def _inspected_content(fileobj: IO[bytes], filename: str) -> tuple[str, bytes]:
    """(generated stored name, bytes) for a valid upload; ValidationError otherwise."""
    inspected = inspect_upload(fileobj, filename=filename)
    fileobj.seek(0)
    data = fileobj.read()
    return f"{uuid.uuid4().hex}.{_EXTENSIONS[inspected.content_type]}", data


def _check_partnership(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(values.get("organization_name") or "").strip():
        errors["organization_name"] = "Enter the partner organization's name."
    if values.get("organization_kind") not in Partnership.OrganizationKind.values:
        errors["organization_kind"] = "Choose the kind of organization."
    if values.get("agreement_kind") not in Partnership.AgreementKind.values:
        errors["agreement_kind"] = "Choose the kind of agreement."
    started, ends = values.get("started_on"), values.get("ends_on")
    if not isinstance(started, datetime.date):
        errors["started_on"] = "Enter the date the partnership started."
    elif ends is not None and ends <= started:
        errors["ends_on"] = "The end date must be after the start date."
    if errors:
        raise ValidationError(errors)


def _clean_pages(element_pages: Any) -> dict[str, str]:
    if not isinstance(element_pages, dict):
        raise ValidationError({"element_pages": "Page references must be given per element."})
    cleaned: dict[str, str] = {}
    for key, pages in element_pages.items():
        if key not in PolicyDocument.Element.values:
            raise ValidationError({"element_pages": f"“{key}” is not a model-policy element."})
        text = str(pages or "").strip()
        if len(text) > MAX_PAGE_REF:
            raise ValidationError(
                {"element_pages": f"Keep page references under {MAX_PAGE_REF} characters."}
            )
        if text:
            cleaned[key] = text
    return cleaned


def _check_policy(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = "Enter the policy's title."
    adopted, review = values.get("adopted_on"), values.get("next_review_on")
    if not isinstance(adopted, datetime.date):
        errors["adopted_on"] = "Enter the date the policy was adopted."
    elif review is not None and review <= adopted:
        errors["next_review_on"] = "The next review date must be after the adoption date."
    if errors:
        raise ValidationError(errors)


def _attach(obj: Partnership | PolicyDocument, fileobj: IO[bytes] | None, filename: str) -> str:
    """Store a checked document on `obj` (unsaved row); returns the replaced file's name."""
    if fileobj is None:
        return ""
    stored_name, data = _inspected_content(fileobj, filename)
    old_name = obj.document.name or ""
    obj.document.save(stored_name, ContentFile(data), save=False)
    return old_name


def _save_with_file(obj: Partnership | PolicyDocument, new_file: bool, save: Any) -> None:
    # Nothing half-saved: the rows roll back with the transaction; a new file is removed here.
    try:
        save()
    except BaseException:
        if new_file and obj.document.name:
            obj.document.storage.delete(obj.document.name)
        raise


def _delete_after_commit(storage: Any, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


EvidenceT = TypeVar("EvidenceT", Partnership, PolicyDocument)


def _apply_changes(
    obj: EvidenceT,
    *,
    changes: dict[str, Any],
    document: IO[bytes] | None,
    document_name: str,
    event_type: str,
    updated_by: Any,
    request: Any,
) -> EvidenceT:
    """Save the checked `changes` (and a new document) with one audit row listing what changed."""
    diff: dict[str, list[str | None]] = {
        name: [str(getattr(obj, name)), str(value)]
        for name, value in changes.items()
        if getattr(obj, name) != value
    }
    for name in diff:
        setattr(obj, name, changes[name])
    old_file = _attach(obj, document, document_name)
    if document is not None:
        diff["document"] = ["replaced" if old_file else None, "uploaded"]
    if not diff:
        return obj
    fields = [name for name in diff if name != "document"]
    if document is not None:
        fields.append("document")

    def save() -> None:
        obj.save(update_fields=fields)
        audit_record(
            event_type=event_type,
            actor=updated_by,
            agency=obj.agency,
            target=obj,
            request=request,
            extra={"changes": diff},
        )

    _save_with_file(obj, document is not None, save)
    _delete_after_commit(obj.document.storage, old_file)
    return obj


@transaction.atomic
def partnership_create(
    *,
    agency: Agency,
    created_by: Any,
    organization_name: str,
    organization_kind: str,
    agreement_kind: str,
    started_on: datetime.date,
    ends_on: datetime.date | None = None,
    partner_contact_email: str = "",
    document: IO[bytes] | None = None,
    document_name: str = "",
    request: Any = None,
) -> Partnership:
    _require_coordinator(created_by, agency)
    values = {
        "organization_name": organization_name.strip(),
        "organization_kind": organization_kind,
        "agreement_kind": agreement_kind,
        "started_on": started_on,
        "ends_on": ends_on,
        "partner_contact_email": (partner_contact_email or "").strip(),
    }
    _check_partnership(values)
    partnership = Partnership(agency=agency, **values)
    _attach(partnership, document, document_name)

    def save() -> None:
        partnership.save()
        audit_record(
            event_type=AuditEvent.EventType.PARTNERSHIP_CREATED,
            actor=created_by,
            agency=agency,
            target=partnership,
            request=request,
            extra={"document": bool(partnership.document.name)},
        )

    _save_with_file(partnership, document is not None, save)
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    updated_by: Any,
    document: IO[bytes] | None = None,
    document_name: str = "",
    request: Any = None,
    **changes: Any,
) -> Partnership:
    unknown = set(changes) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partnership fields: {sorted(unknown)}")
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _require_coordinator(updated_by, partnership.agency)
    if "organization_name" in changes:
        changes["organization_name"] = str(changes["organization_name"] or "").strip()
    if "partner_contact_email" in changes:
        changes["partner_contact_email"] = str(changes["partner_contact_email"] or "").strip()
    values = {name: getattr(partnership, name) for name in PARTNERSHIP_FIELDS} | changes
    _check_partnership(values)
    return _apply_changes(
        partnership,
        changes=changes,
        document=document,
        document_name=document_name,
        event_type=AuditEvent.EventType.PARTNERSHIP_CHANGED,
        updated_by=updated_by,
        request=request,
    )


@transaction.atomic
def partnership_remove(*, partnership: Partnership, removed_by: Any, request: Any = None) -> None:
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _require_coordinator(removed_by, partnership.agency)
    audit_record(
        event_type=AuditEvent.EventType.PARTNERSHIP_REMOVED,
        actor=removed_by,
        agency=partnership.agency,
        target=partnership,
        request=request,
        extra={"organization_name": partnership.organization_name},
    )
    storage, name = partnership.document.storage, partnership.document.name
    partnership.delete()
    _delete_after_commit(storage, name or "")


@transaction.atomic
def policy_create(
    *,
    agency: Agency,
    created_by: Any,
    title: str,
    adopted_on: datetime.date,
    next_review_on: datetime.date | None = None,
    element_pages: dict[str, str] | None = None,
    document: IO[bytes] | None = None,
    document_name: str = "",
    request: Any = None,
) -> PolicyDocument:
    _require_coordinator(created_by, agency)
    values = {
        "title": (title or "").strip(),
        "adopted_on": adopted_on,
        "next_review_on": next_review_on,
        "element_pages": _clean_pages(element_pages or {}),
    }
    _check_policy(values)
    policy = PolicyDocument(agency=agency, **values)
    _attach(policy, document, document_name)

    def save() -> None:
        policy.save()
        audit_record(
            event_type=AuditEvent.EventType.POLICY_CREATED,
            actor=created_by,
            agency=agency,
            target=policy,
            request=request,
            extra={"elements": sorted(policy.element_pages), "document": bool(document)},
        )

    _save_with_file(policy, document is not None, save)
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: PolicyDocument,
    updated_by: Any,
    document: IO[bytes] | None = None,
    document_name: str = "",
    request: Any = None,
    **changes: Any,
) -> PolicyDocument:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy fields: {sorted(unknown)}")
    policy = PolicyDocument.objects.select_for_update().get(pk=policy.pk)
    _require_coordinator(updated_by, policy.agency)
    if "title" in changes:
        changes["title"] = str(changes["title"] or "").strip()
    if "element_pages" in changes:
        changes["element_pages"] = _clean_pages(changes["element_pages"] or {})
    values = {name: getattr(policy, name) for name in POLICY_FIELDS} | changes
    _check_policy(values)
    return _apply_changes(
        policy,
        changes=changes,
        document=document,
        document_name=document_name,
        event_type=AuditEvent.EventType.POLICY_CHANGED,
        updated_by=updated_by,
        request=request,
    )
