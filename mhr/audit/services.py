from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from mhr.audit.models import AuditEvent


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
    """Write one audit row. Call it inside the service's transaction."""
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
