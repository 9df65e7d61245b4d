"""Entering encounters by hand: the form, drafts, the record page, corrections, the list."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.encounters.models import Encounter
from mhr.encounters.services import encounter_create
from mhr.encounters.tests.factories import encounter_values

UTC = datetime.UTC
NEW = "/agency/encounters/records/new/"
LIST = "/agency/encounters/records/"
DRAFTS = "/agency/encounters/drafts/"


def detail_url(encounter: Encounter) -> str:
    return f"/agency/encounters/records/{encounter.pk}/"


def form_data(**overrides) -> dict[str, str]:
    """What a browser sends for a typical record (agency A is in Washington: Pacific time)."""
    data = {
        "incident_number": "25-104233",
        "received_date": "2025-03-14",
        "received_time": "21:05",
        "arrived_at": "21:14",
        "cleared_at": "2025-03-15 00:40",
        "call_source": "crisis_line",
        "dispatch_call_type": "SUICIDAL PERSON",
        "final_call_type": "CRISIS COMPLAINT",
        "flagged_at_dispatch": "yes",
        "officers_count": "2",
        "cit_officer_on_scene": "yes",
        "co_responder_on_scene": "no",
        "ems_on_scene": "",
        "age_band": "25_34",
        "sex": "female",
        "race_ethnicity": "unknown",
        "veteran": "",
        "housing": "housed",
        "suicidal": "yes",
        "substance_use": "no",
        "psychosis": "",
        "threats_to_others": "no",
        "weapon": "none",
        "force": "none",
        "person_injured": "no",
        "officer_injured": "no",
        "other_injured": "",
        "disposition": "voluntary_transport",
        "destination": "County crisis stabilization unit",
        "referral_to": "",
        "follow_up_done": "",
        "district": "NORTH",
        "beat": "N2",
        "person_key": "9f2c-agency-hash",
        "action": "record",
    }
    data.update(overrides)
    return data


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def recorded(agency_a, alice) -> Encounter:
    return encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(incident_number="A-1", person_key="secret-person"),
    )


# --- the form -------------------------------------------------------------------------------------


def test_it_shows_the_form_in_fieldsets_with_the_agencys_time_zone(client_for, bob):
    response = client_for(bob).get(NEW)
    assert response.status_code == 200
    text = page_text(response)
    for legend in ("Call", "Responders", "Person", "What was observed", "Outcome", "Location"):
        assert f'<legend class="usa-legend usa-legend--large">{legend}</legend>' in text
    assert "America/Los_Angeles" in text
    assert 'type="radio" name="cit_officer_on_scene" value="yes"' in text
    assert "Save record" in text and "Save draft" in text
    assert "autofocus" in text
    assert "<script>" not in text  # the CSP forbids inline script


def test_it_records_a_complete_encounter_in_utc(client_for, bob, agency_a):
    response = client_for(bob).post(NEW, form_data())
    encounter = Encounter.objects.get(agency=agency_a, incident_number="25-104233")
    assert response.status_code == 302
    assert response["Location"] == detail_url(encounter)
    assert encounter.status == Encounter.Status.COMPLETE
    # 21:05 Pacific daylight time on 14 March 2025 is 04:05 UTC the next day.
    assert encounter.received_at == datetime.datetime(2025, 3, 15, 4, 5, tzinfo=UTC)
    assert encounter.arrived_at == datetime.datetime(2025, 3, 15, 4, 14, tzinfo=UTC)
    assert encounter.cleared_at == datetime.datetime(2025, 3, 15, 7, 40, tzinfo=UTC)
    assert encounter.received_date == datetime.date(2025, 3, 14)
    assert encounter.minutes_on_scene == 206
    assert encounter.cit_officer_on_scene is True
    assert encounter.co_responder_on_scene is False
    assert encounter.ems_on_scene is None
    assert encounter.call_source == "crisis_line"
    assert encounter.person_digest and encounter.person_digest != "9f2c-agency-hash"
    assert encounter.created_by == bob
    assert encounter.source == Encounter.Source.ENTRY


def test_it_saves_a_draft_with_only_an_incident_number(client_for, alice, agency_a):
    response = client_for(alice).post(
        NEW, {"incident_number": "D-7", "received_date": "2025-03-14", "action": "draft"}
    )
    assert response.status_code == 302
    draft = Encounter.objects.get(agency=agency_a, incident_number="D-7")
    assert draft.status == Encounter.Status.DRAFT
    assert draft.received_at is None
    assert draft.disposition == "unknown"


def test_it_lists_every_problem_at_the_top_linked_to_its_field(client_for, alice):
    response = client_for(alice).post(
        NEW, form_data(disposition="", received_time="25:10", officers_count="two")
    )
    assert response.status_code == 400
    text = page_text(response)
    assert 'id="error-summary"' in text
    assert '<a href="#id_received_time">' in text
    assert '<a href="#id_officers_count">' in text
    assert "is not a time of day" in text
    assert 'aria-invalid="true"' in text
    assert not Encounter.objects.exists()


def test_it_names_a_missing_disposition_from_the_services(client_for, alice):
    response = client_for(alice).post(NEW, form_data(disposition=""))
    assert response.status_code == 400
    text = page_text(response)
    assert '<a href="#id_disposition">Choose the disposition.</a>' in text
    assert not Encounter.objects.exists()


def test_it_refuses_a_call_cleared_before_it_was_received(client_for, alice):
    response = client_for(alice).post(NEW, form_data(cleared_at="20:00", arrived_at=""))
    assert response.status_code == 400
    assert '<a href="#id_cleared_at">The call was cleared before it was received.</a>' in (
        page_text(response)
    )
    assert not Encounter.objects.exists()


def test_it_refuses_a_duplicate_incident_number(client_for, alice, recorded):
    response = client_for(alice).post(NEW, form_data(incident_number="A-1"))
    assert response.status_code == 400
    assert "A-1 is already recorded" in page_text(response)
    assert Encounter.objects.count() == 1


def test_it_asks_for_the_date_of_a_later_time_when_the_received_date_is_empty(client_for, alice):
    response = client_for(alice).post(
        NEW, form_data(received_date="", received_time="", action="draft")
    )
    assert response.status_code == 400
    assert "Type the date too" in page_text(response)


# --- the record and its history -------------------------------------------------------------------


def test_it_shows_the_record_with_its_history_and_audits_the_view(client_for, bob, recorded):
    response = client_for(bob).get(detail_url(recorded))
    assert response.status_code == 200
    text = page_text(response)
    assert "Incident A-1" in text
    assert "Voluntary transport" in text
    assert "History" in text and "Recorded" in text
    assert recorded.person_digest not in text
    assert "secret-person" not in text
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, object_id=str(recorded.pk), actor=bob
    ).exists()


def test_it_shows_times_in_the_agencys_zone(client_for, bob, recorded):
    # The factory's 21:05 UTC on 14 March is 14:05 in Pacific daylight time.
    assert "2025-03-14 14:05" in page_text(client_for(bob).get(detail_url(recorded)))


def test_a_correction_needs_a_reason_and_is_kept_in_the_history(client_for, bob, recorded):
    client = client_for(bob)
    edit = f"{detail_url(recorded)}edit/"
    form = client.get(edit)
    assert form.status_code == 200
    assert "Reason for the correction" in page_text(form)
    data = form_data(incident_number="A-1", disposition="arrest", version="1", person_key="")
    refused = client.post(edit, data)
    assert refused.status_code == 400
    assert "Say why the record is being corrected." in page_text(refused)
    recorded.refresh_from_db()
    assert recorded.disposition == "voluntary_transport"

    saved = client.post(edit, {**data, "reason": "Supervisor review"})
    assert saved.status_code == 302
    recorded.refresh_from_db()
    assert recorded.disposition == "arrest"
    assert recorded.version == 2
    latest = recorded.revisions.order_by("-number").first()
    assert latest.reason == "Supervisor review"
    assert latest.changed_by == bob
    # An empty person key keeps the recorded one.
    assert "person_digest" not in latest.changes
    history = page_text(client.get(detail_url(recorded)))
    assert "Disposition: Voluntary transport → Arrest" in history
    assert "Supervisor review" in history


def test_a_stale_correction_is_refused_with_a_clear_message(client_for, alice, bob, recorded):
    from mhr.encounters.services import encounter_update

    encounter_update(
        encounter=recorded, actor=alice, changes={"beat": "N3"}, reason="Beat corrected"
    )
    response = client_for(bob).post(
        f"{detail_url(recorded)}edit/",
        form_data(incident_number="A-1", disposition="arrest", version="1", reason="Review"),
    )
    assert response.status_code == 400
    assert "Someone else changed this record" in page_text(response)
    recorded.refresh_from_db()
    assert recorded.disposition == "voluntary_transport"


def test_a_draft_is_finished_from_its_edit_form(client_for, alice, agency_a):
    client = client_for(alice)
    client.post(NEW, {"incident_number": "D-8", "action": "draft"})
    draft = Encounter.objects.get(incident_number="D-8")
    response = client.post(
        f"{detail_url(draft)}edit/", form_data(incident_number="D-8", version=str(draft.version))
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Encounter.Status.COMPLETE
    assert draft.revisions.order_by("-number").first().reason == "Recorded from a draft"


def test_a_draft_can_be_discarded_but_a_record_cannot(client_for, bob, agency_a, recorded):
    client = client_for(bob)
    client.post(NEW, {"incident_number": "D-9", "action": "draft"})
    draft = Encounter.objects.get(incident_number="D-9")
    response = client.post(f"{detail_url(draft)}discard/")
    assert response.status_code == 302
    assert response["Location"] == DRAFTS
    assert not Encounter.objects.filter(pk=draft.pk).exists()

    refused = client.post(f"{detail_url(recorded)}discard/")
    assert refused.status_code == 302
    assert Encounter.objects.filter(pk=recorded.pk).exists()


def test_other_agencies_and_staff_get_404(client_for, carol, sam, recorded):
    for user in (carol, sam):
        client = client_for(user)
        assert client.get(detail_url(recorded)).status_code == 404
        assert client.get(f"{detail_url(recorded)}edit/").status_code == 404
        assert client.post(f"{detail_url(recorded)}discard/").status_code == 404
    assert Encounter.objects.filter(pk=recorded.pk).exists()
    assert client_for(sam).get(NEW).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


# --- lists ----------------------------------------------------------------------------------------


def _bulk(agency, actor, count: int, **overrides) -> None:
    for index in range(count):
        encounter_create(
            agency=agency,
            actor=actor,
            values=encounter_values(
                received_at=datetime.datetime(2025, 4, 2, 18, 0, tzinfo=UTC)
                + datetime.timedelta(hours=index),
                **overrides,
            ),
        )


def test_the_list_filters_by_month_disposition_and_status(client_for, alice, agency_a, carol):
    _bulk(agency_a, alice, 2)
    _bulk(agency_a, alice, 1, disposition="arrest")
    encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(
            incident_number="MARCH-1",
            received_at=datetime.datetime(2025, 3, 20, 18, 0, tzinfo=UTC),
        ),
    )
    encounter_create(
        agency=agency_a,
        actor=alice,
        values={"incident_number": "DRAFT-1"},
        status=Encounter.Status.DRAFT,
    )
    encounter_create(
        agency=carol.membership.agency, actor=carol, values=encounter_values(incident_number="B-1")
    )
    client = client_for(alice)
    everything = page_text(client.get(LIST))
    assert "5 encounters" in everything
    assert "B-1" not in everything
    assert "4 encounters" in page_text(client.get(LIST, {"status": "complete"}))
    april = page_text(client.get(LIST, {"month": "2025-04"}))
    assert "3 encounters" in april and "MARCH-1" not in april
    arrests = page_text(client.get(LIST, {"month": "2025-04", "disposition": "arrest"}))
    assert "1 encounter," not in arrests and "1 encounter<" in arrests.replace(" <", "<")
    drafts = page_text(client.get(LIST, {"status": "draft"}))
    assert "DRAFT-1" in drafts and "MARCH-1" not in drafts


def test_the_list_ignores_a_bad_month_with_a_note(client_for, alice):
    response = client_for(alice).get(LIST, {"month": "March", "page": "x"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Type the month as YYYY-MM" in text
    assert "page number was not understood" in text


def test_the_list_pages_with_a_constant_number_of_queries(client_for, alice, agency_a):
    client = client_for(alice)
    _bulk(agency_a, alice, 1)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    _bulk(agency_a, alice, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(many) == len(one)
    assert "31 encounters, page 1 of 2" in page_text(response)
    second = page_text(client.get(LIST, {"page": "2"}))
    assert "page 2 of 2" in second
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, agency=agency_a
    ).exists()


def test_the_drafts_list_shows_only_drafts_with_constant_queries(client_for, bob, agency_a):
    client = client_for(bob)
    client.post(NEW, {"incident_number": "D-1", "action": "draft"})
    client.get(DRAFTS)
    with CaptureQueriesContext(connection) as one:
        client.get(DRAFTS)
    for number in range(2, 6):
        client.post(NEW, {"incident_number": f"D-{number}", "action": "draft"})
    client.post(NEW, form_data(incident_number="C-1"), follow=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DRAFTS)
    assert len(many) == len(one)
    text = page_text(response)
    assert "5 drafts" in text and "D-5" in text and "C-1" not in text
    assert "Bob Baker" in text


def test_the_history_says_the_person_key_changed_but_never_shows_it(client_for, alice, recorded):
    client = client_for(alice)
    old_digest = recorded.person_digest
    response = client.post(
        f"{detail_url(recorded)}edit/",
        form_data(incident_number="A-1", version="1", person_key="other-person", reason="Key fix"),
    )
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.person_digest not in ("", old_digest)
    text = page_text(client.get(detail_url(recorded)))
    assert "Person key changed" in text
    assert "First version" in text
    for secret in (old_digest, recorded.person_digest, "other-person", "secret-person"):
        assert secret not in text


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2025-13"])
def test_the_list_survives_months_at_the_edge_of_the_calendar(client_for, alice, month):
    assert client_for(alice).get(LIST, {"month": month}).status_code == 200


def test_the_form_refuses_an_implausible_date(client_for, alice):
    response = client_for(alice).post(
        NEW, form_data(received_date="0001-01-01", arrived_at="", cleared_at="9999-12-31 23:59")
    )
    assert response.status_code == 400
    text = page_text(response)
    assert '<a href="#id_received_date">0001-01-01 is not a plausible date' in text
    assert '<a href="#id_cleared_at">9999-12-31 is not a plausible date' in text
    assert not Encounter.objects.exists()


def test_a_correction_keeps_the_seconds_of_untouched_times(client_for, alice, agency_a):
    received = datetime.datetime(2025, 3, 14, 21, 5, 42, tzinfo=UTC)
    encounter = encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(incident_number="S-1", received_at=received),
    )
    client = client_for(alice)
    form = client.get(f"{detail_url(encounter)}edit/")
    assert 'value="14:05"' in page_text(form)
    response = client.post(
        f"{detail_url(encounter)}edit/",
        form_data(
            incident_number="S-1",
            received_date="2025-03-14",
            received_time="14:05",
            arrived_at="14:14",
            cleared_at="15:09",
            version="1",
            person_key="",
            reason="Beat fixed",
            beat="N5",
        ),
    )
    assert response.status_code == 302
    encounter.refresh_from_db()
    assert encounter.received_at == received
    changed = encounter.revisions.order_by("-number").first().changes
    assert "received_at" not in changed and changed["beat"] == ["N2", "N5"]


def test_a_long_list_counts_up_to_the_cap_then_pages_on_newest_first(
    client_for, alice, agency_a, monkeypatch
):
    """Past the count cap the list says "more than" and pages with Next links alone; either
    way it is newest first across days (ordered by local date, then time)."""
    from mhr.encounters import entry_views

    monkeypatch.setattr(entry_views, "COUNT_CAP", 30)
    _bulk(agency_a, alice, 52)  # an hour apart, across three local days
    _bulk(agency_a, alice, 3, disposition="arrest")
    client = client_for(alice)
    newest_first = list(
        Encounter.objects.filter(agency=agency_a)
        .order_by("-received_at", "-id")
        .values_list("incident_number", flat=True)
    )
    shown = []
    for number in (1, 2, 3):
        response = client.get(LIST, {"page": str(number)})
        html = response.content.decode()
        text = page_text(response)
        assert f"More than 30 encounters, newest first, page {number}" in text
        assert ("Next page" in html) is (number < 3)
        assert ("Previous page" in html) is (number > 1)
        shown += re.findall(r'data-label="Incident number"><a href="[^"]+">([^<]+)</a>', html)
    assert shown == newest_first
    past_the_end = page_text(client.get(LIST, {"page": "9"}))
    assert "There is no page 9" in past_the_end
    # Under the cap the count is exact again.
    exact = page_text(client.get(LIST, {"disposition": "arrest"}))
    assert "3 encounters" in exact and "More than" not in exact


def test_a_capped_list_pages_no_deeper_than_its_row_limit(client_for, alice, agency_a, monkeypatch):
    from mhr.core import pagination
    from mhr.encounters import entry_views

    monkeypatch.setattr(entry_views, "COUNT_CAP", 5)
    monkeypatch.setattr(pagination, "MAX_OFFSET_ROWS", 50)
    _bulk(agency_a, alice, 60)
    response = client_for(alice).get(LIST, {"page": "7"})
    text = page_text(response)
    # 50 rows at 25 a page: page 2 is the deepest one shown.
    assert "Pages stop after the first 50 rows, so page 2 is shown." in text
    assert "More than 5 encounters, newest first, page 2" in text
    assert "Next page" not in response.content.decode()
