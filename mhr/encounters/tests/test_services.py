"""Recording and correcting encounters through the one service path."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from mhr.audit.models import AuditEvent
from mhr.encounters.models import Encounter
from mhr.encounters.services import (
    encounter_create,
    encounter_discard,
    encounter_settings_update,
    encounter_update,
    person_digest,
)
from mhr.encounters.tests.factories import encounter_values

UTC = datetime.UTC


@pytest.mark.django_db
def test_create_keeps_a_complete_record_with_derived_columns_and_history(agency_a, alice):
    values = encounter_values(received_at=datetime.datetime(2025, 1, 1, 6, 30, tzinfo=UTC))
    encounter = encounter_create(agency=agency_a, actor=alice, values=values)
    # 06:30 UTC on 1 January is still 31 December in Washington State.
    assert encounter.received_date == datetime.date(2024, 12, 31)
    assert encounter.minutes_on_scene == 55
    assert encounter.revisions.get().number == 1
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_CREATED, object_id=str(encounter.pk)
    ).exists()


@pytest.mark.django_db
def test_bad_values_are_refused_by_field_and_nothing_is_saved(agency_a, alice):
    received = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    values = encounter_values(
        received_at=received,
        cleared_at=received - datetime.timedelta(minutes=5),
        disposition="teleported",
    )
    with pytest.raises(ValidationError) as caught:
        encounter_create(agency=agency_a, actor=alice, values=values)
    assert "cleared before it was received" in caught.value.message_dict["cleared_at"][0]
    assert "disposition" in caught.value.message_dict
    assert not Encounter.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_incident_number_is_named(agency_a, agency_b, alice, carol):
    encounter_create(agency=agency_a, actor=alice, values=encounter_values(incident_number="X-1"))
    with pytest.raises(ValidationError) as caught:
        encounter_create(
            agency=agency_a, actor=alice, values=encounter_values(incident_number="X-1")
        )
    assert "X-1 is already recorded" in caught.value.message_dict["incident_number"][0]
    # Another agency may use the same number.
    encounter_create(agency=agency_b, actor=carol, values=encounter_values(incident_number="X-1"))


@pytest.mark.django_db
def test_corrections_are_kept_in_the_history(agency_a, alice, bob):
    encounter = encounter_create(agency=agency_a, actor=alice, values=encounter_values())
    encounter_update(
        encounter=encounter,
        actor=bob,
        changes={"disposition": "arrest"},
        reason="Supervisor review",
    )
    encounter.refresh_from_db()
    assert encounter.disposition == "arrest"
    assert encounter.version == 2
    latest = encounter.revisions.order_by("-number").first()
    assert latest.changes == {"disposition": ["voluntary_transport", "arrest"]}
    assert latest.reason == "Supervisor review"
    assert latest.changed_by == bob


@pytest.mark.django_db
def test_a_stale_edit_is_refused(agency_a, alice):
    encounter = encounter_create(agency=agency_a, actor=alice, values=encounter_values())
    encounter_update(encounter=encounter, actor=alice, changes={"beat": "N3"})
    with pytest.raises(ValidationError) as caught:
        encounter_update(
            encounter=encounter, actor=alice, changes={"beat": "N4"}, expected_version=1
        )
    assert "version" in caught.value.message_dict


@pytest.mark.django_db
def test_drafts_may_be_incomplete_but_must_be_finished_to_count(agency_a, alice):
    draft = encounter_create(
        agency=agency_a,
        actor=alice,
        values={"incident_number": "D-1", "disposition": "unknown"},
        status=Encounter.Status.DRAFT,
    )
    with pytest.raises(ValidationError) as caught:
        encounter_update(encounter=draft, actor=alice, changes={}, status="complete")
    assert "received_at" in caught.value.message_dict
    complete = encounter_values(incident_number="D-1")
    encounter_update(encounter=draft, actor=alice, changes=complete, status="complete")
    draft.refresh_from_db()
    assert draft.status == "complete"
    with pytest.raises(ValidationError):
        encounter_discard(encounter=draft, actor=alice)


@pytest.mark.django_db
def test_repeat_contacts_are_flagged_from_the_person_key_in_time_order(agency_a, agency_b, alice):
    day = datetime.datetime(2025, 5, 1, 12, tzinfo=UTC)
    later = encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(received_at=day + datetime.timedelta(days=3), person_key="k1"),
    )
    assert later.repeat_contact is False
    # An earlier contact recorded afterwards makes the later one the repeat.
    first = encounter_create(
        agency=agency_a, actor=alice, values=encounter_values(received_at=day, person_key="k1")
    )
    later.refresh_from_db()
    assert (first.repeat_contact, later.repeat_contact) == (False, True)
    assert person_digest(agency=agency_a, person_key="k1") != person_digest(
        agency=agency_b, person_key="k1"
    )
    assert "k1" not in str(later.revisions.first().changes)


@pytest.mark.django_db
def test_publishing_the_transparency_page_is_audited(agency_a, alice):
    encounter_settings_update(agency=agency_a, actor=alice, transparency_published=True)
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.TRANSPARENCY_PUBLISHED, agency=agency_a
    ).exists()
    with pytest.raises(ValidationError):
        encounter_settings_update(agency=agency_a, actor=alice, time_zone="Mars/Olympus")
