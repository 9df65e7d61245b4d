"""API: creating, correcting, listing and reading encounters, idempotent writes, statistics."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mhr.accounts.services import api_token_create
from mhr.api.tests.support import assert_error, bearer
from mhr.audit.models import AuditEvent
from mhr.encounters.api import idempotency_keys_purge
from mhr.encounters.models import Encounter, IdempotentRequest
from mhr.encounters.services import encounter_create
from mhr.encounters.tests.factories import encounter_values

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")

UTC = datetime.UTC
URL = "/api/v1/encounters"


def secret_for(user) -> str:
    _token, secret = api_token_create(user=user, agency=user.membership.agency, name="CAD")
    return secret


def body(**overrides) -> dict:
    data = {
        "incident_number": "25-200001",
        "received_at": "2025-03-14T21:05:00Z",
        "arrived_at": "2025-03-14T21:14:00Z",
        "cleared_at": "2025-03-14T22:09:00Z",
        "call_source": "911",
        "flagged_at_dispatch": True,
        "officers_count": 2,
        "cit_officer_on_scene": True,
        "age_band": "25_34",
        "sex": "female",
        "weapon": "none",
        "force": "none",
        "disposition": "referral",
        "referral_to": "Mobile crisis team",
        "district": "NORTH",
        "person_key": "agency-hash-77",
    }
    data.update(overrides)
    return data


def post(client, data: dict, **headers):
    return client.post(URL, data, content_type="application/json", headers=headers)


def patch(client, number: str, data: dict, **headers):
    return client.patch(f"{URL}/{number}", data, content_type="application/json", headers=headers)


@pytest.fixture
def recorded(agency_a, alice) -> Encounter:
    return encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(incident_number="A-1", person_key="someone"),
    )


# --- create ---------------------------------------------------------------------------------------


def test_a_members_token_records_an_encounter(client, bob, agency_a):
    response = post(client, body(), **bearer(secret_for(bob)))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["incident_number"] == "25-200001"
    assert out["status"] == "complete"
    assert out["source"] == "api"
    assert out["version"] == 1
    assert out["received_date"] == "2025-03-14"  # 14:05 in Washington
    assert out["minutes_on_scene"] == 55
    assert "person_digest" not in out and "person_key" not in out
    encounter = Encounter.objects.get(agency=agency_a, incident_number="25-200001")
    assert encounter.person_digest
    assert encounter.source == Encounter.Source.API
    assert encounter.created_by == bob
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_CREATED, object_id=str(encounter.pk)
    ).exists()


def test_a_time_without_offset_is_read_in_the_agencys_zone(client_for, alice):
    response = post(client_for(alice), body(received_at="2025-03-14T14:05", arrived_at=None))
    assert response.status_code == 201, response.content
    assert response.json()["received_at"].startswith("2025-03-14T21:05:00")


def test_a_draft_needs_only_the_incident_number(client_for, alice):
    response = post(client_for(alice), {"incident_number": "D-1", "status": "draft"})
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["disposition"] == "unknown"


@pytest.mark.parametrize(
    ("overrides", "field", "phrase"),
    [
        ({"disposition": "teleported"}, "disposition", "is not a known code"),
        ({"disposition": None}, "disposition", "Choose the disposition"),
        ({"cleared_at": "2025-03-14T20:00:00Z"}, "cleared_at", "cleared before it was received"),
        ({"received_at": None}, "received_at", "Call received is required"),
        ({"beat": "B" * 30}, "beat", "20"),
    ],
)
def test_a_bad_value_answers_422_naming_the_field(client_for, alice, overrides, field, phrase):
    response = post(client_for(alice), body(**overrides))
    error = assert_error(response, 422)
    assert any(
        phrase in item["message"] and item["field"].endswith(field)
        for item in error["extra"]["errors"]
    ), error
    assert not Encounter.objects.exists()


def test_an_unknown_field_or_wrong_type_is_422(client_for, alice):
    client = client_for(alice)
    unknown = assert_error(post(client, body(name="Jane Doe")), 422)
    assert unknown["extra"]["errors"][0]["field"] == "body.name"
    wrong = assert_error(post(client, body(officers_count="several")), 422)
    assert wrong["extra"]["errors"][0]["field"] == "body.officers_count"
    assert not Encounter.objects.exists()


def test_a_duplicate_incident_number_is_422(client_for, alice, recorded):
    error = assert_error(post(client_for(alice), body(incident_number="A-1")), 422)
    assert error["extra"]["errors"][0]["field"] == "incident_number"
    assert "already recorded" in error["message"]


def test_staff_and_anonymous_callers_cannot_write(client, client_for, sam):
    assert_error(post(client, body()), 401)
    assert_error(post(client_for(sam), body()), 404)
    assert not Encounter.objects.exists()


# --- idempotency ----------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer(client, alice, agency_a):
    auth = bearer(secret_for(alice))
    first = post(client, body(), **auth, **{"Idempotency-Key": "k-1"})
    again = post(client, body(), **auth, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Encounter.objects.filter(agency=agency_a).count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEvent.EventType.ENCOUNTER_CREATED).count() == 1


def test_the_same_key_with_another_body_is_refused(client, alice, agency_a):
    auth = bearer(secret_for(alice))
    post(client, body(), **auth, **{"Idempotency-Key": "k-2"})
    other = post(client, body(incident_number="25-999"), **auth, **{"Idempotency-Key": "k-2"})
    error = assert_error(other, 422)
    assert "already used for a different request" in error["message"]
    assert not Encounter.objects.filter(incident_number="25-999").exists()


def test_key_order_in_the_body_does_not_matter(client_for, alice):
    client = client_for(alice)
    data = body()
    first = post(client, data, **{"Idempotency-Key": "k-3"})
    again = post(client, dict(reversed(list(data.items()))), **{"Idempotency-Key": "k-3"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_a_failed_request_is_not_stored_so_the_key_can_be_reused(client_for, alice):
    client = client_for(alice)
    assert post(client, body(disposition="x"), **{"Idempotency-Key": "k-4"}).status_code == 422
    assert not IdempotentRequest.objects.exists()
    assert post(client, body(), **{"Idempotency-Key": "k-4"}).status_code == 201


def test_keys_are_per_agency(client_for, alice, carol):
    assert post(client_for(alice), body(), **{"Idempotency-Key": "shared"}).status_code == 201
    response = post(client_for(carol), body(), **{"Idempotency-Key": "shared"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Encounter.objects.count() == 2


def test_keys_expire_after_a_day(client_for, alice, agency_a):
    client = client_for(alice)
    post(client, body(), **{"Idempotency-Key": "old"})
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    # Expired: the key is free again, so this is a new request (here a duplicate incident).
    response = post(client, body(), **{"Idempotency-Key": "old"})
    assert_error(response, 422)
    assert not IdempotentRequest.objects.exists()


def test_a_concurrent_twin_replays_the_answer_that_won_the_key(client_for, alice, monkeypatch):
    from mhr.encounters import api

    client = client_for(alice)
    first = post(client, body(), **{"Idempotency-Key": "race"})
    # The twin looked before the winner committed: it sees no key, then loses on the constraint.
    real_stored = api._stored
    calls = []

    def not_yet(agency, key):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(agency, key)

    monkeypatch.setattr(api, "_stored", not_yet)
    twin = post(client, body(), **{"Idempotency-Key": "race"})
    assert twin.status_code == 201
    assert twin["Idempotent-Replayed"] == "true"
    assert twin.json() == first.json()
    assert Encounter.objects.count() == 1
    assert len(calls) == 2


def test_the_purge_forgets_only_expired_keys(agency_a):
    now = timezone.now()
    IdempotentRequest.objects.create(
        agency=agency_a, key="new", request_digest="x", status_code=201
    )
    IdempotentRequest.objects.create(
        agency=agency_a,
        key="old",
        request_digest="x",
        status_code=201,
        created_at=now - datetime.timedelta(hours=24, minutes=1),
    )
    assert idempotency_keys_purge(now=now) == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


def test_a_key_that_is_too_long_is_refused(client_for, alice):
    response = post(client_for(alice), body(), **{"Idempotency-Key": "k" * 201})
    assert assert_error(response, 422)["extra"]["errors"][0]["field"] == "Idempotency-Key"
    assert not Encounter.objects.exists()


def test_a_patch_retry_is_replayed_too(client_for, alice, recorded):
    client = client_for(alice)
    data = {"disposition": "arrest", "reason": "Review", "version": 1}
    first = patch(client, "A-1", data, **{"Idempotency-Key": "p-1"})
    again = patch(client, "A-1", data, **{"Idempotency-Key": "p-1"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    recorded.refresh_from_db()
    assert recorded.version == 2
    assert recorded.revisions.count() == 2


# --- update ---------------------------------------------------------------------------------------


def test_a_correction_with_a_reason_is_kept_in_the_history(client, bob, recorded):
    response = patch(
        client,
        "A-1",
        {"disposition": "arrest", "reason": "Supervisor review"},
        **bearer(secret_for(bob)),
    )
    assert response.status_code == 200, response.content
    assert response.json()["disposition"] == "arrest"
    assert response.json()["version"] == 2
    revision = recorded.revisions.order_by("-number").first()
    assert revision.reason == "Supervisor review"
    assert revision.changes == {"disposition": ["voluntary_transport", "arrest"]}
    assert revision.source == Encounter.Source.API


def test_a_correction_without_a_reason_is_422(client_for, alice, recorded):
    error = assert_error(patch(client_for(alice), "A-1", {"disposition": "arrest"}), 422)
    assert error["extra"]["errors"][0]["field"] == "reason"
    recorded.refresh_from_db()
    assert recorded.disposition == "voluntary_transport"


def test_a_stale_version_is_409(client_for, alice, recorded):
    client = client_for(alice)
    assert patch(client, "A-1", {"beat": "N9", "reason": "Beat", "version": 1}).status_code == 200
    error = assert_error(
        patch(client, "A-1", {"disposition": "arrest", "reason": "Late", "version": 1}), 409
    )
    assert "Someone else changed this record" in error["message"]


def test_a_draft_is_finished_through_the_api(client_for, alice):
    client = client_for(alice)
    post(client, {"incident_number": "D-2", "status": "draft"})
    incomplete = assert_error(patch(client, "D-2", {"status": "complete"}), 422)
    assert {e["field"] for e in incomplete["extra"]["errors"]} >= {"received_at", "disposition"}
    done = patch(client, "D-2", {**body(incident_number="D-2"), "status": "complete"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "complete"


def test_a_bad_value_in_a_patch_is_422_and_changes_nothing(client_for, alice, recorded):
    error = assert_error(patch(client_for(alice), "A-1", {"sex": "robot", "reason": "Fix"}), 422)
    assert error["extra"]["errors"][0]["field"] == "sex"
    recorded.refresh_from_db()
    assert recorded.version == 1


# --- reads ----------------------------------------------------------------------------------------


def test_it_reads_one_encounter_and_audits_it(client_for, bob, recorded):
    response = client_for(bob).get(f"{URL}/A-1")
    assert response.status_code == 200
    out = response.json()
    assert out["incident_number"] == "A-1"
    assert out["received_at"].startswith("2025-03-14T21:05:00")
    assert "person_digest" not in out
    assert recorded.person_digest not in response.content.decode()
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, object_id=str(recorded.pk)
    ).exists()


def test_carols_token_gets_404_for_agency_as_incidents(client, carol, recorded):
    auth = bearer(secret_for(carol))
    assert_error(client.get(f"{URL}/A-1", headers=auth), 404)
    assert_error(patch(client, "A-1", {"beat": "X", "reason": "Mine now"}, **auth), 404)
    recorded.refresh_from_db()
    assert recorded.beat == "N2"
    listed = client.get(URL, headers=auth).json()
    assert listed["total"] == 0
    # Carol may use the same incident number in her own agency.
    assert post(client, body(incident_number="A-1"), **auth).status_code == 201


def test_the_list_pages_and_filters_with_constant_queries(client_for, alice, agency_a):
    client = client_for(alice)

    def make(count: int, start=datetime.datetime(2025, 4, 3, 18, tzinfo=UTC), **overrides):
        for index in range(count):
            encounter_create(
                agency=agency_a,
                actor=alice,
                values=encounter_values(
                    received_at=start + datetime.timedelta(hours=index), **overrides
                ),
            )

    make(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    make(24)
    make(2, start=datetime.datetime(2025, 5, 3, 18, tzinfo=UTC), disposition="arrest")
    encounter_create(
        agency=agency_a, actor=alice, values={"incident_number": "D-1"}, status="draft"
    )
    with CaptureQueriesContext(connection) as many:
        first = client.get(URL, {"per_page": 10})
    assert len(many) == len(one)
    page = first.json()
    assert (page["total"], page["num_pages"], len(page["items"])) == (28, 3, 10)
    last = client.get(URL, {"per_page": 10, "page": 3}).json()
    assert len(last["items"]) == 8
    assert client.get(URL, {"month": "2025-05"}).json()["total"] == 2
    assert client.get(URL, {"disposition": "arrest"}).json()["total"] == 2
    assert client.get(URL, {"status": "draft"}).json()["total"] == 1
    assert client.get(URL, {"received_from": "2025-05-01"}).json()["total"] == 2
    assert client.get(URL, {"received_to": "2025-04-30"}).json()["total"] == 25
    assert_error(client.get(URL, {"month": "2025-13"}), 422)
    assert_error(client.get(URL, {"per_page": 1000}), 422)


def test_stats_count_complete_records_of_the_period(client_for, bob, agency_a, alice):
    for disposition in ("arrest", "referral", "referral"):
        encounter_create(
            agency=agency_a, actor=alice, values=encounter_values(disposition=disposition)
        )
    encounter_create(
        agency=agency_a, actor=alice, values={"incident_number": "D-1"}, status="draft"
    )
    response = client_for(bob).get(f"{URL}/stats", {"from": "2025-03-01", "to": "2025-03-31"})
    assert response.status_code == 200, response.content
    numbers = response.json()
    assert numbers["total"] == 3
    assert numbers["arrests"] == 1
    assert "person_digest" not in response.content.decode()
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, extra__screen="statistics"
    ).exists()


def test_stats_refuse_a_bad_period_or_filter(client_for, bob):
    client = client_for(bob)
    assert_error(client.get(f"{URL}/stats", {"from": "2025-03-31", "to": "2025-03-01"}), 422)
    assert_error(client.get(f"{URL}/stats", {"to": "2025-03-01"}), 422)
    assert_error(
        client.get(
            f"{URL}/stats", {"from": "2025-03-01", "to": "2025-03-31", "call_source": "pigeon"}
        ),
        422,
    )


def test_stats_of_another_agency_are_never_mixed_in(client_for, carol, agency_a, alice):
    encounter_create(agency=agency_a, actor=alice, values=encounter_values())
    response = client_for(carol).get(f"{URL}/stats", {"from": "2025-03-01", "to": "2025-03-31"})
    assert response.status_code == 200
    assert response.json()["total"] == 0


@pytest.mark.skipif(
    not connection.vendor == "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_racing_twins_save_one_record_on_postgresql(alice, agency_a, monkeypatch):
    import threading

    from django.db import connections
    from django.test import Client

    from mhr.encounters import api

    secret = secret_for(alice)
    # Both twins look for the key before either has claimed it.
    barrier = threading.Barrier(2, timeout=10)
    real_stored = api._stored

    def racing_stored(agency, key):
        found = real_stored(agency, key)
        if threading.current_thread() is not threading.main_thread() and found is None:
            barrier.wait()  # a broken barrier fails the twin, and so the test
        return found

    monkeypatch.setattr(api, "_stored", racing_stored)
    answers: list = []

    def send() -> None:
        try:
            response = post(Client(), body(), **bearer(secret), **{"Idempotency-Key": "twin"})
            answers.append(response)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.status_code for r in answers) == [201, 201]
    assert [r.has_header("Idempotent-Replayed") for r in answers].count(True) == 1
    assert answers[0].json() == answers[1].json()
    assert Encounter.objects.filter(agency=agency_a).count() == 1
    assert IdempotentRequest.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    [
        {"month": "0000-01"},
        {"received_from": "0000-01-01"},
    ],
)
def test_the_list_refuses_dates_outside_the_calendar(client_for, bob, query):
    assert_error(client_for(bob).get(URL, query), 422)


def test_the_list_accepts_the_last_month_of_the_calendar(client_for, bob):
    assert client_for(bob).get(URL, {"month": "9999-12"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0001-01-01"), ("2025-01-01", "9999-12-31")]
)
def test_stats_refuse_implausible_periods(client_for, bob, start, end):
    assert_error(client_for(bob).get(f"{URL}/stats", {"from": start, "to": end}), 422)


def test_an_implausible_time_is_422_not_a_crash(client_for, alice):
    response = post(client_for(alice), body(received_at="0001-01-01T00:00:00+05:00"))
    assert assert_error(response, 422)["extra"]["errors"][0]["field"] == "received_at"
    assert not Encounter.objects.exists()
