from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.test import RequestFactory

from mhr.accounts.models import Agency
from mhr.accounts.services import agency_create
from mhr.audit.models import AuditEvent
from mhr.audit.selectors import AuditFilters, audit_viewer_for, format_occurred_at
from mhr.audit.services import audit_record

EventType = AuditEvent.EventType

AGENCY_FIELDS = {
    "name": "Ogdenville Police Department",
    "ori": "WA0990000",
    "state": "WA",
    "agency_type": Agency.AgencyType.CITY,
}


def critical_audit_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "mhr.audit" and r.levelno == logging.CRITICAL]


def test_it_records_who_what_where_and_outcome(alice, agency_a):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44")
    event = audit_record(
        event_type=EventType.AGENCY_CHANGED,
        actor=alice,
        agency=agency_a,
        target=agency_a,
        request=request,
        extra={"fields": ["name"]},
    )
    event.refresh_from_db()
    assert event.actor_label == "alice@springfield.example"
    assert event.object_type == "accounts.agency"
    assert event.object_id == str(agency_a.pk)
    assert event.ip_address == "192.0.2.44"
    assert event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.extra == {"fields": ["name"]}


def test_it_stores_time_in_utc_finer_than_a_hundredth_of_a_second(db):
    moment = dt.datetime(2026, 11, 27, 21, 30, 42, 179_999, tzinfo=dt.UTC)
    event = AuditEvent.objects.create(event_type=EventType.SIGN_IN, occurred_at=moment)
    event.refresh_from_db()
    assert event.occurred_at == moment
    assert event.occurred_at.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (dt.datetime(2026, 11, 27, 21, 30, 42, 179_999, tzinfo=dt.UTC), "2026-11-27 21:30:42.17"),
        (dt.datetime(2026, 11, 27, 21, 30, 42, 5_000, tzinfo=dt.UTC), "2026-11-27 21:30:42.00"),
        (dt.datetime(2026, 11, 27, 23, 59, 59, 999_999, tzinfo=dt.UTC), "2026-11-27 23:59:59.99"),
        (
            dt.datetime(
                2026, 11, 27, 16, 0, 0, 500_000, tzinfo=dt.timezone(dt.timedelta(hours=-5))
            ),
            "2026-11-27 21:00:00.50",
        ),
    ],
)
def test_it_formats_times_in_utc_to_the_hundredth(moment, shown):
    assert format_occurred_at(moment) == shown


def test_it_describes_only_the_filters_in_use():
    filters = AuditFilters(starts_on=dt.date(2026, 11, 1), outcome="failure")
    assert filters.as_dict() == {"starts_on": "2026-11-01", "outcome": "failure"}


def test_it_decides_who_reads_which_part_of_the_log(
    alice, bob, carol, sam, editor, reviewer, agency_a, agency_b
):
    assert audit_viewer_for(sam).sees_all_agencies
    assert audit_viewer_for(reviewer).sees_all_agencies
    assert audit_viewer_for(alice).agency == agency_a
    assert audit_viewer_for(carol).agency == agency_b
    assert audit_viewer_for(bob) is None
    assert audit_viewer_for(editor) is None
    assert audit_viewer_for(None) is None
    alice.is_active = False
    assert audit_viewer_for(alice) is None


# If the audit row cannot be written


def test_a_refused_audit_row_logs_critical_and_aborts_the_whole_transaction(db, caplog):
    with caplog.at_level(logging.CRITICAL, logger="mhr.audit"):
        with pytest.raises(IntegrityError), transaction.atomic():
            agency = Agency.objects.create(**AGENCY_FIELDS)
            # The database's own check constraint refuses this row.
            audit_record(event_type=EventType.AGENCY_CREATED, target=agency, outcome="bogus")
    assert not Agency.objects.filter(ori=AGENCY_FIELDS["ori"]).exists()
    assert not AuditEvent.objects.exists()
    (record,) = critical_audit_records(caplog)
    assert "agency.created" in record.getMessage()
    assert "IntegrityError" in record.getMessage()


def test_a_service_whose_audit_write_fails_saves_nothing(sam, caplog, monkeypatch):
    def unavailable(**fields):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", unavailable)
    with caplog.at_level(logging.CRITICAL, logger="mhr.audit"):
        with pytest.raises(DatabaseError):
            agency_create(created_by=sam, **AGENCY_FIELDS)
    assert not Agency.objects.filter(ori=AGENCY_FIELDS["ori"]).exists()
    (record,) = critical_audit_records(caplog)
    # The alert names the event, not the people or addresses in the row.
    assert "agency.created" in record.getMessage()
    assert "sam@" not in record.getMessage()
    assert record.exc_info is None


def test_a_successful_audit_write_raises_no_alert(alice, caplog):
    with caplog.at_level(logging.DEBUG, logger="mhr.audit"):
        audit_record(event_type=EventType.SIGN_IN, actor=alice)
    assert critical_audit_records(caplog) == []
