"""The monthly and daily counts: kept current by the services, and equal to counting the records."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr.encounters import stats
from mhr.encounters.models import (
    Encounter,
    EncounterDailyCount,
    EncounterMinutesAllDistrictsCount,
    EncounterMonthlyCount,
    EncounterNationalMonthlyCount,
)
from mhr.encounters.rollups import (
    daily_rebuild,
    minutes_all_districts_rebuild,
    rollup_rebuild_all,
    rollup_refresh,
)
from mhr.encounters.services import encounter_create, encounter_discard, encounter_update
from mhr.encounters.stats import encounter_stats, encounter_stats_for_agencies
from mhr.encounters.tests.factories import encounter_values, rollup_snapshot

UTC = datetime.UTC
FIRST_DAY = datetime.date(2024, 11, 1)
SPAN_DAYS = 200  # about seven months: periods cut months in every way

_tristate = st.sampled_from([True, False, None])
_record = st.fixed_dictionaries(
    {
        "day": st.integers(0, SPAN_DAYS),
        "status": st.sampled_from(["complete", "complete", "complete", "draft"]),
        "call_source": st.sampled_from(["911", "non_emergency", "officer_initiated"]),
        "district": st.sampled_from(["", "NORTH", "SOUTH"]),
        "flagged_at_dispatch": _tristate,
        "cit_officer_on_scene": _tristate,
        "disposition": st.sampled_from(Encounter.Disposition.values),
        "force": st.sampled_from(Encounter.Force.values),
        "person_injured": _tristate,
        "officer_injured": _tristate,
        "other_injured": _tristate,
        "repeat_contact": st.booleans(),
        "minutes_on_scene": st.none() | st.integers(0, 900),
    }
)
_filters = st.fixed_dictionaries(
    {},
    optional={
        "call_source": st.sampled_from(["911", "non_emergency", "crisis_line"]),
        "district": st.sampled_from(["NORTH", "SOUTH", ""]),
        "flagged_at_dispatch": st.sampled_from(["yes", "no", "unknown"]),
        "cit_officer_on_scene": st.sampled_from(["yes", "no", "unknown"]),
    },
)
_period = st.tuples(st.integers(-20, SPAN_DAYS + 20), st.integers(0, SPAN_DAYS + 40))


def _bulk(agency, records, prefix):
    rows = []
    for number, record in enumerate(records):
        record = dict(record)
        day = FIRST_DAY + datetime.timedelta(days=record.pop("day"))
        rows.append(
            Encounter(
                agency=agency,
                incident_number=f"{prefix}-{number}",
                received_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC),
                received_date=day,
                **record,
            )
        )
    Encounter.objects.bulk_create(rows)


def _load_both(agency_a, agency_b, records, others, period):
    """Replaces every record with the examples, rebuilds the rollups, returns the period."""
    Encounter.objects.all().delete()
    _bulk(agency_a, records, "A")
    _bulk(agency_b, others, "B")
    rollup_rebuild_all()
    start = FIRST_DAY + datetime.timedelta(days=period[0])
    end = start + datetime.timedelta(days=period[1])
    return start, end


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(_record, max_size=40),
    others=st.lists(_record, max_size=10),
    period=_period,
    filters=_filters,
)
def test_rollup_and_records_give_the_same_statistics(
    agency_a, agency_b, records, others, period, filters
):
    start, end = _load_both(agency_a, agency_b, records, others, period)

    from_rollup = encounter_stats(agency=agency_a, start=start, end=end, filters=filters)
    from_records = encounter_stats(
        agency=agency_a, start=start, end=end, filters=filters, use_rollup=False
    )
    from_rollup.pop("source"), from_records.pop("source")
    assert from_rollup == from_records
    national = encounter_stats_for_agencies(agencies=None, start=start, end=end, filters=filters)
    national_records = encounter_stats_for_agencies(
        agencies=None, start=start, end=end, filters=filters, use_rollup=False
    )
    national.pop("source"), national_records.pop("source")
    assert national == national_records


def _one_source(rows, *, start, end, filters):
    grouped, minutes = rows
    return stats._assemble(
        grouped,
        minutes,
        start=start,
        end=end,
        filters=stats.clean_filters(filters),
        agencies=1,
        source={},
    )


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(_record, max_size=40),
    others=st.lists(_record, max_size=10),
    period=_period,
    filters=_filters,
)
def test_daily_and_monthly_rows_each_equal_the_records(
    agency_a, agency_b, records, others, period, filters
):
    start, end = _load_both(agency_a, agency_b, records, others, period)
    cleaned = stats.clean_filters(filters)
    for scope in (Q(agency_id__in=[agency_a.pk]), Q()):
        # Any days, from the daily rows alone.
        from_days = stats._daily_rows(scope, cleaned, [(start, end)])
        from_records = stats._record_rows(scope, cleaned, [(start, end)])
        days = {"start": start, "end": end, "filters": filters}
        assert _one_source(from_days, **days) == _one_source(from_records, **days)
        # The whole months around them, from the monthly rows alone.
        first, last = start.replace(day=1), stats._month_end(end)
        from_months = stats._rollup_rows(
            scope, cleaned, (first, last.replace(day=1)), national=False
        )
        from_records = stats._record_rows(scope, cleaned, [(first, last)])
        months = {"start": first, "end": last, "filters": filters}
        assert _one_source(from_months, **months) == _one_source(from_records, **months)


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(_record, min_size=1, max_size=30),
    moves=st.lists(st.tuples(st.integers(0, 29), st.integers(0, SPAN_DAYS)), max_size=5),
)
def test_refreshing_the_changed_dates_equals_a_rebuild(agency_a, records, moves):
    Encounter.objects.all().delete()
    _bulk(agency_a, records, "A")
    rollup_rebuild_all()
    ids = list(Encounter.objects.order_by("pk").values_list("pk", flat=True))
    changed = []
    for index, day in moves:
        encounter = Encounter.objects.get(pk=ids[index % len(ids)])
        new_date = FIRST_DAY + datetime.timedelta(days=day)
        changed += [encounter.received_date, new_date]
        Encounter.objects.filter(pk=encounter.pk).update(received_date=new_date)
    rollup_refresh(agency=agency_a, dates=changed)
    current, rebuilt = _rebuilt_snapshot()
    assert current == rebuilt


def _rebuilt_snapshot():
    current = rollup_snapshot()
    rollup_rebuild_all()
    return current, rollup_snapshot()


def test_services_keep_the_counts_current(agency_a, agency_b, alice, carol):
    encounter_create(
        agency=agency_b,
        actor=carol,
        values=encounter_values(received_at=datetime.datetime(2025, 3, 5, 18, tzinfo=UTC)),
    )
    first = encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(
            received_at=datetime.datetime(2025, 1, 5, 18, tzinfo=UTC), person_key="P-7"
        ),
    )
    # An earlier contact of the same person, in another month, makes the first one a repeat.
    encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(
            received_at=datetime.datetime(2024, 12, 5, 18, tzinfo=UTC), person_key="P-7"
        ),
    )
    draft = encounter_create(
        agency=agency_a, actor=alice, values=encounter_values(), status="draft"
    )
    current, rebuilt = _rebuilt_snapshot()
    assert current == rebuilt
    january = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 1, 31)}
    assert encounter_stats(agency=agency_a, **january)["repeat_contacts"] == 1

    # Moving a record to another month moves its count.
    encounter_update(
        encounter=first,
        actor=alice,
        changes={
            "received_at": datetime.datetime(2025, 3, 5, 18, tzinfo=UTC),
            "arrived_at": None,
            "cleared_at": None,
            "disposition": "arrest",
        },
        reason="Wrong date",
    )
    encounter_update(encounter=draft, actor=alice, changes={}, status="complete")
    current, rebuilt = _rebuilt_snapshot()
    assert current == rebuilt
    assert encounter_stats(agency=agency_a, **january)["total"] == 0

    second_draft = encounter_create(
        agency=agency_a, actor=alice, values=encounter_values(), status="draft"
    )
    encounter_discard(encounter=second_draft, actor=alice)
    current, rebuilt = _rebuilt_snapshot()
    assert current == rebuilt
    totals = dict(
        EncounterMonthlyCount.objects.filter(agency=agency_a).values_list("month", "total")
    )
    assert totals == {datetime.date(2024, 12, 1): 1, datetime.date(2025, 3, 1): 2}
    national = dict(EncounterNationalMonthlyCount.objects.values_list("month", "total"))
    assert national == {datetime.date(2024, 12, 1): 1, datetime.date(2025, 3, 1): 3}


def test_refresh_of_some_days_leaves_the_other_months_alone(agency_a, alice):
    for month in (1, 2):
        encounter_create(
            agency=agency_a,
            actor=alice,
            values=encounter_values(received_at=datetime.datetime(2025, month, 9, tzinfo=UTC)),
        )
    # Changed behind the services' back; the refresh is told the changed record's local date.
    changed = Encounter.objects.filter(received_date__month=2)
    day = changed.get().received_date
    changed.update(disposition="arrest")

    assert rollup_refresh(agency=agency_a, dates=[day]) == 1

    rows = dict(EncounterMonthlyCount.objects.values_list("month", "d_arrest"))
    national = dict(EncounterNationalMonthlyCount.objects.values_list("month", "d_arrest"))
    assert national == rows
    assert rows == {datetime.date(2025, 1, 1): 0, datetime.date(2025, 2, 1): 1}
    assert rollup_refresh(agency=agency_a, dates=[None]) == 0


def test_a_period_ending_today_reads_the_current_month_from_the_rollup(agency_a, alice):
    today = datetime.date(2025, 3, 20)
    encounter_create(
        agency=agency_a,
        actor=alice,
        values=encounter_values(received_at=datetime.datetime(2025, 3, 10, 18, tzinfo=UTC)),
    )
    up_to_today = encounter_stats(agency=agency_a, start=datetime.date(2025, 1, 1), end=today)
    before = encounter_stats(
        agency=agency_a, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 9)
    )

    assert up_to_today["source"] == {
        "rollup_months": 3,
        "rollup_days": 0,
        "raw_days": 0,
        "national_rows": False,
    }
    assert up_to_today["total"] == 1
    # March's row counts the 10th, after the period: the 9 days come from the daily rows.
    assert before["source"] == {
        "rollup_months": 2,
        "rollup_days": 9,
        "raw_days": 0,
        "national_rows": False,
    }
    assert before["total"] == 0
    national = encounter_stats_for_agencies(
        agencies=None, start=datetime.date(2025, 1, 1), end=today
    )
    assert national["source"]["national_rows"] is True and national["total"] == 1


def test_only_agencies_with_days_outside_the_period_are_recounted(agency_a, agency_b, alice, carol):
    for agency, user, day in ((agency_a, alice, 10), (agency_b, carol, 25)):
        encounter_create(
            agency=agency,
            actor=user,
            values=encounter_values(received_at=datetime.datetime(2025, 3, day, 18, tzinfo=UTC)),
        )

    national = encounter_stats_for_agencies(
        agencies=None, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 20)
    )

    assert national["total"] == 1
    assert national["source"] == {
        "rollup_months": 3,
        "rollup_days": 20,
        "raw_days": 0,
        "national_rows": True,
    }
    assert [m["count"] for m in national["by_month"]] == [0, 0, 1]


def test_a_period_cutting_months_never_reads_the_records(agency_a, alice):
    for month, day in ((3, 2), (3, 20), (6, 1), (9, 5), (9, 25)):
        encounter_create(
            agency=agency_a,
            actor=alice,
            values=encounter_values(
                received_at=datetime.datetime(2025, month, day, 18, tzinfo=UTC),
                call_source="911",
            ),
        )
    period = {"start": datetime.date(2025, 3, 15), "end": datetime.date(2025, 9, 10)}
    records_table = connection.ops.quote_name(Encounter._meta.db_table)

    with CaptureQueriesContext(connection) as queries:
        result = encounter_stats(agency=agency_a, filters={"call_source": "911"}, **period)

    assert not [q["sql"] for q in queries.captured_queries if records_table in q["sql"]]
    assert result["total"] == 3
    assert result["source"]["rollup_months"] == 5  # April to August
    assert result["source"]["rollup_days"] == 17 + 10
    from_records = encounter_stats(
        agency=agency_a, filters={"call_source": "911"}, use_rollup=False, **period
    )
    result.pop("source"), from_records.pop("source")
    assert result == from_records


def test_the_migration_builds_the_new_rows_from_existing_data(agency_a, agency_b, alice, carol):
    for agency, user, day in ((agency_a, alice, 3), (agency_a, alice, 17), (agency_b, carol, 9)):
        encounter_create(
            agency=agency,
            actor=user,
            values=encounter_values(received_at=datetime.datetime(2025, 5, day, 18, tzinfo=UTC)),
        )
    kept = rollup_snapshot()
    # As on a database from before the daily and all-district rows existed.
    for model in (
        EncounterDailyCount,
        EncounterMinutesAllDistrictsCount,
    ):
        model.objects.all().delete()

    minutes_all_districts_rebuild()
    assert daily_rebuild() == 2

    assert rollup_snapshot() == kept
    assert EncounterDailyCount.objects.filter(agency=agency_a).count() == 2


def test_many_changed_days_are_recounted_as_whole_months(agency_a, alice, monkeypatch):
    """Past DAY_REFRESH_LIMIT days the refresh recounts their whole months; the counts are the
    same either way."""
    from mhr.encounters import rollups

    for day in (3, 9, 17):
        encounter_create(
            agency=agency_a,
            actor=alice,
            values=encounter_values(received_at=datetime.datetime(2025, 2, day, 12, tzinfo=UTC)),
        )
    Encounter.objects.filter(received_date__month=2).update(disposition="arrest")
    changed = [datetime.date(2025, 2, 3), datetime.date(2025, 2, 9)]
    monkeypatch.setattr(rollups, "DAY_REFRESH_LIMIT", 1)
    rollup_refresh(agency=agency_a, dates=changed)
    # The whole month was recounted, so the record on the 17th is seen too.
    assert EncounterMonthlyCount.objects.get(agency=agency_a).d_arrest == 3
    current, rebuilt = _rebuilt_snapshot()
    assert current == rebuilt
