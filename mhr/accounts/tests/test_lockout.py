import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from conftest import PASSWORD
from mhr.accounts.models import SignInAttempt
from mhr.accounts.security import user_unlock
from mhr.audit.models import AuditEvent

SIGN_IN = "/accounts/sign-in/"


def fail(client, email, *, ip="10.0.0.1"):
    return client.post(SIGN_IN, {"username": email, "password": "wrong password!!"}, REMOTE_ADDR=ip)


def succeed(client, email, *, ip="10.0.0.1"):
    return client.post(SIGN_IN, {"username": email, "password": PASSWORD}, REMOTE_ADDR=ip)


def test_the_fifth_failure_in_fifteen_minutes_locks_the_account(client, bob):
    for _ in range(4):
        fail(client, bob.email)
    bob.refresh_from_db()
    assert bob.locked_at is None
    fail(client, bob.email)
    bob.refresh_from_db()
    assert bob.locked_at is not None
    assert AuditEvent.objects.filter(
        event_type="auth.account_locked", object_id=str(bob.pk)
    ).exists()


def test_a_locked_account_cannot_sign_in_even_with_the_right_password(client, bob):
    for _ in range(5):
        fail(client, bob.email)
    response = succeed(client, bob.email)
    assert response.status_code == 200
    assert "After 5 failed attempts an account is locked" in response.content.decode()
    assert client.get("/accounts/agency/").status_code == 302


def test_the_message_does_not_reveal_whether_an_account_exists_or_is_locked(client, bob):
    for _ in range(5):
        fail(client, bob.email)
    locked = succeed(client, bob.email, ip="10.0.0.2").content.decode()
    unknown = fail(client, "ghost@example.com", ip="10.0.0.3").content.decode()
    wrong = fail(client, "alice-not-here@example.com", ip="10.0.0.4").content.decode()

    def message(html):
        return html.split('usa-alert__text">', 1)[1].split("<", 1)[0]

    assert message(locked) == message(unknown) == message(wrong)


def test_failures_older_than_fifteen_minutes_do_not_count(client, bob):
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False) as traveller:
        for _ in range(4):
            fail(client, bob.email)
        traveller.shift(datetime.timedelta(minutes=16))
        fail(client, bob.email)
    bob.refresh_from_db()
    assert bob.locked_at is None


def test_the_admin_signs_in_through_the_site_sign_in(client, db):
    # One sign-in path means one place for lockout and MFA.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/admin/"
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302


def test_a_direct_authenticate_call_is_locked_too(rf, bob):
    from django.contrib.auth import authenticate

    request = rf.post("/anything/")
    for _ in range(5):
        assert authenticate(request, username=bob.email, password="wrong password!!") is None
    assert authenticate(request, username=bob.email, password=PASSWORD) is None
    bob.refresh_from_db()
    assert bob.locked_at is not None


def test_an_address_with_many_failures_is_refused(client, bob, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 5
    for n in range(5):
        fail(client, f"nobody{n}@example.com", ip="192.0.2.9")
    response = succeed(client, bob.email, ip="192.0.2.9")
    assert response.status_code == 200
    assert client.get("/accounts/agency/").status_code == 302
    assert succeed(client, bob.email, ip="192.0.2.10").status_code == 302


def test_every_attempt_is_recorded(client, bob):
    fail(client, bob.email)
    succeed(client, bob.email)
    assert list(
        SignInAttempt.objects.order_by("occurred_at").values_list("succeeded", flat=True)
    ) == [
        False,
        True,
    ]
    assert AuditEvent.objects.filter(event_type="auth.sign_in_failed").count() == 1
    assert AuditEvent.objects.filter(event_type="auth.sign_in", actor=bob).count() == 1


def test_a_coordinator_unlocks_a_member_of_their_agency(client, client_for, alice, bob):
    for _ in range(5):
        fail(client, bob.email)
    response = client_for(alice).post(f"/accounts/agency/members/{bob.membership.pk}/unlock/")
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.locked_at is None
    assert AuditEvent.objects.filter(event_type="auth.account_unlocked", actor=alice).exists()


def test_carol_cannot_unlock_someone_in_another_agency(client, client_for, carol, bob):
    for _ in range(5):
        fail(client, bob.email)
    response = client_for(carol).post(f"/accounts/agency/members/{bob.membership.pk}/unlock/")
    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.locked_at is not None


def test_a_member_cannot_unlock(client_for, alice, bob):
    response = client_for(bob).post(f"/accounts/agency/members/{alice.membership.pk}/unlock/")
    assert response.status_code == 403


def test_a_staff_administrator_can_unlock_anyone_but_an_editor_cannot(client, sam, editor, carol):
    for _ in range(5):
        fail(client, carol.email)
    carol.refresh_from_db()
    with pytest.raises(PermissionDenied):
        user_unlock(user=carol, unlocked_by=editor)
    user_unlock(user=carol, unlocked_by=sam)
    carol.refresh_from_db()
    assert carol.locked_at is None
    assert not SignInAttempt.objects.filter(email=carol.email, succeeded=False).exists()


def test_the_agency_page_shows_who_is_locked(client, client_for, alice, bob):
    for _ in range(5):
        fail(client, bob.email)
    html = client_for(alice).get("/accounts/agency/").content.decode()
    assert "Locked" in html
    assert f"/accounts/agency/members/{bob.membership.pk}/unlock/" in html


def test_the_sign_in_page_shows_the_system_use_notice(client, db):
    html = client.get(SIGN_IN).content.decode()
    assert "System use notice" in html
    assert "audit log" in html


def test_staff_unlock_accounts_from_the_admin(client, client_for, sam, bob):
    for _ in range(5):
        fail(client, bob.email)
    response = client_for(sam).post(
        "/admin/accounts/user/",
        {"action": "unlock_accounts", "_selected_action": [bob.pk]},
        follow=True,
    )
    assert "1 account(s) unlocked." in response.content.decode()
    bob.refresh_from_db()
    assert bob.locked_at is None


def test_deactivating_in_the_admin_revokes_tokens(client_for, sam, bob, agency_a):
    from mhr.accounts.services import api_token_authenticate, api_token_create

    _token, secret = api_token_create(user=bob, agency=agency_a, name="RMS")
    page = client_for(sam).get(f"/admin/accounts/user/{bob.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({"email": bob.email, "is_active": "", "staff_role": "", "full_name": bob.full_name})
    data = {k: v for k, v in data.items() if not isinstance(v, list | tuple)}
    response = client_for(sam).post(f"/admin/accounts/user/{bob.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bob.refresh_from_db()
    assert not bob.is_active
    assert api_token_authenticate(secret=secret) is None


def test_sign_in_rows_carry_the_agency_so_coordinators_can_review_them(client, bob, agency_a):
    fail(client, bob.email)
    succeed(client, bob.email)
    rows = AuditEvent.objects.filter(event_type__in=["auth.sign_in", "auth.sign_in_failed"])
    assert rows.count() == 2
    assert set(rows.values_list("agency", flat=True)) == {agency_a.pk}
