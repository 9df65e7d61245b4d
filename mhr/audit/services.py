from __future__ import annotations

import logging
from typing import Any

from django.db import models
from django.http import HttpRequest

from mhr.audit.models import AuditEvent

# CRITICAL records on this logger mean an action was refused because it could not be audited;
# route them to whoever is on call (CJIS AU-5: alert within the hour).
alert_logger = logging.getLogger("mhr.audit")


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    event_type: str,
    actor: Any = None,
    agency: Any = None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the service's transaction.

    If the row cannot be written the error propagates, so the surrounding transaction rolls
    back and the action does not happen unaudited (fail closed); it is logged at CRITICAL first.
    """
    try:
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        return AuditEvent.objects.create(
            event_type=event_type,
            outcome=outcome,
            actor=actor if is_user else None,
            actor_label=(actor.email if is_user else "")[:254],
            agency=agency,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_repr=str(target)[:300] if target is not None else "",
            ip_address=client_ip(request),
            extra=extra or {},
        )
    except Exception as exc:
        # Name the event and the error class only: database messages can quote the row,
        # and the row holds email and IP addresses.
        alert_logger.critical(
            "Audit write failed (%s) for event %r; the action was refused.",
            type(exc).__name__,
            str(event_type)[:64],
        )
        raise
