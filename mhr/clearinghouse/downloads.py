"""Opening an attachment for download, with the audit row that records who took it."""

from __future__ import annotations

from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest

from mhr.accounts.selectors import user_agency_membership
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.clearinghouse.models import Attachment


@transaction.atomic
def attachment_download(
    *, attachment: Attachment, downloaded_by: Any, request: HttpRequest | None = None
) -> IO[bytes]:
    """Open the stored file and record the download. The caller has already checked access.

    Raises FileNotFoundError when the stored file is gone; nothing is recorded then.
    """
    if not attachment.file.name:
        raise FileNotFoundError(f"Attachment {attachment.pk} has no stored file.")
    fileobj = default_storage.open(attachment.file.name, "rb")
    membership = user_agency_membership(downloaded_by)
    audit_record(
        event_type=AuditEvent.EventType.ATTACHMENT_DOWNLOADED,
        actor=downloaded_by,
        agency=membership.agency if membership is not None else None,
        target=attachment,
        request=request,
        extra={"resource": attachment.resource.slug, "access": attachment.resource.access},
    )
    return fileobj
