"""Authenticator secrets are ciphertext in the database (AES-256-GCM, bound to their column)."""

from __future__ import annotations

import base64

import pytest
from django.db import connection

from mhr.accounts import mfa
from mhr.core import crypto


@pytest.mark.django_db
def test_the_stored_secret_is_ciphertext_and_reads_back(alice):
    device = mfa.totp_device_start(user=alice)
    plain = device.secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1:")
    assert plain not in raw
    device.refresh_from_db()
    assert device.secret == plain


def test_a_flipped_byte_or_another_column_does_not_decrypt():
    sealed = crypto.encrypt("JBSWY3DPEHPK3PXP", context="accounts.totpdevice.secret")
    raw = bytearray(base64.b64decode(sealed[3:]))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(
            "v1:" + base64.b64encode(bytes(raw)).decode(), context="accounts.totpdevice.secret"
        )
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="accounts.user.password")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("JBSWY3DPEHPK3PXP", context="accounts.totpdevice.secret")


def test_an_explicit_key_is_used_and_checked(settings):
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"k" * 32).decode()
    sealed = crypto.encrypt("secret", context="x")
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"j" * 32).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="x")
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"short").decode()
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("secret", context="x")
