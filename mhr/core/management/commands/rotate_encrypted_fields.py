"""`mhr rotate_encrypted_fields`: re-seal every encrypted value with the current key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mhr.core.crypto import DecryptionError
from mhr.core.key_rotation import encrypted_fields_rotate


class Command(BaseCommand):
    help = (
        "Re-seal every value encrypted at rest (authenticator secrets) with the current "
        "MHR_FIELD_ENCRYPTION_KEY, reading them with the previous keys. Run after changing the "
        "key, then remove the previous keys. See docs/operations.md, 'Rotating keys'."
    )

    def handle(self, *args, **options) -> None:
        try:
            counts = encrypted_fields_rotate()
        except DecryptionError as exc:
            raise CommandError(
                f"{exc} Nothing was changed. Add the key it was sealed with to "
                "MHR_FIELD_ENCRYPTION_KEYS_PREVIOUS (or SECRET_KEY_FALLBACKS) and run again."
            ) from exc
        for column, moved in counts.items():
            self.stdout.write(f"{column}: {moved} value(s) re-sealed with the current key")
