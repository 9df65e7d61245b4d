import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Campaign, Pledge, PracticeDecision, Requirement, RuleVersion
from mhr.campaigns.services.pledges import (
    TRANSITIONS,
    add_months,
    pledge_change_status,
    pledge_create,
    pledge_update,
)
from mhr.campaigns.tests.reviewdata import review

TODAY = datetime.date(2026, 3, 10)
Status = Pledge.Status


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(
        datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def terms(**overrides):
    fields = {
        "agency_head_name": "Pat Chief",
        "agency_head_title": "Chief of Police",
        "signed_on": TODAY,
        "contact_name": "Alice Archer",
        "contact_email": "alice@springfield.example",
        "contact_phone": "555-0100",
        "target_completion_on": datetime.date(2027, 9, 10),
        "non_sworn_roles_in_scope": ["dispatcher"],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def pledge(one_mind, agency_a, alice):
    return pledge_create(agency=agency_a, campaign=one_mind, created_by=alice, **terms())


def test_it_records_a_pledge_under_the_current_rules_with_an_audit_row(pledge, alice, agency_a):
    assert pledge.status == Status.PLEDGED
    assert pledge.rule_version.code == "current"
    assert pledge.created_by == alice
    assert pledge.non_sworn_roles_in_scope == ["dispatcher"]
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.PLEDGE_CREATED)
    assert event.agency == agency_a and event.actor == alice
    assert event.object_id == str(pledge.pk)
    assert event.extra["rule_version"] == "current"


@pytest.mark.parametrize(
    "target",
    [datetime.date(2027, 3, 10), datetime.date(2029, 3, 10)],
    ids=["exactly-12-months", "exactly-36-months"],
)
def test_it_accepts_targets_at_both_ends_of_the_window(one_mind, agency_a, alice, target):
    pledge = pledge_create(
        agency=agency_a, campaign=one_mind, created_by=alice, **terms(target_completion_on=target)
    )
    assert pledge.target_completion_on == target


@pytest.mark.parametrize(
    "target",
    [datetime.date(2027, 3, 9), datetime.date(2029, 3, 11), datetime.date(2026, 1, 1)],
    ids=["a-day-short-of-12-months", "a-day-past-36-months", "before-signing"],
)
def test_it_rejects_a_target_outside_12_to_36_months_with_a_clear_message(
    one_mind, agency_a, alice, target
):
    with pytest.raises(ValidationError) as caught:
        pledge_create(
            agency=agency_a,
            campaign=one_mind,
            created_by=alice,
            **terms(target_completion_on=target),
        )
    message = caught.value.message_dict["target_completion_on"][0]
    assert "between 12 and 36 months after signing" in message
    assert "March 10, 2027" in message and "March 10, 2029" in message
    assert not Pledge.objects.exists()
    assert not AuditEvent.objects.filter(event_type="pledge.created").exists()


def test_it_uses_the_campaigns_own_window(one_mind, agency_a, alice):
    Campaign.objects.filter(pk=one_mind.pk).update(min_months=6, max_months=12)
    one_mind.refresh_from_db()
    pledge = pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=alice,
        **terms(target_completion_on=datetime.date(2026, 9, 10)),
    )
    assert pledge.pk
    with pytest.raises(ValidationError, match="between 6 and 12 months"):
        pledge_update(
            pledge=pledge, changed_by=alice, target_completion_on=datetime.date(2027, 9, 10)
        )


def test_it_rejects_a_signing_date_in_the_future(one_mind, agency_a, alice):
    with pytest.raises(ValidationError) as caught:
        pledge_create(
            agency=agency_a,
            campaign=one_mind,
            created_by=alice,
            **terms(signed_on=TODAY + datetime.timedelta(days=1)),
        )
    assert "cannot be in the future" in caught.value.message_dict["signed_on"][0]


def test_it_allows_only_one_pledge_per_agency_and_campaign(pledge, one_mind, agency_a, alice):
    with pytest.raises(ValidationError, match="already pledged"):
        pledge_create(agency=agency_a, campaign=one_mind, created_by=alice, **terms())
    assert Pledge.objects.count() == 1


def test_it_rejects_sworn_or_unknown_roles_in_scope(one_mind, agency_a, alice):
    for role in ("patrol", "astronaut"):
        with pytest.raises(ValidationError) as caught:
            pledge_create(
                agency=agency_a,
                campaign=one_mind,
                created_by=alice,
                **terms(non_sworn_roles_in_scope=["dispatcher", role]),
            )
        assert "is not a non-sworn role" in caught.value.message_dict["non_sworn_roles_in_scope"][0]
    assert not Pledge.objects.exists()


def test_it_keeps_roles_in_a_stable_order_without_duplicates(one_mind, agency_a, alice):
    pledge = pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=alice,
        **terms(non_sworn_roles_in_scope=["other", "dispatcher", "other"]),
    )
    assert pledge.non_sworn_roles_in_scope == ["dispatcher", "other"]


def test_it_requires_the_agency_head_and_contact(one_mind, agency_a, alice):
    with pytest.raises(ValidationError) as caught:
        pledge_create(
            agency=agency_a,
            campaign=one_mind,
            created_by=alice,
            **terms(agency_head_name="  ", contact_email=""),
        )
    assert set(caught.value.message_dict) == {"agency_head_name", "contact_email"}


def test_staff_may_record_a_2016_pledge(one_mind, agency_a, sam):
    pledge = pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=sam,
        rule_version="2016",
        **terms(
            signed_on=datetime.date(2017, 5, 1), target_completion_on=datetime.date(2019, 5, 1)
        ),
    )
    assert pledge.rule_version.code == "2016"


def test_a_coordinator_cannot_choose_the_2016_rules(one_mind, agency_a, alice):
    with pytest.raises(ValidationError) as caught:
        pledge_create(
            agency=agency_a, campaign=one_mind, created_by=alice, rule_version="2016", **terms()
        )
    assert "Only association staff" in caught.value.message_dict["rule_version"][0]


def test_the_rule_version_must_belong_to_the_campaign(one_mind, agency_a, sam):
    other = Campaign.objects.create(slug="trust", name="Trust Building", summary="25 practices")
    foreign = RuleVersion.objects.create(
        campaign=other, code="v1", name="v1", effective_from=TODAY, is_current=True
    )
    for version in (foreign, "v1", "no-such-code"):
        with pytest.raises(ValidationError) as caught:
            pledge_create(
                agency=agency_a, campaign=one_mind, created_by=sam, rule_version=version, **terms()
            )
        assert "does not belong" in caught.value.message_dict["rule_version"][0]


def test_members_and_other_agencies_cannot_pledge(one_mind, agency_a, bob, carol):
    for user in (bob, carol, None):
        with pytest.raises(PermissionDenied):
            pledge_create(agency=agency_a, campaign=one_mind, created_by=user, **terms())
    assert not Pledge.objects.exists()


def test_it_refuses_pledges_to_an_inactive_campaign(one_mind, agency_a, alice):
    Campaign.objects.filter(pk=one_mind.pk).update(is_active=False)
    one_mind.refresh_from_db()
    with pytest.raises(ValidationError, match="not taking pledges"):
        pledge_create(agency=agency_a, campaign=one_mind, created_by=alice, **terms())


def test_update_records_what_changed(pledge, alice):
    pledge_update(
        pledge=pledge,
        changed_by=alice,
        contact_phone="555-0199",
        target_completion_on=datetime.date(2028, 3, 10),
        agency_head_name="Pat Chief",
    )
    pledge.refresh_from_db()
    assert pledge.contact_phone == "555-0199"
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.PLEDGE_CHANGED)
    assert event.extra["changes"] == {
        "contact_phone": ["555-0100", "555-0199"],
        "target_completion_on": ["2027-09-10", "2028-03-10"],
    }


def test_update_without_changes_writes_nothing(pledge, alice):
    pledge_update(pledge=pledge, changed_by=alice, contact_name="Alice Archer")
    assert not AuditEvent.objects.filter(event_type="pledge.changed").exists()


def test_update_validates_the_window_and_saves_nothing_on_error(pledge, alice):
    with pytest.raises(ValidationError):
        pledge_update(
            pledge=pledge,
            changed_by=alice,
            contact_phone="555-0199",
            target_completion_on=datetime.date(2026, 6, 1),
        )
    pledge.refresh_from_db()
    assert pledge.contact_phone == "555-0100"


def test_update_rejects_unknown_fields_and_other_agencies(pledge, alice, carol, bob):
    with pytest.raises(ValidationError, match="cannot be changed here: status"):
        pledge_update(pledge=pledge, changed_by=alice, status="recognized")
    for user in (carol, bob):
        with pytest.raises(PermissionDenied):
            pledge_update(pledge=pledge, changed_by=user, contact_phone="1")


def test_terms_are_fixed_once_submitted_but_contacts_are_not(pledge, alice):
    pledge_change_status(pledge=pledge, status=Status.IN_PROGRESS, changed_by=alice)
    pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=alice)
    with pytest.raises(ValidationError, match="terms can no longer be changed"):
        pledge_update(pledge=pledge, changed_by=alice, agency_head_name="New Chief")
    pledge_update(pledge=pledge, changed_by=alice, contact_email="poc@springfield.example")
    pledge.refresh_from_db()
    assert pledge.contact_email == "poc@springfield.example"


def test_the_transition_table_is_the_documented_one():
    assert TRANSITIONS == {
        "pledged": {"in_progress"},
        "in_progress": {"submitted"},
        "submitted": {"recognized", "returned"},
        "returned": {"in_progress", "submitted"},
        "recognized": {"lapsed"},
        "lapsed": {"recognized"},
    }


def test_a_pledge_walks_to_recognition_and_every_step_is_audited(pledge, alice, reviewer):
    pledge_change_status(pledge=pledge, status=Status.IN_PROGRESS, changed_by=alice)
    pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=alice)
    review(pledge, reviewer, returned={"partnership": "Add the MOU."})
    # The clock is frozen; the second submission is a new round only if it comes later.
    with time_machine.travel(
        datetime.datetime(2026, 3, 10, 16, 0, tzinfo=datetime.UTC), tick=False
    ):
        pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=alice)
        review(pledge, reviewer)
    assert pledge.status == Status.RECOGNIZED
    assert pledge.recognized_on == TODAY
    moves = [
        (e.extra["from"], e.extra["to"])
        for e in AuditEvent.objects.filter(event_type="pledge.status_changed").order_by("id")
    ]
    assert moves == [
        ("pledged", "in_progress"),
        ("in_progress", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "recognized"),
    ]
    returned = AuditEvent.objects.get(extra__to="returned")
    assert returned.extra["comment"].startswith("Returned after review: ")
    assert returned.actor == reviewer


@pytest.mark.parametrize("decided", [(), ("partnership",)], ids=["none", "some"])
def test_a_submission_ends_only_when_every_practice_is_decided(pledge, alice, reviewer, decided):
    pledge_change_status(pledge=pledge, status=Status.IN_PROGRESS, changed_by=alice)
    pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=alice)
    for key in decided:
        PracticeDecision.objects.create(
            pledge=pledge,
            submitted_at=Pledge.objects.get(pk=pledge.pk).status_changed_at,
            requirement_key=key,
            requirement_title=key,
            decision="approved",
            round_number=1,
        )
    for target in (Status.RECOGNIZED, Status.RETURNED):
        with pytest.raises(ValidationError, match="Decide every practice"):
            pledge_change_status(pledge=pledge, status=target, changed_by=reviewer)
    assert Pledge.objects.get(pk=pledge.pk).status == Status.SUBMITTED


def test_the_outcome_must_follow_the_decisions(pledge, alice, reviewer):
    pledge_change_status(pledge=pledge, status=Status.IN_PROGRESS, changed_by=alice)
    pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=alice)
    submitted_at = Pledge.objects.get(pk=pledge.pk).status_changed_at
    keys = list(
        Requirement.objects.filter(rule_version_id=pledge.rule_version_id).values_list(
            "key", flat=True
        )
    )
    for index, key in enumerate(keys):
        PracticeDecision.objects.create(
            pledge=pledge,
            submitted_at=submitted_at,
            requirement_key=key,
            requirement_title=key,
            decision="returned" if index == 0 else "approved",
            comment="Missing." if index == 0 else "",
            round_number=1,
        )
    with pytest.raises(ValidationError, match="do not match this outcome"):
        pledge_change_status(pledge=pledge, status=Status.RECOGNIZED, changed_by=reviewer)
    pledge_change_status(pledge=pledge, status=Status.RETURNED, changed_by=reviewer)
    assert Pledge.objects.get(pk=pledge.pk).status == Status.RETURNED


def test_the_daily_run_lapses_and_restores_recognition(pledge, alice, reviewer):
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        pledge_change_status(pledge=pledge, status=status, changed_by=alice)
    review(pledge, reviewer)
    pledge_change_status(pledge=pledge, status=Status.LAPSED, changed_by=None)
    with time_machine.travel(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC), tick=False):
        pledge_change_status(pledge=pledge, status=Status.RECOGNIZED, changed_by=None)
    pledge.refresh_from_db()
    assert pledge.status == Status.RECOGNIZED
    # Recovering keeps the date it was first recognized.
    assert pledge.recognized_on == TODAY
    assert AuditEvent.objects.filter(event_type="pledge.status_changed", actor=None).count() == 2


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("pledged", "submitted"),
        ("pledged", "recognized"),
        ("in_progress", "recognized"),
        ("recognized", "submitted"),
        ("lapsed", "in_progress"),
    ],
)
def test_it_refuses_moves_outside_the_table(pledge, reviewer, start, target):
    Pledge.objects.filter(pk=pledge.pk).update(status=start)
    pledge.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot become"):
        pledge_change_status(pledge=pledge, status=target, changed_by=reviewer)
    pledge.refresh_from_db()
    assert pledge.status == start
    assert not AuditEvent.objects.filter(event_type="pledge.status_changed").exists()


def test_it_refuses_an_unknown_status(pledge, reviewer):
    with pytest.raises(ValidationError, match="is not a pledge status"):
        pledge_change_status(pledge=pledge, status="done", changed_by=reviewer)


def test_only_reviewers_recognize_and_only_the_agency_submits(pledge, alice, bob, carol, editor):
    Pledge.objects.filter(pk=pledge.pk).update(status=Status.SUBMITTED)
    pledge.refresh_from_db()
    for user in (alice, bob, carol, editor, None):
        with pytest.raises(PermissionDenied):
            pledge_change_status(pledge=pledge, status=Status.RECOGNIZED, changed_by=user)
    Pledge.objects.filter(pk=pledge.pk).update(status=Status.IN_PROGRESS)
    pledge.refresh_from_db()
    for user in (bob, carol, editor, None):
        with pytest.raises(PermissionDenied):
            pledge_change_status(pledge=pledge, status=Status.SUBMITTED, changed_by=user)
    assert not AuditEvent.objects.filter(event_type="pledge.status_changed").exists()


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 36) == datetime.date(2029, 11, 15)
