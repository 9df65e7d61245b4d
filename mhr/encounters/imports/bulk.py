"""Writing many encounters at once: compare with what is stored, then upsert in batches.

PostgreSQL: rows the comparison found new are COPYed straight into the table (`write_new`),
with their repeat-contact flags when the caller knows them; while nothing else needs the
connection the COPY stays open across batches, so the server inserts while Python reads on.
Rows that change a stored record are COPYed into a temporary staging table and moved with one
INSERT ... SELECT ... ON CONFLICT (agency_id, incident_number) DO UPDATE ... WHERE the row
differs. Other engines: the same upsert as one executemany. Records that change get an
EncounterRevision (source "import") exactly as `encounter_update` writes one; new records are
traced to their EncounterImport batch (import_batch) and the batch's audit row instead of a
revision each, which would double the writes of a large import.
"""

from __future__ import annotations

import contextlib
import datetime
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Max

from mhr.encounters import schema
from mhr.encounters.models import Encounter, EncounterRevision

# The stored columns a file can set, then the derived ones, in a fixed order.
ROW_FIELDS: tuple[str, ...] = (
    *schema.STORED_FIELDS,
    "person_digest",
    "received_date",
    "minutes_on_scene",
)
_INDEX = {name: position for position, name in enumerate(ROW_FIELDS)}
_DEFAULTS: tuple[Any, ...] = tuple(
    (
        "unknown"
        if name in schema.BY_NAME and schema.BY_NAME[name].kind == schema.CHOICE
        else ""
        if name == "person_digest"
        or (name in schema.BY_NAME and schema.BY_NAME[name].kind == schema.TEXT)
        else None
    )
    for name in ROW_FIELDS
)
_HEAD = ("agency_id", "status")
_TAIL = ("source", "repeat_contact", "import_batch_id", "created_by_id", "created_at", "updated_at")
INSERT_COLUMNS: tuple[str, ...] = (*_HEAD, *ROW_FIELDS, *_TAIL, "version")
# What an update rewrites (creation facts stay), and what counts as a difference.
_COMPARED = ("status", *ROW_FIELDS)
_UPDATED = (*_COMPARED, "import_batch_id", "updated_at")
BATCH_SIZE = 5000

# Set by the benchmark only: PHASE_CLOCK(name) is a context manager around each timed step.
PHASE_CLOCK: Callable[[str], contextlib.AbstractContextManager[Any]] | None = None


def timed(name: str) -> contextlib.AbstractContextManager[Any]:
    """Time a database step for the benchmark's per-phase table (nothing when unset)."""
    return contextlib.nullcontext() if PHASE_CLOCK is None else PHASE_CLOCK(name)


class RowBuilder:
    """Canonical values -> full stored rows, merged over the stored record when there is one."""

    def __init__(
        self,
        *,
        provided: Sequence[str],
        tz: datetime.tzinfo,
        digester: Callable[[str], str],
    ) -> None:
        self.provided = tuple(name for name in provided if name != "person_key")
        self.positions = tuple((name, _INDEX[name]) for name in self.provided)
        self.with_key = "person_key" in provided
        self.tz = tz
        self.digester = digester
        self._received = _INDEX["received_at"]
        self._arrived = _INDEX["arrived_at"]
        self._cleared = _INDEX["cleared_at"]

    def build(self, values: dict[str, Any], base: Sequence[Any] | None = None) -> list[Any]:
        row = list(_DEFAULTS if base is None else base)
        for name, position in self.positions:
            row[position] = values[name]
        if self.with_key:
            row[-3] = self.digester(values.get("person_key") or "")
        received = row[self._received]
        cleared = row[self._cleared]
        row[-2] = received.astimezone(self.tz).date() if received else None
        start = row[self._arrived] or received
        row[-1] = int((cleared - start).total_seconds() // 60) if cleared and start else None
        return row


def stored_rows(agency_id: int, incident_numbers: Iterable[str]) -> dict[str, tuple[Any, ...]]:
    """{incident number: (id, version, status, *ROW_FIELDS)} for the records already stored."""
    found: dict[str, tuple[Any, ...]] = {}
    numbers = list(incident_numbers)
    if connection.vendor == "postgresql":
        # One array parameter: no per-value parameter handling for thousands of numbers.
        columns = ", ".join(_q(c) for c in ("id", "version", "status", *ROW_FIELDS))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {_q(Encounter._meta.db_table)} "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
                "WHERE agency_id = %s AND incident_number = ANY(%s)",
                [agency_id, numbers],
            )
            for record in cursor.fetchall():
                found[record[3]] = record
        return found
    for start in range(0, len(numbers), BATCH_SIZE):
        chunk = numbers[start : start + BATCH_SIZE]
        for record in Encounter.objects.filter(
            agency_id=agency_id, incident_number__in=chunk
        ).values_list("id", "version", "status", *ROW_FIELDS):
            found[record[3]] = record
    return found


_PG_TYPES = {
    "varchar": "text",
    "boolean": "bool",
    "smallint": "int2",
    "integer": "int4",
    "bigint": "int8",
    "timestamp with time zone": "timestamptz",
    "date": "date",
}


def _binary_types() -> list[str]:
    """psycopg type names of INSERT_COLUMNS, from the model's own column types."""
    names = []
    for column in INSERT_COLUMNS:
        field = Encounter._meta.get_field(column.removesuffix("_id"))
        db_type = (field.db_type(connection) or "").split("(")[0].strip()
        names.append(_PG_TYPES[db_type])
    return names


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def analyze() -> None:
    """Fresh planner statistics for the encounter table (PostgreSQL; ANALYZE samples, it is
    cheap)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_q(Encounter._meta.db_table)}")


class Writer:
    """Upserts prepared rows for one import, inside the caller's transaction."""

    def __init__(self, *, agency_id: int, batch_id: int, actor_id: int | None) -> None:
        self.agency_id = agency_id
        self.batch_id = batch_id
        self.actor_id = actor_id
        self.now = datetime.datetime.now(datetime.UTC)
        self.postgres = connection.vendor == "postgresql"
        self.table = _q(Encounter._meta.db_table)
        self.stage = ""
        columns = ", ".join(_q(c) for c in INSERT_COLUMNS)
        updates = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in _UPDATED)
        if self.postgres:
            differs = (
                "("
                + ", ".join(f"{self.table}.{_q(c)}" for c in _COMPARED)
                + ") IS DISTINCT FROM ("
                + ", ".join(f"EXCLUDED.{_q(c)}" for c in _COMPARED)
                + ")"
            )
        else:
            differs = " OR ".join(
                f"{self.table}.{_q(c)} IS NOT EXCLUDED.{_q(c)}" for c in _COMPARED
            )
        self._conflict = (
            f"ON CONFLICT ({_q('agency_id')}, {_q('incident_number')}) DO UPDATE SET {updates}, "  # nosec B608 # names from model metadata and our constants; values are parameters
            f"{_q('version')} = {self.table}.{_q('version')} + 1 WHERE {differs}"
        )
        self._columns = columns
        self._head = (agency_id, Encounter.Status.COMPLETE)
        self._tail = (Encounter.Source.IMPORT, False, batch_id, actor_id, self.now, self.now, 1)
        self._tail_repeat = (Encounter.Source.IMPORT, True, *self._tail[2:])
        # The open COPY into the table (PostgreSQL), kept across batches of new rows.
        self._copy: Any = None
        self._copy_exit: contextlib.ExitStack | None = None
        self._sender: _Sender | None = None
        self._sender_exit: contextlib.ExitStack | None = None

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert or update: rows that may match a stored record (ON CONFLICT)."""
        if not rows:
            return
        head, tail = self._head, self._tail
        if self.postgres:
            self.finish()
            with timed("merge (updated rows)"):
                self._write_postgres([(*head, *row, *tail) for row in rows])
        else:
            self._write_other([(*head, *row, *tail) for row in rows])

    def write_new(
        self, rows: Sequence[Sequence[Any]], repeats: Sequence[bool] | None = None
    ) -> None:
        """Insert rows known to have no stored record (the caller looked, under the agency
        lock). `repeats`: each row's repeat-contact flag, when the caller computed it."""
        if not rows:
            return
        if not self.postgres:
            self.write(rows)
            return
        head, tail, tail_repeat = self._head, self._tail, self._tail_repeat
        with timed("COPY new rows"):
            if self._copy is None:
                stack = contextlib.ExitStack()
                cursor = stack.enter_context(connection.cursor())
                self._copy = stack.enter_context(
                    cursor.cursor.copy(
                        f"COPY {self.table} ({self._columns}) FROM STDIN (FORMAT BINARY)"  # noqa: S608
                    )
                )
                self._copy.set_types(_binary_types())
                self._copy_exit = stack
            write = self._copy.write_row
            if repeats is None:
                for row in rows:
                    write((*head, *row, *tail))
            else:
                for row, repeat in zip(rows, repeats, strict=True):
                    write((*head, *row, *(tail_repeat if repeat else tail)))

    def write_csv(self, data: memoryview, columns: Sequence[str]) -> None:
        """Insert new rows given as CSV of `columns` (the columnar path: Arrow writes the CSV in
        C++ and the server parses it, so no Python runs per row). Columns left out take their
        database default. A thread sends the data (_Sender), so the caller converts the next
        batch while the server inserts this one."""
        with timed("COPY new rows"):
            if self._sender is None:
                stack = contextlib.ExitStack()
                cursor = stack.enter_context(connection.cursor())
                names = ", ".join(_q(c) for c in columns)
                self._sender = _Sender(
                    cursor.cursor,
                    f"COPY {self.table} ({names}) FROM STDIN (FORMAT CSV)",  # noqa: S608
                )
                self._sender_exit = stack
            self._sender.put(data)

    def finish(self) -> None:
        """End the open COPY (the server has then inserted every row sent)."""
        if self._sender is not None:
            sender, self._sender = self._sender, None
            stack, self._sender_exit = self._sender_exit, None
            with timed("COPY new rows"):
                try:
                    sender.close()
                finally:
                    if stack is not None:
                        stack.close()
        if self._copy_exit is not None:
            stack, self._copy_exit, self._copy = self._copy_exit, None, None
            with timed("COPY new rows"):
                stack.close()

    def abandon(self) -> None:
        """End the open COPY after a failure (the transaction is being rolled back)."""
        if self._sender is not None:
            sender, self._sender = self._sender, None
            stack, self._sender_exit = self._sender_exit, None
            sender.abort()
            if stack is not None:
                with contextlib.suppress(Exception):
                    stack.close()
        if self._copy_exit is not None:
            stack, self._copy_exit, self._copy = self._copy_exit, None, None
            with contextlib.suppress(Exception):
                stack.__exit__(RuntimeError, RuntimeError("import stopped"), None)

    def mark_repeats(self, incident_numbers: Sequence[str]) -> None:
        """Flag as repeat contacts records this import wrote as first contacts before it met an
        earlier contact of the same person further down the file."""
        self.finish()
        with timed("repeat flags"), connection.cursor() as cursor:
            for start in range(0, len(incident_numbers), 50_000):
                cursor.execute(
                    f"UPDATE {self.table} SET {_q('repeat_contact')} = TRUE "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
                    f"WHERE {_q('agency_id')} = %s AND {_q('incident_number')} = ANY(%s)",
                    [self.agency_id, list(incident_numbers[start : start + 50_000])],
                )

    def _write_postgres(self, rows: list[tuple[Any, ...]]) -> None:
        with connection.cursor() as cursor:
            if not self.stage:
                self.stage = _q(f"mhr_encounter_stage_{uuid.uuid4().hex[:12]}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.stage} ON COMMIT DROP AS "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
                    f"SELECT {self._columns} FROM {self.table} WITH NO DATA"
                )
            else:
                cursor.execute(f"TRUNCATE {self.stage}")
            # Binary COPY: about ten times less client CPU than text for these rows.
            with cursor.cursor.copy(
                f"COPY {self.stage} ({self._columns}) FROM STDIN (FORMAT BINARY)"  # noqa: S608
            ) as copy:
                copy.set_types(_binary_types())
                write = copy.write_row
                for row in rows:
                    write(row)
            cursor.execute(
                f"INSERT INTO {self.table} ({self._columns}) "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
                f"SELECT {self._columns} FROM {self.stage} {self._conflict}"
            )

    def _write_other(self, rows: list[tuple[Any, ...]]) -> None:
        ops = connection.ops
        adapted = []
        for row in rows:
            adapted.append(
                [
                    ops.adapt_datetimefield_value(value)
                    if isinstance(value, datetime.datetime)
                    else ops.adapt_datefield_value(value)
                    if isinstance(value, datetime.date)
                    else value
                    for value in row
                ]
            )
        marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({self._columns}) VALUES ({marks}) "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
                f"{self._conflict}",
                adapted,
            )

    def revisions(self, changed: Sequence[tuple[int, dict[str, list[Any]]]], reason: str) -> None:
        """One EncounterRevision per updated record, numbered after its last one."""
        if not changed:
            return
        self.finish()
        ids = [encounter_id for encounter_id, _changes in changed]
        last = dict(
            EncounterRevision.objects.filter(encounter_id__in=ids)
            .values_list("encounter_id")
            .annotate(last=Max("number"))
            .values_list("encounter_id", "last")
        )
        EncounterRevision.objects.bulk_create(
            [
                EncounterRevision(
                    encounter_id=encounter_id,
                    agency_id=self.agency_id,
                    number=last.get(encounter_id, 0) + 1,
                    source=Encounter.Source.IMPORT,
                    changes=changes,
                    reason=reason[:300],
                    changed_by_id=self.actor_id,
                    changed_at=self.now,
                )
                for encounter_id, changes in changed
            ],
            batch_size=1000,
        )


class _Abort(Exception):
    """Ends the sender's open COPY with an error, so the server discards it."""


_ABORT = object()


class _Sender:
    """Sends COPY data from a thread (psycopg releases the GIL while it waits on the socket).

    The caller hands over at most QUEUE batches ahead. Every STATEMENT_BATCHES batches the COPY
    statement ends and a new one begins: with the import's constraints set IMMEDIATE, the server
    checks those rows' foreign keys then, while the caller converts on, instead of all at once
    at commit. An error in the thread (a duplicate key, say) reaches the caller at its next
    hand-over or at close.
    """

    QUEUE = 4
    STATEMENT_BATCHES = 40

    def __init__(self, cursor: Any, statement: str) -> None:
        self.cursor = cursor
        self.statement = statement
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=self.QUEUE)
        self.error: BaseException | None = None
        self.ended = False  # the caller's last word (close or abort) has been taken
        self.thread = threading.Thread(target=self._run, name="mhr-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while self._statement():
                pass
        except BaseException as exc:  # handed to the caller
            self.error = exc
            # Unless it already said so, the caller may still hand over batches: take them
            # until it stops, so it never waits on a full queue.
            while not self.ended:
                self.ended = self.queue.get() in (None, _ABORT)

    def _statement(self) -> bool:
        """One COPY statement of up to STATEMENT_BATCHES batches; False after the last."""
        with self.cursor.copy(self.statement) as copy:
            for _ in range(self.STATEMENT_BATCHES):
                data = self.queue.get()
                if data is None:
                    self.ended = True
                    return False
                if data is _ABORT:
                    self.ended = True
                    raise _Abort
                copy.write(data)
        return True

    def put(self, data: Any) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        if self.thread.is_alive():
            self.queue.put(_ABORT)
            self.thread.join()


def row_changes(before: Sequence[Any], after: Sequence[Any]) -> dict[str, Any]:
    """{field: [before, after]} between two stored rows (status first when it differs)."""
    from mhr.encounters.services import _digest_masked, _revision_changes

    old = dict(zip(_COMPARED, before, strict=True))
    new = dict(zip(_COMPARED, after, strict=True))
    diff = {name: value for name, value in new.items() if old[name] != value}
    return _digest_masked(_revision_changes({name: old[name] for name in diff}, diff))
