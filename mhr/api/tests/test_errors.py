"""Every API error has one shape: {"message": "...", "extra": {...}}."""

from __future__ import annotations

import pytest

from mhr.accounts.models import ApiToken
from mhr.accounts.services import api_token_create, api_token_revoke
from mhr.api.auth import THROTTLES
from mhr.api.tests.support import assert_error

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


def test_it_answers_400_for_a_django_validation_error_naming_the_field(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/tokens", {"name": "   "}, content_type="application/json"
    )
    body = assert_error(response, 400)
    assert body["extra"]["errors"] == [{"field": "name", "message": body["message"]}]


def test_it_answers_400_for_a_body_that_is_not_json(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/tokens", "{not json", content_type="application/json"
    )
    assert_error(response, 400)


def test_it_answers_401_when_anonymous(client, db):
    assert_error(client.get("/api/v1/me"), 401)


def test_it_answers_403_for_permission_denied(client, alice, agency_a):
    secret = api_token_create(user=alice, agency=agency_a, name="x")[1]
    response = client.post(
        "/api/v1/tokens",
        {"name": "minted"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    body = assert_error(response, 403)
    assert "token" in body["message"].lower()


def test_it_answers_404_for_a_missing_object(client, db):
    assert_error(client.get("/api/v1/resources/no-such-thing"), 404)


def test_it_answers_404_json_for_an_unknown_api_path(client, db):
    body = assert_error(client.get("/api/v1/no/such/endpoint"), 404)
    assert "/api/v1/docs" in body["message"]
    assert_error(client.post("/api/v1/nothing-here"), 404)
    assert_error(client.get("/api/v1/"), 404)


def test_it_answers_405_with_the_allowed_methods(client, db):
    response = client.put("/api/v1/resources")
    body = assert_error(response, 405)
    assert body["extra"]["allowed_methods"] == ["GET"]
    assert response["Allow"] == "GET"


def test_it_answers_409_when_revoking_a_revoked_token(client_for, alice, agency_a):
    token, _ = api_token_create(user=alice, agency=agency_a, name="x")
    api_token_revoke(token=token, revoked_by=alice)
    body = assert_error(client_for(alice).delete(f"/api/v1/tokens/{token.pk}"), 409)
    assert "already revoked" in body["message"]


def test_it_answers_422_listing_each_invalid_field(client, db):
    response = client.get("/api/v1/resources?per_page=1000&type=poem&year=abc")
    body = assert_error(response, 422)
    fields = {error["field"] for error in body["extra"]["errors"]}
    assert fields == {"query.per_page", "query.type", "query.year"}
    assert all(error["message"] for error in body["extra"]["errors"])


def test_it_answers_422_for_a_missing_body_field(client_for, alice):
    response = client_for(alice).post("/api/v1/tokens", {}, content_type="application/json")
    body = assert_error(response, 422)
    assert [error["field"] for error in body["extra"]["errors"]] == ["body.name"]


def test_it_answers_429_when_a_caller_sends_too_many_requests(client, db, monkeypatch):
    anonymous_throttle = THROTTLES[0]
    monkeypatch.setattr(anonymous_throttle, "num_requests", 2)
    assert client.get("/api/v1/resources").status_code == 200
    assert client.get("/api/v1/resources").status_code == 200
    response = client.get("/api/v1/resources")
    assert_error(response, 429)
    assert int(response["Retry-After"]) >= 1


def test_it_throttles_signed_in_callers_separately_from_anonymous_ones(
    client_for, alice, monkeypatch
):
    monkeypatch.setattr(THROTTLES[0], "num_requests", 1)
    client = client_for(alice)
    for _ in range(3):
        assert client.get("/api/v1/resources").status_code == 200


def test_it_answers_500_with_an_error_id_and_nothing_internal(client_for, alice, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("mhr.accounts.api.membership_for", explode)
    response = client_for(alice).get("/api/v1/me")
    body = assert_error(response, 500)
    assert set(body["extra"]) == {"error_id"}
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()


def test_it_answers_403_for_csrf_failure_in_the_same_shape(alice):
    from django.test import Client

    from conftest import PASSWORD, _stamp_session

    client = Client(enforce_csrf_checks=True)
    client.login(email=alice.email, password=PASSWORD)
    _stamp_session(client, alice)
    token, _ = api_token_create(user=alice, agency=alice.membership.agency, name="x")
    assert_error(client.delete(f"/api/v1/tokens/{token.pk}"), 403)
    assert ApiToken.objects.get(pk=token.pk).is_active
