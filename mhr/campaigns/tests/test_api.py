"""API: the agency's pledge, compliance numbers, officers and training upserts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.accounts.services import api_token_create
from mhr.api.tests.support import assert_error, bearer
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Officer, Pledge, TrainingRecord

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")

OFFICER = {"first_name": "Ada", "last_name": "Park", "is_sworn": True, "role": "patrol"}


def secret_for(user) -> str:
    _token, secret = api_token_create(user=user, agency=user.membership.agency, name="RMS")
    return secret


def make_pledge(agency, one_mind, **fields) -> Pledge:
    return Pledge.objects.create(
        agency=agency,
        campaign=one_mind,
        rule_version=one_mind.rule_versions.get(code="current"),
        agency_head_name="Chief Ada Park",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2025, 1, 15),
        contact_name="Alice Archer",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2027, 1, 15),
        **fields,
    )


def put_officer(client, employee_id: str, body: dict, **kwargs):
    return client.put(
        f"/api/v1/roster/officers/{employee_id}", body, content_type="application/json", **kwargs
    )


def post_officers(client, officers: list[dict], **kwargs):
    return client.post(
        "/api/v1/roster/officers",
        {"officers": officers},
        content_type="application/json",
        **kwargs,
    )


def put_training(client, records: list[dict], **kwargs):
    return client.put(
        "/api/v1/training", {"records": records}, content_type="application/json", **kwargs
    )


# GET /pledge


def test_it_shows_the_agencys_pledge(client_for, bob, agency_a, one_mind):
    make_pledge(agency_a, one_mind, non_sworn_roles_in_scope=["dispatcher"])
    response = client_for(bob).get("/api/v1/pledge")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pledged"
    assert body["rule_version"] == "current"
    assert body["signed_on"] == "2025-01-15"
    assert body["target_completion_on"] == "2027-01-15"
    assert body["non_sworn_roles_in_scope"] == ["dispatcher"]


def test_it_shows_the_pledge_to_a_token(client, alice, agency_a, one_mind):
    make_pledge(agency_a, one_mind)
    response = client.get("/api/v1/pledge", headers=bearer(secret_for(alice)))
    assert response.status_code == 200
    assert response.json()["campaign"] == one_mind.slug


def test_it_answers_404_when_the_agency_has_not_pledged(client_for, carol, agency_a, one_mind):
    make_pledge(agency_a, one_mind)
    body = assert_error(client_for(carol).get("/api/v1/pledge"), 404)
    assert "not pledged" in body["message"]


def test_it_answers_404_to_staff_without_an_agency(client_for, sam, agency_a, one_mind):
    make_pledge(agency_a, one_mind)
    assert_error(client_for(sam).get("/api/v1/pledge"), 404)


def test_it_answers_401_to_anonymous_callers(client, db):
    for path in ("/api/v1/pledge", "/api/v1/pledge/compliance", "/api/v1/roster/officers"):
        assert_error(client.get(path), 401)
    assert_error(put_officer(client, "E1", OFFICER), 401)
    assert_error(post_officers(client, [{**OFFICER, "employee_id": "E1"}]), 401)
    assert_error(put_training(client, []), 401)


# GET /pledge/compliance


def test_it_reports_the_engines_numbers(client, alice, agency_a, one_mind):
    make_pledge(agency_a, one_mind)
    secret = secret_for(alice)
    post_officers(
        client,
        [{**OFFICER, "employee_id": f"E{n}"} for n in range(5)],
        headers=bearer(secret),
    )
    put_training(
        client,
        [{"employee_id": "E0", "course": "cit-40", "completed_on": "2025-03-01"}],
        headers=bearer(secret),
    )
    response = client.get("/api/v1/pledge/compliance?as_of=2025-06-01", headers=bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2025-06-01"
    assert body["active_sworn"] == 5
    assert body["cit_qualified"] == 1
    assert body["cit_percent"] == 20.0
    assert body["met"] is False
    keys = [requirement["key"] for requirement in body["requirements"]]
    assert keys
    for requirement in body["requirements"]:
        assert {"met", "numerator", "denominator", "shortfall", "lacking_officer_ids"} <= set(
            requirement
        )
    assert "expiring_soon" in body
    assert "coverage_falls_below_on" in body


def test_it_answers_422_to_a_bad_as_of_date(client_for, bob, agency_a, one_mind):
    make_pledge(agency_a, one_mind)
    body = assert_error(client_for(bob).get("/api/v1/pledge/compliance?as_of=2025-13-45"), 422)
    assert body["extra"]["errors"][0]["field"] == "query.as_of"


def test_it_answers_404_for_compliance_without_a_pledge(client_for, bob, agency_a):
    assert_error(client_for(bob).get("/api/v1/pledge/compliance"), 404)


# Officers


def test_a_coordinator_creates_an_officer_with_put(client_for, alice, agency_a):
    response = put_officer(client_for(alice), "E100", {**OFFICER, "unit": "Night shift"})
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"new": 1, "updated": 0, "unchanged": 0}
    officer = Officer.objects.get(agency=agency_a, employee_id="E100")
    assert (officer.first_name, officer.is_sworn, officer.unit) == ("Ada", True, "Night shift")
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ROSTER_IMPORTED, agency=agency_a
    ).exists()


def test_re_putting_the_same_officer_changes_nothing(client, alice, agency_a):
    secret = secret_for(alice)
    put_officer(client, "E100", OFFICER, headers=bearer(secret))
    before = Officer.objects.get(agency=agency_a, employee_id="E100").updated_at
    response = put_officer(client, "E100", OFFICER, headers=bearer(secret))
    assert response.json()["counts"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert Officer.objects.filter(agency=agency_a).count() == 1
    assert Officer.objects.get(agency=agency_a, employee_id="E100").updated_at == before


def test_putting_changed_fields_updates_the_officer(client_for, alice, agency_a):
    client = client_for(alice)
    put_officer(client, "E100", OFFICER)
    response = put_officer(client, "E100", {**OFFICER, "last_name": "Parker"})
    assert response.json()["counts"]["updated"] == 1
    assert Officer.objects.get(agency=agency_a, employee_id="E100").last_name == "Parker"


def test_a_batch_upserts_officers_and_accepts_file_style_values(client_for, alice, agency_a):
    response = post_officers(
        client_for(alice),
        [
            {**OFFICER, "employee_id": "E1", "hire_date": "03/01/2020"},
            {
                "employee_id": "D1",
                "first_name": "Dee",
                "last_name": "Spatch",
                "is_sworn": "N",
                "role": "Dispatcher",
            },
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["new"] == 2
    dispatcher = Officer.objects.get(agency=agency_a, employee_id="D1")
    assert (dispatcher.is_sworn, dispatcher.role) == (False, "dispatcher")
    hired = Officer.objects.get(agency=agency_a, employee_id="E1").hire_date
    assert hired == datetime.date(2020, 3, 1)


def test_a_bad_row_fails_the_whole_batch_naming_index_and_field(client_for, alice, agency_a):
    response = post_officers(
        client_for(alice),
        [
            {**OFFICER, "employee_id": "E1"},
            {**OFFICER, "employee_id": "E2", "is_sworn": "perhaps"},
            {**OFFICER, "employee_id": "E1"},
        ],
    )
    body = assert_error(response, 422)
    errors = body["extra"]["errors"]
    assert {(e["index"], e["field"]) for e in errors} == {(1, "is_sworn"), (2, "employee_id")}
    assert all(e["message"] for e in errors)
    assert not Officer.objects.filter(agency=agency_a).exists()


def test_a_missing_required_field_is_a_row_error(client_for, alice, agency_a):
    body = assert_error(put_officer(client_for(alice), "E1", {"first_name": "Ada"}), 422)
    assert {e["field"] for e in body["extra"]["errors"]} >= {"last_name", "is_sworn"}
    assert not Officer.objects.exists()


def test_unknown_fields_and_oversized_batches_are_refused(client_for, alice):
    client = client_for(alice)
    assert_error(put_officer(client, "E1", {**OFFICER, "salary": 1}), 422)
    too_many = [{**OFFICER, "employee_id": f"E{n}"} for n in range(1001)]
    body = assert_error(post_officers(client, too_many), 422)
    assert body["extra"]["errors"][0]["field"].startswith("body")
    assert not Officer.objects.exists()


def test_a_member_may_read_but_not_write(client_for, bob, agency_a):
    client = client_for(bob)
    assert client.get("/api/v1/roster/officers").status_code == 200
    assert_error(put_officer(client, "E1", OFFICER), 403)
    assert not Officer.objects.exists()


def test_a_members_token_reads_but_does_not_write(client, bob, agency_a):
    secret = secret_for(bob)
    assert client.get("/api/v1/roster/officers", headers=bearer(secret)).status_code == 200
    assert_error(put_officer(client, "E1", OFFICER, headers=bearer(secret)), 403)
    assert_error(
        put_training(
            client,
            [{"employee_id": "E1", "course": "cit-40", "completed_on": "2025-01-01"}],
            headers=bearer(secret),
        ),
        403,
    )
    assert not Officer.objects.exists()


def test_staff_without_an_agency_cannot_write(client_for, sam):
    assert_error(put_officer(client_for(sam), "E1", OFFICER), 404)


def test_an_invalid_token_answers_401(client, alice):
    assert_error(client.get("/api/v1/roster/officers", headers=bearer("mhr_nope")), 401)


def test_carols_token_never_touches_agency_as_officers(client, alice, carol, agency_a, agency_b):
    put_officer(client, "E1", OFFICER, headers=bearer(secret_for(alice)))
    carol_secret = secret_for(carol)
    listed = client.get("/api/v1/roster/officers", headers=bearer(carol_secret)).json()
    assert listed["total"] == 0
    response = put_officer(
        client, "E1", {**OFFICER, "first_name": "Bea"}, headers=bearer(carol_secret)
    )
    assert response.json()["counts"]["new"] == 1
    assert Officer.objects.get(agency=agency_b, employee_id="E1").first_name == "Bea"
    assert Officer.objects.get(agency=agency_a, employee_id="E1").first_name == "Ada"
    # Training for E1 lands on B's officer, never A's.
    put_training(
        client,
        [{"employee_id": "E1", "course": "cit-40", "completed_on": "2025-01-01"}],
        headers=bearer(carol_secret),
    )
    assert TrainingRecord.objects.filter(agency=agency_b, officer__agency=agency_b).count() == 1
    assert not TrainingRecord.objects.filter(agency=agency_a).exists()


def test_the_officer_list_is_paginated(client_for, alice, agency_a):
    client = client_for(alice)
    post_officers(client, [{**OFFICER, "employee_id": f"E{n:02}"} for n in range(3)])
    body = client.get("/api/v1/roster/officers?per_page=2&page=2").json()
    assert (body["total"], body["num_pages"], body["page"]) == (3, 2, 2)
    assert body["items"] == [
        {
            "employee_id": "E02",
            "first_name": "Ada",
            "last_name": "Park",
            "is_sworn": True,
            "role": "patrol",
            "unit": "",
            "hire_date": None,
            "status": "active",
            "status_since": None,
        }
    ]


@pytest.mark.parametrize("per_page", [1, 50])
def test_the_officer_list_uses_a_constant_number_of_queries(
    per_page, client, alice, agency_a, django_assert_num_queries
):
    secret = secret_for(alice)
    post_officers(
        client, [{**OFFICER, "employee_id": f"E{n:03}"} for n in range(60)], headers=bearer(secret)
    )
    client.get("/api/v1/roster/officers", headers=bearer(secret))  # warm the token's last use
    # Token lookup, membership check, membership, COUNT, page.
    with django_assert_num_queries(5):
        response = client.get(
            f"/api/v1/roster/officers?per_page={per_page}", headers=bearer(secret)
        )
    assert len(response.json()["items"]) == per_page


def test_the_officer_list_query_count_does_not_grow_with_page_size(client_for, alice):
    client = client_for(alice)
    post_officers(client, [{**OFFICER, "employee_id": f"E{n:03}"} for n in range(60)])
    counts = []
    for per_page in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/api/v1/roster/officers?per_page={per_page}")
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Training


def test_training_is_upserted_and_re_putting_it_changes_nothing(client_for, alice, agency_a):
    client = client_for(alice)
    put_officer(client, "E1", OFFICER)
    records = [
        {
            "employee_id": "E1",
            "course": "MHFA for Public Safety",
            "completed_on": "2024-05-01",
            "hours": 8,
            "provider": "State academy",
        }
    ]
    first = put_training(client, records)
    assert first.status_code == 200, first.content
    assert first.json()["counts"] == {"new": 1, "updated": 0, "unchanged": 0}
    record = TrainingRecord.objects.get(agency=agency_a)
    assert record.expires_on == datetime.date(2027, 5, 1)
    assert record.source == TrainingRecord.Source.API
    again = put_training(client, records)
    assert again.json()["counts"] == {"new": 0, "updated": 0, "unchanged": 1}
    changed = put_training(client, [{**records[0], "provider": "County"}])
    assert changed.json()["counts"]["updated"] == 1
    assert TrainingRecord.objects.get(agency=agency_a).provider == "County"


def test_bad_training_rows_are_named_and_nothing_is_saved(client_for, alice, agency_a):
    client = client_for(alice)
    put_officer(client, "E1", OFFICER)
    response = put_training(
        client,
        [
            {"employee_id": "E1", "course": "cit-40", "completed_on": "2024-01-01"},
            {"employee_id": "E1", "course": "juggling", "completed_on": "2024-01-01"},
            {"employee_id": "E1", "course": "crit", "completed_on": "2999-01-01"},
        ],
    )
    body = assert_error(response, 422)
    assert {(e["index"], e["field"]) for e in body["extra"]["errors"]} == {
        (1, "course"),
        (2, "completed_on"),
    }
    assert not TrainingRecord.objects.exists()


def test_training_for_an_unknown_employee_is_refused(client_for, alice, agency_a):
    client = client_for(alice)
    put_officer(client, "E1", OFFICER)
    response = put_training(
        client,
        [
            {"employee_id": "E1", "course": "cit-40", "completed_on": "2024-01-01"},
            {"employee_id": "NOPE", "course": "cit-40", "completed_on": "2024-01-01"},
        ],
    )
    body = assert_error(response, 422)
    assert body["extra"]["errors"] == [
        {
            "index": 1,
            "field": "employee_id",
            "message": "No officer with employee id 'NOPE' is on the roster.",
        }
    ]
    assert not TrainingRecord.objects.exists()


def test_an_empty_training_batch_is_refused(client_for, alice):
    assert_error(put_training(client_for(alice), []), 422)


# OpenAPI


def test_the_openapi_schema_lists_the_campaign_operations(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/pledge"]) == {"get"}
    assert set(paths["/api/v1/pledge/compliance"]) == {"get"}
    assert set(paths["/api/v1/roster/officers"]) == {"get", "post"}
    assert set(paths["/api/v1/roster/officers/{employee_id}"]) == {"put"}
    assert set(paths["/api/v1/training"]) == {"put"}
