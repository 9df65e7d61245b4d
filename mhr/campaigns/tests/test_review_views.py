"""The reviewers' screens at /staff/pledges/ and the agency's view of the decisions."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Partnership, Pledge, PolicyDocument, PracticeDecision
from mhr.campaigns.services.review import REVIEW_DOCUMENT_OPENED, practice_decide
from mhr.campaigns.tests.reviewdata import NOW, PRACTICES, make_compliant, make_pledge, submit

Status = Pledge.Status


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def submitted(one_mind, agency_a, alice):
    make_compliant(agency_a, alice)
    return submit(make_pledge(agency_a, one_mind, alice), alice)


def decision_url(pledge, key):
    return f"/staff/pledges/{pledge.pk}/practices/{key}/decision/"


def make_agencies(n, *, prefix="TX"):
    return Agency.objects.bulk_create(
        Agency(name=f"Town {i} Police", ori=f"{prefix}{i:07d}", state=prefix, agency_type="city")
        for i in range(n)
    )


def submitted_in_bulk(one_mind, agencies, *, start):
    """Submitted pledges straight into the table, one hour apart from `start`."""
    version = one_mind.rule_versions.get(code="current")
    return Pledge.objects.bulk_create(
        Pledge(
            agency=agency,
            campaign=one_mind,
            rule_version=version,
            agency_head_name="Chief",
            agency_head_title="Chief",
            signed_on=datetime.date(2025, 1, 1),
            contact_name="C",
            contact_email="c@town.example",
            target_completion_on=datetime.date(2027, 1, 1),
            status=Status.SUBMITTED,
            status_changed_at=start + datetime.timedelta(hours=i),
        )
        for i, agency in enumerate(agencies)
    )


# --- who may see the screens ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "editor"])
def test_non_reviewers_get_403_on_every_screen(submitted, who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    partnership = Partnership.objects.get(agency=submitted.agency)
    policy = PolicyDocument.objects.get(agency=submitted.agency)
    base = f"/staff/pledges/{submitted.pk}"
    for url in (
        "/staff/pledges/",
        f"{base}/",
        f"{base}/partnerships/{partnership.pk}/document/",
        f"{base}/policies/{policy.pk}/document/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(decision_url(submitted, "policy"), {"policy-decision": "approved"})
    assert response.status_code == 403
    assert not PracticeDecision.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(submitted, client):
    response = client.get(f"/staff/pledges/{submitted.pk}/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_carol_gets_the_same_403_for_her_own_agencys_pledge(one_mind, agency_b, carol, client_for):
    pledge = submit(make_pledge(agency_b, one_mind, carol), carol)
    assert client_for(carol).get(f"/staff/pledges/{pledge.pk}/").status_code == 403


def test_a_document_of_another_agency_is_404_under_this_pledge(
    submitted, one_mind, agency_b, carol, reviewer, client_for
):
    make_compliant(agency_b, carol)
    foreign = Partnership.objects.get(agency=agency_b)
    foreign_policy = PolicyDocument.objects.get(agency=agency_b)
    client = client_for(reviewer)
    base = f"/staff/pledges/{submitted.pk}"
    assert client.get(f"{base}/partnerships/{foreign.pk}/document/").status_code == 404
    assert client.get(f"{base}/policies/{foreign_policy.pk}/document/").status_code == 404
    assert client.get("/staff/pledges/999999/").status_code == 404


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_lists_submitted_pledges_longest_waiting_first(one_mind, reviewer, client_for):
    agencies = make_agencies(3)
    start = NOW - datetime.timedelta(days=5)
    pledges = submitted_in_bulk(one_mind, agencies, start=start)
    # The newest agency in the table was submitted first.
    Pledge.objects.filter(pk=pledges[2].pk).update(
        status_changed_at=start - datetime.timedelta(days=1)
    )
    Pledge.objects.filter(pk=pledges[1].pk).update(status=Status.RETURNED)
    html = client_for(reviewer).get("/staff/pledges/").content.decode()
    assert html.index("Town 2 Police") < html.index("Town 0 Police")
    assert "Town 1 Police" not in html
    assert "Submitted for recognition (2)" in html
    assert "Returned for changes (1)" in html
    assert "0 of 4" in html


def test_the_queue_filters_by_status_and_falls_back_on_unknown_ones(one_mind, reviewer, client_for):
    pledges = submitted_in_bulk(one_mind, make_agencies(2), start=NOW - datetime.timedelta(days=2))
    Pledge.objects.filter(pk=pledges[0].pk).update(status=Status.LAPSED)
    client = client_for(reviewer)
    lapsed = client.get("/staff/pledges/?status=lapsed").content.decode()
    assert "Town 0 Police" in lapsed and "Town 1 Police" not in lapsed
    everything = client.get("/staff/pledges/?status=all").content.decode()
    assert "Town 0 Police" in everything and "Town 1 Police" in everything
    fallback = client.get("/staff/pledges/?status=nonsense&page=abc&per_page=x")
    assert fallback.status_code == 200
    html = fallback.content.decode()
    assert "Town 1 Police" in html and "Town 0 Police" not in html


def test_the_queue_paginates(one_mind, reviewer, client_for):
    submitted_in_bulk(one_mind, make_agencies(5), start=NOW - datetime.timedelta(days=2))
    html = client_for(reviewer).get("/staff/pledges/?per_page=2&page=2").content.decode()
    assert "Town 2 Police" in html and "Town 3 Police" in html
    assert "Town 1 Police" not in html and "Town 4 Police" not in html
    assert "Page 2 of 3" in html


def test_the_queue_takes_the_same_number_of_queries_for_3_or_60_pledges(
    one_mind, reviewer, client_for
):
    client = client_for(reviewer)
    submitted_in_bulk(one_mind, make_agencies(3), start=NOW - datetime.timedelta(days=9))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/pledges/?per_page=100").status_code == 200
        return len(queries)

    small = count()
    pledges = submitted_in_bulk(
        one_mind, make_agencies(57, prefix="NM"), start=NOW - datetime.timedelta(days=8)
    )
    PracticeDecision.objects.bulk_create(
        PracticeDecision(
            pledge=pledge,
            submitted_at=pledge.status_changed_at,
            requirement_key="policy",
            requirement_title="Policy",
            decision="approved",
        )
        for pledge in pledges
    )
    large = count()
    assert small == large
    html = client.get("/staff/pledges/?per_page=100").content.decode()
    assert html.count(">1 of 4<") == 57 and html.count(">0 of 4<") == 3
    assert large == 8, "session, user, membership, status counts, ids, rows, decisions, practices"


# --- the review page -----------------------------------------------------------------------------


def test_the_review_page_shows_the_evidence_and_the_numbers(submitted, reviewer, client_for):
    html = client_for(reviewer).get(f"/staff/pledges/{submitted.pk}/").content.decode()
    partnership = Partnership.objects.get(agency=submitted.agency)
    policy = PolicyDocument.objects.get(agency=submitted.agency)
    assert "Riverside Crisis Center" in html
    assert f"/staff/pledges/{submitted.pk}/partnerships/{partnership.pk}/document/" in html
    assert f"/staff/pledges/{submitted.pk}/policies/{policy.pk}/document/" in html
    assert "General Order 410: people in crisis" in html
    assert '<th scope="row">De-escalation</th><td>pp. 4–6</td>' in html
    assert '<th scope="row">Dispatch protocol</th><td>Not covered</td>' in html
    assert "Chief Ada Park, Chief of Police" in html
    assert "June 1, 2025" in html and "June 1, 2027" in html
    assert (
        "2 of 10 active sworn officers (20.0%) hold an accepted course; the rule needs 2." in html
    )
    assert "Submission 1: 0 of 4 practices decided" in html
    assert html.count('type="radio"') == 8
    assert html.count("<h1") == 1


def test_a_pledge_not_submitted_is_shown_without_forms(
    one_mind, agency_a, alice, reviewer, client_for
):
    pledge = make_pledge(agency_a, one_mind, alice)
    html = client_for(reviewer).get(f"/staff/pledges/{pledge.pk}/").content.decode()
    assert "there is nothing to decide" in html
    assert 'type="radio"' not in html
    response = client_for(reviewer).post(
        decision_url(pledge, "policy"), {"policy-decision": "approved", "policy-comment": "ok"}
    )
    assert response.status_code == 400
    assert "only pledges submitted for recognition are reviewed" in response.content.decode()


def test_a_reviewer_approves_a_practice_without_javascript(submitted, reviewer, client_for):
    response = client_for(reviewer).post(
        decision_url(submitted, "policy"), {"policy-decision": "approved", "policy-comment": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/pledges/{submitted.pk}/#practice-policy"
    decision = PracticeDecision.objects.get(pledge=submitted)
    assert (decision.requirement_key, decision.decision, decision.reviewer) == (
        "policy",
        "approved",
        reviewer,
    )
    html = client_for(reviewer).get(response["Location"]).content.decode()
    assert "Submission 1: 1 of 4 practices decided" in html
    assert "“Policy on responding to people in crisis” approved." in html


def test_a_return_without_a_comment_is_shown_with_an_error_summary(submitted, reviewer, client_for):
    response = client_for(reviewer).post(
        decision_url(submitted, "policy"), {"policy-decision": "returned", "policy-comment": " "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The decision was not saved" in html
    assert 'href="#id_policy-comment"' in html
    assert 'id="id_policy-comment"' in html
    assert 'aria-invalid="true"' in html
    assert not PracticeDecision.objects.exists()


def test_a_missing_decision_is_named(submitted, reviewer, client_for):
    response = client_for(reviewer).post(decision_url(submitted, "policy"), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose whether to approve or return this practice." in html
    assert 'href="#id_policy-decision_0"' in html


def test_an_unknown_practice_is_404(submitted, reviewer, client_for):
    response = client_for(reviewer).post(
        decision_url(submitted, "mhfa-coverage"), {"mhfa-coverage-decision": "approved"}
    )
    assert response.status_code == 404


def test_decision_only_accepts_post(submitted, reviewer, client_for):
    assert client_for(reviewer).get(decision_url(submitted, "policy")).status_code == 405


def test_the_last_decision_moves_the_pledge_and_returns_to_the_queue(submitted, sam, client_for):
    client = client_for(sam)
    for key in PRACTICES:
        data = {f"{key}-decision": "approved", f"{key}-comment": ""}
        if key == "partnership":
            data = {f"{key}-decision": "returned", f"{key}-comment": "The MOU has expired."}
        response = client.post(decision_url(submitted, key), data)
    assert response["Location"] == "/staff/pledges/"
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    html = client.get("/staff/pledges/").content.decode()
    assert "pledge is now returned for changes" in html


def test_a_reviewer_downloads_the_evidence_and_it_is_audited(submitted, reviewer, client_for):
    partnership = Partnership.objects.get(agency=submitted.agency)
    response = client_for(reviewer).get(
        f"/staff/pledges/{submitted.pk}/partnerships/{partnership.pk}/document/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "partnership-WA0170000" in response["Content-Disposition"]
    event = AuditEvent.objects.get(event_type=REVIEW_DOCUMENT_OPENED)
    assert (event.actor, event.agency, event.object_id) == (
        reviewer,
        submitted.agency,
        str(partnership.pk),
    )


def test_a_missing_document_is_404_and_not_audited(submitted, reviewer, client_for):
    policy = PolicyDocument.objects.get(agency=submitted.agency)
    policy.document.storage.delete(policy.document.name)
    response = client_for(reviewer).get(
        f"/staff/pledges/{submitted.pk}/policies/{policy.pk}/document/"
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event_type=REVIEW_DOCUMENT_OPENED).exists()


# --- the agency's side ---------------------------------------------------------------------------


def test_the_coordinator_sees_each_practices_comment_and_resubmits(
    submitted, alice, bob, reviewer, client_for
):
    for key in PRACTICES:
        practice_decide(
            pledge=submitted,
            requirement_key=key,
            decision="returned" if key == "policy" else "approved",
            comment="Add page numbers for transport." if key == "policy" else "",
            reviewer=reviewer,
        )
    html = client_for(bob).get("/agency/campaign/").content.decode()
    assert "Returned for changes: the reviewers' comments" in html
    assert "Add page numbers for transport." in html
    assert "3 practices approved, 1 returned" in html

    client = client_for(alice)
    assert "Submit for recognition</button>" in client.get("/agency/campaign/").content.decode()
    client.post("/agency/campaign/submit/")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    html = client.get("/agency/campaign/").content.decode()
    # The earlier round's comments stay in view while the new submission is reviewed.
    assert "Add page numbers for transport." in html
    review = client_for(reviewer).get(f"/staff/pledges/{submitted.pk}/").content.decode()
    assert "Submission 2: 0 of 4 practices decided" in review
    assert "Submission 1, submitted" in review


def test_decisions_in_progress_are_not_shown_to_the_agency(submitted, alice, reviewer, client_for):
    practice_decide(
        pledge=submitted,
        requirement_key="policy",
        decision="returned",
        comment="Draft remark the reviewer may still change.",
        reviewer=reviewer,
    )
    html = client_for(alice).get("/agency/campaign/").content.decode()
    assert "Draft remark" not in html


def test_carol_never_sees_agency_as_decisions(
    submitted, carol, one_mind, agency_b, reviewer, client_for
):
    for key in PRACTICES:
        practice_decide(
            pledge=submitted,
            requirement_key=key,
            decision="returned",
            comment=f"Springfield only: {key}.",
            reviewer=reviewer,
        )
    make_pledge(agency_b, one_mind, carol)
    html = client_for(carol).get("/agency/campaign/").content.decode()
    assert "Springfield only" not in html
