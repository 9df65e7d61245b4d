"""The one statistics engine for encounter data.

The agency dashboard, `mhr stats`, the API's aggregate endpoint, the messaging worksheet and
(after suppression in privacy.py) the public, peer and national pages all call
`encounter_stats` or `encounter_stats_for_agencies`. Nothing else computes these numbers.

Only complete records count (drafts never do). A period is two inclusive dates in each
agency's own time zone, matched against `Encounter.received_date`.

Filters (any subset; a missing or empty value means "all"):
    call_source           an Encounter.CallSource code
    district              the precinct or district exactly as recorded
    flagged_at_dispatch   "yes", "no" or "unknown" (True / False / None are accepted too)
    cit_officer_on_scene  "yes", "no" or "unknown" (likewise)

The result is a plain, JSON-able dict whose shape stays stable:

    {
      "scope": {"agencies": 1},
      "period": {"start": "2025-01-01", "end": "2025-12-31", "days": 365},
      "filters": {"call_source": "911"},                 # only the filters applied
      "total": 1230,                                     # complete records in the period
      "by_month": [{"month": "2025-01", "count": 97}, ...],   # every month of the period
      "flagged_at_dispatch": {"yes": 800, "no": 300, "unknown": 130},
      "dispositions": [{"code": "referral", "label": "Referral to services", "count": 200}, ...],
      "arrests": 74,                                     # disposition "arrest"
      "force_used": 12,                                  # force other than none / not recorded
      "injuries": {"person": 9, "officer": 3, "other": 1},
      "injured_any": 12,                                 # records where anyone was injured
      "cit": {
        "on_scene": {"count": 900, "arrests": 40, "force_used": 7, "injured": 8},
        "not_on_scene": {...}, "unknown": {...},
      },
      "repeat_contacts": 310,
      "minutes_on_scene": {"count": 1100, "median": 47, "mean": 58.3,
                           "bands": [{"from": 0, "to": 29, "count": 210}, ...,
                                     {"from": 240, "to": None, "count": 12}]},
      "call_sources": [{"code": "911", "label": "911", "count": 700}, ...],
      "rates": {
        "arrest": {"numerator": 74, "denominator": 1230, "value": 0.0602,
                   "denominator_label": "complete records"},
        "force": ..., "person_injury": ..., "officer_injury": ..., "other_injury": ...,
        "repeat_contact": ...,
        "flagged_at_dispatch": {... "denominator_label": "records where the flag was recorded"},
        "cit_on_scene": {... "denominator_label": "records where CIT presence was recorded"},
      },
      "source": {"rollup_months": 12, "rollup_days": 0,   # how it was computed (diagnostics)
                 "raw_days": 0, "national_rows": False},
    }

A rate's "value" is None when its denominator is 0. Dispositions and call sources list every
code in the order of their choices, zeros included.

Speed. Counting a large agency's records on every page view is too slow, so rollups.py keeps
the same measures per agency, filter dimension and local month (EncounterMonthlyCount and
EncounterMinutesCount, with the first and last date each row counted) and local day
(EncounterDailyCount, with each day's minutes bands); without a district filter the minute bands
come from EncounterMinutesAllDistrictsCount (the same summed over districts, a sixth of the rows
for a large agency). Whole months are read from the monthly rows, the days of a part-month at an
edge from the daily rows; the records themselves are never read. A part-month still comes from
its monthly row when that row counts no day outside the period (a period ending today: nothing
is counted after today); in a group of agencies, those whose row does are corrected (their row
for the month taken away, their daily rows added). The national roll-up (every agency, no
district filter) reads EncounterNational*, the monthly rows summed over agencies.
`use_rollup=False` counts everything from the records, which the tests use to prove both roads
give the same answer.

Median minutes on scene. Both roads compute it from the same histogram, so they agree exactly:
minutes are grouped in 5-minute bands below 4 hours, 30-minute bands below 12 hours and one band
for 12 hours or more, and the median is interpolated inside its band (the usual grouped-data
median), rounded to a whole minute. It is within 5 minutes of the exact median when that is under
4 hours. The mean is exact.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from mhr.accounts.models import Agency
from mhr.encounters.models import (
    Encounter,
    EncounterDailyCount,
    EncounterMinutesAllDistrictsCount,
    EncounterMinutesCount,
    EncounterMonthlyCount,
    EncounterNationalMinutesCount,
    EncounterNationalMonthlyCount,
)

FILTER_NAMES = ("call_source", "district", "flagged_at_dispatch", "cit_officer_on_scene")
TRISTATE = ("yes", "no", "unknown")
CIT_GROUPS = {"yes": "on_scene", "no": "not_on_scene", "unknown": "unknown"}

DISPOSITION_COLUMNS = {code: f"d_{code}" for code in Encounter.Disposition.values}
NO_FORCE = (Encounter.Force.NONE, Encounter.Force.UNKNOWN)

# Bands of minutes on scene for the median (see the module docstring).
FINE_LIMIT, FINE_WIDTH = 240, 5
COARSE_LIMIT, COARSE_WIDTH = 720, 30


# Bands of minutes on scene the dashboard shows: (from, to); to=None means "and more". Each edge
# is an edge of the median's bands, so the counts are exact.
DISPLAY_BANDS = ((0, 29), (30, 59), (60, 89), (90, 119), (120, 179), (180, 239), (240, None))


class StatsError(ValueError):
    """Bad input to the statistics: an unknown filter, a bad code, a period that ends first."""


def minutes_bucket(minutes: int) -> int:
    """The lower bound of the band that `minutes` falls in."""
    if minutes < FINE_LIMIT:
        return minutes // FINE_WIDTH * FINE_WIDTH
    if minutes < COARSE_LIMIT:
        return FINE_LIMIT + (minutes - FINE_LIMIT) // COARSE_WIDTH * COARSE_WIDTH
    return COARSE_LIMIT


def _bucket_width(bucket: int) -> int:
    if bucket < FINE_LIMIT:
        return FINE_WIDTH
    if bucket < COARSE_LIMIT:
        return COARSE_WIDTH
    return 0


# --- expressions shared with rollups.py ----------------------------------------------------------


def _tristate(field: str) -> Case:
    return Case(
        When(**{field: True}, then=Value("yes")),
        When(**{field: False}, then=Value("no")),
        default=Value("unknown"),
    )


def bucket_expression() -> Case:
    minutes = F("minutes_on_scene")
    return Case(
        When(
            minutes_on_scene__lt=FINE_LIMIT,
            then=minutes / Value(FINE_WIDTH) * Value(FINE_WIDTH),
        ),
        When(
            minutes_on_scene__lt=COARSE_LIMIT,
            then=Value(FINE_LIMIT)
            + (minutes - Value(FINE_LIMIT)) / Value(COARSE_WIDTH) * Value(COARSE_WIDTH),
        ),
        default=Value(COARSE_LIMIT),
        output_field=IntegerField(),
    )


def record_measures() -> dict[str, Any]:
    """The measures of EncounterMonthlyCount, as aggregates over Encounter rows."""
    measures: dict[str, Any] = {"total": Count("id")}
    for code, column in DISPOSITION_COLUMNS.items():
        measures[column] = Count("id", filter=Q(disposition=code))
    measures.update(
        force_used=Count("id", filter=~Q(force__in=NO_FORCE)),
        injured_person=Count("id", filter=Q(person_injured=True)),
        injured_officer=Count("id", filter=Q(officer_injured=True)),
        injured_other=Count("id", filter=Q(other_injured=True)),
        injured_any=Count(
            "id",
            filter=Q(person_injured=True) | Q(officer_injured=True) | Q(other_injured=True),
        ),
        repeat_contacts=Count("id", filter=Q(repeat_contact=True)),
        minutes_count=Count("minutes_on_scene"),
        minutes_sum=Coalesce(Sum("minutes_on_scene"), 0),
    )
    return measures


MEASURES = tuple(record_measures())


def complete_records() -> QuerySet[Encounter]:
    """Complete records with the rollup's keys annotated: month, flagged, cit."""
    return Encounter.objects.filter(status=Encounter.Status.COMPLETE).annotate(
        month=TruncMonth("received_date"),
        flagged=_tristate("flagged_at_dispatch"),
        cit=_tristate("cit_officer_on_scene"),
    )


# --- input ---------------------------------------------------------------------------------------


def _as_tristate(name: str, value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    text = str(value).strip().lower()
    if text in TRISTATE:
        return text
    raise StatsError(f"{name} must be yes, no or unknown, not “{value}”.")


def clean_filters(filters: dict[str, Any] | None) -> dict[str, str]:
    """The filters that apply, normalised; StatsError for unknown names or codes."""
    cleaned: dict[str, str] = {}
    for name, value in (filters or {}).items():
        if name not in FILTER_NAMES:
            raise StatsError(f"“{name}” is not a filter. Use: {', '.join(FILTER_NAMES)}.")
        if value is None and name in ("flagged_at_dispatch", "cit_officer_on_scene"):
            continue
        if value in (None, ""):
            continue
        if name == "call_source":
            if value not in Encounter.CallSource.values:
                raise StatsError(f"“{value}” is not a call source code.")
            cleaned[name] = value
        elif name == "district":
            cleaned[name] = str(value).strip()
        else:
            cleaned[name] = _as_tristate(name, value)
    return cleaned


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise StatsError("The period needs a start date and an end date.")
    if end < start:
        raise StatsError("The period ends before it starts.")


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], _month_start(start)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def split_period(
    start: datetime.date, end: datetime.date
) -> tuple[tuple[datetime.date, datetime.date] | None, list[tuple[datetime.date, datetime.date]]]:
    """(first and last whole month, or None; the day ranges left over at the edges).

    Each edge lies inside one month (two neighbouring part-months are two edges).
    """
    first = start if start.day == 1 else _next_month(start)
    last_end = end if end == _month_end(end) else _month_start(end) - datetime.timedelta(days=1)
    if first > last_end:
        if _month_start(start) == _month_start(end):
            return None, [(start, end)]
        return None, [(start, _month_end(start)), (_month_start(end), end)]
    edges = []
    if start < first:
        edges.append((start, first - datetime.timedelta(days=1)))
    if last_end < end:
        edges.append((last_end + datetime.timedelta(days=1), end))
    return (first, _month_start(last_end)), edges


# --- the two sources -----------------------------------------------------------------------------

_KEYS = ("month", "call_source", "flagged", "cit")


def _scope_q(agency_ids: Any, prefix: str = "") -> Q:
    if agency_ids is None:
        return Q()
    return Q(**{f"{prefix}agency_id__in": agency_ids})


def _filter_q(filters: dict[str, str]) -> Q:
    q = Q()
    if "call_source" in filters:
        q &= Q(call_source=filters["call_source"])
    if "district" in filters:
        q &= Q(district=filters["district"])
    if "flagged_at_dispatch" in filters:
        q &= Q(flagged=filters["flagged_at_dispatch"])
    if "cit_officer_on_scene" in filters:
        q &= Q(cit=filters["cit_officer_on_scene"])
    return q


def _record_rows(scope: Q, filters: dict[str, str], ranges: list) -> tuple[list, list]:
    dates = Q()
    for low, high in ranges:
        dates |= Q(received_date__gte=low, received_date__lte=high)
    records = complete_records().filter(scope, dates).filter(_filter_q(filters))
    grouped = list(records.values(*_KEYS).annotate(**record_measures()).order_by())
    minutes = list(
        records.filter(minutes_on_scene__isnull=False)
        .annotate(bucket=bucket_expression())
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    return grouped, minutes


def _rollup_rows(
    scope: Q, filters: dict[str, str], months: tuple, *, national: bool
) -> tuple[list, list]:
    first, last = months
    where = scope & Q(month__gte=first, month__lte=last) & _filter_q(filters)
    counts = EncounterNationalMonthlyCount if national else EncounterMonthlyCount
    if national:
        bands = EncounterNationalMinutesCount
    elif "district" in filters:
        bands = EncounterMinutesCount
    else:
        # The same bands summed over districts: a fraction of the rows to read.
        bands = EncounterMinutesAllDistrictsCount
    grouped = list(
        counts.objects.filter(where)
        .values(*_KEYS)
        .annotate(**{name: Sum(name) for name in MEASURES})
        .order_by()
    )
    minutes = list(bands.objects.filter(where).values("bucket").annotate(n=Sum("count")).order_by())
    return grouped, minutes


def _daily_rows(scope: Q, filters: dict[str, str], ranges: list) -> tuple[list, list]:
    """The daily rows of the days in `ranges`, grouped like the monthly ones."""
    days = Q(pk__in=[])
    for low, high in ranges:
        days |= Q(day__gte=low, day__lte=high)
    where = scope & days & _filter_q(filters)
    grouped = list(
        EncounterDailyCount.objects.filter(where)
        .annotate(month=TruncMonth("day"))
        .values(*_KEYS)
        .annotate(**{name: Sum(name) for name in MEASURES})
        .order_by()
    )
    bands: dict[int, int] = {}
    for counts in EncounterDailyCount.objects.filter(where).values_list("minutes_bands", flat=True):
        for bucket, n in (counts or {}).items():
            bands[int(bucket)] = bands.get(int(bucket), 0) + int(n)
    minutes = [{"bucket": bucket, "n": n} for bucket, n in bands.items()]
    return grouped, minutes


def _edge_agencies(
    scope: Q, filters: dict[str, str], edges: list[tuple[datetime.date, datetime.date]]
) -> dict[datetime.date, tuple[list[int], int]]:
    """For each edge's month: (agencies whose row counts days outside the edge, others' count).

    An agency whose month row counts no day outside [low, high] can use that row for the
    part-month as it is. This is what lets "last 12 months" and "year to date", which end today,
    read the current month from the monthly rows: nothing is counted after today.
    """
    if not edges:
        return {}
    month_q, outside_q = Q(pk__in=[]), Q(pk__in=[])
    for low, high in edges:
        month = _month_start(low)
        month_q |= Q(month=month)
        # A row without dates (built before they were kept) cannot vouch for the part-month.
        outside_q |= Q(month=month) & (
            Q(min_date__lt=low) | Q(max_date__gt=high) | Q(min_date__isnull=True)
        )
    found: dict[datetime.date, tuple[list[int], int]] = {}
    for row in (
        EncounterMonthlyCount.objects.filter(scope, _filter_q(filters), month_q)
        .values("month", "agency_id")
        .annotate(outside=Count("id", filter=outside_q))
        .order_by()
    ):
        month = row["month"]
        if isinstance(month, datetime.datetime):  # pragma: no cover (backends return dates)
            month = month.date()
        offenders, usable = found.get(month, ([], 0))
        if row["outside"]:
            offenders.append(row["agency_id"])
        else:
            usable += 1
        found[month] = (offenders, usable)
    return found


def _plan(
    scope: Q, filters: dict[str, str], start: datetime.date, end: datetime.date
) -> tuple[tuple | None, list, list]:
    """(months to read from the monthly rows, or None; edge days; part-months to correct).

    A part-month at an edge is read from the monthly rows when no agency's row counts a day
    outside the period. When every agency with rows that month does, the month is left out and
    the edge's days are read from the daily rows instead. Otherwise, a correction (low, high,
    agency ids): for those agencies the month's rows are taken away again and their daily rows
    for low..high added.
    """
    months, edges = split_period(start, end)
    first, last = months if months else (None, None)
    for low, _high in edges:
        month = _month_start(low)
        first = month if first is None or month < first else first
        last = month if last is None or month > last else last
    edge_agencies = _edge_agencies(scope, filters, edges)
    daily, corrections = [], []
    for low, high in edges:
        month = _month_start(low)
        offenders, usable = edge_agencies.get(month, ([], 0))
        if not offenders:
            continue
        if usable:
            corrections.append((low, high, offenders))
            continue
        daily.append((low, high))
        # Edges sit at the ends of the months read, so leaving one out narrows the range.
        if month == first:
            first = _next_month(first)
        if month == last and first <= last:
            last = _month_start(last - datetime.timedelta(days=1))
    if first > last:
        return None, daily, corrections
    return (first, last), daily, corrections


def _negated(rows: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{**row, **{name: -int(row[name] or 0) for name in names}} for row in rows]


# --- assembling the answer -----------------------------------------------------------------------


def _rate(numerator: int, denominator: int, label: str) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": round(numerator / denominator, 4) if denominator else None,
        "denominator_label": label,
    }


def grouped_median(histogram: dict[int, int]) -> int | None:
    """The median interpolated inside its band (see the module docstring)."""
    count = sum(histogram.values())
    if not count:
        return None
    half = count / 2
    seen = 0
    for bucket in sorted(histogram):
        n = histogram[bucket]
        if n and seen + n >= half:
            width = _bucket_width(bucket)
            return round(bucket + (half - seen) / n * width)
        seen += n
    return None  # pragma: no cover (the loop always reaches half)


def _month_key(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m")
    return str(value)[:7]


def _assemble(
    grouped: list[dict[str, Any]],
    minutes: list[dict[str, Any]],
    *,
    start: datetime.date,
    end: datetime.date,
    filters: dict[str, str],
    agencies: int,
    source: dict[str, int],
) -> dict[str, Any]:
    sums = dict.fromkeys(MEASURES, 0)
    by_month: dict[str, int] = {m.strftime("%Y-%m"): 0 for m in months_between(start, end)}
    flagged = dict.fromkeys(TRISTATE, 0)
    call_sources = dict.fromkeys(Encounter.CallSource.values, 0)
    cit = {
        group: {"count": 0, "arrests": 0, "force_used": 0, "injured": 0}
        for group in CIT_GROUPS.values()
    }
    for row in grouped:
        values = {name: int(row[name] or 0) for name in MEASURES}
        for name, value in values.items():
            sums[name] += value
        month = _month_key(row["month"])
        by_month[month] = by_month.get(month, 0) + values["total"]
        flagged[row["flagged"]] += values["total"]
        call_sources[row["call_source"]] = call_sources.get(row["call_source"], 0) + values["total"]
        group = cit[CIT_GROUPS[row["cit"]]]
        group["count"] += values["total"]
        group["arrests"] += values["d_arrest"]
        group["force_used"] += values["force_used"]
        group["injured"] += values["injured_any"]

    histogram: dict[int, int] = {}
    for row in minutes:
        histogram[int(row["bucket"])] = histogram.get(int(row["bucket"]), 0) + int(row["n"])

    total = sums["total"]
    labels = dict(Encounter.Disposition.choices)
    source_labels = dict(Encounter.CallSource.choices)
    flag_known = flagged["yes"] + flagged["no"]
    cit_known = cit["on_scene"]["count"] + cit["not_on_scene"]["count"]
    for group in cit.values():
        group["arrest_rate"] = _rate(group["arrests"], group["count"], "records in this group")
        group["force_rate"] = _rate(group["force_used"], group["count"], "records in this group")
        group["injury_rate"] = _rate(group["injured"], group["count"], "records in this group")
    complete = "complete records"
    return {
        "scope": {"agencies": agencies},
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "days": (end - start).days + 1,
        },
        "filters": dict(filters),
        "total": total,
        "by_month": [{"month": month, "count": count} for month, count in sorted(by_month.items())],
        "flagged_at_dispatch": flagged,
        "dispositions": [
            {"code": code, "label": str(labels[code]), "count": sums[column]}
            for code, column in DISPOSITION_COLUMNS.items()
        ],
        "arrests": sums["d_arrest"],
        "force_used": sums["force_used"],
        "injuries": {
            "person": sums["injured_person"],
            "officer": sums["injured_officer"],
            "other": sums["injured_other"],
        },
        "injured_any": sums["injured_any"],
        "cit": cit,
        "repeat_contacts": sums["repeat_contacts"],
        "minutes_on_scene": {
            "count": sums["minutes_count"],
            "median": grouped_median(histogram),
            "mean": round(sums["minutes_sum"] / sums["minutes_count"], 1)
            if sums["minutes_count"]
            else None,
            "bands": [
                {
                    "from": low,
                    "to": high,
                    "count": sum(
                        n
                        for bucket, n in histogram.items()
                        if bucket >= low and (high is None or bucket <= high)
                    ),
                }
                for low, high in DISPLAY_BANDS
            ],
        },
        "call_sources": [
            {"code": code, "label": str(source_labels.get(code, code)), "count": count}
            for code, count in call_sources.items()
        ],
        "rates": {
            "arrest": _rate(sums["d_arrest"], total, complete),
            "force": _rate(sums["force_used"], total, complete),
            "person_injury": _rate(sums["injured_person"], total, complete),
            "officer_injury": _rate(sums["injured_officer"], total, complete),
            "other_injury": _rate(sums["injured_other"], total, complete),
            "repeat_contact": _rate(sums["repeat_contacts"], total, complete),
            "flagged_at_dispatch": _rate(
                flagged["yes"], flag_known, "records where the flag was recorded"
            ),
            "cit_on_scene": _rate(
                cit["on_scene"]["count"], cit_known, "records where CIT presence was recorded"
            ),
        },
        "source": source,
    }


def _stats(
    agency_ids: Any,
    *,
    agencies: int,
    start: datetime.date,
    end: datetime.date,
    filters: dict[str, Any] | None,
    use_rollup: bool,
) -> dict[str, Any]:
    _check_period(start, end)
    cleaned = clean_filters(filters)
    scope = _scope_q(agency_ids)
    # Every agency and no district: the national rows, a few hundred instead of every agency's.
    national = agency_ids is None and "district" not in cleaned
    grouped: list = []
    minutes: list = []
    raw_days = daily_days = 0
    if not use_rollup:
        months = None
        grouped, minutes = _record_rows(scope, cleaned, [(start, end)])
        raw_days = (end - start).days + 1
    else:
        months, daily, corrections = _plan(scope, cleaned, start, end)
        if months is not None:
            grouped, minutes = _rollup_rows(scope, cleaned, months, national=national)
        if daily:
            day_grouped, day_minutes = _daily_rows(scope, cleaned, daily)
            grouped += day_grouped
            minutes += day_minutes
            daily_days = sum((high - low).days + 1 for low, high in daily)
        for low, high, agency_ids_outside in corrections:
            month = _month_start(low)
            outside = Q(agency_id__in=agency_ids_outside)
            taken, taken_minutes = _rollup_rows(outside, cleaned, (month, month), national=False)
            grouped += _negated(taken, MEASURES)
            minutes += _negated(taken_minutes, ("n",))
            counted, counted_minutes = _daily_rows(outside, cleaned, [(low, high)])
            grouped += counted
            minutes += counted_minutes
            daily_days += (high - low).days + 1
    source = {
        "rollup_months": len(months_between(*months)) if months else 0,
        "rollup_days": daily_days,
        "raw_days": raw_days,
        "national_rows": national and months is not None,
    }
    return _assemble(
        grouped,
        minutes,
        start=start,
        end=end,
        filters=cleaned,
        agencies=agencies,
        source=source,
    )


def encounter_stats(
    *,
    agency: Agency,
    start: datetime.date,
    end: datetime.date,
    filters: dict[str, Any] | None = None,
    use_rollup: bool = True,
) -> dict[str, Any]:
    """One agency's statistics for a period (see the module docstring for the shape)."""
    return _stats(
        [agency.pk], agencies=1, start=start, end=end, filters=filters, use_rollup=use_rollup
    )


_IN_PYTHON_FILTERS = {
    "call_source": "call_source",
    "flagged_at_dispatch": "flagged",
    "cit_officer_on_scene": "cit",
}


def state_stats_reader(
    *, start: datetime.date, end: datetime.date, with_minutes: bool = True
) -> Callable[[dict[str, Any] | None], dict[str, dict[str, Any]]] | None:
    """A function of the filters giving encounter_stats_for_agencies for each state's agencies.

    Only for whole months (the periods seen from outside an agency are): every state's numbers
    then come from the monthly rows alone, read once, unfiltered, grouped by state and by the
    filter dimensions, so each further set of filters (the national page reads up to eight)
    is a pass over those grouped rows in Python, not another scan. A district filter is not a
    grouped dimension and is read from the database. `with_minutes=False` skips the time-on-scene
    bands (the state table does not show them). Returns None when the period cuts a month; call
    encounter_stats_for_agencies per state then. Not suppressed.
    """
    _check_period(start, end)
    months, edges = split_period(start, end)
    if edges or not months:
        return None
    period = Q(month__gte=months[0], month__lte=months[1])
    source = {
        "rollup_months": len(months_between(*months)),
        "rollup_days": 0,
        "raw_days": 0,
        "national_rows": False,
    }
    counts = dict(
        Agency.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    dimensions = tuple(_IN_PYTHON_FILTERS.values())
    read: dict[str, list] = {}

    def grouped_rows(where: Q, keyed: bool) -> tuple[list, list]:
        keys = ("agency__state", *_KEYS)
        rows = list(
            EncounterMonthlyCount.objects.filter(period & where)
            .values(*keys)
            .annotate(**{name: Sum(name) for name in MEASURES})
            .order_by()
        )
        bands: list = []
        if with_minutes:
            table = EncounterMinutesAllDistrictsCount if keyed else EncounterMinutesCount
            band_keys = ("agency__state", *(dimensions if keyed else ()), "bucket")
            bands = list(
                table.objects.filter(period & where)
                .values(*band_keys)
                .annotate(n=Sum("count"))
                .order_by()
            )
        return rows, bands

    def stats_for(filters: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        cleaned = clean_filters(filters)
        if "district" in cleaned:
            rows, bands = grouped_rows(_filter_q(cleaned), keyed=False)
        else:
            if not read:
                read["rows"], read["bands"] = grouped_rows(Q(), keyed=True)
            wanted = {
                column: cleaned[name]
                for name, column in _IN_PYTHON_FILTERS.items()
                if name in cleaned
            }
            rows = [r for r in read["rows"] if all(r[k] == v for k, v in wanted.items())]
            bands = [r for r in read["bands"] if all(r[k] == v for k, v in wanted.items())]
        by_state: dict[str, list] = defaultdict(list)
        for row in rows:
            by_state[row["agency__state"]].append(
                {key: value for key, value in row.items() if key != "agency__state"}
            )
        minutes: dict[str, list] = defaultdict(list)
        for row in bands:
            minutes[row["agency__state"]].append({"bucket": row["bucket"], "n": row["n"]})
        return {
            state: _assemble(
                by_state.get(state, []),
                minutes.get(state, []),
                start=start,
                end=end,
                filters=cleaned,
                agencies=agencies,
                source=dict(source),
            )
            for state, agencies in counts.items()
        }

    return stats_for


def encounter_stats_by_state(
    *,
    start: datetime.date,
    end: datetime.date,
    filters: dict[str, Any] | None = None,
    with_minutes: bool = True,
) -> dict[str, dict[str, Any]] | None:
    """Every state's statistics for one set of filters (see state_stats_reader), or None."""
    reader = state_stats_reader(start=start, end=end, with_minutes=with_minutes)
    return None if reader is None else reader(filters)


def encounter_stats_for_agencies(
    *,
    agencies: Iterable[Agency] | QuerySet[Agency] | None,
    start: datetime.date,
    end: datetime.date,
    filters: dict[str, Any] | None = None,
    use_rollup: bool = True,
) -> dict[str, Any]:
    """The same statistics summed over several agencies (peer groups, the national roll-up).

    `agencies` is agencies or a queryset of them; None means every agency (national). The
    numbers are NOT suppressed: privacy.py must suppress them before they leave an agency.
    """
    if agencies is None:
        ids, count = None, Agency.objects.count()
    elif isinstance(agencies, QuerySet):
        ids = list(agencies.values_list("pk", flat=True))
        count = len(ids)
    else:
        ids = [agency.pk for agency in agencies]
        count = len(ids)
    return _stats(ids, agencies=count, start=start, end=end, filters=filters, use_rollup=use_rollup)
