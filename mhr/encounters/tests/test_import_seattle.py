"""The Seattle Crisis Data format: grouping by Template ID and the built-in value mapping."""

from __future__ import annotations

import datetime
import io

import pytest

from mhr.encounters.import_services import encounter_import_preview, encounter_import_run
from mhr.encounters.imports.seattle import DISPOSITIONS
from mhr.encounters.models import Encounter

pytestmark = pytest.mark.django_db

HEADER = (
    "Template ID,Reported Date,Reported Time,Occurred Date / Time,Call Type,Initial Call Type,"
    "Final Call Type,Disposition,Use of Force Indicator,Subject Veteran Indicator,"
    "CIT Certified Indicator,CIT Officer Arrived,Officer ID,Precinct,Sector,Beat\n"
)


def _file(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode())


def _import(agency, alice, *rows):
    return encounter_import_run(
        agency=agency,
        file=_file(*rows),
        filename="spd.csv",
        format="seattle",
        actor=alice,
        commit=True,
    )


def test_rows_of_a_template_become_one_encounter(agency_a, alice):
    outcome = _import(
        agency_a,
        alice,
        "T1,2018-05-01,14:05:00,05/01/2018 01:55:00 PM,911,PERSON IN BEHAVIORAL/EMOTIONAL CRISIS,"
        "--CRISIS COMPLAINT - GENERAL,Emergent Detention/ITA,N,No,Y,Y,7001,NORTH,N,N2",
        "T1,2018-05-01,14:05:00,05/01/2018 01:55:00 PM,911,PERSON IN BEHAVIORAL/EMOTIONAL CRISIS,"
        "--CRISIS COMPLAINT - GENERAL,Emergent Detention/ITA,Y,No,,Y,7002,NORTH,N,N2",
        "T1,2018-05-01,14:05:00,05/01/2018 01:55:00 PM,911,PERSON IN BEHAVIORAL/EMOTIONAL CRISIS,"
        "--CRISIS COMPLAINT - GENERAL,Emergent Detention/ITA,N,No,,Y,7002,NORTH,N,N2",
        "T2,2018-05-02,08:00:00,,ONVIEW,TRESPASS,--PROPERTY - TRESPASS,Resources Declined,N,-,,N,7003,WEST,K,K1",
    )
    assert outcome.committed, [str(e) for e in outcome.errors.items]
    one = Encounter.objects.get(incident_number="T1")
    assert one.officers_count == 2
    assert one.force == "used"
    assert one.cit_officer_on_scene is True
    assert one.disposition == "involuntary_evaluation"
    assert one.flagged_at_dispatch is True
    assert one.veteran is False
    assert one.call_source == "911"
    assert (one.district, one.beat) == ("NORTH", "N2")
    # Seattle is Pacific time (the agency is in Washington).
    assert one.received_at == datetime.datetime(2018, 5, 1, 21, 5, tzinfo=datetime.UTC)
    two = Encounter.objects.get(incident_number="T2")
    assert (two.call_source, two.force, two.cit_officer_on_scene, two.veteran) == (
        "officer_initiated",
        "none",
        False,
        None,
    )
    assert two.disposition == "resolved_on_scene"
    assert two.flagged_at_dispatch is False
    assert Encounter.objects.filter(agency=agency_a).count() == 2
    # Officer ids are never stored anywhere on the record.
    assert "7001" not in str(Encounter.objects.values().get(incident_number="T1"))


@pytest.mark.parametrize(("value", "expected"), sorted(DISPOSITIONS.items()))
def test_every_published_disposition_maps(agency_a, alice, value, expected):
    outcome = _import(
        agency_a,
        alice,
        f"X1,2018-05-01,10:00:00,,911,WELFARE CHECK,,{value.title()},N,No,,N,1,EAST,E,E1",
    )
    assert outcome.committed, [str(e) for e in outcome.errors.items]
    record = Encounter.objects.get(incident_number="X1")
    assert (record.disposition, record.destination, record.referral_to) == expected


def test_missing_disposition_is_other_with_a_warning(agency_a, alice):
    outcome = _import(
        agency_a, alice, "M1,2018-05-01,10:00:00,,911,WELFARE CHECK,,,N,No,,N,1,EAST,E,E1"
    )
    assert outcome.committed
    assert Encounter.objects.get(incident_number="M1").disposition == "other"
    (warning,) = outcome.warnings.items
    assert (warning.row, warning.column) == (2, "Disposition")


def test_unknown_disposition_and_flag_values_are_errors(agency_a, alice):
    outcome = _import(
        agency_a,
        alice,
        "U1,2018-05-01,10:00:00,,911,WELFARE CHECK,,Sent to the moon,N,No,,N,1,EAST,E,E1",
        "U2,2018-05-01,10:00:00,,911,WELFARE CHECK,,Crisis Clinic,maybe,No,,N,1,EAST,E,E1",
        "U3,2018-05-01,25:10:00,,911,WELFARE CHECK,,Crisis Clinic,N,No,,N,1,EAST,E,E1",
    )
    assert not outcome.committed
    assert [(i.row, i.column) for i in outcome.errors.items] == [
        (2, "Disposition"),
        (3, "Use of Force Indicator"),
        (4, "Reported Time"),
    ]
    assert not Encounter.objects.exists()


def test_missing_required_columns_are_named(agency_a):
    outcome = encounter_import_preview(
        agency=agency_a,
        file=io.BytesIO(b"Template ID,Beat\n1,B1\n"),
        filename="x.csv",
        format="seattle",
    )
    (issue,) = outcome.errors.items
    assert "Reported Date" in issue.message and "Disposition" in issue.message


def test_socrata_column_names_and_dates(agency_a, alice):
    text = (
        "template_id,reported_date,reported_time,call_type,disposition,officer_id\n"
        'S1,2018-05-01T00:00:00.000,140500,"TELEPHONE OTHER, NOT 911",Subject Arrested,9\n'
    )
    outcome = encounter_import_run(
        agency=agency_a,
        file=io.BytesIO(text.encode()),
        filename="s.csv",
        format="seattle",
        actor=alice,
        commit=True,
    )
    assert outcome.committed, [str(e) for e in outcome.errors.items]
    record = Encounter.objects.get()
    assert (record.call_source, record.disposition, record.officers_count) == (
        "non_emergency",
        "arrest",
        1,
    )


def test_reimport_is_idempotent(agency_a, alice):
    row = "I1,2018-05-01,10:00:00,,911,WELFARE CHECK,,Crisis Clinic,N,No,,N,1,EAST,E,E1"
    _import(agency_a, alice, row)
    again = _import(agency_a, alice, row)
    assert again.counts["unchanged"] == 1 and again.counts["new"] == 0
