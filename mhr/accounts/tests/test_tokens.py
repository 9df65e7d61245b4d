import hashlib

from mhr.accounts.models import ApiToken
from mhr.accounts.services import api_token_authenticate, api_token_create
from mhr.audit.models import AuditEvent


def test_it_shows_a_new_token_once_and_stores_only_its_digest(client_for, bob):
    client = client_for(bob)
    html = client.post("/accounts/tokens/", {"name": "Training system"}).content.decode()
    token = ApiToken.objects.get(user=bob)
    secret = html.split('id="new-token-secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith("mhr_")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert secret not in client.get("/accounts/tokens/").content.decode()
    assert AuditEvent.objects.filter(event_type="token.created", actor=bob).exists()


def test_it_requires_a_token_name(client_for, bob):
    response = client_for(bob).post("/accounts/tokens/", {"name": "  "})
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(client_for, bob, agency_a):
    token, secret = api_token_create(user=bob, agency=agency_a, name="RMS")
    assert api_token_authenticate(secret=secret) == token
    response = client_for(bob).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(secret=secret) is None
    assert AuditEvent.objects.filter(event_type="token.revoked").exists()


def test_carol_cannot_revoke_another_agencys_token(client_for, carol, bob, agency_a):
    token, _ = api_token_create(user=bob, agency=agency_a, name="RMS")
    assert client_for(carol).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_alice_cannot_revoke_bobs_token_from_this_page(client_for, alice, bob, agency_a):
    token, _ = api_token_create(user=bob, agency=agency_a, name="RMS")
    assert client_for(alice).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404


def test_the_token_list_shows_only_the_users_own_tokens(client_for, alice, bob, agency_a):
    api_token_create(user=bob, agency=agency_a, name="Bob's export")
    html = client_for(alice).get("/accounts/tokens/").content.decode()
    assert "Bob&#x27;s export" not in html
    assert "You have no tokens yet." in html


def test_staff_without_an_agency_cannot_create_tokens(client_for, sam):
    assert client_for(sam).get("/accounts/tokens/").status_code == 404


def test_a_token_stops_working_when_its_user_leaves_the_agency(bob, agency_a):
    token, secret = api_token_create(user=bob, agency=agency_a, name="RMS")
    bob.membership.delete()
    assert api_token_authenticate(secret=secret) is None


def test_a_token_stops_working_when_its_user_is_deactivated(bob, agency_a):
    _token, secret = api_token_create(user=bob, agency=agency_a, name="RMS")
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert api_token_authenticate(secret=secret) is None


def test_garbage_secrets_are_refused(db):
    for secret in ["", "mhr_", "Bearer x", "mhr_" + "x" * 500, "not-a-token"]:
        assert api_token_authenticate(secret=secret) is None


def test_token_use_is_audited_at_most_once_a_minute(bob, agency_a):
    import time_machine

    _token, secret = api_token_create(user=bob, agency=agency_a, name="RMS")
    with time_machine.travel("2026-01-05 10:00:00+00:00", tick=False) as traveller:
        api_token_authenticate(secret=secret)
        api_token_authenticate(secret=secret)
        assert AuditEvent.objects.filter(event_type="token.used").count() == 1
        traveller.shift(61)
        api_token_authenticate(secret=secret)
    assert AuditEvent.objects.filter(event_type="token.used", actor=bob).count() == 2
