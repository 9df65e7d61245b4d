"""Native CSV files converted a column at a time (Apache Arrow): the fast path of a large import.

The row-by-row path (native.NativeConverter, schema.check_record, bulk.RowBuilder) costs about
27 µs of Python per row, more than the 20 µs a row that 50,000 rows/s allows. Here Arrow's C++
reader splits the file into batches of columns, and each column is converted in one go:

- codes, yes/no, counts and the short texts repeat endlessly, so each *distinct* cell of a batch
  goes through the very converter the row-by-row path uses, and Arrow spreads the results;
- date-times in the common ISO shape are parsed and moved to UTC by Arrow; any other cell (and
  any local time inside a daylight-saving gap) goes through the row-by-row converter, one by one;
- the rules across fields (required fields, the order of the three times, no future calls) are
  compared column against column.

This path decides only what it can decide exactly: a batch with anything to report (an unknown
code, a time out of order, a duplicate incident number, an odd row) raises `NotColumnar`, and the
caller rolls back and reads the whole file the row-by-row way, which names every problem by row
and column. So the two paths accept the same files and store the same rows (tests compare them).
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any
from zoneinfo import ZoneInfo

from mhr.encounters import schema
from mhr.encounters.imports.native import Bad, cell_converter

# About 4,000 rows of a native file per batch: Arrow's read-ahead stays small (memory) and a
# batch is still long enough for its column operations to beat Python's loops.
BLOCK_BYTES = 1 << 20
# ISO date-times Arrow parses exactly as datetime.fromisoformat does. Years 1900-2099 only:
# the others (year 1, say, which falls off the calendar in UTC) go through the row-by-row check.
_ISO = r"^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
# Characters str.strip() removes: a cell with one at either end is stripped in Python.
_PY_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_EDGE_SPACE = "^[{0}]|[{0}]$".format("".join(f"\\x{{{ord(c):x}}}" for c in _PY_SPACE))
_FUTURE_SLACK = datetime.timedelta(hours=1)


@functools.cache
def lit(value: Any) -> Any:
    """An Arrow scalar, made once. A plain Python value passed to a compute function is
    converted on every call, and the conversion tries (and fails) to import NumPy each time."""
    import pyarrow as pa

    return pa.scalar(value)


class NotColumnar(Exception):
    """The file needs the row-by-row path (there is something to report, or an unusual cell)."""


def available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover (a dependency; the row-by-row path still works)
        return False
    return True


class ColumnarConverter:
    """Batches of a native CSV as Arrow tables of bulk.ROW_FIELDS (person_key digested)."""

    def __init__(
        self,
        *,
        headers: Sequence[str],
        mapping: Mapping[str, str],
        tz: ZoneInfo,
        digester: Callable[[str], str],
        delimiter: str,
        row_fields: Sequence[str],
        max_rows: int,
    ) -> None:
        import pyarrow as pa

        self.pa = pa
        index = {header: position for position, header in reversed(list(enumerate(headers)))}
        # Arrow reads positions under made-up names, so repeated or blank headers cannot clash.
        self.column_names = [f"c{position}" for position in range(len(headers))]
        self.fields = {name: f"c{index[header]}" for name, header in mapping.items()}
        self.tz = tz
        self.tz_name = str(tz.key)
        self.digester = digester
        self.delimiter = delimiter
        self.row_fields = tuple(row_fields)
        self.max_rows = max_rows
        self.converters = {name: cell_converter(name, tz) for name in self.fields}
        self.rows = 0
        self.now = datetime.datetime.now(datetime.UTC)

    # --- reading ----------------------------------------------------------------------------

    def _raw_batches(self, stream: IO[bytes], fields: Sequence[str]) -> Iterator[Any]:
        """The file's rows as batches of text columns (those of `fields`)."""
        import pyarrow as pa
        import pyarrow.csv as pcsv

        read = pcsv.ReadOptions(
            block_size=BLOCK_BYTES,
            skip_rows=1,
            column_names=self.column_names,
            encoding="utf8",
        )
        parse = pcsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True)
        convert = pcsv.ConvertOptions(
            column_types={name: pa.string() for name in self.column_names},
            include_columns=sorted({self.fields[name] for name in fields}),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        try:
            reader = pcsv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            )
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            raise NotColumnar(str(exc)) from exc
        rows = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, pa.ArrowException) as exc:
                # A row with too many or too few cells, a stray quote: the row-by-row reader
                # says which row.
                raise NotColumnar(str(exc)) from exc
            if batch.num_rows == 0:
                continue
            rows += batch.num_rows
            if rows > self.max_rows:
                raise NotColumnar("too many rows")
            yield batch

    def batches(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        """(position of the batch's first row, table of the stored columns). Raises NotColumnar."""
        for batch in self._raw_batches(stream, tuple(self.fields)):
            offset = self.rows
            self.rows += batch.num_rows
            yield offset, self.convert(batch)

    def first_contacts(self, stream: IO[bytes]) -> Any:
        """The positions of the rows that are a person's first contact, read before the rows
        are written, so each row's repeat-contact flag is final when it is stored.

        The rule of encounters_recompute_repeats: a person's first contact is their earliest
        call received, the earlier row of the file on a tie (ids follow the file). People are
        told apart by their stripped key, which is what their digest is made of. Returns an
        boolean Arrow array, one entry per row of the file (None: no person key column).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        if "person_key" not in self.fields:
            return None
        keys, moments, positions = [], [], []
        offset = 0
        for batch in self._raw_batches(stream, ("person_key", "received_at")):
            n = batch.num_rows
            key = self._unique_text("person_key", batch.column(self.fields["person_key"]))
            moment = self._moments("received_at", batch.column(self.fields["received_at"]))
            keyed = pc.not_equal(key, lit(""))
            keys.append(pc.filter(key, keyed))
            moments.append(pc.cast(pc.filter(moment, keyed), pa.int64()))
            positions.append(pc.filter(pa.array(range(offset, offset + n), pa.int64()), keyed))
            offset += n
        rows = pa.array(range(offset), pa.int64())
        people = pa.table(
            {
                "key": pa.concat_arrays(keys or [pa.array([], pa.string())]),
                "moment": pa.concat_arrays(moments or [pa.array([], pa.int64())]),
                "position": pa.concat_arrays(positions or [pa.array([], pa.int64())]),
            }
        )
        if people.num_rows == 0:
            return pc.is_in(rows, value_set=people.column("position"))
        order = pc.sort_indices(
            people,
            sort_keys=[("key", "ascending"), ("moment", "ascending"), ("position", "ascending")],
        )
        people = people.take(order)
        sorted_keys = people.column("key").combine_chunks()
        starts = pc.not_equal(sorted_keys.slice(1), sorted_keys.slice(0, len(sorted_keys) - 1))
        first = pa.concat_arrays([pa.array([True]), starts])
        return pc.is_in(
            rows, value_set=pc.filter(people.column("position").combine_chunks(), first)
        )

    # --- converting -------------------------------------------------------------------------

    def convert(self, batch: Any) -> Any:
        pa = self.pa
        import pyarrow.compute as pc

        n = batch.num_rows
        columns: dict[str, Any] = {}
        for name, column_name in self.fields.items():
            cells = batch.column(column_name)
            kind = schema.BY_NAME[name].kind
            if kind == schema.DATETIME:
                columns[name] = self._moments(name, cells)
            elif name in ("incident_number", "person_key"):
                columns[name] = self._unique_text(name, cells)
            else:
                columns[name] = self._repeating(name, cells)
        self._check(columns, n)
        stored: dict[str, Any] = {}
        for name in self.row_fields:
            if name in columns:
                stored[name] = columns[name]
            elif name == "person_digest":
                keys = columns.get("person_key")
                digest = self.digester
                stored[name] = (
                    pa.array([digest(key) if key else "" for key in keys.to_pylist()], pa.string())
                    if keys is not None
                    else pa.array([""] * n, pa.string())
                )
            elif name == "received_date":
                local = pc.local_timestamp(
                    pc.cast(columns["received_at"], pa.timestamp("us", tz=self.tz_name))
                )
                stored[name] = pc.cast(pc.floor_temporal(local, unit="day"), pa.date32())
            elif name == "minutes_on_scene":
                stored[name] = self._minutes(columns, n)
            else:
                stored[name] = _default_array(pa, name, n)
        return pa.table(stored)

    def _repeating(self, name: str, cells: Any) -> Any:
        """Codes, yes/no, counts, call types, districts: each distinct cell converted once."""
        pa = self.pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(cells)
        values = self._row_by_row(name, encoded.dictionary.to_pylist())
        return pa.array(values, type=_arrow_type(pa, name)).take(encoded.indices)

    def _unique_text(self, name: str, cells: Any) -> Any:
        """Incident numbers and person keys: nearly all distinct, so stripped and measured as
        columns (in Python only when a cell has space at either end)."""
        pa = self.pa
        import pyarrow.compute as pc

        if pc.any(pc.match_substring_regex(cells, _EDGE_SPACE)).as_py():
            cells = pa.array([cell.strip() for cell in cells.to_pylist()], pa.string())
        limit = schema.BY_NAME[name].max_length
        if pc.any(pc.greater(pc.utf8_length(cells), lit(limit))).as_py():
            raise NotColumnar(name)
        return cells

    def _moments(self, name: str, cells: Any) -> Any:
        """Local date-times -> UTC, as native.cell_converter does (fold 0 at the clock change)."""
        pa = self.pa
        import pyarrow.compute as pc

        utc_type = pa.timestamp("us", tz="UTC")
        iso = pc.match_substring_regex(cells, _ISO)
        blank = pc.equal(cells, lit(""))
        if not pc.all(pc.or_(iso, blank)).as_py():
            # Another layout (3/14/2025 2:05 PM, an offset, a typo): the row-by-row converter,
            # cell by cell; anything it cannot read sends the file down the row-by-row path.
            return self._python_moments(name, cells.to_pylist())
        spaced = pc.replace_substring(cells, "T", " ")
        long_form = pc.equal(pc.utf8_length(spaced), lit(19))
        naive = pc.if_else(
            long_form,
            pc.strptime(spaced, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=True),
            pc.strptime(spaced, format="%Y-%m-%d %H:%M", unit="us", error_is_null=True),
        )
        # Arrow rolls 30 February over into March; Python refuses it, so compare the day.
        day_text = pc.if_else(blank, lit("01"), pc.utf8_slice_codeunits(spaced, 8, 10))
        day = pc.cast(day_text, pa.int64())
        unread = pc.or_(
            pc.and_(pc.is_null(naive), pc.invert(blank)),
            pc.fill_null(pc.not_equal(pc.day(naive), day), False),
        )
        if pc.any(unread).as_py():
            # 30 February and the like: the row-by-row converter words the message.
            raise NotColumnar(name)
        # An ambiguous time (clocks back) is the earlier instant, as fold=0 is in Python.
        zoned = pc.assume_timezone(
            naive, timezone=self.tz_name, ambiguous="earliest", nonexistent="earliest"
        )
        # A time in the gap (clocks forward) has no instant; Python reads it with the offset
        # from before the change. Those cells (a few a year) are converted in Python.
        gap = pc.not_equal(pc.local_timestamp(zoned), naive)
        moments = pc.cast(zoned, utc_type)
        if pc.any(gap).as_py():
            positions = pc.indices_nonzero(pc.fill_null(gap, False))
            fixed = self._python_moments(name, pc.take(cells, positions).to_pylist())
            moments = pc.replace_with_mask(moments, pc.fill_null(gap, False), fixed)
        return moments

    def _python_moments(self, name: str, cells: list[str]) -> Any:
        return self.pa.array(self._row_by_row(name, cells), self.pa.timestamp("us", tz="UTC"))

    def _row_by_row(self, name: str, cells: list[Any]) -> list[Any]:
        """Cells through the row-by-row path's own converter; one it cannot read sends the file
        down that path, which words the message."""
        convert = self.converters[name]
        values = [convert(cell) for cell in cells]
        if any(value.__class__ is Bad for value in values):
            raise NotColumnar(name)
        return values

    def _check(self, columns: dict[str, Any], n: int) -> None:
        """schema.check_record(complete=True), column against column: any row that breaks a
        rule sends the file down the row-by-row path, which names it."""
        import pyarrow.compute as pc

        def anywhere(mask: Any) -> bool:
            return bool(pc.any(pc.fill_null(mask, False)).as_py())

        for spec in schema.FIELDS:
            if not spec.required:
                continue
            column = columns.get(spec.name)
            if column is None:
                raise NotColumnar(spec.name)
            if column.null_count:
                raise NotColumnar(spec.name)
            if column.type == self.pa.string() and anywhere(pc.equal(column, lit(""))):
                raise NotColumnar(spec.name)
        if anywhere(pc.equal(columns["disposition"], lit("unknown"))):
            raise NotColumnar("disposition")
        received = columns["received_at"]
        arrived = columns.get("arrived_at")
        cleared = columns.get("cleared_at")
        if arrived is not None and anywhere(pc.less(arrived, received)):
            raise NotColumnar("arrived_at")
        if cleared is not None and anywhere(pc.less(cleared, received)):
            raise NotColumnar("cleared_at")
        if arrived is not None and cleared is not None and anywhere(pc.less(cleared, arrived)):
            raise NotColumnar("cleared_at")
        latest = self.pa.scalar(self.now + _FUTURE_SLACK, self.pa.timestamp("us", tz="UTC"))
        if anywhere(pc.greater(received, latest)):
            raise NotColumnar("received_at")

    def _minutes(self, columns: dict[str, Any], n: int) -> Any:
        """Whole minutes from the first arrival (else the call) to clearing, as RowBuilder."""
        pa = self.pa
        import pyarrow.compute as pc

        cleared = columns.get("cleared_at")
        if cleared is None:
            return pa.nulls(n, pa.int32())
        start = columns["received_at"]
        if "arrived_at" in columns:
            start = pc.coalesce(columns["arrived_at"], start)
        micros = pc.subtract(pc.cast(cleared, pa.int64()), pc.cast(start, pa.int64()))
        # Never negative here (the rules above), so truncating is flooring.
        return pc.cast(pc.divide(micros, lit(60_000_000)), pa.int32())


def _arrow_type(pa: Any, name: str) -> Any:
    kind = schema.BY_NAME[name].kind
    if kind == schema.BOOL:
        return pa.bool_()
    if kind == schema.COUNT:
        return pa.int32()
    return pa.string()


def _default_array(pa: Any, name: str, n: int) -> Any:
    """What bulk.RowBuilder stores for a field the file does not have."""
    spec = schema.BY_NAME.get(name)
    if spec is not None and spec.kind == schema.CHOICE:
        return pa.array(["unknown"] * n, pa.string())
    if spec is not None and spec.kind == schema.TEXT:
        return pa.array([""] * n, pa.string())
    if spec is not None and spec.kind == schema.DATETIME:
        return pa.nulls(n, pa.timestamp("us", tz="UTC"))
    return pa.nulls(n, _arrow_type(pa, name) if spec is not None else pa.int32())


def csv_bytes(table: Any) -> memoryview:
    """A table as CSV for PostgreSQL's COPY (FORMAT csv): texts quoted, so "" is an empty text
    and an unquoted empty field is NULL. Date-times are written as text first (see
    `utc_text`): Arrow's own CSV writer formats them three times slower."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    columns = [
        utc_text(column) if pa.types.is_timestamp(column.type) else column
        for column in table.columns
    ]
    buffer = io.BytesIO()
    pcsv.write_csv(
        pa.table(columns, names=table.column_names),
        buffer,
        pcsv.WriteOptions(include_header=False),
    )
    return buffer.getbuffer()


def utc_text(moments: Any) -> Any:
    """UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff+00' (nulls stay null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    seconds = pc.floor_temporal(moments, unit="second")
    micros = pc.subtract(pc.cast(moments, pa.int64()), pc.cast(seconds, pa.int64()))

    def padded(values: Any, width: int) -> Any:
        return pc.utf8_lpad(pc.cast(values, pa.string()), width, "0")

    return pc.binary_join_element_wise(
        padded(pc.year(seconds), 4),
        lit("-"),
        padded(pc.month(seconds), 2),
        lit("-"),
        padded(pc.day(seconds), 2),
        lit(" "),
        padded(pc.hour(seconds), 2),
        lit(":"),
        padded(pc.minute(seconds), 2),
        lit(":"),
        padded(pc.second(seconds), 2),
        lit("."),
        padded(micros, 6),
        lit("+00"),
        lit(""),
    )


# --- pre-aggregated counts -----------------------------------------------------------------------

_DAY_KEYS = ("day", "call_source", "district", "flagged", "cit")
_TRISTATE = ("unknown", "yes", "no")
# A daily row's key packed in one integer (grouping on it is far lighter than on five texts):
# day (offset so any year is positive) | call source | district | flagged | CIT; the bands add
# the band's lower bound below that.
_DAY_OFFSET = 1 << 22
_CALL_SOURCE_BITS, _DISTRICT_BITS, _TRISTATE_BITS, _BUCKET_BITS = 4, 20, 2, 10
# Partial counts are folded together every so many batches, so memory stays bounded by the
# number of distinct days and keys, not by the file.
_FOLD_EVERY = 32


class DailyTally:
    """The daily rows (EncounterDailyCount, minutes bands included) and the monthly minutes rows
    (EncounterMinutesCount) of the rows written, counted batch by batch with Arrow's grouping.

    The same measures as stats.record_measures() and the same bands as stats.minutes_bucket(),
    so what the refresh would count from the stored records (the tests compare the two).
    """

    # What add() counts besides one column per disposition.
    COUNTED = (
        "total",
        "force_used",
        "injured_person",
        "injured_officer",
        "injured_other",
        "injured_any",
        "repeat_contacts",
        "minutes_count",
        "minutes_sum",
    )

    def __init__(self, measures: Sequence[str], dispositions: Mapping[str, str]) -> None:
        self.measures = tuple(measures)
        self.dispositions = dict(dispositions)  # code -> measure column
        counted = {*self.COUNTED, *self.dispositions.values()}
        if set(self.measures) != counted:
            # A measure added to stats.record_measures() must be counted in add() too.
            raise ValueError(
                "DailyTally counts "
                f"{sorted(counted)}, not the rollup measures {sorted(self.measures)}"
            )
        self.counts: list[Any] = []
        self.bands: list[Any] = []
        # Text keys as small integers: value -> code, and the values in code order.
        self.codes: dict[str, dict[str, int]] = {"call_source": {}, "district": {}}
        self.values: dict[str, list[str]] = {"call_source": [], "district": []}

    def _coded(self, name: str, column: Any, bits: int) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        encoded = pc.dictionary_encode(column)
        codes, values = self.codes[name], self.values[name]
        local = []
        for value in encoded.dictionary.to_pylist():
            code = codes.get(value)
            if code is None:
                code = codes[value] = len(values)
                values.append(value)
            local.append(code)
        if len(values) >= 1 << bits:
            raise NotColumnar(f"too many distinct {name} values")
        return pa.array(local, pa.int64()).take(encoded.indices)

    def add(self, table: Any, repeats: Any) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        def flag(values: Any) -> Any:
            return pc.cast(pc.fill_null(values, False), pa.int64())

        def tristate(values: Any) -> Any:
            # unknown 0, yes 1, no 2 (the order of _TRISTATE)
            return pc.fill_null(pc.if_else(values, lit(1), lit(2)), lit(0))

        def shifted(key: Any, bits: int, value: Any) -> Any:
            return pc.bit_wise_or(pc.shift_left(key, lit(bits)), value)

        day = pc.add(
            pc.cast(pc.cast(table.column("received_date"), pa.int32()), pa.int64()),
            lit(_DAY_OFFSET),
        )
        key = shifted(
            day,
            _CALL_SOURCE_BITS,
            self._coded("call_source", table.column("call_source"), _CALL_SOURCE_BITS),
        )
        key = shifted(
            key, _DISTRICT_BITS, self._coded("district", table.column("district"), _DISTRICT_BITS)
        )
        key = shifted(key, _TRISTATE_BITS, tristate(table.column("flagged_at_dispatch")))
        key = shifted(key, _TRISTATE_BITS, tristate(table.column("cit_officer_on_scene")))

        disposition = table.column("disposition")
        person = flag(table.column("person_injured"))
        officer = flag(table.column("officer_injured"))
        other = flag(table.column("other_injured"))
        minutes = table.column("minutes_on_scene")
        force = table.column("force")
        columns: dict[str, Any] = {"key": key, "total": pa.repeat(lit(1), table.num_rows)}
        for code, column in self.dispositions.items():
            columns[column] = pc.cast(pc.equal(disposition, lit(code)), pa.int64())
        columns["force_used"] = pc.cast(
            pc.invert(pc.or_(pc.equal(force, lit("none")), pc.equal(force, lit("unknown")))),
            pa.int64(),
        )
        columns["injured_person"] = person
        columns["injured_officer"] = officer
        columns["injured_other"] = other
        columns["injured_any"] = pc.max_element_wise(person, officer, other)
        columns["repeat_contacts"] = pc.cast(repeats, pa.int64())
        columns["minutes_count"] = pc.cast(pc.is_valid(minutes), pa.int64())
        columns["minutes_sum"] = pc.fill_null(pc.cast(minutes, pa.int64()), lit(0))
        self.counts.append(_summed(pa.table(columns), self.measures))
        timed = pc.is_valid(minutes)
        band_key = shifted(
            pc.filter(key, timed), _BUCKET_BITS, minutes_bucket(pc.filter(minutes, timed))
        )
        self.bands.append(
            _summed(pa.table({"key": band_key, "n": pa.repeat(lit(1), len(band_key))}), ("n",))
        )
        if len(self.counts) >= _FOLD_EVERY:
            self.counts = [_summed(pa.concat_tables(self.counts), self.measures)]
            self.bands = [_summed(pa.concat_tables(self.bands), ("n",))]

    def _keys(self, key: Any) -> dict[str, Any]:
        """The five key columns of packed keys."""
        import pyarrow as pa
        import pyarrow.compute as pc

        def low(bits: int) -> Any:
            return pc.bit_wise_and(key, lit((1 << bits) - 1))

        cit = low(_TRISTATE_BITS)
        key = pc.shift_right(key, lit(_TRISTATE_BITS))
        flagged = low(_TRISTATE_BITS)
        key = pc.shift_right(key, lit(_TRISTATE_BITS))
        district = low(_DISTRICT_BITS)
        key = pc.shift_right(key, lit(_DISTRICT_BITS))
        call_source = low(_CALL_SOURCE_BITS)
        key = pc.shift_right(key, lit(_CALL_SOURCE_BITS))
        day = pc.cast(pc.cast(pc.subtract(key, lit(_DAY_OFFSET)), pa.int32()), pa.date32())
        tristate = pa.array(_TRISTATE, pa.string())
        return {
            "day": day,
            "call_source": pa.array(self.values["call_source"], pa.string()).take(call_source),
            "district": pa.array(self.values["district"], pa.string()).take(district),
            "flagged": tristate.take(flagged),
            "cit": tristate.take(cit),
        }

    def finish(self) -> tuple[Any, Any]:
        """(daily rows: day, call_source, district, flagged, cit, measures, minutes_bands as
        JSON text; monthly minutes rows: month, call_source, district, flagged, cit, bucket,
        count). (None, None) when nothing was added."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not self.counts:
            return None, None
        counts = _summed(pa.concat_tables(self.counts), self.measures)
        bands = _summed(pa.concat_tables(self.bands), ("n",))
        self.counts = self.bands = []
        band_key = bands.column("key")
        day_key = pc.shift_right(band_key, lit(_BUCKET_BITS))
        bucket = pc.bit_wise_and(band_key, lit((1 << _BUCKET_BITS) - 1))
        pairs = pc.binary_join_element_wise(
            lit('"'),
            pc.cast(bucket, pa.string()),
            lit('": '),
            pc.cast(bands.column("n"), pa.string()),
            lit(""),
        )
        folded = (
            pa.table({"key": day_key, "pair": pairs})
            .group_by("key", use_threads=False)
            .aggregate([("pair", "list")])
        )
        json = pc.binary_join_element_wise(
            lit("{"), pc.binary_join(folded.column("pair_list"), lit(", ")), lit("}"), lit("")
        )
        with_bands = counts.join(
            pa.table({"key": folded.column("key"), "minutes_bands": json}),
            "key",
            join_type="left outer",
            use_threads=False,
        )
        keys = self._keys(with_bands.column("key"))
        daily = pa.table(
            {
                **keys,
                **{name: with_bands.column(name) for name in self.measures},
                "minutes_bands": pc.fill_null(with_bands.column("minutes_bands"), lit("{}")),
            }
        )
        band_keys = self._keys(day_key)
        month = pc.cast(
            pc.floor_temporal(pc.cast(band_keys.pop("day"), pa.timestamp("s")), unit="month"),
            pa.date32(),
        )
        monthly = _summed(
            pa.table({"month": month, **band_keys, "bucket": bucket, "count": bands.column("n")}),
            ("count",),
            keys=("month", *_DAY_KEYS[1:], "bucket"),
        )
        return daily, monthly


def _summed(table: Any, values: Sequence[str], keys: Sequence[str] = ("key",)) -> Any:
    """Rows with the same `keys` added together: the keys, then `values`."""
    grouped = table.group_by(list(keys), use_threads=False).aggregate(
        [(name, "sum") for name in values]
    )
    grouped = grouped.rename_columns([name.removesuffix("_sum") for name in grouped.column_names])
    return grouped.select([*keys, *values])


def minutes_bucket(minutes: Any) -> Any:
    """stats.minutes_bucket over a column of whole minutes (none negative)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from mhr.encounters import stats

    fine_limit, fine_width = lit(stats.FINE_LIMIT), lit(stats.FINE_WIDTH)
    coarse_limit, coarse_width = lit(stats.COARSE_LIMIT), lit(stats.COARSE_WIDTH)
    minutes = pc.cast(minutes, pa.int64())
    fine = pc.multiply(pc.divide(minutes, fine_width), fine_width)
    coarse = pc.add(
        fine_limit,
        pc.multiply(pc.divide(pc.subtract(minutes, fine_limit), coarse_width), coarse_width),
    )
    return pc.if_else(
        pc.less(minutes, fine_limit),
        fine,
        pc.if_else(pc.less(minutes, coarse_limit), coarse, coarse_limit),
    )
