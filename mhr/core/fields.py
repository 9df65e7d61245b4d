"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models

from mhr.core import crypto


class EncryptedCharField(models.TextField):
    """Text kept encrypted in the database (see mhr.core.crypto); cannot be searched or sorted."""

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        # Bind each ciphertext to its column: copied elsewhere, it no longer decrypts.
        self.encryption_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.encryption_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, context=self.encryption_context)
