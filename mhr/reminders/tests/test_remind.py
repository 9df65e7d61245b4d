"""`mhr remind`: pledge deadline and certificate expiry reminders, each sent once."""

from __future__ import annotations

import datetime
import unittest.mock
from collections import Counter, defaultdict

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import CourseType, Officer, Pledge, TrainingRecord
from mhr.reminders.models import SentReminder
from mhr.reminders.services import (
    EVENT_REMINDERS_RUN,
    certificate_subject_key,
    plan_thresholds,
    pledge_subject_key,
    reminders_run,
)

TARGET = datetime.date(2026, 9, 30)
EXPIRY = datetime.date(2026, 8, 15)


def days_before(day: datetime.date, n: int) -> datetime.date:
    return day - datetime.timedelta(days=n)


def make_pledge(agency, campaign, **overrides):
    fields = {
        "agency": agency,
        "campaign": campaign,
        "rule_version": campaign.rule_versions.get(code="current"),
        "agency_head_name": "Chief Ada Park",
        "agency_head_title": "Chief of Police",
        "signed_on": datetime.date(2025, 1, 15),
        "contact_name": "Pat Contact",
        "contact_email": "contact@springfield.example",
        "target_completion_on": TARGET,
        "status": Pledge.Status.IN_PROGRESS,
    }
    fields.update(overrides)
    return Pledge.objects.create(**fields)


def make_certificate(agency, employee_id, *, expires_on=EXPIRY, completed_on=None, **officer):
    officer_row, _ = Officer.objects.get_or_create(
        agency=agency,
        employee_id=employee_id,
        defaults={
            "first_name": officer.get("first_name", "Pat"),
            "last_name": officer.get("last_name", f"Officer {employee_id}"),
            "is_sworn": True,
            "status": officer.get("status", Officer.Status.ACTIVE),
        },
    )
    return TrainingRecord.objects.create(
        officer=officer_row,
        agency=agency,
        course_type=CourseType.objects.get(code="mhfa-ps"),
        completed_on=completed_on or days_before(expires_on, 3 * 365),
        expires_on=expires_on,
    )


def run(as_of, capture, **kwargs):
    with capture(execute=True):
        return reminders_run(as_of=as_of, **kwargs)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# --- the threshold rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "recorded", "expected"),
    [
        (91, set(), (None, [])),
        (90, set(), (90, [])),
        (85, set(), (90, [])),  # the job missed day 90: caught up once
        (85, {90}, (None, [])),
        (30, {90}, (30, [])),
        (20, set(), (30, [90])),  # never 90 and 30 together: the nearer one, the other skipped
        (5, {90}, (7, [30])),
        (-3, {90, 30}, (7, [])),
        (7, {90, 30, 7}, (None, [])),
    ],
)
def test_it_sends_only_the_nearest_threshold_crossed(days_left, recorded, expected):
    assert plan_thresholds(days_left=days_left, thresholds=(90, 30, 7), recorded=recorded) == (
        expected
    )


# --- pledge deadlines ----------------------------------------------------------------------------


def test_it_reminds_coordinators_and_the_contact_90_30_and_7_days_before(
    one_mind, agency_a, alice, bob, carol, capture
):
    pledge = make_pledge(agency_a, one_mind)
    sent_on = []
    day = days_before(TARGET, 120)
    while day <= TARGET + datetime.timedelta(days=30):
        before = len(mail.outbox)
        run(day, capture)
        if len(mail.outbox) > before:
            sent_on.append((TARGET - day).days)
        day += datetime.timedelta(days=1)
    assert sent_on == [90, 30, 7]
    for message in mail.outbox:
        assert sorted(message.to) == ["alice@springfield.example", "contact@springfield.example"]
        assert "Springfield Police Department" in message.subject
        assert "/agency/campaign/" in message.body
    assert "in 90 days" in mail.outbox[0].subject
    keys = SentReminder.objects.filter(subject_key=pledge_subject_key(pledge))
    assert sorted(keys.values_list("threshold_days", flat=True)) == [7, 30, 90]


def test_a_missed_day_is_caught_up_once(one_mind, agency_a, alice, capture):
    make_pledge(agency_a, one_mind)
    run(days_before(TARGET, 85), capture)
    run(days_before(TARGET, 84), capture)
    assert len(mail.outbox) == 1
    assert "in 85 days" in mail.outbox[0].subject


def test_a_long_gap_sends_only_the_nearest_reminder(one_mind, agency_a, alice, capture):
    pledge = make_pledge(agency_a, one_mind)
    summary = run(days_before(TARGET, 20), capture)
    assert len(mail.outbox) == 1
    assert summary.pledge_emails == 1
    assert summary.skipped == 1
    rows = dict(
        SentReminder.objects.filter(subject_key=pledge_subject_key(pledge)).values_list(
            "threshold_days", "outcome"
        )
    )
    assert rows == {30: "sent", 90: "skipped"}


@pytest.mark.parametrize("status", [Pledge.Status.RECOGNIZED, Pledge.Status.LAPSED])
def test_recognized_pledges_get_no_deadline_reminder(one_mind, agency_a, alice, status, capture):
    make_pledge(agency_a, one_mind, status=status)
    run(days_before(TARGET, 30), capture)
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_a_moved_target_date_is_reminded_again(one_mind, agency_a, alice, capture):
    pledge = make_pledge(agency_a, one_mind)
    run(days_before(TARGET, 30), capture)
    later = TARGET + datetime.timedelta(days=180)
    pledge.target_completion_on = later
    pledge.save(update_fields=["target_completion_on"])
    run(days_before(later, 90), capture)
    assert len(mail.outbox) == 2
    run(days_before(later, 89), capture)
    assert len(mail.outbox) == 2


# --- certificates --------------------------------------------------------------------------------


def test_it_sends_one_digest_per_agency_and_threshold(
    one_mind, agency_a, agency_b, alice, bob, carol, capture
):
    make_certificate(agency_a, "A1", last_name="Adams")
    make_certificate(agency_a, "A2", last_name="Baker")
    make_certificate(agency_b, "B1", last_name="Cole")
    summary = run(days_before(EXPIRY, 90), capture)
    assert summary.certificate_emails == 2
    assert summary.certificates == 3
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    a_mail = by_recipient[("alice@springfield.example",)]
    assert "Adams, Pat (A1)" in a_mail.body
    assert "Baker, Pat (A2)" in a_mail.body
    assert "Cole" not in a_mail.body
    assert "2 training certificates expiring within 90 days" in a_mail.subject
    b_mail = by_recipient[("carol@shelbyville.example",)]
    assert "Cole, Pat (B1)" in b_mail.body
    assert "Adams" not in b_mail.body


def test_it_reminds_90_30_and_0_days_before_expiry(agency_a, alice, capture, one_mind):
    record = make_certificate(agency_a, "A1")
    sent_on = []
    day = days_before(EXPIRY, 100)
    while day <= EXPIRY + datetime.timedelta(days=20):
        before = len(mail.outbox)
        run(day, capture)
        if len(mail.outbox) > before:
            sent_on.append((EXPIRY - day).days)
        day += datetime.timedelta(days=1)
    assert sent_on == [90, 30, 0]
    assert "expire today or have just expired" in mail.outbox[-1].body
    assert SentReminder.objects.filter(subject_key=certificate_subject_key(record)).count() == 3


def test_separated_officers_and_renewed_certificates_are_left_out(
    agency_a, alice, capture, one_mind
):
    make_certificate(agency_a, "GONE", status=Officer.Status.SEPARATED)
    make_certificate(agency_a, "RENEWED")
    make_certificate(
        agency_a,
        "RENEWED",
        completed_on=days_before(EXPIRY, 10),
        expires_on=EXPIRY + datetime.timedelta(days=3 * 365),
    )
    make_certificate(agency_a, "DUE", last_name="Due")
    run(days_before(EXPIRY, 30), capture)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "(DUE)" in body
    assert "GONE" not in body
    assert "RENEWED" not in body


def test_officers_are_never_emailed_and_no_coordinator_means_no_email(agency_b, capture, one_mind):
    make_certificate(agency_b, "B1")
    summary = run(days_before(EXPIRY, 30), capture)
    assert mail.outbox == []
    assert summary.no_recipients == 1
    assert SentReminder.objects.get(threshold_days=30).outcome == "no_recipients"
    run(days_before(EXPIRY, 29), capture)
    assert SentReminder.objects.filter(threshold_days=30).count() == 1


# --- never twice ---------------------------------------------------------------------------------


@pytest.mark.parametrize("step", [1, 2, 5, 11])
def test_running_through_a_year_never_sends_a_reminder_twice(
    one_mind, agency_a, agency_b, alice, carol, capture, step
):
    """Run the job every `step` days for a year, twice on each day it runs: every subject
    gets at most one email per threshold, never two on the same day, and at least its last."""
    start = datetime.date(2026, 1, 1)
    pledge = make_pledge(agency_a, one_mind, target_completion_on=datetime.date(2026, 7, 1))
    make_pledge(agency_b, one_mind, target_completion_on=datetime.date(2026, 2, 10))
    records = [
        make_certificate(agency_a, f"A{n}", expires_on=start + datetime.timedelta(days=17 * n))
        for n in range(1, 18)
    ]
    sent_per_day: Counter[tuple[str, datetime.date]] = Counter()
    day = start
    while day <= start + datetime.timedelta(days=365):
        for _twice in range(2):
            before = SentReminder.objects.filter(outcome="sent").count()
            run(day, capture)
            if _twice:
                assert SentReminder.objects.filter(outcome="sent").count() == before
        for row in SentReminder.objects.filter(as_of=day, outcome="sent"):
            sent_per_day[(row.subject_key, day)] += 1
        day += datetime.timedelta(days=step)
    assert all(count == 1 for count in sent_per_day.values())
    rows = list(SentReminder.objects.values_list("kind", "subject_key", "threshold_days"))
    assert len(rows) == len(set(rows))
    assert SentReminder.objects.filter(
        subject_key=pledge_subject_key(pledge), threshold_days=7, outcome="sent"
    ).exists()
    # Certificates expiring inside the year each got their final (expiry-day) reminder.
    for record in records:
        if record.expires_on <= start + datetime.timedelta(days=365 - step):
            assert SentReminder.objects.filter(
                subject_key=certificate_subject_key(record), threshold_days=0, outcome="sent"
            ).exists(), record.expires_on


def test_a_run_that_loses_the_race_sends_nothing(one_mind, agency_a, alice, capture):
    pledge = make_pledge(agency_a, one_mind)
    SentReminder.objects.create(
        kind="pledge_deadline",
        subject_key=pledge_subject_key(pledge),
        threshold_days=30,
        outcome="sent",
        agency=agency_a,
        due_on=TARGET,
        as_of=days_before(TARGET, 30),
    )
    # This run plans from the rows it read before the other server wrote its own.
    from mhr.reminders import selectors

    real = selectors.recorded_thresholds

    assert real(kind="pledge_deadline", start=TARGET, end=TARGET)
    with unittest.mock.patch.object(
        selectors, "recorded_thresholds", lambda **kwargs: defaultdict(set)
    ):
        summary = run(days_before(TARGET, 30), capture)
    assert summary.already_recorded == 1
    assert summary.pledge_emails == 0
    assert mail.outbox == []
    assert SentReminder.objects.count() == 1


# --- run records, dry run, command ---------------------------------------------------------------


def test_each_run_writes_one_audit_row(one_mind, agency_a, alice, capture):
    make_pledge(agency_a, one_mind)
    run(days_before(TARGET, 30), capture)
    run(days_before(TARGET, 29), capture)
    events = AuditEvent.objects.filter(event_type=EVENT_REMINDERS_RUN).order_by("id")
    assert [e.extra["pledge_emails"] for e in events] == [1, 0]
    assert events[0].extra["as_of"] == days_before(TARGET, 30).isoformat()


def test_a_dry_run_sends_and_records_nothing(one_mind, agency_a, alice, capture):
    make_pledge(agency_a, one_mind)
    make_certificate(agency_a, "A1")
    summary = run(days_before(EXPIRY, 30), capture, dry_run=True)
    assert summary.pledge_emails == 1  # the pledge is 76 days out: its 90-day reminder is due
    assert summary.certificate_emails == 1
    assert mail.outbox == []
    assert not SentReminder.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EVENT_REMINDERS_RUN).exists()


def test_the_run_uses_a_constant_number_of_queries(
    one_mind, agency_a, agency_b, alice, carol, capture, django_assert_max_num_queries
):
    for n in range(12):
        make_certificate(agency_a if n % 2 else agency_b, f"X{n}")
    make_pledge(agency_a, one_mind, target_completion_on=days_before(EXPIRY, -20))
    make_pledge(agency_b, one_mind, target_completion_on=days_before(EXPIRY, -25))
    # 7 reads, then per email a savepoint and one insert, then the audit row.
    with django_assert_max_num_queries(7 + 4 * 3 + 3):
        summary = run(days_before(EXPIRY, 30), capture, dry_run=False)
    assert summary.certificate_emails == 2
    assert summary.pledge_emails == 2


def test_the_command_prints_a_summary(one_mind, agency_a, alice, capsys, capture):
    make_pledge(agency_a, one_mind)
    with capture(execute=True):
        call_command("remind", "--as-of", days_before(TARGET, 90).isoformat())
    out = capsys.readouterr().out
    assert "WA0170000 pledge deadline, 90-day reminder" in out
    assert "Sent 1 pledge deadline reminder(s)" in out
    call_command("remind", "--as-of", days_before(TARGET, 90).isoformat(), "--dry-run")
    assert "Would send 0 pledge deadline reminder(s)" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("remind", "--as-of", "31/12/2026")
