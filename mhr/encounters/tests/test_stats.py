"""The statistics engine: what each number counts, periods, filters and bad input."""

from __future__ import annotations

import datetime

import pytest

from mhr.encounters import stats
from mhr.encounters.models import Encounter, EncounterMonthlyCount
from mhr.encounters.services import encounter_create
from mhr.encounters.stats import StatsError, encounter_stats, encounter_stats_for_agencies
from mhr.encounters.tests.factories import encounter_values

UTC = datetime.UTC
YEAR_2025 = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}


def _record(agency, user, status=Encounter.Status.COMPLETE, **overrides):
    return encounter_create(
        agency=agency, actor=user, values=encounter_values(**overrides), status=status
    )


def _at(month, day=10, hour=18):
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def mixed(agency_a, agency_b, alice, carol):
    """Five complete records and a draft for A, one record for B."""
    _record(
        agency_a,
        alice,
        received_at=_at(1),
        disposition="arrest",
        force="physical",
        person_injured=True,
        cit_officer_on_scene=False,
        call_source="911",
    )
    _record(
        agency_a,
        alice,
        received_at=_at(1, 20),
        disposition="referral",
        cit_officer_on_scene=True,
        flagged_at_dispatch=False,
        call_source="non_emergency",
    )
    _record(
        agency_a,
        alice,
        received_at=_at(3),
        disposition="resolved_on_scene",
        officer_injured=True,
        cit_officer_on_scene=None,
        flagged_at_dispatch=None,
        person_key="P-1",
    )
    _record(
        agency_a,
        alice,
        received_at=_at(4),
        disposition="voluntary_transport",
        force="unknown",
        person_key="P-1",
        district="SOUTH",
    )
    _record(
        agency_a,
        alice,
        received_at=_at(4, 11),
        disposition="arrest",
        force="less_lethal",
        other_injured=True,
        cit_officer_on_scene=True,
    )
    _record(
        agency_a, alice, status=Encounter.Status.DRAFT, received_at=_at(5), disposition="arrest"
    )
    _record(agency_b, carol, received_at=_at(2), disposition="arrest")


def test_it_counts_only_complete_records_of_the_agency(agency_a, mixed):
    result = encounter_stats(agency=agency_a, **YEAR_2025)

    assert result["total"] == 5
    assert result["arrests"] == 2
    assert result["force_used"] == 2  # physical and less-lethal; none and unknown are not force
    assert result["injuries"] == {"person": 1, "officer": 1, "other": 1}
    assert result["injured_any"] == 3
    assert result["repeat_contacts"] == 1
    assert result["flagged_at_dispatch"] == {"yes": 3, "no": 1, "unknown": 1}
    assert result["rates"]["arrest"] == {
        "numerator": 2,
        "denominator": 5,
        "value": 0.4,
        "denominator_label": "complete records",
    }
    assert result["rates"]["flagged_at_dispatch"]["denominator"] == 4


def test_it_lists_every_month_and_every_code(agency_a, mixed):
    result = encounter_stats(agency=agency_a, **YEAR_2025)

    assert [m["month"] for m in result["by_month"]][:5] == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
    ]
    assert len(result["by_month"]) == 12
    assert {m["month"]: m["count"] for m in result["by_month"]}["2025-01"] == 2
    assert {m["month"]: m["count"] for m in result["by_month"]}["2025-05"] == 0  # the draft
    assert [d["code"] for d in result["dispositions"]] == Encounter.Disposition.values
    by_code = {d["code"]: d["count"] for d in result["dispositions"]}
    assert by_code["arrest"] == 2 and by_code["citation"] == 0
    sources = {s["code"]: s["count"] for s in result["call_sources"]}
    assert sources["911"] == 4 and sources["non_emergency"] == 1


def test_it_compares_cit_on_scene_with_not(agency_a, mixed):
    cit = encounter_stats(agency=agency_a, **YEAR_2025)["cit"]

    assert (cit["on_scene"]["count"], cit["on_scene"]["arrests"]) == (3, 1)
    assert cit["on_scene"]["force_used"] == 1 and cit["on_scene"]["injured"] == 1
    assert (cit["not_on_scene"]["count"], cit["not_on_scene"]["arrests"]) == (1, 1)
    assert cit["unknown"]["count"] == 1
    assert cit["not_on_scene"]["arrest_rate"]["value"] == 1.0


def test_it_computes_time_on_scene(agency_a, alice):
    for minutes in (20, 40, 200):
        received = _at(6)
        _record(
            agency_a,
            alice,
            received_at=received,
            arrived_at=received,
            cleared_at=received + datetime.timedelta(minutes=minutes),
        )

    result = encounter_stats(agency=agency_a, **YEAR_2025)["minutes_on_scene"]

    assert result["count"] == 3
    assert result["mean"] == round(260 / 3, 1)
    assert abs(result["median"] - 40) <= stats.FINE_WIDTH
    bands = {(band["from"], band["to"]): band["count"] for band in result["bands"]}
    assert bands[(0, 29)] == 1 and bands[(30, 59)] == 1 and bands[(180, 239)] == 1
    assert sum(bands.values()) == 3


def test_it_filters(agency_a, mixed):
    def total(**filters):
        return encounter_stats(agency=agency_a, filters=filters, **YEAR_2025)["total"]

    assert total(call_source="non_emergency") == 1
    assert total(district="SOUTH") == 1
    assert total(flagged_at_dispatch="no") == 1
    assert total(flagged_at_dispatch=None) == 5  # None means "all"
    assert total(flagged_at_dispatch="unknown") == 1
    assert total(cit_officer_on_scene=True) == 3
    assert total(cit_officer_on_scene="yes", call_source="911") == 2
    assert total(call_source="") == 5


def test_it_limits_the_period_to_local_dates(agency_a, alice):
    # 06:30 UTC on 1 February is still 31 January in Washington State.
    _record(agency_a, alice, received_at=datetime.datetime(2025, 2, 1, 6, 30, tzinfo=UTC))

    january = encounter_stats(
        agency=agency_a, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 31)
    )
    february = encounter_stats(
        agency=agency_a, start=datetime.date(2025, 2, 1), end=datetime.date(2025, 2, 28)
    )

    assert (january["total"], february["total"]) == (1, 0)


def test_it_sums_several_agencies(agency_a, agency_b, mixed):
    both = encounter_stats_for_agencies(agencies=[agency_a, agency_b], **YEAR_2025)
    national = encounter_stats_for_agencies(agencies=None, **YEAR_2025)

    assert both["total"] == 6 and both["arrests"] == 3
    assert both["scope"] == {"agencies": 2}
    assert national["total"] == 6


def test_it_is_empty_not_failing_without_records(agency_a):
    result = encounter_stats(agency=agency_a, **YEAR_2025)

    assert result["total"] == 0
    assert result["rates"]["arrest"]["value"] is None
    minutes = result["minutes_on_scene"]
    assert (minutes["count"], minutes["median"], minutes["mean"]) == (0, None, None)
    assert {band["count"] for band in minutes["bands"]} == {0}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, "not a filter"),
        ({"call_source": "carrier pigeon"}, "not a call source"),
        ({"cit_officer_on_scene": "maybe"}, "yes, no or unknown"),
    ],
)
def test_it_refuses_bad_filters(agency_a, filters, message):
    with pytest.raises(StatsError, match=message):
        encounter_stats(agency=agency_a, filters=filters, **YEAR_2025)


def test_it_refuses_a_period_that_ends_first(agency_a):
    with pytest.raises(StatsError, match="ends before it starts"):
        encounter_stats(
            agency=agency_a, start=datetime.date(2025, 2, 1), end=datetime.date(2025, 1, 1)
        )


def test_rollup_columns_follow_the_disposition_codes():
    fields = {f.name for f in EncounterMonthlyCount._meta.get_fields()}
    assert set(stats.DISPOSITION_COLUMNS.values()) <= fields
    assert set(stats.MEASURES) <= fields


@pytest.mark.parametrize(
    ("minutes", "bucket"),
    [
        (0, 0),
        (4, 0),
        (5, 5),
        (239, 235),
        (240, 240),
        (269, 240),
        (270, 270),
        (719, 690),
        (720, 720),
        (5000, 720),
    ],
)
def test_minutes_fall_in_their_band(minutes, bucket):
    assert stats.minutes_bucket(minutes) == bucket


def test_the_grouped_median_interpolates_inside_its_band():
    assert stats.grouped_median({}) is None
    assert stats.grouped_median({40: 1}) == 42  # half-way through 40-44
    assert stats.grouped_median({0: 1, 100: 1}) == 5  # the first record's band ends at 5
    assert stats.grouped_median({720: 3}) == 720


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01-01", "2025-01-31", (("2025-01-01", "2025-01-01"), [])),
        ("2025-01-05", "2025-01-20", (None, [("2025-01-05", "2025-01-20")])),
        # Two neighbouring part-months: one edge in each month, never one range across both.
        (
            "2025-02-21",
            "2025-03-29",
            (None, [("2025-02-21", "2025-02-28"), ("2025-03-01", "2025-03-29")]),
        ),
        (
            "2025-03-15",
            "2025-09-10",
            (
                ("2025-04-01", "2025-08-01"),
                [("2025-03-15", "2025-03-31"), ("2025-09-01", "2025-09-10")],
            ),
        ),
    ],
)
def test_a_period_splits_into_whole_months_and_edges_inside_one_month(start, end, expected):
    day = datetime.date.fromisoformat
    months, edges = stats.split_period(day(start), day(end))
    expected_months, expected_edges = expected
    assert months == (tuple(map(day, expected_months)) if expected_months else None)
    assert edges == [(day(low), day(high)) for low, high in expected_edges]
