"""API: /me, /agency and /tokens."""

from __future__ import annotations

import pytest

from mhr.accounts.models import ApiToken, Membership
from mhr.accounts.services import api_token_create, api_token_revoke
from mhr.api.tests.support import bearer
from mhr.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


def token_for(user, name: str = "RMS export") -> tuple[ApiToken, str]:
    return api_token_create(user=user, agency=user.membership.agency, name=name)


# /me


def test_it_tells_a_member_who_they_are(client_for, alice):
    response = client_for(alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "email": "alice@springfield.example",
        "name": "Alice Archer",
        "staff_role": "",
        "agency": {"name": "Springfield Police Department", "ori": "WA0170000"},
        "role": "coordinator",
        "authenticated_with": "session",
    }


def test_it_tells_staff_their_role_and_no_agency(client_for, sam):
    body = client_for(sam).get("/api/v1/me").json()
    assert body["staff_role"] == "administrator"
    assert body["agency"] is None
    assert body["role"] is None


def test_it_tells_a_token_caller_who_they_are(client, bob):
    _, secret = token_for(bob)
    body = client.get("/api/v1/me", headers=bearer(secret)).json()
    assert body["email"] == "bob@springfield.example"
    assert body["role"] == "member"
    assert body["authenticated_with"] == "token"


def test_it_answers_401_to_anonymous_me(client, db):
    assert client.get("/api/v1/me").status_code == 401


# /agency


def test_it_shows_the_callers_agency(client_for, bob):
    body = client_for(bob).get("/api/v1/agency").json()
    assert body["name"] == "Springfield Police Department"
    assert body["ori"] == "WA0170000"
    assert body["agency_type"] == "city"
    assert body["agency_type_label"] == "City or municipal police"
    assert body["sworn_headcount"] == 120


def test_it_shows_carol_her_own_agency_not_alices(client_for, alice, carol):
    assert client_for(carol).get("/api/v1/agency").json()["ori"] == "OR0260000"


def test_it_answers_404_for_the_agency_of_a_user_without_one(client_for, sam):
    response = client_for(sam).get("/api/v1/agency")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "extra"}


def test_it_shows_a_token_callers_agency(client, carol):
    _, secret = token_for(carol)
    assert client.get("/api/v1/agency", headers=bearer(secret)).json()["ori"] == "OR0260000"


# GET /tokens


def test_it_lists_the_callers_tokens_without_secrets(client_for, alice, bob):
    token, secret = token_for(alice)
    token_for(bob)
    response = client_for(alice).get("/api/v1/tokens")
    assert response.status_code == 200
    body = response.json()
    assert [t["id"] for t in body] == [token.pk]
    assert body[0]["name"] == "RMS export"
    assert body[0]["prefix"] == secret[:10]
    assert body[0]["is_active"] is True
    assert "secret" not in body[0]
    assert secret not in response.content.decode()
    assert token.digest not in response.content.decode()


def test_it_lists_revoked_tokens_as_inactive(client_for, alice):
    token, _ = token_for(alice)
    api_token_revoke(token=token, revoked_by=alice)
    body = client_for(alice).get("/api/v1/tokens").json()
    assert body[0]["is_active"] is False
    assert body[0]["revoked_at"] is not None


def test_it_hides_other_agencies_tokens(client_for, alice, carol):
    token_for(alice)
    assert client_for(carol).get("/api/v1/tokens").json() == []


def test_it_lists_tokens_in_a_constant_number_of_queries(
    client_for, alice, django_assert_num_queries
):
    client = client_for(alice)
    token_for(alice, "first")
    with django_assert_num_queries(4):  # session, user, membership, tokens
        client.get("/api/v1/tokens")
    for n in range(20):
        token_for(alice, f"token {n}")
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/tokens").json()) == 21


# POST /tokens


def test_it_creates_a_token_and_shows_its_secret_once(client_for, client, alice):
    response = client_for(alice).post(
        "/api/v1/tokens", {"name": "Nightly export"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Nightly export"
    assert body["secret"].startswith("mhr_")
    token = ApiToken.objects.get(pk=body["id"])
    assert token.digest == ApiToken.digest_for(body["secret"])
    assert token.agency == alice.membership.agency
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.TOKEN_CREATED, object_id=str(token.pk)
    ).exists()
    listed = client_for(alice).get("/api/v1/tokens")
    assert body["secret"] not in listed.content.decode()
    # The new secret works.
    client.logout()
    me = client.get("/api/v1/me", headers=bearer(body["secret"]))
    assert me.json()["email"] == alice.email


def test_it_does_not_let_a_token_mint_tokens(client, alice):
    _, secret = token_for(alice)
    response = client.post(
        "/api/v1/tokens",
        {"name": "Sneaky"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_it_refuses_a_token_for_a_user_without_an_agency(client_for, sam):
    response = client_for(sam).post(
        "/api/v1/tokens", {"name": "Staff"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not ApiToken.objects.exists()


def test_it_rejects_a_blank_or_too_long_token_name(client_for, alice):
    client = client_for(alice)
    blank = client.post("/api/v1/tokens", {"name": "  "}, content_type="application/json")
    assert blank.status_code == 400
    too_long = client.post("/api/v1/tokens", {"name": "x" * 101}, content_type="application/json")
    assert too_long.status_code == 422
    assert too_long.json()["extra"]["errors"][0]["field"] == "body.name"
    assert not ApiToken.objects.exists()


def test_it_answers_401_to_an_anonymous_token_request(client, db):
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 401


# DELETE /tokens/{id}


def test_it_revokes_the_callers_token(client_for, client, alice):
    token, secret = token_for(alice)
    response = client_for(alice).delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.TOKEN_REVOKED, object_id=str(token.pk)
    ).exists()
    client.logout()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_it_lets_a_token_revoke_itself(client, alice):
    token, secret = token_for(alice)
    assert client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(secret)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_it_hides_another_agencys_token_from_carol(client_for, alice, carol):
    token, _ = token_for(alice)
    response = client_for(carol).delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "extra"}
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_answers_the_same_404_for_a_missing_token(client_for, alice, carol):
    token, _ = token_for(alice)
    foreign = client_for(carol).delete(f"/api/v1/tokens/{token.pk}")
    missing = client_for(carol).delete("/api/v1/tokens/999999")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_it_does_not_let_a_member_revoke_a_colleagues_token(client_for, alice, bob):
    token, _ = token_for(alice)
    assert client_for(bob).delete(f"/api/v1/tokens/{token.pk}").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_it_lets_a_coordinator_revoke_a_colleagues_token(client_for, alice, bob):
    token, _ = token_for(bob)
    assert client_for(alice).delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert not token.is_active


def test_it_answers_404_for_a_token_of_a_user_who_left_the_agency(client_for, alice, bob):
    token, _ = token_for(bob)
    Membership.objects.filter(user=bob).delete()
    assert client_for(bob).delete(f"/api/v1/tokens/{token.pk}").status_code == 404


def test_it_answers_422_for_a_non_numeric_token_id(client_for, alice):
    response = client_for(alice).delete("/api/v1/tokens/abc")
    assert response.status_code == 422
    assert response.json()["extra"]["errors"][0]["field"] == "path.token_id"
