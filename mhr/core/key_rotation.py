"""Re-sealing encrypted fields with the current key, so that old keys can be retired.

Writes go through `encrypted_fields_rotate` (the command `mhr rotate_encrypted_fields` calls it).
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.core import crypto
from mhr.core.fields import EncryptedCharField


def encrypted_columns() -> list[tuple[type, EncryptedCharField]]:
    """Every (model, field) kept encrypted at rest."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedCharField)
    ]


@transaction.atomic
def encrypted_fields_rotate(*, actor=None) -> dict[str, int]:
    """Re-seal with the current key every stored value that another key opens.

    One transaction: either every value moves to the current key or none does. A value no
    configured key opens raises DecryptionError and nothing changes. Returns counts per column.
    """
    counts: dict[str, int] = {}
    for model, field in encrypted_columns():
        # The stored text as it is (Cast skips the field's decryption on read).
        rows = (
            model._default_manager.exclude(**{field.attname: ""})
            .exclude(**{f"{field.attname}__isnull": True})
            .annotate(stored=Cast(F(field.attname), output_field=TextField()))
            .values_list("pk", "stored")
        )
        moved = 0
        # One row per user at most (authenticators): read them all before writing any.
        for pk, stored in list(rows):
            context = field.encryption_context
            if stored.startswith(crypto.PREFIX) and crypto.sealed_with_current_key(
                stored, context=context
            ):
                continue
            plaintext = (
                crypto.decrypt(stored, context=context)
                if stored.startswith(crypto.PREFIX)
                else stored  # written before encryption existed: seal it now
            )
            # update() runs the field's get_prep_value, which seals with the current key.
            model._default_manager.filter(pk=pk).update(**{field.attname: plaintext})
            moved += 1
        counts[field.encryption_context] = moved
    audit_record(
        event_type=AuditEvent.EventType.ENCRYPTION_ROTATED,
        actor=actor,
        extra={"resealed": counts},
    )
    return counts
