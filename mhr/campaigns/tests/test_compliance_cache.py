"""The cached compliance result: reused while nothing changes, never stale after a change."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mhr.campaigns import compliance_cache
from mhr.campaigns.compliance_cache import facts_versions
from mhr.campaigns.imports.rows import RosterRow, TrainingRow
from mhr.campaigns.models import CourseType, Requirement
from mhr.campaigns.selectors import compliance_cache_warm, pledge_compliance
from mhr.campaigns.services.evidence import partnership_create, policy_create
from mhr.campaigns.services.pledges import pledge_create
from mhr.campaigns.services.roster import (
    officer_create,
    officer_separate,
    roster_upsert,
    training_record_create,
    training_record_remove,
    training_upsert,
)

AS_OF = datetime.date(2026, 6, 1)


@pytest.fixture
def pledge(agency_a, alice, one_mind):
    return pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=alice,
        agency_head_name="Pat Chief",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2026, 1, 5),
        contact_name="Alice Archer",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2027, 7, 5),
    )


@pytest.fixture
def officers(agency_a, alice):
    return [
        officer_create(
            agency=agency_a,
            actor=alice,
            employee_id=f"E{i}",
            first_name="Pat",
            last_name=f"Officer{i}",
            is_sworn=True,
        )
        for i in range(4)
    ]


def cached(pledge, as_of=AS_OF):
    return pledge_compliance(pledge, as_of=as_of, cached=True)


def reads_roster(queries) -> bool:
    tables = ("campaigns_officer", "campaigns_trainingrecord")
    return any(table in query["sql"] for query in queries for table in tables)


def test_a_second_read_reuses_the_result_without_reading_the_roster(pledge, officers):
    first = cached(pledge)
    with CaptureQueriesContext(connection) as queries:
        second = cached(pledge)
    assert second == first
    assert not reads_roster(queries.captured_queries)
    # Uncached reads always compute.
    with CaptureQueriesContext(connection) as queries:
        assert pledge_compliance(pledge, as_of=AS_OF) == first
    assert reads_roster(queries.captured_queries)


def test_each_day_is_its_own_result(pledge, officers):
    cached(pledge)
    with CaptureQueriesContext(connection) as queries:
        later = cached(pledge, as_of=AS_OF + datetime.timedelta(days=1))
    assert reads_roster(queries.captured_queries)
    assert later.as_of == AS_OF + datetime.timedelta(days=1)


def _add_officer(agency, actor, officers):
    officer_create(
        agency=agency,
        actor=actor,
        employee_id="NEW1",
        first_name="Sam",
        last_name="Newhire",
        is_sworn=True,
    )


def _separate_officer(agency, actor, officers):
    officer_separate(officer=officers[0], actor=actor, on=datetime.date(2026, 5, 1))


def _add_certificate(agency, actor, officers):
    training_record_create(
        officer=officers[1],
        actor=actor,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2026, 2, 1),
    )


def _add_partnership(agency, actor, officers):
    partnership_create(
        agency=agency,
        created_by=actor,
        organization_name="Springfield Crisis Center",
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
    )


def _add_policy(agency, actor, officers):
    policy_create(
        agency=agency,
        created_by=actor,
        title="Responding to people in crisis",
        adopted_on=datetime.date(2025, 3, 1),
        element_pages={"de_escalation": "pp. 4-6"},
    )


def _import_roster(agency, actor, officers):
    row = RosterRow(
        employee_id="IMP1", first_name="Ira", last_name="Imported", is_sworn=True, role="patrol"
    )
    roster_upsert(agency=agency, actor=actor, rows=[row])


def _import_training(agency, actor, officers):
    cit = CourseType.objects.get(code="cit-40")
    row = TrainingRow(
        employee_id=officers[2].employee_id,
        course_type_id=cit.pk,
        course_code=cit.code,
        completed_on=datetime.date(2026, 1, 15),
    )
    training_upsert(agency=agency, actor=actor, rows=[row])


@pytest.mark.parametrize(
    "change",
    [
        _add_officer,
        _separate_officer,
        _add_certificate,
        _add_partnership,
        _add_policy,
        _import_roster,
        _import_training,
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_every_service_that_changes_the_facts_makes_the_next_read_fresh(
    change, pledge, officers, agency_a, alice
):
    before = cached(pledge)
    change(agency_a, alice, officers)
    after = cached(pledge)
    assert after == pledge_compliance(pledge, as_of=AS_OF)
    assert after != before


def test_a_removed_certificate_stops_counting_at_once(pledge, officers, alice):
    record = training_record_create(
        officer=officers[1],
        actor=alice,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2026, 2, 1),
    )
    with_certificate = cached(pledge)
    training_record_remove(record=record, actor=alice)
    without = cached(pledge)
    assert without.cit_qualified == with_certificate.cit_qualified - 1


def test_another_agencys_change_keeps_this_agencys_result(pledge, officers, agency_b, carol, alice):
    cached(pledge)
    officer_create(
        agency=agency_b,
        actor=carol,
        employee_id="B1",
        first_name="Other",
        last_name="Agency",
        is_sworn=True,
    )
    with CaptureQueriesContext(connection) as queries:
        cached(pledge)
    assert not reads_roster(queries.captured_queries)


def test_a_committed_write_warms_the_next_page(
    pledge, officers, agency_a, alice, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    cached(pledge, as_of=today)
    with django_capture_on_commit_callbacks(execute=True):
        _add_officer(agency_a, alice, officers)
    # The warming task ran on commit (tasks run at once in tests): the page reads no roster.
    with CaptureQueriesContext(connection) as queries:
        warm = cached(pledge, as_of=today)
    assert not reads_roster(queries.captured_queries)
    assert warm == pledge_compliance(pledge, as_of=today)
    assert warm.active_sworn == len(officers) + 1


def test_the_version_rises_with_the_write_and_falls_back_with_its_rollback(pledge, agency_a, alice):
    before = facts_versions([agency_a.pk])[agency_a.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        _add_officer(agency_a, alice, [])
        assert facts_versions([agency_a.pk])[agency_a.pk] == before + 1
        raise RuntimeError("roll back")
    assert facts_versions([agency_a.pk])[agency_a.pk] == before


def test_warming_every_pledge_stores_what_each_page_would_compute(
    pledge, officers, agency_b, carol, one_mind
):
    other = pledge_create(
        agency=agency_b,
        campaign=one_mind,
        created_by=carol,
        agency_head_name="Lee Sheriff",
        agency_head_title="Sheriff",
        signed_on=datetime.date(2026, 1, 5),
        contact_name="Carol Cole",
        contact_email="carol@shelbyville.example",
        target_completion_on=datetime.date(2027, 7, 5),
        non_sworn_roles_in_scope=["dispatcher"],
    )
    officer_create(
        agency=agency_b, actor=carol, employee_id="D1", first_name="Dee", last_name="Dispatch",
        is_sworn=False, role="dispatcher",
    )  # fmt: skip
    officer_create(
        agency=agency_b, actor=carol, employee_id="C1", first_name="Cy", last_name="Clerk",
        is_sworn=False, role="civilian",
    )  # fmt: skip
    assert compliance_cache_warm(as_of=AS_OF) == 2
    for each in (pledge, other):
        with CaptureQueriesContext(connection) as queries:
            warm = cached(each)
        assert not reads_roster(queries.captured_queries)
        assert warm == pledge_compliance(each, as_of=AS_OF)
    assert cached(other).non_sworn_in_scope == 1


def test_editing_a_threshold_changes_the_result_without_any_hook(pledge, officers, alice):
    before = cached(pledge)
    requirement = Requirement.objects.filter(
        rule_version_id=pledge.rule_version_id, min_percent__isnull=False
    ).first()
    requirement.min_percent = Decimal("0")
    requirement.save(update_fields=["min_percent"])
    after = cached(pledge)
    assert after == pledge_compliance(pledge, as_of=AS_OF)
    assert next(r for r in after.requirements if r.key == requirement.key).met
    assert not next(r for r in before.requirements if r.key == requirement.key).met


def test_changing_a_course_family_changes_the_result_key(pledge, officers):
    cached(pledge)
    course = CourseType.objects.get(code="mhfa-ps")
    course.family = CourseType.Family.OTHER
    course.save(update_fields=["family"])
    with CaptureQueriesContext(connection) as queries:
        cached(pledge)
    assert reads_roster(queries.captured_queries)


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache is down")

        return fail


def test_a_cache_outage_computes_the_result_instead_of_failing(
    pledge, officers, alice, monkeypatch
):
    expected = pledge_compliance(pledge, as_of=AS_OF)
    monkeypatch.setattr(compliance_cache, "cache", BrokenCache())
    assert cached(pledge) == expected
    # Writes still succeed: the version lives in the database.
    _add_officer(pledge.agency, alice, officers)
    assert cached(pledge).active_sworn == len(officers) + 1
