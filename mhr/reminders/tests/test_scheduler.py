"""`mhr scheduler`: the daily jobs are queued once per UTC day, whoever runs the scheduler."""

from __future__ import annotations

import datetime
import unittest.mock

import pytest
import time_machine
from django.core.management import CommandError, call_command

from mhr.accounts.models import User
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Pledge
from mhr.reminders.models import JobRun
from mhr.reminders.services import EVENT_REMINDERS_RUN, scheduler_tick

UTC = datetime.UTC
MORNING = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_nothing_is_queued_before_the_hour(db):
    assert scheduler_tick(now=MORNING - datetime.timedelta(minutes=1), hour=6) == []
    assert not JobRun.objects.exists()


def test_each_job_runs_once_a_day_however_often_the_scheduler_ticks(db):
    runs = scheduler_tick(now=MORNING, hour=6)
    assert [r.job for r in runs] == [
        "reevaluate_pledges",
        "send_reminders",
        "disable_inactive_users",
    ]
    assert {r.status for r in runs} == {"succeeded"}
    # A second server, or a restart later the same day, finds the day claimed.
    assert scheduler_tick(now=MORNING + datetime.timedelta(hours=5), hour=6) == []
    assert scheduler_tick(now=MORNING + datetime.timedelta(hours=17, minutes=59), hour=6) == []
    assert JobRun.objects.count() == 3
    # The next day runs again, even when the scheduler only wakes up in the evening.
    assert len(scheduler_tick(now=MORNING + datetime.timedelta(days=1, hours=12), hour=6)) == 3
    assert JobRun.objects.filter(day=datetime.date(2026, 3, 3)).count() == 3


def test_the_jobs_do_their_work_and_record_it(db, one_mind, agency_a, alice):
    stale = User.objects.create_user(email="old@springfield.example", password="x" * 20)
    User.objects.filter(pk=stale.pk).update(date_joined=MORNING - datetime.timedelta(days=400))
    Pledge.objects.create(
        agency=agency_a,
        campaign=one_mind,
        rule_version=one_mind.rule_versions.get(code="current"),
        agency_head_name="Chief Ada Park",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2025, 1, 15),
        contact_name="Alice Archer",
        contact_email=alice.email,
        target_completion_on=MORNING.date() + datetime.timedelta(days=30),
    )
    with time_machine.travel(MORNING, tick=False):
        scheduler_tick(now=MORNING, hour=6)
    runs = {r.job: r for r in JobRun.objects.all()}
    assert runs["send_reminders"].result["pledge_emails"] == 1
    assert runs["send_reminders"].result["as_of"] == "2026-03-02"
    assert runs["disable_inactive_users"].result["disabled"] >= 1
    assert "checked" in runs["reevaluate_pledges"].result
    stale.refresh_from_db()
    assert not stale.is_active
    assert AuditEvent.objects.filter(event_type=EVENT_REMINDERS_RUN).count() == 1


def test_a_failing_job_is_recorded_and_not_retried_the_same_day(db):
    with unittest.mock.patch(
        "mhr.reminders.tasks._remind", side_effect=RuntimeError("mail server down")
    ):
        scheduler_tick(now=MORNING, hour=6)
    run = JobRun.objects.get(job="send_reminders")
    assert run.status == "failed"
    assert "mail server down" in run.error
    assert JobRun.objects.get(job="reevaluate_pledges").status == "succeeded"
    assert scheduler_tick(now=MORNING + datetime.timedelta(hours=1), hour=6) == []


def test_once_queues_what_is_due_and_exits(db, capsys):
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        call_command("scheduler", "--once", "--hour", "6")
        out = capsys.readouterr().out
        assert "Queued send_reminders for 2026-03-02 (succeeded)." in out
        call_command("scheduler", "--once", "--hour", "6")
        assert capsys.readouterr().out == ""
    assert JobRun.objects.count() == 3


def test_the_hour_comes_from_settings(db, settings, capsys):
    settings.SCHEDULER_HOUR_UTC = 7
    with time_machine.travel(MORNING, tick=False):
        call_command("scheduler", "--once")
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("args", [["--hour", "24"], ["--interval", "0"]])
def test_it_refuses_bad_options(db, args):
    with pytest.raises(CommandError):
        call_command("scheduler", "--once", *args)


def test_a_job_another_server_claimed_is_left_to_it(db):
    JobRun.objects.create(job="send_reminders", day=MORNING.date())
    runs = scheduler_tick(now=MORNING, hour=6)
    assert [r.job for r in runs] == ["reevaluate_pledges", "disable_inactive_users"]
    assert JobRun.objects.get(job="send_reminders").status == "queued"
    assert not AuditEvent.objects.filter(event_type=EVENT_REMINDERS_RUN).exists()
