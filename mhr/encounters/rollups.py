"""Keeping the pre-aggregated encounter counts current.

Per agency: EncounterMonthlyCount and EncounterMinutesCount by local month (and the minutes summed
over districts, EncounterMinutesAllDistrictsCount, the dashboard's usual read), EncounterDailyCount
by local day with its minutes bands in one JSON value (for the part-months at a period's edges).
`rollup_refresh` recounts the daily rows of the days whose records changed (of their whole months
when many days changed) and then the monthly rows of those months: it deletes their rows and
inserts them again from one INSERT ... SELECT per table, built from the same aggregate
expressions stats.py uses on records, so the two cannot drift apart (the daily rows from the
records, then the monthly rows summed from the daily ones). It runs inside
the caller's transaction: the services call it after every create, correction and discard; the
bulk importer calls it once after its commit.

Concurrency: the agency's row is locked first (SELECT ... FOR UPDATE), so two writers of one
agency refresh one after the other, and the second one counts the first one's record.

National counts (EncounterNational*): the refresh subtracts the agency's old rows for the months
and adds the new ones with INSERT ... ON CONFLICT DO UPDATE (both engines). On PostgreSQL a
transaction-level advisory lock serialises these national updates across agencies (no lost
updates, no deadlocks); its cost is that two agencies' refreshes never overlap.
`rollup_rebuild_all` recounts the national rows from the agencies' rows from scratch.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import TruncMonth

from mhr.accounts.models import Agency
from mhr.encounters import stats
from mhr.encounters.models import (
    Encounter,
    EncounterDailyCount,
    EncounterMinutesAllDistrictsCount,
    EncounterMinutesCount,
    EncounterMonthlyCount,
    EncounterNationalMinutesCount,
    EncounterNationalMonthlyCount,
)

# Every table of pre-aggregated counts: per agency, then national.
AGENCY_ROLLUP_MODELS = (
    EncounterMonthlyCount,
    EncounterMinutesCount,
    EncounterMinutesAllDistrictsCount,
    EncounterDailyCount,
)
NATIONAL_ROLLUP_MODELS = (EncounterNationalMonthlyCount, EncounterNationalMinutesCount)

_KEYS = ("agency_id", "month", "call_source", "district", "flagged", "cit")
_ALL_DISTRICTS_KEYS = ("agency_id", "month", "call_source", "flagged", "cit")
_DAY_KEYS = ("agency_id", "day", "call_source", "district", "flagged", "cit")
_NATIONAL_KEYS = ("month", "call_source", "flagged", "cit")
# Up to this many changed days are recounted day by day; more, as whole months (see
# _refresh_days).
DAY_REFRESH_LIMIT = 62
# Any constant: the key of the PostgreSQL advisory lock around national updates.
_NATIONAL_LOCK = 4_104_771


def _insert_select(
    model, columns: tuple[str, ...], queryset, *, add_on_conflict: tuple[str, ...] = ()
) -> None:
    """INSERT INTO model's table (columns) SELECT columns FROM (queryset's SQL).

    With `add_on_conflict` (the unique key), a row whose key exists is added to the existing
    row instead: every other column is summed.
    """
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    selected = ", ".join(f"grouped.{quote(column)}" for column in columns)
    # "WHERE true" keeps SQLite from reading ON CONFLICT as a join's ON.
    statement = f"INSERT INTO {table} ({names}) SELECT {selected} FROM ({sql}) grouped WHERE true"  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
    if add_on_conflict:
        sums = ", ".join(
            f"{quote(column)} = {table}.{quote(column)} + excluded.{quote(column)}"
            for column in columns
            if column not in add_on_conflict
        )
        keys = ", ".join(quote(column) for column in add_on_conflict)
        statement += f" ON CONFLICT ({keys}) DO UPDATE SET {sums}"  # nosec B608 # names from model metadata and our constants; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(statement, params)  # noqa: S608 (names are ours, values are params)


def _national_add(months: set[datetime.date] | None, scope: Q, sign: int) -> None:
    """Add (sign 1) or subtract (sign -1) the agency rows in `scope` to the national rows."""
    measures = {name: Sum(name) * Value(sign) for name in stats.MEASURES}
    _insert_select(
        EncounterNationalMonthlyCount,
        (*_NATIONAL_KEYS, *measures),
        EncounterMonthlyCount.objects.filter(scope, _months_q(months, "month"))
        .values(*_NATIONAL_KEYS)
        .annotate(**measures)
        .order_by(),
        add_on_conflict=_NATIONAL_KEYS,
    )
    _insert_select(
        EncounterNationalMinutesCount,
        (*_NATIONAL_KEYS, "bucket", "count"),
        # The agencies' bands already summed over districts: a quarter of the rows to read.
        EncounterMinutesAllDistrictsCount.objects.filter(scope, _months_q(months, "month"))
        .values(*_NATIONAL_KEYS, "bucket")
        .annotate(count=Sum("count") * Value(sign))
        .order_by(),
        add_on_conflict=(*_NATIONAL_KEYS, "bucket"),
    )


def _lock_national() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NATIONAL_LOCK])
    # SQLite lets one writer in at a time anyway.


def _months_q(months: set[datetime.date] | None, field: str) -> Q:
    if months is None:
        return Q()
    q = Q(pk__in=[])
    for month in months:
        if field == "month":
            q |= Q(month=month)
        else:
            q |= Q(
                **{
                    f"{field}__gte": month,
                    f"{field}__lt": stats._next_month(month),
                }
            )
    return q


def _days_q(days: set[datetime.date], field: str) -> Q:
    return Q(**{f"{field}__in": sorted(days)})


def _refresh_days(
    agency: Agency, months: set[datetime.date] | None, days: set[datetime.date] | None = None
) -> None:
    """Recount the agency's daily rows from its records: for `days` when given, else for every
    day of `months` (None: all).

    A hand entry or correction changes one or two days: recounting just those keeps a save of
    the largest agency quick (the whole month was ~330 ms of a ~560 ms save at 24,000 records a
    month). Many days (an import) are recounted as whole months, one range per month.
    """
    where = _months_q(months, "day") if days is None else _days_q(days, "day")
    EncounterDailyCount.objects.filter(where, agency=agency).delete()
    records = (
        stats.complete_records()
        .filter(
            _months_q(months, "received_date") if days is None else _days_q(days, "received_date"),
            agency=agency,
            received_date__isnull=False,
        )
        .annotate(day=F("received_date"))
    )
    measures = stats.record_measures()
    _insert_daily(
        records.values(*_DAY_KEYS).annotate(**measures).order_by(),
        tuple(measures),
        records.filter(minutes_on_scene__isnull=False)
        .annotate(bucket=stats.bucket_expression())
        .values(*_DAY_KEYS, "bucket")
        .annotate(count=Count("id"))
        .order_by(),
    )


# JSON object aggregate of each engine.
_JSON_AGG = {"postgresql": "jsonb_object_agg", "sqlite": "json_group_object"}


def _insert_daily(counts, measures: tuple[str, ...], bands) -> None:
    """INSERT the daily rows: `counts` (rows of _DAY_KEYS and the measures) joined with their
    minutes bands folded into one JSON value (`bands`: rows of _DAY_KEYS, bucket, count)."""
    counts_sql, counts_params = counts.query.sql_with_params()
    bands_sql, bands_params = bands.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(EncounterDailyCount._meta.db_table)
    keys = ", ".join(quote(key) for key in _DAY_KEYS)
    joined = " AND ".join(f"c.{quote(key)} = b.{quote(key)}" for key in _DAY_KEYS)
    columns = (*_DAY_KEYS, *measures)
    aggregate = _JSON_AGG[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}, "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
            f"{quote('minutes_bands')}) SELECT {', '.join(f'c.{quote(c)}' for c in columns)}, "
            f"COALESCE(b.counts, '{{}}') FROM ({counts_sql}) c LEFT JOIN ("
            f"SELECT {keys}, {aggregate}(CAST(counted.{quote('bucket')} AS TEXT), "
            f"counted.{quote('count')}) AS counts FROM ({bands_sql}) counted GROUP BY {keys}"
            f") b ON {joined} WHERE true",
            (*counts_params, *bands_params),
        )


def _months_from_days(agency: Agency, months: set[datetime.date] | None) -> None:
    """EncounterMonthlyCount of `months` summed from the daily rows, and the minutes summed over
    districts from EncounterMinutesCount (which must be current)."""
    measures = {
        **{name: Sum(name) for name in stats.MEASURES},
        "min_date": Min("day"),
        "max_date": Max("day"),
    }
    _insert_select(
        EncounterMonthlyCount,
        (*_KEYS, *measures),
        EncounterDailyCount.objects.filter(_months_q(months, "day"), agency=agency)
        .annotate(month=TruncMonth("day"))
        .values(*_KEYS)
        .annotate(**measures)
        .order_by(),
    )
    _insert_select(
        EncounterMinutesAllDistrictsCount,
        (*_ALL_DISTRICTS_KEYS, "bucket", "count"),
        EncounterMinutesCount.objects.filter(_months_q(months, "month"), agency=agency)
        .values(*_ALL_DISTRICTS_KEYS, "bucket")
        .annotate(count=Sum("count"))
        .order_by(),
    )


def _minutes_from_records(agency: Agency, months: set[datetime.date] | None) -> None:
    """EncounterMinutesCount of `months` (None: all) counted from the records."""
    _insert_select(
        EncounterMinutesCount,
        (*_KEYS, "bucket", "count"),
        stats.complete_records()
        .filter(_months_q(months, "received_date"), agency=agency, minutes_on_scene__isnull=False)
        .annotate(bucket=stats.bucket_expression())
        .values(*_KEYS, "bucket")
        .annotate(count=Count("id"))
        .order_by(),
    )


def _minutes_from_days(agency: Agency, months: set[datetime.date] | None) -> None:
    """EncounterMinutesCount of `months` (None: all) summed from the daily rows' bands."""
    quote = connection.ops.quote_name
    daily = quote(EncounterDailyCount._meta.db_table)
    target = quote(EncounterMinutesCount._meta.db_table)
    params: list = [agency.pk]
    where = f"d.{quote('agency_id')} = %s"
    if months is not None:
        ranges = []
        for month in sorted(months):
            ranges.append(f"(d.{quote('day')} >= %s AND d.{quote('day')} < %s)")
            params += [month, stats._next_month(month)]
        where += f" AND ({' OR '.join(ranges) or 'FALSE'})"
    if connection.vendor == "postgresql":
        month = f"CAST(date_trunc('month', d.{quote('day')}) AS date)"
        bands = f"CROSS JOIN LATERAL jsonb_each_text(d.{quote('minutes_bands')}) band"
    else:
        month = f"date(d.{quote('day')}, 'start of month')"
        bands = f", json_each(d.{quote('minutes_bands')}) band"
    keys = ", ".join(f"d.{quote(key)}" for key in _KEYS if key not in ("month",))
    names = ", ".join(quote(column) for column in (*_KEYS, "bucket", "count"))
    columns = (
        f"d.{quote('agency_id')}, {month}, "
        + ", ".join(f"d.{quote(key)}" for key in _KEYS[2:])
        + ", CAST(band.key AS INTEGER)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {target} ({names}) SELECT {columns}, "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
            f"SUM(CAST(band.value AS INTEGER)) FROM {daily} d {bands} WHERE {where} "
            f"GROUP BY {keys}, {month}, CAST(band.key AS INTEGER)",
            params,
        )


def minutes_all_districts_rebuild() -> None:
    """Recount every EncounterMinutesAllDistrictsCount row from EncounterMinutesCount."""
    with transaction.atomic():
        EncounterMinutesAllDistrictsCount.objects.all().delete()
        _insert_select(
            EncounterMinutesAllDistrictsCount,
            (*_ALL_DISTRICTS_KEYS, "bucket", "count"),
            EncounterMinutesCount.objects.values(*_ALL_DISTRICTS_KEYS, "bucket")
            .annotate(count=Sum("count"))
            .order_by(),
        )


def daily_rebuild() -> int:
    """Build every agency's daily rows from its records (the migration that added them)."""
    count = 0
    for agency in Agency.objects.filter(
        pk__in=Encounter.objects.values("agency_id").distinct()
    ).order_by("pk"):
        with transaction.atomic():
            _refresh_days(agency, None)
        count += 1
    return count


def rollup_refresh(
    *,
    agency: Agency,
    dates: Iterable[datetime.date | None] | None = None,
    digests: Iterable[str] = (),
    national: bool = True,
) -> int:
    """Recompute the agency's counts for the months covering `dates` (None: every month).

    `dates`: the received dates of every record added, changed (old and new date) or removed;
    their months' monthly and daily rows are recomputed. `digests`: person digests
    whose repeat-contact flags may have changed; the days and months of those people's records
    are recomputed too. `national=False` leaves the national rows alone (for rollup_rebuild_all,
    which recounts them at the end). Returns the number of months refreshed (-1 for all).
    """
    months: set[datetime.date] | None = None
    days: set[datetime.date] | None = None
    if dates is not None:
        days = {day for day in dates if day is not None}
        digests = {digest for digest in digests if digest}
        if digests:
            days |= set(
                Encounter.objects.filter(
                    agency=agency, person_digest__in=digests, received_date__isnull=False
                )
                .exclude(person_digest="")  # the partial person digest index
                .values_list("received_date", flat=True)
                .order_by()
                .distinct()
            )
        if not days:
            return 0
        months = {day.replace(day=1) for day in days}
    with transaction.atomic():
        list(Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk"))
        if national:
            _lock_national()
            _national_add(months, Q(agency=agency), -1)
        # Days first; the months are then summed from the daily rows (fewer than the records
        # behind them), so the records are read once, not once per table.
        few = days is not None and len(days) <= DAY_REFRESH_LIMIT
        _refresh_days(agency, months, days if few else None)
        for model in (
            EncounterMonthlyCount,
            EncounterMinutesCount,
            EncounterMinutesAllDistrictsCount,
        ):
            model.objects.filter(_months_q(months, "month"), agency=agency).delete()
        if few:
            _minutes_from_days(agency, months)
        else:
            # Whole months (an import): counting the records is quicker than unpacking every
            # daily row's bands (2.5 s against 4.2 s for a million records).
            _minutes_from_records(agency, months)
        _months_from_days(agency, months)
        if national:
            _national_add(months, Q(agency=agency), 1)
            # Months and bands that no agency has any more leave no empty national rows.
            EncounterNationalMonthlyCount.objects.filter(
                _months_q(months, "month"), total=0
            ).delete()
            EncounterNationalMinutesCount.objects.filter(
                _months_q(months, "month"), count=0
            ).delete()
    return -1 if months is None else len(months)


def rollup_load_days(*, agency: Agency, daily: Any, minutes: Any) -> int:
    """Store the daily rows and monthly minutes rows a bulk load counted itself (the columnar
    import, imports/columnar.DailyTally), then sum everything else from them as rollup_refresh
    does. Only for an agency that had no records: nothing of its own is subtracted first.

    `daily`, `minutes`: Arrow tables (day, call_source, district, flagged, cit, measures...,
    minutes_bands) and (month, call_source, district, flagged, cit, bucket, count).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from mhr.encounters.imports.columnar import csv_bytes

    if daily is None or daily.num_rows == 0:
        return 0
    with transaction.atomic():
        list(Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk"))
        _lock_national()
        for model, table in ((EncounterDailyCount, daily), (EncounterMinutesCount, minutes)):
            table = table.add_column(
                0, "agency_id", pa.repeat(pa.scalar(agency.pk, pa.int64()), table.num_rows)
            )
            quote = connection.ops.quote_name
            names = ", ".join(quote(name) for name in table.column_names)
            with connection.cursor() as cursor:
                with cursor.cursor.copy(
                    f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN (FORMAT CSV)"  # noqa: S608
                ) as copy:
                    copy.write(csv_bytes(table))
        days = pc.unique(daily.column("day")).to_pylist()
        months = {day.replace(day=1) for day in days}
        _months_from_days(agency, months)
        _national_add(months, Q(agency=agency), 1)
    return len(months)


def national_rebuild() -> None:
    """Recount every national row from the agencies' rows."""
    with transaction.atomic():
        _lock_national()
        EncounterNationalMonthlyCount.objects.all().delete()
        EncounterNationalMinutesCount.objects.all().delete()
        _national_add(None, Q(), 1)


def rollup_rebuild_all() -> int:
    """Rebuild every agency's counts (after a restore or a bulk load outside the services)."""
    agencies = Agency.objects.filter(
        pk__in=Encounter.objects.values("agency_id").distinct()
    ).order_by("pk")
    count = 0
    for agency in agencies:
        rollup_refresh(agency=agency, national=False)
        count += 1
    # Agencies whose last record went away keep no stale counts.
    for model in AGENCY_ROLLUP_MODELS:
        model.objects.exclude(agency__in=agencies).delete()
    national_rebuild()
    return count
