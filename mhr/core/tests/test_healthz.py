from unittest import mock

from django.db import DatabaseError, InterfaceError, OperationalError


def test_it_reports_ok_with_the_database_checked(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_answers_503_when_the_database_fails(client, db):
    with mock.patch("mhr.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_page_answers_503_with_retry_after_when_the_database_is_down(client, db):
    client.raise_request_exception = False
    down = OperationalError("connection refused to 10.0.0.5")
    with mock.patch("mhr.core.views.home_highlights", side_effect=down):
        page = client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    body = page.content.decode()
    assert "Briefly unavailable" in body
    assert "10.0.0.5" not in body


def test_other_errors_stay_500(client, db):
    client.raise_request_exception = False
    with mock.patch("mhr.core.views.home_highlights", side_effect=RuntimeError("bug")):
        page = client.get("/")
    assert page.status_code == 500
    assert not page.has_header("Retry-After")


def test_an_api_call_answers_503_json_when_the_database_is_down(client, db):
    down = InterfaceError("connection already closed")
    with mock.patch("mhr.clearinghouse.api.user_is_member", side_effect=down):
        response = client.get("/api/v1/resources")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["message"].startswith("The service is briefly unavailable")
    assert "closed" not in response.content.decode()
