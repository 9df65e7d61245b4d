"""Writes for a pledge's evidence: partnerships and the crisis-response policy.

Only the agency's coordinators write. Documents are checked by content (PDF or DOCX) and stored
under generated names; the uploader's file name never reaches the disk, it is kept (cleaned) in
`document_filename` and used only as the download's name.

The partner organization attests a partnership from its own account: the coordinator invites
the partner's contact (a single-use link; only the token's SHA-256 digest is stored), and the
signed-in user with that email address confirms. Changing what was confirmed clears it.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import unicodedata
import uuid
from typing import IO, Any, TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mhr.accounts.access import membership_for
from mhr.accounts.models import Agency, Membership, User
from mhr.accounts.services import user_create
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.compliance_cache import compliance_facts_changed
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
# What the partner attests: changing any of these (or the document) clears its confirmation.
PARTNERSHIP_CONFIRMED_FIELDS = (
    "organization_name",
    "organization_kind",
    "agreement_kind",
    "started_on",
    "ends_on",
)
MAX_PAGE_REF = 100
MAX_FILENAME = 255
INVITATION_DAYS = 30
_EXTENSIONS = {Attachment.Kind.PDF: "pdf", Attachment.Kind.DOCX: "docx"}
_DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc"}

# Audit event types of the partner confirmation (free strings; see mhr.audit.models).
EVENT_PARTNERSHIP_INVITED = "partnership.invited"
EVENT_PARTNERSHIP_CONFIRMED = "partnership.confirmed"
EVENT_PARTNERSHIP_INVITATION_DECLINED = "partnership.invitation_declined"
EVENT_PARTNERSHIP_CONFIRMATION_CLEARED = "partnership.confirmation_cleared"


def _require_coordinator(user: Any, agency: Agency) -> None:
    membership = membership_for(user)
    if membership is None or membership.agency_id != agency.pk or not membership.is_coordinator:
        raise PermissionDenied("Only the agency's coordinators can do this.")


def display_filename(filename: str, extension: str) -> str:
    """The uploader's file name, made safe to send back in a Content-Disposition header.

    Keeps the last path component only, drops control and format characters (no header
    injection, no bidi tricks), and makes the extension match what the content really is.
    """
    name = unicodedata.normalize("NFC", str(filename or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    stem, suffix = os.path.splitext(name.strip())
    if suffix.lower() not in _DOCUMENT_SUFFIXES:
        stem = stem + suffix
    stem = stem.strip(" .")[: MAX_FILENAME - len(extension) - 1] or "document"
    return f"{stem}.{extension}"


def _inspected_content(fileobj: IO[bytes], filename: str) -> tuple[str, str, bytes]:
    """(generated stored name, name to download under, bytes) for a valid upload."""
    inspected = inspect_upload(fileobj, filename=filename)
    fileobj.seek(0)
    data = fileobj.read()
    extension = _EXTENSIONS[inspected.content_type]
    return f"{uuid.uuid4().hex}.{extension}", display_filename(filename, extension), data


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
    stored_name, shown_name, data = _inspected_content(fileobj, filename)
    old_name = obj.document.name or ""
    obj.document.save(stored_name, ContentFile(data), save=False)
    obj.document_filename = shown_name
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
        fields += ["document", "document_filename"]

    def save() -> None:
        obj.save(update_fields=fields)
        compliance_facts_changed(agency_id=obj.agency_id)
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
        compliance_facts_changed(agency_id=agency.pk)
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
    attested_changed = document is not None or any(
        getattr(partnership, name) != changes[name]
        for name in PARTNERSHIP_CONFIRMED_FIELDS
        if name in changes
    )
    email_changed = (
        "partner_contact_email" in changes
        and changes["partner_contact_email"].lower() != partnership.partner_contact_email.lower()
    )
    partnership = _apply_changes(
        partnership,
        changes=changes,
        document=document,
        document_name=document_name,
        event_type=AuditEvent.EventType.PARTNERSHIP_CHANGED,
        updated_by=updated_by,
        request=request,
    )
    if partnership.confirmed_at is not None and attested_changed:
        # The partner confirmed other terms (or another document); it has to confirm again.
        compliance_facts_changed(agency_id=partnership.agency_id)
        audit_record(
            event_type=EVENT_PARTNERSHIP_CONFIRMATION_CLEARED,
            actor=updated_by,
            agency=partnership.agency,
            target=partnership,
            request=request,
            extra={
                "confirmed_at": partnership.confirmed_at.isoformat(),
                "confirmed_by_name": partnership.confirmed_by_name,
            },
        )
        partnership.confirmed_at = None
        partnership.confirmed_by_name = ""
        partnership.invited_at = None
        partnership.save(update_fields=["confirmed_at", "confirmed_by_name", "invited_at"])
    if email_changed and partnership.invitation_digest:
        # The link went to the old address: it stops working.
        partnership.invitation_digest = ""
        partnership.invited_at = None
        partnership.save(update_fields=["invitation_digest", "invited_at"])
    return partnership


@transaction.atomic
def partnership_remove(*, partnership: Partnership, removed_by: Any, request: Any = None) -> None:
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _require_coordinator(removed_by, partnership.agency)
    compliance_facts_changed(agency_id=partnership.agency_id)
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
        compliance_facts_changed(agency_id=agency.pk)
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


# --- partner confirmation ------------------------------------------------------------------------


class InvitationInvalid(Exception):
    """The link is unknown, used, withdrawn or expired. Views answer 404."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_cutoff() -> datetime.datetime:
    """Invitations sent before this moment have expired."""
    return timezone.now() - datetime.timedelta(days=INVITATION_DAYS)


def _invitations(token: str) -> Any:
    """Partnerships whose open invitation matches `token` (at most one)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return Partnership.objects.none()
    return Partnership.objects.filter(
        invitation_digest=_digest(token),
        invited_at__gte=invitation_cutoff(),
        confirmed_at__isnull=True,
    ).select_related("agency")


def partnership_for_invitation(*, token: str) -> Partnership | None:
    """The partnership an invitation link is for, or None when the link no longer works."""
    return _invitations(token).first()


def partnership_confirmed_by_partner(*, ori: str, as_of: datetime.date | None = None) -> bool:
    """Whether a partnership in effect for the agency is confirmed by its partner (one query).

    The public page says only this: not who confirmed, nor anything else of the partnership.
    """
    as_of = as_of or timezone.now().date()
    return (
        Partnership.objects.filter(
            agency__ori=ori, confirmed_at__isnull=False, started_on__lte=as_of
        )
        .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=as_of))
        .exists()
    )


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "campaigns_partner:invitation", kwargs={"token": token}
    )


def _email_matches(user: Any, partnership: Partnership) -> bool:
    email = (getattr(user, "email", "") or "").strip().lower()
    return bool(email) and email == partnership.partner_contact_email.strip().lower()


def _agency_insider(email: str, agency: Agency) -> bool:
    return Membership.objects.filter(user__email__iexact=email, agency=agency).exists()


def _notify_coordinators(partnership: Partnership, template: str, **extra: Any) -> None:
    """Tell the agency's coordinators what the partner did (sent after commit)."""
    recipients = list(
        Membership.objects.filter(
            agency=partnership.agency, role=Membership.Role.COORDINATOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not recipients:
        return
    context = {
        "partnership": partnership,
        "agency": partnership.agency,
        "link": settings.SITE_URL.rstrip("/") + reverse("campaigns_agency:partnership_list"),
        "site_name": settings.SITE_NAME,
        **extra,
    }
    subject = render_to_string(f"campaigns/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"campaigns/email/{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def _send_invitation(*, partnership: Partnership, token: str, invited_by: Any) -> None:
    context = {
        "partnership": partnership,
        "agency": partnership.agency,
        "invited_by": getattr(invited_by, "full_name", "") or getattr(invited_by, "email", ""),
        "link": invitation_link(token),
        "days": INVITATION_DAYS,
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("campaigns/email/partner_invitation_subject.txt", context).strip()
    body = render_to_string("campaigns/email/partner_invitation.txt", context)
    recipient = partnership.partner_contact_email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))


@transaction.atomic
def partnership_invite(*, partnership: Partnership, invited_by: Any, request: Any = None) -> str:
    """Email the partner's contact a link to confirm; returns the raw token (never stored).

    Inviting again replaces the token, so only the newest link works.
    """
    partnership = (
        Partnership.objects.select_for_update().select_related("agency").get(pk=partnership.pk)
    )
    _require_coordinator(invited_by, partnership.agency)
    email = partnership.partner_contact_email.strip()
    if not email:
        raise ValidationError(
            {"partner_contact_email": "Add the partner's contact email address first."}
        )
    if partnership.confirmed_at is not None:
        raise ValidationError("The partner has already confirmed this partnership.")
    if _agency_insider(email, partnership.agency):
        raise ValidationError(
            {
                "partner_contact_email": "That address belongs to someone in your agency; the "
                "partner organization has to confirm from its own account."
            }
        )
    token = secrets.token_urlsafe(32)
    partnership.invitation_digest = _digest(token)
    partnership.invited_at = timezone.now()
    partnership.save(update_fields=["invitation_digest", "invited_at"])
    audit_record(
        event_type=EVENT_PARTNERSHIP_INVITED,
        actor=invited_by,
        agency=partnership.agency,
        target=partnership,
        request=request,
        extra={"partner_contact_email": email},
    )
    _send_invitation(partnership=partnership, token=token, invited_by=invited_by)
    return token


def _open_invitation_for_update(token: str) -> Partnership:
    partnership = _invitations(token).select_for_update(of=("self",)).first()
    if partnership is None:
        raise InvitationInvalid
    return partnership


@transaction.atomic
def partnership_confirm(*, token: str, confirmed_by: Any, request: Any = None) -> Partnership:
    """The invited partner confirms the partnership as it stands; the link is used up."""
    partnership = _open_invitation_for_update(token)
    if not _email_matches(confirmed_by, partnership):
        raise PermissionDenied("This invitation was sent to another email address.")
    if _agency_insider(confirmed_by.email, partnership.agency):
        raise PermissionDenied("The partner organization has to confirm, not the agency.")
    name = (confirmed_by.full_name or confirmed_by.email).strip()[:150]
    partnership.confirmed_at = timezone.now()
    partnership.confirmed_by_name = name
    partnership.invitation_digest = ""
    partnership.save(update_fields=["confirmed_at", "confirmed_by_name", "invitation_digest"])
    compliance_facts_changed(agency_id=partnership.agency_id)
    audit_record(
        event_type=EVENT_PARTNERSHIP_CONFIRMED,
        actor=confirmed_by,
        agency=partnership.agency,
        target=partnership,
        request=request,
        extra={
            "confirmed_by_name": name,
            "terms": {
                name: str(getattr(partnership, name)) for name in PARTNERSHIP_CONFIRMED_FIELDS
            },
            "document": partnership.document.name or "",
        },
    )
    _notify_coordinators(partnership, "partner_confirmed")
    return partnership


@transaction.atomic
def partnership_invitation_decline(
    *, token: str, declined_by: Any, reason: str = "", request: Any = None
) -> Partnership:
    """The invited partner says the record is not right; the link is used up."""
    partnership = _open_invitation_for_update(token)
    if not _email_matches(declined_by, partnership):
        raise PermissionDenied("This invitation was sent to another email address.")
    partnership.invitation_digest = ""
    partnership.save(update_fields=["invitation_digest"])
    audit_record(
        event_type=EVENT_PARTNERSHIP_INVITATION_DECLINED,
        actor=declined_by,
        agency=partnership.agency,
        target=partnership,
        request=request,
        extra={"reason": str(reason or "").strip()[:1000]},
    )
    _notify_coordinators(
        partnership,
        "partner_declined",
        reason=str(reason or "").strip()[:1000],
        declined_by=declined_by.full_name or declined_by.email,
    )
    return partnership


@transaction.atomic
def partner_account_create(*, token: str, full_name: str, password: str) -> User:
    """An account for an invitee who has none: the invited address, no agency membership."""
    partnership = _open_invitation_for_update(token)
    email = partnership.partner_contact_email.strip().lower()
    full_name = str(full_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = ["Enter your name; the agency sees it on the confirmation."]
    elif len(full_name) > 150:
        errors["full_name"] = ["Keep your name under 150 characters."]
    if User.objects.filter(email__iexact=email).exists():
        errors["__all__"] = ["An account with this email address exists already: sign in."]
    try:
        validate_password(password or "", user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return user_create(email=email, password=password, full_name=full_name)
