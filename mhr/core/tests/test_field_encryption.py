"""Authenticator secrets are ciphertext in the database (AES-256-GCM, bound to their column)."""

from __future__ import annotations

import base64
import io

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


# --- rotating keys ----------------------------------------------------------------------------

OLD_KEY = base64.b64encode(b"o" * 32).decode()
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def _stored(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_a_previous_key_still_opens_values_and_new_ones_use_the_current_key(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD_KEY
    sealed = crypto.encrypt("secret", context="x")
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="x")
    settings.FIELD_ENCRYPTION_KEYS_PREVIOUS = [OLD_KEY]
    assert crypto.decrypt(sealed, context="x") == "secret"
    assert not crypto.sealed_with_current_key(sealed, context="x")
    assert crypto.sealed_with_current_key(crypto.encrypt("secret", context="x"), context="x")


def test_a_key_derived_from_an_earlier_secret_key_still_opens_values(settings):
    settings.FIELD_ENCRYPTION_KEY = None
    settings.SECRET_KEY = "the-old-secret-key-" + "s" * 40
    sealed = crypto.encrypt("secret", context="x")
    settings.SECRET_KEY = "the-new-secret-key-" + "t" * 40
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="x")
    settings.SECRET_KEY_FALLBACKS = ["the-old-secret-key-" + "s" * 40]
    assert crypto.decrypt(sealed, context="x") == "secret"


@pytest.mark.django_db
def test_rotation_reseals_every_value_so_the_old_key_can_go(settings, alice, bob):
    from django.core.management import call_command

    from mhr.audit.models import AuditEvent

    settings.FIELD_ENCRYPTION_KEY = OLD_KEY
    devices = [mfa.totp_device_start(user=user) for user in (alice, bob)]
    plain = [device.secret for device in devices]
    before = [_stored(device) for device in devices]
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    settings.FIELD_ENCRYPTION_KEYS_PREVIOUS = [OLD_KEY]
    out = io.StringIO()
    call_command("rotate_encrypted_fields", stdout=out)
    assert "accounts.totpdevice.secret: 2 value(s) re-sealed" in out.getvalue()
    after = [_stored(device) for device in devices]
    assert all(a != b and a.startswith("v1:") for a, b in zip(after, before, strict=True))
    # The old key is gone now, and every value still reads.
    settings.FIELD_ENCRYPTION_KEYS_PREVIOUS = []
    for device, secret in zip(devices, plain, strict=True):
        device.refresh_from_db()
        assert device.secret == secret
    rotated = AuditEvent.objects.get(event_type=AuditEvent.EventType.ENCRYPTION_ROTATED)
    assert rotated.extra == {"resealed": {"accounts.totpdevice.secret": 2}}
    # A second run finds nothing to do.
    call_command("rotate_encrypted_fields", stdout=out)
    assert "accounts.totpdevice.secret: 0 value(s)" in out.getvalue()


@pytest.mark.django_db
def test_rotation_changes_nothing_when_a_value_opens_with_no_known_key(settings, alice, bob):
    from django.core.management import CommandError, call_command

    settings.FIELD_ENCRYPTION_KEY = OLD_KEY
    first = mfa.totp_device_start(user=alice)
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"u" * 32).decode()
    mfa.totp_device_start(user=bob)  # sealed with a key that is then lost
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    settings.FIELD_ENCRYPTION_KEYS_PREVIOUS = [OLD_KEY]
    before = _stored(first)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("rotate_encrypted_fields", stdout=io.StringIO())
    assert _stored(first) == before


@pytest.mark.django_db
def test_a_pinned_person_digest_secret_keeps_digests_across_a_secret_key_rotation(
    settings, agency_a
):
    from mhr.encounters.services import person_digester

    before = person_digester(agency=agency_a)("P-123")
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "a-rotated-secret-key-" + "r" * 40
    assert person_digester(agency=agency_a)("P-123") != before
    settings.PERSON_DIGEST_SECRET = old_secret
    assert person_digester(agency=agency_a)("P-123") == before
