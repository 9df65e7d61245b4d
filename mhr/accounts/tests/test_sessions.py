import datetime

import time_machine
from django.core.management import call_command

from conftest import PASSWORD
from mhr.accounts import mfa
from mhr.accounts.models import ApiToken
from mhr.accounts.security import user_deactivate
from mhr.accounts.services import api_token_authenticate, api_token_create
from mhr.audit.models import AuditEvent

START = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)


def sign_in(client, user):
    """Password, then the authenticator code: agency members must use two-step sign-in."""
    device = mfa.totp_device_start(user=user)
    if not device.is_confirmed:
        mfa.totp_device_confirm(
            device=device, code=mfa.code_at_step(device.secret, mfa.current_step() - 1)
        )
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    device.refresh_from_db()
    step = max(mfa.current_step(), device.last_step + 1)
    response = client.post(
        "/accounts/sign-in/verify/", {"code": mfa.code_at_step(device.secret, step)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_session_ends_after_thirty_idle_minutes(client, bob):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, bob)
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/accounts/agency/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/accounts/agency/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/accounts/agency/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/sign-in/")
    assert "30 minutes without activity" in response.content.decode()
    assert AuditEvent.objects.filter(
        event_type="auth.session_expired", extra__reason="idle"
    ).exists()


def test_a_busy_session_still_ends_after_twelve_hours(client, bob):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, bob)
        for _ in range(25):
            traveller.shift(datetime.timedelta(minutes=29))
            client.get("/accounts/agency/")
        # 25 × 29 minutes is past the 12-hour limit.
        assert client.get("/accounts/agency/").status_code == 302
    assert AuditEvent.objects.filter(extra__reason="absolute").exists()


def test_signing_out_ends_every_session_of_the_user(client_factory, bob):
    laptop = sign_in(client_factory(), bob)
    phone = sign_in(client_factory(), bob)
    assert phone.get("/accounts/agency/").status_code == 200
    laptop.post("/accounts/sign-out/")
    assert phone.get("/accounts/agency/").status_code == 302


def test_deactivation_ends_sessions_and_tokens_at_once(client, bob, agency_a, sam):
    sign_in(client, bob)
    _token, secret = api_token_create(user=bob, agency=agency_a, name="RMS")
    user_deactivate(user=bob, deactivated_by=sam, reason="left the agency")
    assert client.get("/accounts/agency/").status_code == 302
    assert api_token_authenticate(secret=secret) is None
    assert ApiToken.objects.get(user=bob).revoked_at is not None
    assert AuditEvent.objects.filter(event_type="user.deactivated", actor=sam).exists()


def test_accounts_unused_for_ninety_days_are_disabled(bob, alice, carol, agency_b):
    bob.last_login = START - datetime.timedelta(days=91)
    bob.save(update_fields=["last_login"])
    alice.last_login = START - datetime.timedelta(days=10)
    alice.save(update_fields=["last_login"])
    # Carol never signs in but her token is in daily use.
    carol.last_login = START - datetime.timedelta(days=200)
    carol.save(update_fields=["last_login"])
    token, _ = api_token_create(user=carol, agency=agency_b, name="nightly")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=START - datetime.timedelta(days=1))
    with time_machine.travel(START, tick=False):
        call_command("disable_inactive_users", stdout=open("/dev/null", "w"))
    bob.refresh_from_db()
    alice.refresh_from_db()
    carol.refresh_from_db()
    assert (bob.is_active, alice.is_active, carol.is_active) == (False, True, True)
