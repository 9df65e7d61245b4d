import time

import pytest
import time_machine

from conftest import PASSWORD
from mhr.accounts import mfa
from mhr.accounts.models import RecoveryCode, TotpDevice, User
from mhr.audit.models import AuditEvent

T0 = 1_780_000_000  # a fixed instant, so codes are deterministic


def enrol(user):
    device = mfa.totp_device_start(user=user)
    with time_machine.travel(T0 - 300, tick=False):
        codes = mfa.totp_device_confirm(
            device=device, code=mfa.code_at_step(device.secret, mfa.current_step())
        )
    device.refresh_from_db()
    return device, codes


def password_step(client, user):
    return client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD})


def test_codes_match_the_rfc_6238_test_vector():
    # RFC 6238 appendix B, SHA-1, T = 59 s, secret "12345678901234567890".
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert mfa.code_at_step(secret, 59 // 30) == "287082"


def test_a_coordinator_must_set_up_mfa_before_doing_anything_else(client, alice):
    password_step(client, alice)
    response = client.get("/accounts/agency/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/")
    assert "Set up two-step sign-in" in client.get("/accounts/mfa/").content.decode()


def test_a_member_must_set_up_mfa_as_they_can_see_encounter_data(client, bob):
    password_step(client, bob)
    assert client.get("/accounts/agency/")["Location"].startswith("/accounts/mfa/")


def test_an_account_outside_any_agency_and_staff_is_not_forced(client, db):
    # E.g. a partner organization's contact who confirms a partnership.
    outsider = User.objects.create_user("partner@example.org", PASSWORD)
    password_step(client, outsider)
    assert client.get("/accounts/mfa/").status_code == 200
    assert client.get("/resources/").status_code == 200


def test_staff_must_set_up_mfa_too(client, editor):
    password_step(client, editor)
    assert client.get("/staff/resources/")["Location"].startswith("/accounts/mfa/")


def test_setting_up_shows_a_qr_code_and_ten_recovery_codes_once(client, alice):
    password_step(client, alice)
    page = client.get("/accounts/mfa/").content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TotpDevice.objects.get(user=alice)
    response = client.post(
        "/accounts/mfa/", {"code": mfa.code_at_step(device.secret, mfa.current_step())}
    )
    html = response.content.decode()
    assert "Two-step sign-in is on" in html
    assert html.count("<li>") >= 10
    assert RecoveryCode.objects.filter(user=alice, used_at__isnull=True).count() == 10
    assert client.get("/accounts/agency/").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.mfa_enrolled", actor=alice).exists()


def test_a_wrong_setup_code_is_refused(client, alice):
    password_step(client, alice)
    client.get("/accounts/mfa/")
    response = client.post("/accounts/mfa/", {"code": "000000"})
    assert "That code is not right" in response.content.decode()
    assert not TotpDevice.objects.get(user=alice).is_confirmed


def test_sign_in_asks_for_the_code_after_the_password(client, alice):
    device, _codes = enrol(alice)
    response = password_step(client, alice)
    assert response["Location"] == "/accounts/sign-in/verify/"
    # Not signed in yet.
    assert client.get("/accounts/agency/").status_code == 302
    code = mfa.code_at_step(device.secret, mfa.current_step())
    response = client.post("/accounts/sign-in/verify/", {"code": code})
    assert response.status_code == 302
    assert client.get("/accounts/agency/").status_code == 200


def test_a_code_cannot_be_replayed(client, client_factory, alice):
    device, _codes = enrol(alice)
    code = mfa.code_at_step(device.secret, mfa.current_step())
    password_step(client, alice)
    client.post("/accounts/sign-in/verify/", {"code": code})
    other = client_factory()
    password_step(other, alice)
    response = other.post("/accounts/sign-in/verify/", {"code": code})
    assert "That code is not right" in response.content.decode()
    assert other.get("/accounts/agency/").status_code == 302


def test_a_recovery_code_works_once(client, client_factory, alice):
    _device, codes = enrol(alice)
    password_step(client, alice)
    assert client.post("/accounts/sign-in/verify/", {"code": codes[0]}).status_code == 302
    other = client_factory()
    password_step(other, alice)
    response = other.post("/accounts/sign-in/verify/", {"code": codes[0]})
    assert response.status_code == 200
    assert RecoveryCode.objects.filter(user=alice, used_at__isnull=False).count() == 1


def test_recovery_codes_are_stored_hashed(alice):
    _device, codes = enrol(alice)
    stored = set(RecoveryCode.objects.filter(user=alice).values_list("digest", flat=True))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_five_wrong_codes_lock_the_account(client, alice):
    enrol(alice)
    password_step(client, alice)
    for _ in range(4):
        client.post("/accounts/sign-in/verify/", {"code": "123456"})
    response = client.post("/accounts/sign-in/verify/", {"code": "123456"}, follow=True)
    alice.refresh_from_db()
    assert alice.locked_at is not None
    assert "After 5 failed attempts an account is locked" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="auth.mfa_failed").count() == 5


def test_the_code_step_expires(client, alice):
    device, _codes = enrol(alice)
    with time_machine.travel(time.time(), tick=False) as traveller:
        password_step(client, alice)
        traveller.shift(6 * 60)
        code = mfa.code_at_step(device.secret, mfa.current_step())
        response = client.post("/accounts/sign-in/verify/", {"code": code})
    assert response["Location"] == "/accounts/sign-in/"


def test_a_coordinator_can_reset_a_members_authenticator_but_carol_cannot(alice, bob, carol):
    from django.core.exceptions import PermissionDenied

    enrol(bob)
    with pytest.raises(PermissionDenied):
        mfa.mfa_reset(user=bob, reset_by=carol)
    mfa.mfa_reset(user=bob, reset_by=alice)
    assert not TotpDevice.objects.filter(user=bob).exists()
    assert AuditEvent.objects.filter(event_type="auth.mfa_reset", actor=alice).exists()


def test_a_session_that_skipped_the_code_is_sent_back_to_sign_in(client, alice):
    enrol(alice)
    client.force_login(alice)  # no path in the product signs in without the code
    response = client.get("/accounts/agency/")
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_reset_button_works_for_alice_and_not_across_agencies(client_for, alice, bob, carol):
    enrol(bob)
    url = f"/accounts/agency/members/{bob.membership.pk}/reset-mfa/"
    assert client_for(carol).post(url).status_code == 404
    assert TotpDevice.objects.filter(user=bob).exists()
    assert client_for(alice).post(url).status_code == 302
    assert not TotpDevice.objects.filter(user=bob).exists()
