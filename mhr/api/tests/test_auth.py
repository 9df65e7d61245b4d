"""How the API decides who is calling: bearer tokens, sessions, or nobody."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, _stamp_session
from mhr.accounts.models import ApiToken, Membership
from mhr.accounts.services import api_token_create, api_token_revoke
from mhr.api.tests.support import assert_error, bearer

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


@pytest.fixture
def alice_secret(alice, agency_a) -> str:
    return api_token_create(user=alice, agency=agency_a, name="RMS export")[1]


def test_it_authenticates_a_bearer_token_as_its_user(client, alice_secret):
    response = client.get("/api/v1/me", headers=bearer(alice_secret))
    assert response.status_code == 200
    assert response.json()["email"] == "alice@springfield.example"
    assert response.json()["authenticated_with"] == "token"


def test_it_accepts_the_bearer_scheme_in_any_case(client, alice_secret):
    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {alice_secret}"})
    assert response.status_code == 200


def test_it_records_when_a_token_was_last_used(client, alice, alice_secret):
    client.get("/api/v1/me", headers=bearer(alice_secret))
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is not None


def test_it_rejects_a_revoked_token(client, alice, alice_secret):
    token = ApiToken.objects.get(user=alice)
    api_token_revoke(token=token, revoked_by=alice)
    body = assert_error(client.get("/api/v1/me", headers=bearer(alice_secret)), 401)
    assert "token" in body["message"].lower()


def test_it_rejects_the_token_of_a_user_whose_membership_was_removed(client, alice, alice_secret):
    Membership.objects.filter(user=alice).delete()
    assert_error(client.get("/api/v1/me", headers=bearer(alice_secret)), 401)


def test_it_rejects_the_token_of_a_deactivated_user(client, alice, alice_secret):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert_error(client.get("/api/v1/me", headers=bearer(alice_secret)), 401)


def test_it_rejects_an_unknown_token(client, db):
    assert_error(client.get("/api/v1/me", headers=bearer("mhr_" + "x" * 43)), 401)


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Token abc", "Basic YWxpY2U6cGFzcw==", "mhr_abcdef", "Bearer not-ours"],
)
def test_it_answers_a_malformed_authorization_header_with_json_401(client, db, header):
    body = assert_error(client.get("/api/v1/me", headers={"Authorization": header}), 401)
    assert "Bearer" in body["message"] or "token" in body["message"]


def test_it_rejects_a_malformed_header_even_on_public_endpoints(client, db):
    # A client with a broken token should hear so, not silently get the anonymous view.
    assert_error(client.get("/api/v1/resources", headers={"Authorization": "Token x"}), 401)


def test_it_says_how_to_authenticate_on_401(client, db):
    response = client.get("/api/v1/me")
    body = assert_error(response, 401)
    assert "Bearer" in body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_accepts_a_signed_in_session_for_reads(client_for, alice):
    response = client_for(alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["authenticated_with"] == "session"


def test_it_lets_anonymous_callers_read_public_endpoints(client, db):
    assert client.get("/api/v1/resources").status_code == 200


def test_a_session_waiting_for_its_two_step_sign_in_is_not_signed_in(alice):
    client = Client()
    client.login(email=alice.email, password=PASSWORD)
    assert_error(client.get("/api/v1/me"), 401)
    response = client.post("/api/v1/tokens", {"name": "Laptop"}, content_type="application/json")
    assert_error(response, 401)
    assert not ApiToken.objects.filter(user=alice).exists()


def test_it_requires_csrf_for_session_writes(alice):
    client = Client(enforce_csrf_checks=True)
    client.login(email=alice.email, password=PASSWORD)
    _stamp_session(client, alice)
    response = client.post("/api/v1/tokens", {"name": "Laptop"}, content_type="application/json")
    body = assert_error(response, 403)
    assert "CSRF" in body["message"]
    assert not ApiToken.objects.filter(user=alice).exists()


def test_it_accepts_session_writes_with_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.login(email=alice.email, password=PASSWORD)
    _stamp_session(client, alice)
    client.get("/api/v1/docs")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/tokens",
        {"name": "Laptop"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_it_needs_no_csrf_token_with_a_bearer_token(alice, alice_secret):
    token = ApiToken.objects.get(user=alice)
    client = Client(enforce_csrf_checks=True)
    response = client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(alice_secret))
    assert response.status_code == 204


def test_it_answers_an_anonymous_write_with_401_not_a_csrf_error(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert_error(response, 401)


def test_it_does_not_write_last_used_on_every_request(client, alice, alice_secret):
    recent = timezone.now() - datetime.timedelta(seconds=5)
    ApiToken.objects.filter(user=alice).update(last_used_at=recent)
    client.get("/api/v1/me", headers=bearer(alice_secret))
    assert ApiToken.objects.get(user=alice).last_used_at == recent
