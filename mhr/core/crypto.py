"""Field-level encryption at rest: AES-256-GCM, authenticated, bound to the field it belongs to.

The key is MHR_FIELD_ENCRYPTION_KEY (32 bytes, base64) when set; otherwise one derived from
SECRET_KEY with HKDF under its own label, so a development install works with no extra setting.
A ciphertext copied into another column, or altered by one bit, fails to decrypt.

Rotation: values are always sealed with the current key and opened with the first key that
works among the current one, MHR_FIELD_ENCRYPTION_KEYS_PREVIOUS (comma-separated) and the keys
derived from SECRET_KEY and SECRET_KEY_FALLBACKS; `mhr rotate_encrypted_fields` then re-seals
every stored value with the current key, after which the old keys can be dropped
(docs/operations.md, "Rotating keys").
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


@lru_cache(maxsize=16)
def _configured_key(configured: str, setting: str) -> bytes:
    try:
        key = base64.b64decode(configured, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting} is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{setting} must be 32 bytes (base64).")
    return key


@lru_cache(maxsize=16)
def _derived_key(secret_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"mhr.field-encryption.v1"
    ).derive(secret_key.encode("utf-8"))


def field_key() -> bytes:
    """The key new values are sealed with."""
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", None)
    if configured:
        return _configured_key(configured, "MHR_FIELD_ENCRYPTION_KEY")
    return _derived_key(settings.SECRET_KEY)


def opening_keys() -> list[bytes]:
    """Every key a stored value may have been sealed with, the current one first."""
    keys = [field_key()]
    for previous in getattr(settings, "FIELD_ENCRYPTION_KEYS_PREVIOUS", None) or []:
        keys.append(_configured_key(previous, "MHR_FIELD_ENCRYPTION_KEYS_PREVIOUS"))
    for secret in [settings.SECRET_KEY, *(getattr(settings, "SECRET_KEY_FALLBACKS", None) or [])]:
        keys.append(_derived_key(secret))
    return list(dict.fromkeys(keys))


def encrypt(plaintext: str, *, context: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(field_key()).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str, *, context: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError(f"{context}: the stored value is not encrypted.")
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
    except ValueError as exc:
        raise DecryptionError(f"{context}: the stored value cannot be decrypted.") from exc
    for key in opening_keys():
        try:
            opened = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (ValueError, InvalidTag):
            continue
        return opened.decode("utf-8")
    raise DecryptionError(f"{context}: the stored value cannot be decrypted.")


def sealed_with_current_key(stored: str, *, context: str) -> bool:
    """Whether `stored` opens with the current key (rotation leaves such values alone)."""
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
        AESGCM(field_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (ValueError, InvalidTag):
        return False
    return True
