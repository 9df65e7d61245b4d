from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mhr.audit.models import AuditEvent
from mhr.campaigns.imports.rows import RosterRow, TrainingRow
from mhr.campaigns.models import CourseType, Officer, TrainingRecord
from mhr.campaigns.services.roster import (
    officer_create,
    officer_separate,
    officer_update,
    roster_upsert,
    training_record_create,
    training_upsert,
)
from mhr.campaigns.tests.importdata import days_ago

ET = AuditEvent.EventType


def make_officer(agency, actor, employee_id="1001", **fields) -> Officer:
    defaults = {"first_name": "Ann", "last_name": "Lee", "is_sworn": True}
    return officer_create(
        agency=agency, actor=actor, employee_id=employee_id, **{**defaults, **fields}
    )


def events(event_type) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


def test_it_creates_an_officer_with_a_default_role_and_an_audit_row(agency_a, alice):
    officer = make_officer(agency_a, alice, first_name="  Ann  Marie ")
    assert officer.first_name == "Ann Marie"
    assert officer.role == Officer.Role.PATROL
    assert make_officer(agency_a, alice, "1002", is_sworn=False).role == Officer.Role.CIVILIAN
    [event, _] = events(ET.OFFICER_CREATED)
    assert (event.actor, event.agency, event.object_id) == (alice, agency_a, str(officer.pk))


def test_employee_ids_are_unique_per_agency_only(agency_a, agency_b, alice, carol):
    make_officer(agency_a, alice)
    with pytest.raises(ValidationError):
        make_officer(agency_a, alice)
    assert make_officer(agency_b, carol).agency == agency_b
    assert Officer.objects.count() == 2


def test_it_updates_only_changed_fields_and_dates_a_new_status(agency_a, alice):
    officer = make_officer(agency_a, alice)
    officer = officer_update(officer=officer, actor=alice, unit=" Night  shift", status="leave")
    assert officer.unit == "Night shift"
    assert officer.status_since == datetime.date.today()
    [event] = events(ET.OFFICER_CHANGED)
    assert set(event.extra["changes"]) == {"unit", "status", "status_since"}
    officer_update(officer=officer, actor=alice, unit="Night shift")
    assert len(events(ET.OFFICER_CHANGED)) == 1
    with pytest.raises(ValidationError, match="Unknown officer fields: agency"):
        officer_update(officer=officer, actor=alice, agency=None)


def test_it_separates_an_officer_once(agency_a, alice):
    officer = make_officer(agency_a, alice)
    officer = officer_separate(officer=officer, actor=alice, on=days_ago(3))
    assert (officer.status, officer.status_since) == ("separated", days_ago(3))
    assert events(ET.OFFICER_SEPARATED)[0].extra["status"] == ["active", "separated"]
    with pytest.raises(ValidationError, match="already separated"):
        officer_separate(officer=officer, actor=alice)


def test_training_expiry_defaults_to_the_course_validity(agency_a, alice, one_mind):
    officer = make_officer(agency_a, alice)
    mhfa = CourseType.objects.get(code="mhfa-ps")
    record = training_record_create(
        officer=officer,
        actor=alice,
        course_type=mhfa,
        completed_on=datetime.date(2024, 2, 29),
        hours=Decimal("8"),
    )
    assert record.expires_on == datetime.date(2027, 2, 28)
    assert record.agency == agency_a
    cit = training_record_create(
        officer=officer,
        actor=alice,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=days_ago(10),
    )
    assert cit.expires_on is None
    assert [e.extra["course"] for e in events(ET.TRAINING_RECORDED)] == ["mhfa-ps", "cit-40"]


def test_training_records_refuse_bad_dates_and_duplicates(agency_a, alice, one_mind):
    officer = make_officer(agency_a, alice)
    mhfa = CourseType.objects.get(code="mhfa")
    with pytest.raises(ValidationError, match="future"):
        training_record_create(
            officer=officer, actor=alice, course_type=mhfa, completed_on=days_ago(-1)
        )
    with pytest.raises(ValidationError, match="before the completion"):
        training_record_create(
            officer=officer,
            actor=alice,
            course_type=mhfa,
            completed_on=days_ago(10),
            expires_on=days_ago(20),
        )
    training_record_create(
        officer=officer, actor=alice, course_type=mhfa, completed_on=days_ago(10)
    )
    with pytest.raises(ValidationError, match="already has"):
        training_record_create(
            officer=officer, actor=alice, course_type=mhfa, completed_on=days_ago(10)
        )
    assert TrainingRecord.objects.count() == 1


def test_a_certificate_must_be_a_pdf(agency_a, alice, one_mind):
    officer = make_officer(agency_a, alice)
    mhfa = CourseType.objects.get(code="mhfa")
    with pytest.raises(ValidationError, match="must be a PDF"):
        training_record_create(
            officer=officer,
            actor=alice,
            course_type=mhfa,
            completed_on=days_ago(5),
            certificate=io.BytesIO(b"<html>not a pdf</html>"),
        )
    record = training_record_create(
        officer=officer,
        actor=alice,
        course_type=mhfa,
        completed_on=days_ago(5),
        certificate=io.BytesIO(b"%PDF-1.7\n%%EOF\n"),
    )
    assert record.certificate.name.endswith(".pdf")


def roster_row(employee_id, **fields) -> RosterRow:
    defaults = {"first_name": "Ann", "last_name": "Lee", "is_sworn": True, "role": "patrol"}
    return RosterRow(employee_id=employee_id, **{**defaults, **fields})


def test_roster_upsert_writes_one_audit_row_for_the_whole_batch(agency_a, alice):
    make_officer(agency_a, alice, "1001", unit="Days")
    plan = roster_upsert(
        agency=agency_a,
        actor=alice,
        rows=[roster_row("1001", last_name="Lee-Smith"), roster_row("1002"), roster_row("1003")],
        provided=["employee_id", "first_name", "last_name", "is_sworn"],
    )
    assert plan.counts() == {"new": 2, "updated": 1, "separated": 0, "unchanged": 0}
    officer = Officer.objects.get(employee_id="1001")
    # The unit was not provided, so it is kept.
    assert (officer.last_name, officer.unit) == ("Lee-Smith", "Days")
    [event] = events(ET.ROSTER_IMPORTED)
    assert event.extra == {"via": "api", "full_roster": False, **plan.counts()}


def test_training_upsert_refuses_people_not_on_the_roster(agency_a, alice, one_mind):
    mhfa = CourseType.objects.get(code="mhfa")
    row = TrainingRow(
        employee_id="404", course_type_id=mhfa.pk, course_code="mhfa", completed_on=days_ago(5)
    )
    with pytest.raises(ValidationError, match="“404”"):
        training_upsert(agency=agency_a, actor=alice, rows=[row])
    make_officer(agency_a, alice, "404")
    plan = training_upsert(agency=agency_a, actor=alice, rows=[row])
    assert plan.counts()["new"] == 1
    assert TrainingRecord.objects.get().source == TrainingRecord.Source.API
    assert len(events(ET.TRAINING_IMPORTED)) == 1


def test_upserts_for_one_agency_never_touch_another(agency_a, agency_b, alice, carol):
    make_officer(agency_a, alice, "1001", last_name="Archer")
    roster_upsert(
        agency=agency_b,
        actor=carol,
        rows=[roster_row("1001", last_name="Cruz")],
        full_roster=True,
    )
    assert Officer.objects.get(agency=agency_a).last_name == "Archer"
    assert Officer.objects.get(agency=agency_b).last_name == "Cruz"
    assert Officer.objects.get(agency=agency_a).status == "active"
