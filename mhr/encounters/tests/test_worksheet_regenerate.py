"""Rebuilding a saved worksheet's points from current numbers, keeping the chief's edits."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from mhr.audit.models import AuditEvent
from mhr.clearinghouse.models import Fact
from mhr.encounters.tests.outside_data import add
from mhr.encounters.worksheet_services import (
    worksheet_create,
    worksheet_regenerate,
    worksheet_regeneration_plan,
    worksheet_save,
)

EventType = AuditEvent.EventType


def url(worksheet):
    return f"/agency/encounters/worksheets/{worksheet.pk}/regenerate/"


@pytest.fixture
def worksheet(agency_a, alice):
    add(agency_a, 20, disposition="referral")
    return worksheet_create(
        agency=agency_a,
        actor=alice,
        title="Council briefing",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )


def texts(worksheet):
    return {p["key"]: p["text"] for p in worksheet.points}


def edit(worksheet, actor, key, words):
    worksheet_save(
        worksheet=worksheet,
        actor=actor,
        title=worksheet.title,
        texts=[(p["key"], words if p["key"] == key else p["text"]) for p in worksheet.points],
    )


def test_nothing_to_rebuild_when_the_numbers_have_not_moved(worksheet, alice, client_for):
    plan = worksheet_regeneration_plan(worksheet)
    assert not plan.has_changes and plan.unchanged == len(worksheet.points)
    response = client_for(alice).get(url(worksheet))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is nothing to rebuild" in html
    assert "Rebuild the points</button>" not in html


def test_new_records_update_unedited_points_and_keep_edited_words(
    worksheet, agency_a, alice, client_for
):
    edit(worksheet, alice, "no_force", "Our own words about force.")
    add(agency_a, 10, disposition="arrest")  # 30 contacts now, 10 of them arrests
    client = client_for(alice)

    page = client.get(url(worksheet)).content.decode()
    assert "In 2025, our officers responded to 20 crisis contacts." in page  # now
    assert "In 2025, our officers responded to 30 crisis contacts." in page  # after
    assert 'data-change="conflict" data-key="no_force"' in page
    assert "Our own words about force." in page
    plan = worksheet_regeneration_plan(worksheet)
    assert {c.key for c in plan.updated} >= {"volume", "no_arrest"}
    assert [c.key for c in plan.conflicts] == ["no_force"]

    response = client.post(url(worksheet), {"fingerprint": plan.fingerprint})
    assert response.status_code == 302
    worksheet.refresh_from_db()
    now = texts(worksheet)
    assert now["volume"] == "In 2025, our officers responded to 30 crisis contacts."
    assert now["no_arrest"].startswith("In 2025, 67% of 30 crisis contacts")
    assert now["no_force"] == "Our own words about force."  # kept, not confirmed
    event = AuditEvent.objects.filter(event_type=EventType.WORKSHEET_SAVED).latest("id")
    assert event.extra["regenerated"] is True
    assert event.extra["kept_edited"] == ["no_force"]
    assert "volume" in event.extra["updated"] and event.extra["replaced"] == []
    # Still the chief's words: the next rebuild offers it again only if the numbers move.
    assert not worksheet_regeneration_plan(worksheet).has_changes


def test_confirming_replaces_the_chiefs_words(worksheet, agency_a, alice, client_for):
    edit(worksheet, alice, "volume", "Lots of calls.")
    add(agency_a, 5)
    plan = worksheet_regeneration_plan(worksheet)
    response = client_for(alice).post(
        url(worksheet), {"fingerprint": plan.fingerprint, "replace": ["volume"]}
    )
    assert response.status_code == 302
    worksheet.refresh_from_db()
    assert texts(worksheet)["volume"] == "In 2025, our officers responded to 25 crisis contacts."
    event = AuditEvent.objects.filter(event_type=EventType.WORKSHEET_SAVED).latest("id")
    assert event.extra["replaced"] == ["volume"]


def test_removed_points_come_back_only_when_chosen(worksheet, alice):
    kept = [(p["key"], p["text"]) for p in worksheet.points if p["key"] != "no_arrest"]
    worksheet_save(worksheet=worksheet, actor=alice, title="T", texts=kept)
    plan = worksheet_regeneration_plan(worksheet)
    assert [c.key for c in plan.added] == ["no_arrest"]
    worksheet_regenerate(worksheet=worksheet, actor=alice, fingerprint=plan.fingerprint)
    worksheet.refresh_from_db()
    assert "no_arrest" not in texts(worksheet)
    worksheet_regenerate(
        worksheet=worksheet, actor=alice, fingerprint=plan.fingerprint, add=["no_arrest"]
    )
    worksheet.refresh_from_db()
    assert [p["key"] for p in worksheet.points][-1] == "no_arrest"


def test_retired_facts_leave_unless_the_chief_edited_them(worksheet, alice):
    facts = [p["key"] for p in worksheet.points if p["kind"] == "national"]
    edit(worksheet, alice, facts[1], "A fact in my words.")
    Fact.objects.filter(pk__in=[int(k.split("-")[1]) for k in facts[:2]]).update(is_active=False)
    plan = worksheet_regeneration_plan(worksheet)
    assert [c.key for c in plan.dropped] == [facts[0]]
    assert [c.key for c in plan.orphaned] == [facts[1]]
    worksheet_regenerate(worksheet=worksheet, actor=alice, fingerprint=plan.fingerprint)
    worksheet.refresh_from_db()
    assert facts[0] not in texts(worksheet)
    assert texts(worksheet)[facts[1]] == "A fact in my words."


def test_numbers_that_moved_since_the_page_was_shown_are_not_applied(
    worksheet, agency_a, alice, client_for
):
    add(agency_a, 5)
    shown = worksheet_regeneration_plan(worksheet).fingerprint
    add(agency_a, 5)  # someone imports more while the chief reads
    response = client_for(alice).post(url(worksheet), {"fingerprint": shown})
    assert response.status_code == 400
    assert "The numbers changed while you were looking" in response.content.decode()
    worksheet.refresh_from_db()
    assert texts(worksheet)["volume"] == "In 2025, our officers responded to 20 crisis contacts."
    assert not AuditEvent.objects.filter(extra__regenerated=True).exists()


def test_the_service_refuses_keys_it_did_not_offer(worksheet, agency_a, alice):
    add(agency_a, 5)
    plan = worksheet_regeneration_plan(worksheet)
    with pytest.raises(ValidationError):
        worksheet_regenerate(
            worksheet=worksheet, actor=alice, fingerprint=plan.fingerprint, replace=["volume"]
        )
    with pytest.raises(ValidationError):
        worksheet_regenerate(
            worksheet=worksheet, actor=alice, fingerprint=plan.fingerprint, add=["made-up"]
        )


def test_points_saved_without_their_generated_words_count_as_edited(worksheet, agency_a, alice):
    # Worksheets saved before the generated words were kept: nothing is replaced unasked.
    worksheet.points = [{k: v for k, v in p.items() if k != "generated"} for p in worksheet.points]
    worksheet.save(update_fields=["points"])
    add(agency_a, 5)
    plan = worksheet_regeneration_plan(worksheet)
    assert "volume" in {c.key for c in plan.conflicts} and not plan.updated


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_agencies_staff_and_members_cannot_rebuild(
    method, worksheet, bob, carol, sam, client_for
):
    for user, status in ((carol, 404), (sam, 404), (bob, 403)):
        response = getattr(client_for(user), method)(url(worksheet), {"fingerprint": "x"})
        assert response.status_code == status
    assert not AuditEvent.objects.filter(extra__regenerated=True).exists()
