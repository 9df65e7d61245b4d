"""The review services: deciding each practice, finishing a round, and resubmission rounds."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mhr.accounts.models import User
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Pledge, PracticeDecision
from mhr.campaigns.review_selectors import latest_finished_review, review_rounds
from mhr.campaigns.services.review import (
    PRACTICE_DECIDED,
    RETURN_NEEDS_COMMENT,
    UNMET_APPROVAL_NEEDS_COMMENT,
    practice_decide,
)
from mhr.campaigns.tests.reviewdata import NOW, PRACTICES, make_compliant, make_pledge, submit

Status = Pledge.Status
APPROVED = PracticeDecision.Decision.APPROVED
RETURNED = PracticeDecision.Decision.RETURNED


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def submitted(one_mind, agency_a, alice):
    make_compliant(agency_a, alice)
    return submit(make_pledge(agency_a, one_mind, alice), alice)


def decide(pledge, key, decision=APPROVED, comment="", reviewer=None):
    return practice_decide(
        pledge=pledge, requirement_key=key, decision=decision, comment=comment, reviewer=reviewer
    )


def test_approving_every_practice_recognizes_the_pledge(submitted, reviewer):
    for key in PRACTICES[:-1]:
        outcome = decide(submitted, key, reviewer=reviewer)
        assert not outcome.completed
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED
    outcome = decide(submitted, PRACTICES[-1], reviewer=reviewer, comment="Well documented.")
    assert outcome.completed and outcome.pledge_status == Status.RECOGNIZED
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOGNIZED
    assert submitted.recognized_on == NOW.date()
    assert PracticeDecision.objects.filter(pledge=submitted, decision=APPROVED).count() == 4
    assert (
        AuditEvent.objects.filter(event_type=PRACTICE_DECIDED, agency=submitted.agency).count() == 4
    )
    last = AuditEvent.objects.filter(event_type="pledge.status_changed").latest("id")
    assert last.extra["from"] == "submitted" and last.extra["to"] == "recognized"
    assert last.extra["comment"] == "All 4 practices approved after review."
    assert last.actor == reviewer


def test_one_returned_practice_returns_the_pledge_once_all_are_decided(submitted, reviewer):
    decide(submitted, "policy", RETURNED, "Add the transport section's page numbers.", reviewer)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED  # not before every practice is decided
    for key in ("partnership", "cit-coverage", "mhfa-remaining"):
        outcome = decide(submitted, key, reviewer=reviewer)
    assert outcome.completed and outcome.pledge_status == Status.RETURNED
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert submitted.recognized_on is None
    last = AuditEvent.objects.filter(event_type="pledge.status_changed").latest("id")
    assert last.extra["to"] == "returned"
    assert "Policy on responding to people in crisis" in last.extra["comment"]


def test_a_return_needs_a_comment_and_saves_nothing_without_one(submitted, reviewer):
    with pytest.raises(ValidationError) as caught:
        decide(submitted, "policy", RETURNED, "   ", reviewer)
    assert caught.value.message_dict == {"comment": [RETURN_NEEDS_COMMENT]}
    assert not PracticeDecision.objects.exists()
    assert not AuditEvent.objects.filter(event_type=PRACTICE_DECIDED).exists()


def test_approving_a_practice_the_numbers_show_unmet_needs_a_comment(
    one_mind, agency_a, alice, reviewer
):
    # No roster, partnership or policy: every practice is unmet by the numbers.
    pledge = submit(make_pledge(agency_a, one_mind, alice), alice)
    with pytest.raises(ValidationError) as caught:
        decide(pledge, "partnership", APPROVED, "", reviewer)
    assert caught.value.message_dict == {"comment": [UNMET_APPROVAL_NEEDS_COMMENT]}
    decision = decide(pledge, "partnership", APPROVED, "MOU seen on paper.", reviewer).decision
    assert decision.engine_numbers["met"] is False
    assert decision.engine_numbers["denominator"] == 0


def test_it_stores_the_engines_numbers_with_the_decision(submitted, reviewer):
    decision = decide(submitted, "cit-coverage", reviewer=reviewer).decision
    assert decision.engine_numbers["met"] is True
    assert decision.engine_numbers["numerator"] == 2
    assert decision.engine_numbers["denominator"] == 10
    assert decision.engine_numbers["percent"] == "20.0"
    assert (
        decision.requirement_title == "CIT, CRIT or equivalent for at least 20% of sworn officers"
    )
    assert decision.reviewer == reviewer and decision.reviewer_label == reviewer.email


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "editor"])
def test_only_reviewers_decide(submitted, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decide(submitted, "policy", reviewer=user)
    assert not PracticeDecision.objects.exists()


def test_administrators_and_superusers_decide(submitted, sam, db):
    decide(submitted, "policy", reviewer=sam)
    root = User.objects.create_superuser(email="root@association.example", password="x" * 20)
    root.staff_role = ""
    decide(submitted, "partnership", reviewer=root)
    assert PracticeDecision.objects.count() == 2


def test_an_inactive_reviewer_cannot_decide(submitted, reviewer):
    reviewer.is_active = False
    with pytest.raises(PermissionDenied):
        decide(submitted, "policy", reviewer=reviewer)


def test_only_submitted_pledges_are_reviewed(one_mind, agency_a, alice, reviewer):
    pledge = make_pledge(agency_a, one_mind, alice)
    with pytest.raises(ValidationError, match="only pledges submitted for recognition"):
        decide(pledge, "policy", reviewer=reviewer)


def test_it_refuses_a_practice_the_rules_do_not_have(submitted, reviewer):
    with pytest.raises(ValidationError, match="is not a practice"):
        decide(submitted, "mhfa-coverage", reviewer=reviewer)  # a 2016-rules practice
    with pytest.raises(ValidationError):
        decide(submitted, "policy", decision="maybe", reviewer=reviewer)


def test_it_refuses_an_overlong_comment(submitted, reviewer):
    with pytest.raises(ValidationError, match="under 4000 characters"):
        decide(submitted, "policy", RETURNED, "x" * 4001, reviewer)


def test_deciding_again_in_the_same_round_replaces_the_decision(submitted, reviewer, sam):
    decide(submitted, "policy", RETURNED, "Missing page references.", reviewer)
    decide(submitted, "policy", APPROVED, "", sam)
    decision = PracticeDecision.objects.get(pledge=submitted)
    assert (decision.decision, decision.comment, decision.reviewer) == (APPROVED, "", sam)
    last = AuditEvent.objects.filter(event_type=PRACTICE_DECIDED).latest("id")
    assert last.extra["replaced"] == {"decision": "returned", "comment": "Missing page references."}


def test_a_resubmission_starts_a_new_round_and_keeps_the_old_one(submitted, alice, reviewer):
    decide(submitted, "policy", RETURNED, "Cite the transport pages.", reviewer)
    for key in ("partnership", "cit-coverage", "mhfa-remaining"):
        decide(submitted, key, reviewer=reviewer)
    submitted.refresh_from_db()
    finished = latest_finished_review(submitted)
    assert finished.number == 1
    assert [d.requirement_key for d in finished.returned] == ["policy"]

    resubmitted = submit(submitted, alice)
    assert resubmitted.status == Status.SUBMITTED
    # The agency still sees the first round's comments while the second is reviewed.
    assert latest_finished_review(resubmitted).number == 1
    for key in PRACTICES:
        decide(resubmitted, key, reviewer=reviewer)
    resubmitted.refresh_from_db()
    assert resubmitted.status == Status.RECOGNIZED
    rounds = review_rounds(resubmitted)
    assert [r.number for r in rounds] == [2, 1]
    assert [len(r.decisions) for r in rounds] == [4, 4]
    assert [d.requirement_key for d in rounds[0].decisions] == list(PRACTICES)
    assert latest_finished_review(resubmitted).number == 2


def test_the_schema_refuses_a_return_without_a_comment(submitted, reviewer):
    decision = decide(submitted, "policy", RETURNED, "Needs work.", reviewer).decision
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeDecision.objects.filter(pk=decision.pk).update(comment="")


def test_the_schema_allows_one_decision_per_practice_and_round(submitted, reviewer):
    decision = decide(submitted, "policy", reviewer=reviewer).decision
    decision.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()
