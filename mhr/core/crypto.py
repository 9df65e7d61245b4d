"""Field-level encryption at rest: AES-256-GCM, authenticated, bound to the field it belongs to.

The key is MHR_FIELD_ENCRYPTION_KEY (32 bytes, base64) when set; otherwise one derived from
SECRET_KEY with HKDF under its own label, so a development install works with no extra setting.
A ciphertext copied into another column, or altered by one bit, fails to decrypt.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1:"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The stored value is not a ciphertext this key made for this field."""


@lru_cache(maxsize=4)
def _key(configured: str | None, secret_key: str) -> bytes:
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured("MHR_FIELD_ENCRYPTION_KEY is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured("MHR_FIELD_ENCRYPTION_KEY must be 32 bytes (base64).")
        return key
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"mhr.field-encryption.v1"
    ).derive(secret_key.encode("utf-8"))


def field_key() -> bytes:
    return _key(getattr(settings, "FIELD_ENCRYPTION_KEY", None), settings.SECRET_KEY)


def encrypt(plaintext: str, *, context: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(field_key()).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str, *, context: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError(f"{context}: the stored value is not encrypted.")
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
        opened = AESGCM(field_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (ValueError, InvalidTag) as exc:
        raise DecryptionError(f"{context}: the stored value cannot be decrypted.") from exc
    return opened.decode("utf-8")
