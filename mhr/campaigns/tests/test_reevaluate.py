import datetime

import pytest
from django.core.management import call_command

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import (
    CourseType,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    TrainingRecord,
)
from mhr.campaigns.services.pledges import pledges_reevaluate

EXPIRY = datetime.date(2026, 6, 30)


@pytest.fixture
def recognized(one_mind, agency_a, agency_b):
    pledge = Pledge.objects.create(
        agency=agency_a,
        campaign=one_mind,
        rule_version=one_mind.rule_versions.get(code="current"),
        agency_head_name="Chief Ada Park",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2024, 1, 10),
        contact_name="Alice Archer",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2026, 1, 10),
        status=Pledge.Status.RECOGNIZED,
        recognized_on=datetime.date(2025, 12, 1),
    )
    cit = CourseType.objects.get(code="cit-40")
    mhfa = CourseType.objects.get(code="mhfa-ps")
    for n in range(10):
        officer = Officer.objects.create(
            agency=agency_a,
            employee_id=f"A{n}",
            first_name="Pat",
            last_name=f"Officer{n}",
            is_sworn=True,
        )
        course, expires = (cit, None) if n < 2 else (mhfa, EXPIRY)
        TrainingRecord.objects.create(
            officer=officer,
            agency=agency_a,
            course_type=course,
            completed_on=datetime.date(2023, 7, 1),
            expires_on=expires,
        )
    Partnership.objects.create(
        agency=agency_a,
        organization_name="Springfield Community Mental Health",
        organization_kind="mental_health_center",
        agreement_kind="mou",
        started_on=datetime.date(2024, 3, 1),
    )
    PolicyDocument.objects.create(
        agency=agency_a, title="General Order 410", adopted_on=datetime.date(2024, 5, 1)
    )
    return pledge


def test_a_recognized_pledge_stays_recognized_while_the_data_meets_the_rule(recognized):
    moved = pledges_reevaluate(as_of=EXPIRY)
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.RECOGNIZED
    assert moved == {"checked": 1, "lapsed": 0, "recovered": 0}


def test_it_lapses_when_certificates_expire_and_recovers_after_retraining(recognized, agency_a):
    day_after = EXPIRY + datetime.timedelta(days=1)
    assert pledges_reevaluate(as_of=day_after)["lapsed"] == 1
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.LAPSED
    event = AuditEvent.objects.filter(event_type="pledge.status_changed").latest("occurred_at")
    assert event.actor is None

    mhfa = CourseType.objects.get(code="mhfa-ps")
    for officer in Officer.objects.filter(agency=agency_a, employee_id__gte="A2"):
        TrainingRecord.objects.create(
            officer=officer,
            agency=agency_a,
            course_type=mhfa,
            completed_on=datetime.date(2026, 7, 1),
            expires_on=datetime.date(2029, 7, 1),
        )
    assert pledges_reevaluate(as_of=datetime.date(2026, 7, 2))["recovered"] == 1
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.RECOGNIZED


def test_pledges_not_yet_recognized_are_left_alone(recognized):
    Pledge.objects.filter(pk=recognized.pk).update(status=Pledge.Status.IN_PROGRESS)
    moved = pledges_reevaluate(as_of=EXPIRY + datetime.timedelta(days=400))
    assert moved == {"checked": 0, "lapsed": 0, "recovered": 0}


def test_the_daily_command_reports_what_it_did(recognized, capsys):
    call_command("reevaluate_pledges", "--as-of", "2026-07-01")
    assert "1 lapsed" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("reevaluate_pledges", "--as-of", "31/05/2026")


def test_renewed_training_restores_recognition_without_waiting_for_the_daily_run(
    recognized, agency_a, alice, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from mhr.campaigns.services.roster import training_record_create

    today = timezone.localdate()
    assert today > EXPIRY  # the fixture's MHFA certificates have run out
    pledges_reevaluate(as_of=today)
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.LAPSED

    mhfa = CourseType.objects.get(code="mhfa-ps")
    renewing = list(Officer.objects.filter(agency=agency_a, employee_id__gte="A2"))
    for officer in renewing[:-1]:
        training_record_create(officer=officer, actor=alice, course_type=mhfa, completed_on=today)
    # Still one officer short: the change re-evaluates, and the pledge stays lapsed.
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.LAPSED

    # The last renewal commits, and the task that runs after it recognizes the pledge again.
    with django_capture_on_commit_callbacks(execute=True):
        training_record_create(
            officer=renewing[-1], actor=alice, course_type=mhfa, completed_on=today
        )
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.RECOGNIZED
    event = AuditEvent.objects.filter(event_type="pledge.status_changed").latest("occurred_at")
    assert event.extra["to"] == Pledge.Status.RECOGNIZED
    assert event.extra["comment"].startswith("Re-evaluation after a change")


def _renew_all(agency, actor, on):
    from mhr.campaigns.services.roster import training_record_create

    mhfa = CourseType.objects.get(code="mhfa-ps")
    for officer in Officer.objects.filter(agency=agency, employee_id__gte="A2"):
        training_record_create(officer=officer, actor=actor, course_type=mhfa, completed_on=on)


def test_another_agencys_change_does_not_restore_this_pledge(
    recognized, agency_a, agency_b, alice, carol, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from mhr.campaigns.services.roster import officer_create

    # Agency A meets the rule again but is still lapsed: only its own change (or the daily run)
    # restores it.
    _renew_all(agency_a, alice, timezone.localdate())
    Pledge.objects.filter(pk=recognized.pk).update(status=Pledge.Status.LAPSED)
    with django_capture_on_commit_callbacks(execute=True):
        officer_create(
            agency=agency_b,
            actor=carol,
            employee_id="B1",
            first_name="Bo",
            last_name="Lee",
            is_sworn=True,
        )
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.LAPSED


def test_a_change_that_breaks_the_rule_waits_for_the_daily_run_to_lapse(
    recognized, agency_a, alice, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from mhr.campaigns.services.roster import officer_create

    # The fixture's MHFA certificates ran out in June 2026, so today the rule is not met.
    with django_capture_on_commit_callbacks(execute=True):
        officer_create(
            agency=agency_a,
            actor=alice,
            employee_id="A99",
            first_name="New",
            last_name="Hire",
            is_sworn=True,
        )
    recognized.refresh_from_db()
    assert recognized.status == Pledge.Status.RECOGNIZED
    assert pledges_reevaluate(as_of=timezone.localdate())["lapsed"] == 1


def test_a_pledge_moved_meanwhile_does_not_stop_the_run(recognized, monkeypatch):
    from django.core.exceptions import ValidationError

    from mhr.campaigns.services import pledges

    def already_moved(**kwargs):
        raise ValidationError("A pledge that is lapsed cannot become lapsed.")

    monkeypatch.setattr(pledges, "pledge_change_status", already_moved)
    moved = pledges_reevaluate(as_of=EXPIRY + datetime.timedelta(days=1))
    assert moved == {"checked": 1, "lapsed": 0, "recovered": 0}
