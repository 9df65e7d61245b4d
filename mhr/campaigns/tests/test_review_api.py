"""The review API: association reviewers list the queue, read a pledge's review and decide it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.accounts.services import api_token_create
from mhr.api.tests.support import assert_error, bearer
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Partnership, Pledge, PracticeDecision
from mhr.campaigns.services.review import (
    PRACTICE_DECIDED,
    RETURN_NEEDS_COMMENT,
    UNMET_APPROVAL_NEEDS_COMMENT,
    practice_decide,
)
from mhr.campaigns.tests.reviewdata import NOW, PRACTICES, make_compliant, make_pledge, submit
from mhr.campaigns.tests.test_review_views import make_agencies, submitted_in_bulk

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")

Status = Pledge.Status
STATUS_CHANGED = AuditEvent.EventType.PLEDGE_STATUS_CHANGED
QUEUE = "/api/v1/review/pledges"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def submitted(one_mind, agency_a, alice):
    make_compliant(agency_a, alice)
    return submit(make_pledge(agency_a, one_mind, alice), alice)


def review_url(pledge_or_id) -> str:
    return f"{QUEUE}/{getattr(pledge_or_id, 'pk', pledge_or_id)}"


def decide(client, pledge, key, body, **kwargs):
    return client.put(
        f"{review_url(pledge)}/practices/{key}/decision",
        body,
        content_type="application/json",
        **kwargs,
    )


def finish(client, pledge, decisions, **kwargs):
    return client.post(
        f"{review_url(pledge)}/round",
        {"decisions": decisions},
        content_type="application/json",
        **kwargs,
    )


def approve_all(keys=PRACTICES):
    return [{"practice": key, "decision": "approved"} for key in keys]


# --- who may call it -------------------------------------------------------------------------------


def _every_operation(client, pledge_id, **kwargs):
    yield client.get(QUEUE, **kwargs)
    yield client.get(review_url(pledge_id), **kwargs)
    yield decide(client, pledge_id, "policy", {"decision": "approved"}, **kwargs)
    yield finish(client, pledge_id, approve_all(), **kwargs)


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "editor"])
def test_non_reviewers_get_403_before_any_lookup(submitted, who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    # A real pledge and a missing one answer the same, so ids reveal nothing.
    for pledge_id in (submitted.pk, submitted.pk + 1000):
        for response in _every_operation(client, pledge_id):
            body = assert_error(response, 403)
            assert body["message"] == "Only association reviewers can review pledges."
    assert not PracticeDecision.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_agency_tokens_get_403_whoever_holds_them(submitted, who, request, client):
    user = request.getfixturevalue(who)
    _token, secret = api_token_create(user=user, agency=user.membership.agency, name="RMS")
    for pledge_id in (submitted.pk, submitted.pk + 1000):
        for response in _every_operation(client, pledge_id, headers=bearer(secret)):
            body = assert_error(response, 403)
            assert "API tokens act for an agency" in body["message"]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not PracticeDecision.objects.exists()


def test_anonymous_callers_get_401(submitted, client):
    for response in _every_operation(client, submitted.pk):
        assert_error(response, 401)


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_lists_submitted_pledges_with_their_progress(submitted, reviewer, client_for):
    practice_decide(
        pledge=submitted,
        requirement_key="policy",
        decision="approved",
        comment="",
        reviewer=reviewer,
    )
    response = client_for(reviewer).get(QUEUE)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["page"] == 1 and body["num_pages"] == 1
    assert body["counts"] == {"submitted": 1}
    [item] = body["items"]
    assert item["id"] == submitted.pk
    assert item["agency"] == {"name": submitted.agency.name, "ori": submitted.agency.ori}
    assert item["status"] == "submitted"
    assert item["decided_count"] == 1
    assert item["practice_count"] == 4
    assert item["review_url"] == f"/staff/pledges/{submitted.pk}/"


def test_the_queue_filters_by_status(submitted, one_mind, agency_b, carol, reviewer, client_for):
    make_pledge(agency_b, one_mind, carol)  # pledged: not in the default queue
    client = client_for(reviewer)
    assert [i["id"] for i in client.get(QUEUE).json()["items"]] == [submitted.pk]
    assert client.get(QUEUE, {"status": "recognized"}).json()["items"] == []
    everything = client.get(QUEUE, {"status": "all"}).json()
    assert everything["total"] == 2
    assert everything["counts"] == {"submitted": 1, "pledged": 1}
    body = assert_error(client.get(QUEUE, {"status": "approved"}), 422)
    assert body["extra"]["errors"][0]["field"] == "query.status"


def test_the_queue_pages_longest_waiting_first_and_past_the_end_is_empty(
    one_mind, reviewer, client_for
):
    start = NOW - datetime.timedelta(days=30)
    pledges = submitted_in_bulk(one_mind, make_agencies(5), start=start)
    client = client_for(reviewer)
    first = client.get(QUEUE, {"per_page": 2}).json()
    assert [i["id"] for i in first["items"]] == [p.pk for p in pledges[:2]]
    assert first["total"] == 5 and first["num_pages"] == 3
    last = client.get(QUEUE, {"per_page": 2, "page": 3}).json()
    assert [i["id"] for i in last["items"]] == [pledges[4].pk]
    assert client.get(QUEUE, {"per_page": 2, "page": 4}).json()["items"] == []
    assert_error(client.get(QUEUE, {"per_page": 101}), 422)


def test_the_queue_costs_the_same_queries_whatever_the_page_size(one_mind, reviewer, client_for):
    start = NOW - datetime.timedelta(days=30)
    submitted_in_bulk(one_mind, make_agencies(3, prefix="TX"), start=start)
    client = client_for(reviewer)
    client.get(QUEUE)  # session and throttle set-up out of the count

    def count(per_page):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, {"per_page": per_page})
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    small = count(2)
    submitted_in_bulk(one_mind, make_agencies(30, prefix="OR"), start=start)
    large = count(30)
    assert small[1] == 2 and large[1] == 30
    assert small[0] == large[0]


# --- one pledge's review --------------------------------------------------------------------------


def test_the_review_gives_practices_numbers_and_evidence(submitted, reviewer, client_for):
    practice_decide(
        pledge=submitted,
        requirement_key="cit-coverage",
        decision="approved",
        comment="Rosters match.",
        reviewer=reviewer,
    )
    response = client_for(reviewer).get(review_url(submitted))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted" and body["can_decide"] is True
    assert body["round"] == 1
    assert body["decided_count"] == 1 and body["practice_count"] == 4
    assert body["met"] is True
    practices = {p["key"]: p for p in body["practices"]}
    assert list(practices) == list(PRACTICES)
    cit = practices["cit-coverage"]
    assert cit["engine"]["numerator"] == 2 and cit["engine"]["denominator"] == 10
    assert cit["engine"]["percent"] == 20.0 and cit["engine"]["met"] is True
    assert cit["decision"]["decision"] == "approved"
    assert cit["decision"]["comment"] == "Rosters match."
    assert cit["decision"]["reviewer"] == reviewer.email
    assert practices["policy"]["decision"] is None
    [partnership] = body["evidence"]["partnerships"]
    stored = Partnership.objects.get(agency=submitted.agency)
    assert partnership["organization_name"] == "Riverside Crisis Center"
    assert partnership["confirmed_by_partner"] is False
    assert partnership["document_url"] == (
        f"/staff/pledges/{submitted.pk}/partnerships/{stored.pk}/document/"
    )
    [policy] = body["evidence"]["policies"]
    assert sorted(policy["elements_covered"]) == ["de_escalation", "transport"]
    assert policy["element_count"] == 10
    assert body["earlier_rounds"] == []


def test_the_review_of_a_finished_round_lists_it_as_earlier(submitted, reviewer, client_for):
    for key in PRACTICES:
        practice_decide(
            pledge=submitted,
            requirement_key=key,
            decision="approved",
            comment="",
            reviewer=reviewer,
        )
    body = client_for(reviewer).get(review_url(submitted)).json()
    assert body["status"] == "recognized" and body["can_decide"] is False
    assert body["round"] is None and body["decided_count"] == 0
    [earlier] = body["earlier_rounds"]
    assert earlier["round"] == 1
    assert [d["practice"] for d in earlier["decisions"]] == list(PRACTICES)


def test_a_decision_stored_without_numbers_is_shown_without_them(submitted, reviewer, client_for):
    PracticeDecision.objects.create(
        pledge=submitted,
        submitted_at=submitted.status_changed_at,
        requirement_key="policy",
        requirement_title="Policy on responding to people in crisis",
        decision=PracticeDecision.Decision.APPROVED,
    )
    response = client_for(reviewer).get(review_url(submitted))
    assert response.status_code == 200, response.content
    policy = next(p for p in response.json()["practices"] if p["key"] == "policy")
    assert policy["decision"]["engine"] is None
    assert policy["engine"]["met"] is True


def test_a_missing_pledge_answers_404(reviewer, client_for, db):
    body = assert_error(client_for(reviewer).get(review_url(999_999)), 404)
    assert body["message"] == "No pledge with this id."


# --- deciding a practice --------------------------------------------------------------------------


def test_a_decision_is_saved_through_the_service_with_its_audit_row(
    submitted, reviewer, client_for
):
    response = decide(
        client_for(reviewer),
        submitted,
        "policy",
        {"decision": "returned", "comment": "Cite pages."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["completed"] is False and body["pledge_status"] == "submitted"
    assert body["decided_count"] == 1 and body["practice_count"] == 4
    assert body["decision"]["decision"] == "returned"
    assert body["decision"]["engine"]["met"] is True
    decision = PracticeDecision.objects.get(pledge=submitted)
    assert decision.requirement_key == "policy" and decision.reviewer == reviewer
    event = AuditEvent.objects.get(event_type=PRACTICE_DECIDED)
    assert event.actor == reviewer and event.agency == submitted.agency
    assert event.extra["decision"] == "returned" and event.extra["comment"] == "Cite pages."


def test_the_last_decision_finishes_the_round_and_emails_the_agency(
    submitted, reviewer, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(reviewer)
    for key in PRACTICES[:-1]:
        assert decide(client, submitted, key, {"decision": "approved"}).json()["completed"] is False
    assert not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, submitted, PRACTICES[-1], {"decision": "approved"})
    body = response.json()
    assert body["completed"] is True and body["pledge_status"] == "recognized"
    assert body["decided_count"] == 4
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOGNIZED and submitted.recognized_on == NOW.date()
    event = AuditEvent.objects.get(event_type=STATUS_CHANGED, extra__to="recognized")
    assert event.actor == reviewer
    assert event.extra["comment"] == "All 4 practices approved after review."
    assert any("recognized" in message.subject.lower() for message in mailoutbox)


def test_a_return_needs_a_comment(submitted, reviewer, client_for):
    response = decide(client_for(reviewer), submitted, "policy", {"decision": "returned"})
    body = assert_error(response, 422)
    assert body["message"] == RETURN_NEEDS_COMMENT
    assert body["extra"]["errors"] == [{"field": "body.comment", "message": RETURN_NEEDS_COMMENT}]
    assert not PracticeDecision.objects.exists()
    assert not AuditEvent.objects.filter(event_type=PRACTICE_DECIDED).exists()


def test_approving_an_unmet_practice_needs_a_comment(
    one_mind, agency_a, alice, reviewer, client_for
):
    pledge = submit(make_pledge(agency_a, one_mind, alice), alice)  # no evidence: all unmet
    client = client_for(reviewer)
    body = assert_error(decide(client, pledge, "partnership", {"decision": "approved"}), 422)
    assert body["extra"]["errors"][0]["message"] == UNMET_APPROVAL_NEEDS_COMMENT
    response = decide(
        client, pledge, "partnership", {"decision": "approved", "comment": "MOU seen on paper."}
    )
    assert response.status_code == 200
    assert response.json()["decision"]["engine"]["met"] is False


def test_an_unknown_practice_answers_404(submitted, reviewer, client_for):
    body = assert_error(
        decide(client_for(reviewer), submitted, "no-such-practice", {"decision": "approved"}), 404
    )
    assert "no-such-practice" in body["message"]
    assert not PracticeDecision.objects.exists()


@pytest.mark.parametrize("status", [Status.PLEDGED, Status.IN_PROGRESS, Status.RETURNED])
def test_a_pledge_that_is_not_submitted_answers_409(
    status, one_mind, agency_a, alice, reviewer, client_for
):
    pledge = make_pledge(agency_a, one_mind, alice)
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    client = client_for(reviewer)
    body = assert_error(decide(client, pledge, "policy", {"decision": "approved"}), 409)
    assert "only pledges submitted for recognition are reviewed" in body["message"]
    assert_error(finish(client, pledge, approve_all()), 409)
    assert not PracticeDecision.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "body.decision"),
        ({}, "body.decision"),
        ({"decision": "approved", "comment": "x" * 4001}, "body.comment"),
        ({"decision": "approved", "status": "recognized"}, "body.status"),
    ],
)
def test_a_bad_body_answers_422(submitted, reviewer, client_for, body, field):
    response = decide(client_for(reviewer), submitted, "policy", body)
    errors = assert_error(response, 422)["extra"]["errors"]
    assert errors[0]["field"] == field
    assert not PracticeDecision.objects.exists()


# --- finishing the round in one request ----------------------------------------------------------


def test_the_round_is_finished_in_one_request(
    submitted, reviewer, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    decisions = approve_all(PRACTICES[:-1]) + [
        {"practice": PRACTICES[-1], "decision": "returned", "comment": "Train the dispatchers."}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = finish(client_for(reviewer), submitted, decisions)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pledge_status"] == "returned"
    assert [d["practice"] for d in body["decisions"]] == list(PRACTICES)
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert PracticeDecision.objects.filter(pledge=submitted).count() == 4
    assert AuditEvent.objects.filter(event_type=PRACTICE_DECIDED).count() == 4
    event = AuditEvent.objects.get(event_type=STATUS_CHANGED, extra__to="returned")
    assert event.actor == reviewer
    assert len(mailoutbox) >= 1


def test_the_round_counts_decisions_already_made(submitted, reviewer, client_for):
    client = client_for(reviewer)
    decide(client, submitted, "policy", {"decision": "approved"})
    response = finish(client, submitted, approve_all(PRACTICES[:1] + PRACTICES[2:]))
    assert response.status_code == 200, response.content
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOGNIZED


def test_the_round_may_change_a_decision_already_made(submitted, reviewer, client_for):
    client = client_for(reviewer)
    decide(client, submitted, "policy", {"decision": "approved"})
    # "policy" comes last in the request, after the practice that finishes the round.
    decisions = approve_all(["partnership", "cit-coverage", "mhfa-remaining"]) + [
        {"practice": "policy", "decision": "returned", "comment": "Cite the transport pages."}
    ]
    response = finish(client, submitted, decisions)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [d["practice"] for d in body["decisions"]] == [d["practice"] for d in decisions]
    assert body["pledge_status"] == "returned"
    assert PracticeDecision.objects.get(pledge=submitted, requirement_key="policy").comment == (
        "Cite the transport pages."
    )


def test_one_bad_decision_saves_nothing_of_the_round(
    submitted, reviewer, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    decisions = approve_all(PRACTICES[:-1]) + [{"practice": PRACTICES[-1], "decision": "returned"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = finish(client_for(reviewer), submitted, decisions)
    body = assert_error(response, 422)
    assert body["extra"]["errors"] == [
        {"index": 3, "field": "body.comment", "message": RETURN_NEEDS_COMMENT}
    ]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not PracticeDecision.objects.exists()
    assert not AuditEvent.objects.filter(event_type=PRACTICE_DECIDED).exists()
    assert not AuditEvent.objects.filter(
        event_type=STATUS_CHANGED, extra__to__in=["recognized", "returned"]
    ).exists()
    assert not mailoutbox


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        (approve_all(PRACTICES[:2]), "still undecided: cit-coverage, mhfa-remaining."),
        (approve_all() + approve_all(["policy"]), "“policy” is decided twice: at 1 and 4."),
        (approve_all() + approve_all(["unheard-of"]), "“unheard-of” is not a practice"),
    ],
)
def test_a_round_that_would_not_finish_is_refused(
    submitted, reviewer, client_for, decisions, message
):
    body = assert_error(finish(client_for(reviewer), submitted, decisions), 422)
    assert any(message in error["message"] for error in body["extra"]["errors"]), body
    assert not PracticeDecision.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_an_empty_round_answers_422(submitted, reviewer, client_for):
    body = assert_error(finish(client_for(reviewer), submitted, []), 422)
    assert body["extra"]["errors"][0]["field"] == "body.decisions"
