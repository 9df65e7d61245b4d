"""Emails on pledge transitions: who gets which, sent only when the change commits."""

from __future__ import annotations

import datetime
from functools import partial
from unittest import mock

import pytest
import time_machine
from django.db import transaction

from mhr.accounts.models import Membership, User
from mhr.campaigns.models import CourseType, Officer, Pledge, PracticeDecision, TrainingRecord
from mhr.campaigns.notifications import transition_kind
from mhr.campaigns.services.pledges import pledge_change_status, pledges_reevaluate
from mhr.campaigns.services.review import practice_decide
from mhr.campaigns.tests.reviewdata import NOW, PRACTICES, make_compliant, make_pledge, submit

Status = Pledge.Status


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def sent(db, mailoutbox):
    # After `db`: setting up the test database replaces the outbox list.
    return mailoutbox


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the on-commit callbacks scheduled inside it, as a commit would."""
    return partial(django_capture_on_commit_callbacks, execute=True)


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


def decide_all(pledge, reviewer, *, returned=None):
    """Decide every practice; `returned` maps practice keys to return comments."""
    returned = returned or {}
    for key in PRACTICES:
        practice_decide(
            pledge=pledge,
            requirement_key=key,
            decision="returned" if key in returned else "approved",
            comment=returned.get(key, ""),
            reviewer=reviewer,
        )


def test_taking_the_pledge_emails_the_coordinators_and_the_contact(
    sent, commit, one_mind, agency_a, alice, bob
):
    second = User.objects.create_user(email="dana@springfield.example", password="x" * 20)
    Membership.objects.create(user=second, agency=agency_a, role=Membership.Role.COORDINATOR)
    with commit():
        make_pledge(agency_a, one_mind, alice, contact_email="ALICE@springfield.example")
    # One message each; the contact is Alice again (any case): emailed once. Bob is a member.
    assert recipients(sent) == ["alice@springfield.example", "dana@springfield.example"]
    assert all(len(message.to) == 1 for message in sent)
    assert (
        sent[0].subject
        == "[MHR] Springfield Police Department has taken the One Mind Campaign pledge"
    )
    assert "Target completion: June 1, 2027." in sent[0].body
    assert "http://127.0.0.1:8000/agency/campaign/" in sent[0].body


def test_a_submission_emails_the_reviewers_only(
    sent, commit, one_mind, agency_a, alice, reviewer, sam, editor
):
    pledge = make_pledge(agency_a, one_mind, alice)
    with commit():
        submit(pledge, alice)  # pledged -> in progress (no email) -> submitted
    assert recipients(sent) == [reviewer.email, sam.email]
    assert sent[0].subject == "[MHR] Pledge submitted for review: Springfield Police Department"
    assert f"http://127.0.0.1:8000/staff/pledges/{pledge.pk}/" in sent[0].body


def test_a_return_emails_the_agency_each_practices_comment(
    sent, commit, one_mind, agency_b, carol, reviewer
):
    make_compliant(agency_b, carol)
    pledge = submit(make_pledge(agency_b, one_mind, carol), carol)
    with commit():
        decide_all(pledge, reviewer, returned={"policy": "Cite the pages on transport."})
    assert recipients(sent) == ["carol@shelbyville.example", "contact@or0260000.example"]
    message = sent[0]
    # Plain text is not HTML-escaped: the apostrophe stays an apostrophe.
    assert (
        message.subject
        == "[MHR] Shelbyville County Sheriff's Office's pledge was returned for changes"
    )
    assert "- Policy on responding to people in crisis: Returned for changes" in message.body
    assert "Reviewer's comment: Cite the pages on transport." in message.body
    assert "- Partnership with a community mental-health organization: Approved" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Shelbyville County Sheriff&#x27;s Office" in html


def test_recognition_emails_the_agency(sent, commit, one_mind, agency_a, alice, reviewer):
    make_compliant(agency_a, alice)
    pledge = submit(make_pledge(agency_a, one_mind, alice), alice)
    with commit():
        decide_all(pledge, reviewer)
    assert recipients(sent) == ["alice@springfield.example", "contact@wa0170000.example"]
    assert (
        sent[0].subject
        == "[MHR] Springfield Police Department is recognized for the One Mind Campaign"
    )
    assert "- CIT, CRIT or equivalent for at least 20% of sworn officers: Approved" in sent[0].body


def test_the_daily_run_emails_a_lapse_and_a_recovery(
    sent, commit, one_mind, agency_a, alice, reviewer
):
    make_compliant(agency_a, alice)
    pledge = submit(make_pledge(agency_a, one_mind, alice), alice)
    decide_all(pledge, reviewer)
    after_expiry = datetime.date(2028, 7, 2)
    with commit():
        assert pledges_reevaluate(as_of=after_expiry)["lapsed"] == 1
    assert recipients(sent) == ["alice@springfield.example", "contact@wa0170000.example"]
    assert sent[0].subject == (
        "[MHR] Springfield Police Department's One Mind Campaign recognition has lapsed"
    )
    assert "not met: MHFA or equivalent for every other sworn officer." in sent[0].body
    sent.clear()
    mhfa = CourseType.objects.get(code="mhfa-ps")
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            officer=officer,
            agency=agency_a,
            course_type=mhfa,
            completed_on=datetime.date(2028, 7, 1),
            expires_on=datetime.date(2031, 7, 1),
        )
        for officer in Officer.objects.filter(agency=agency_a)
    )
    with commit():
        assert pledges_reevaluate(as_of=after_expiry)["recovered"] == 1
    assert sent[0].subject == (
        "[MHR] Springfield Police Department's One Mind Campaign recognition is restored"
    )
    assert len(sent) == 2


def test_nothing_is_sent_when_the_change_rolls_back(sent, commit, one_mind, agency_a, alice):
    pledge = make_pledge(agency_a, one_mind, alice)
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        pledge_change_status(pledge=pledge, status=Status.IN_PROGRESS, changed_by=alice)
        pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=alice)
        raise RuntimeError("something after the submission failed")
    assert sent == []


def test_a_mail_outage_does_not_undo_the_change(
    sent, commit, one_mind, agency_a, alice, reviewer, caplog
):
    pledge = make_pledge(agency_a, one_mind, alice)
    with mock.patch("mhr.campaigns.notifications.get_connection") as connection:
        connection.return_value.send_messages.side_effect = OSError("mail server down")
        with commit():
            submit(pledge, alice)
    pledge.refresh_from_db()
    assert pledge.status == Status.SUBMITTED
    assert sent == []
    assert "Could not send the submitted email" in caplog.text


def test_a_transition_is_emailed_only_after_commit(
    sent, one_mind, agency_a, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_pledge(agency_a, one_mind, alice)
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert recipients(sent) == ["alice@springfield.example", "contact@wa0170000.example"]


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (None, "pledged", "pledged"),
        ("pledged", "in_progress", None),
        ("returned", "in_progress", None),
        ("in_progress", "submitted", "submitted"),
        ("returned", "submitted", "submitted"),
        ("submitted", "recognized", "recognized"),
        ("submitted", "returned", "returned"),
        ("recognized", "lapsed", "lapsed"),
        ("lapsed", "recognized", "recovered"),
    ],
)
def test_each_transition_maps_to_its_email(old, new, kind):
    assert transition_kind(old, new) == kind


def test_the_email_names_only_the_round_just_decided(
    sent, commit, one_mind, agency_a, alice, reviewer
):
    make_compliant(agency_a, alice)
    pledge = submit(make_pledge(agency_a, one_mind, alice), alice)
    decide_all(pledge, reviewer, returned={"policy": "First round: cite pages."})
    submit(pledge, alice)
    with commit():
        decide_all(pledge, reviewer, returned={"policy": "Second round: still missing."})
    assert PracticeDecision.objects.filter(pledge=pledge).count() == 8
    assert "Second round: still missing." in sent[0].body
    assert "First round" not in sent[0].body
