"""Encounter imports: preview a file (a dry run), then commit it in one transaction.

The file is streamed once per pass: rows are read, converted into the canonical shape, checked
with the schema's rules, de-duplicated on incident number and compared with the stored records
in batches, so memory stays flat (apart from one incident number per row, to name duplicates).
`encounter_import_preview` changes nothing but the EncounterImport row that records it;
`encounter_import_commit` writes while it reads, inside one transaction that is rolled back if
any row has an error. The web screens, the background task and `mhr import encounters` all call
these functions.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import itertools
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.source import (
    CountingReader,
    Source,
    as_source,
    file_sha256,
    kept_file_headers,
)
from mhr.core.uploads import StorageFull
from mhr.encounters import schema
from mhr.encounters.imports import bulk, columnar
from mhr.encounters.imports.mapping import resolve_mapping
from mhr.encounters.imports.native import NativeConverter
from mhr.encounters.imports.readers import check_size, max_rows, open_table
from mhr.encounters.imports.seattle import SeattleConverter
from mhr.encounters.models import Encounter, EncounterImport
from mhr.encounters.selectors import encounter_settings_for

logger = logging.getLogger(__name__)

NATIVE = EncounterImport.Format.NATIVE
SEATTLE = EncounterImport.Format.SEATTLE
# Files larger than this are committed by a background task with a progress bar.
BACKGROUND_BYTES = 1024 * 1024
BACKGROUND_ROWS = 5000
SAMPLE_SIZE = 10
# Beyond this many touched people, repeat flags are recomputed for the whole agency at once.
DIGEST_LIMIT = 20_000
ANALYZE_ROWS = 50_000

ProgressCallback = Callable[[int], None]


@dataclass
class ImportOutcome:
    batch: EncounterImport
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)
    samples: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@contextlib.contextmanager
def _buffered(source: Source) -> Iterator[tuple[io.BufferedReader, CountingReader]]:
    """The file as a buffered stream for Arrow, and the counter of bytes read (progress). The
    CountingReader between them keeps closing the buffer from closing the caller's file."""
    with source.open() as raw:
        counting = CountingReader(raw)
        yield io.BufferedReader(counting, 1 << 20), counting


def psycopg_errors() -> tuple[type[Exception], ...]:
    """The driver's own errors: the COPY is written on the raw psycopg cursor."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover (SQLite-only installs)
        return ()
    return (psycopg.Error,)


class _Aborted(Exception):
    """Raised inside the commit transaction to roll it back when a row has an error."""


class _Pass:
    """One streaming pass over a file: convert, check, compare and (when writing) upsert."""

    def __init__(
        self,
        *,
        batch: EncounterImport,
        chosen: Mapping[str, str | None] | None,
        write: bool,
        actor: Any,
        progress: Callable[[float], None] | None,
    ) -> None:
        from mhr.encounters.services import person_digester

        self.batch = batch
        self.agency: Agency = batch.agency
        self.chosen = chosen
        self.write = write
        self.actor = actor
        self.progress = progress
        self.outcome = ImportOutcome(batch=batch)
        self.settings = encounter_settings_for(self.agency)
        self.tz = schema.zone(self.settings.time_zone)
        self.digester = person_digester(agency=self.agency)
        self.counts = {"rows": 0, "new": 0, "updated": 0, "unchanged": 0}
        self.dates: set[datetime.date] = set()
        self.digests: set[str] | None = set()
        self.writer: bulk.Writer | None = None
        self.had_records = True
        # Fast path (PostgreSQL, agency with no records yet): new rows are COPYed with their
        # repeat-contact flags computed here. first_contact: person digest -> (received_at,
        # incident number) of the earliest contact so far; flips: incident numbers written as a
        # first contact before an earlier contact of the same person came up further down.
        self.exact_repeats = False
        self.first_contact: dict[str, tuple[datetime.datetime, str]] = {}
        self.flips: list[str] = []
        # Columnar path: the daily and monthly minutes rows it counted (DailyTally.finish).
        self.tallied: tuple[Any, Any] | None = None

    def run(self, source: Source) -> ImportOutcome:
        # An agency with no records yet has nothing to compare with: skip the look-ups. (Rows
        # this pass writes cannot match, since incident numbers are unique within the file.)
        self.had_records = Encounter.objects.filter(agency=self.agency).exists()
        if not self.had_records and self.batch.format == NATIVE and columnar.available():
            done = None
            if not self.write:
                done = self._check_columnar(source)
            elif connection.vendor == "postgresql":
                done = self._run_columnar(source)
            if done is not None:
                return done
        return self._run_rows(source)

    def _columnar_converter(self, source: Source) -> tuple[Any, ...] | None:
        """(converter, headers, warnings, mapping, encoding) when the file may take the
        columnar path (a native UTF-8 CSV whose mapping is complete), else None (an unreadable
        file too: the row-by-row path words the message)."""
        try:
            with open_table(source) as table:
                if table.format != "csv" or not table.encoding.startswith("utf-8"):
                    return None
                if table.header_row != 1 or table.errors:
                    return None
                mapping, issues = resolve_mapping(
                    table.headers, chosen=self.chosen, saved=self.settings.import_mapping or {}
                )
                if issues:
                    return None
                headers, warnings, delimiter, encoding = (
                    list(table.headers),
                    table.warnings,
                    table.delimiter,
                    table.encoding,
                )
        except ImportFileError:
            return None
        converter = columnar.ColumnarConverter(
            headers=headers,
            mapping=mapping,
            tz=self.tz,
            digester=self.digester,
            delimiter=delimiter,
            row_fields=bulk.ROW_FIELDS,
            max_rows=max_rows(),
        )
        return converter, headers, warnings, mapping, encoding

    def _columnar_done(self, source: Source, prepared: tuple[Any, ...]) -> ImportOutcome:
        converter, headers, warnings, mapping, encoding = prepared
        outcome = self.outcome
        outcome.headers = headers
        outcome.mapping = dict(mapping)
        outcome.warnings.extend(warnings)
        self.counts.update(rows=converter.rows, new=converter.rows)
        outcome.samples.extend(self._first_samples(source, headers, mapping, encoding))
        return self._done()

    def _check_columnar(self, source: Source) -> ImportOutcome | None:
        """A dry run of the columnar path (any engine: nothing is written): the file read and
        checked a column at a time. None when it needs the row-by-row path."""
        import pyarrow as pa
        import pyarrow.compute as pc

        prepared = self._columnar_converter(source)
        if prepared is None:
            return None
        converter = prepared[0]
        numbers: list[Any] = []
        try:
            for _offset, table in self._columnar_batches(source, converter):
                numbers.extend(table.column("incident_number").chunks)
            every = pa.chunked_array(numbers, pa.string())
            if len(every) and pc.count_distinct(every).as_py() != len(every):
                # The row-by-row path names each repeated incident number and its rows.
                raise columnar.NotColumnar("an incident number appears twice")
        except columnar.NotColumnar as exc:
            logger.info("Preview %s: row by row (%s)", self.batch.pk, str(exc)[:200])
            return None
        return self._columnar_done(source, prepared)

    def _run_columnar(self, source: Source) -> ImportOutcome | None:
        """The columnar path (imports.columnar) for a native UTF-8 CSV into an agency with no
        records, on PostgreSQL: None, with nothing written, when the file needs the row-by-row
        path (a problem to name, an unusual cell)."""
        prepared = self._columnar_converter(source)
        if prepared is None:
            return None
        converter = prepared[0]
        writer = bulk.Writer(
            agency_id=self.agency.pk,
            batch_id=self.batch.pk,
            actor_id=getattr(self.actor, "pk", None)
            if getattr(self.actor, "is_authenticated", False)
            else None,
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Foreign keys checked as each COPY statement ends (bulk._Sender), beside the
                # conversion, rather than all at commit; set back before anything else runs.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                try:
                    self._columnar_rows(source, converter, writer)
                    writer.finish()
                except psycopg_errors() as exc:
                    # A duplicate incident number (the unique key), say: the row-by-row path
                    # names the rows.
                    raise columnar.NotColumnar(str(exc)) from exc
                finally:
                    writer.abandon()
                # (A rolled-back savepoint restores the mode by itself.)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        except columnar.NotColumnar as exc:
            logger.info("Import %s: row by row (%s)", self.batch.pk, str(exc)[:200])
            self.tallied = None
            return None
        self.writer = writer
        self.exact_repeats = True
        return self._columnar_done(source, prepared)

    def _columnar_rows(
        self, source: Source, converter: columnar.ColumnarConverter, writer: bulk.Writer
    ) -> None:
        import pyarrow as pa

        from mhr.encounters import stats

        tally = columnar.DailyTally(stats.MEASURES, stats.DISPOSITION_COLUMNS)
        head = {"agency_id": self.agency.pk, "status": Encounter.Status.COMPLETE}
        with bulk.timed("first contacts (pre-pass)"), _buffered(source) as (stream, _counting):
            first = converter.first_contacts(stream)
        for offset, table in self._columnar_batches(source, converter):
            n = table.num_rows
            repeats = self._columnar_repeats(table, offset, first)
            columns = {name: pa.array([value] * n) for name, value in head.items()}
            columns.update({name: table.column(name) for name in bulk.ROW_FIELDS})
            columns["source"] = pa.array([Encounter.Source.IMPORT] * n)
            columns["repeat_contact"] = repeats
            columns["import_batch_id"] = pa.array([self.batch.pk] * n, pa.int64())
            columns["created_by_id"] = pa.array([writer.actor_id] * n, pa.int64())
            columns["version"] = pa.array([1] * n, pa.int32())
            writer.write_csv(columnar.csv_bytes(pa.table(columns)), list(columns))
            tally.add(table, repeats)
        with bulk.timed("daily rows counted (client)"):
            self.tallied = tally.finish()

    def _columnar_batches(
        self, source: Source, converter: columnar.ColumnarConverter
    ) -> Iterator[tuple[int, Any]]:
        """converter.batches over the file, reporting progress as it reads."""
        size = max(source.size, 1)
        with _buffered(source) as (stream, counting):
            for batch in converter.batches(stream):
                yield batch
                if self.progress is not None:
                    self.progress(counting.count / size)

    def _columnar_repeats(self, table: Any, offset: int, first: Any) -> Any:
        """Repeat-contact flags of a columnar batch: a row with a person that is not their
        first contact (columnar.first_contacts)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if first is None:
            return pa.nulls(table.num_rows, pa.bool_()).fill_null(False)
        keyed = pc.not_equal(table.column("person_digest"), columnar.lit(""))
        return pc.and_(keyed, pc.invert(first.slice(offset, table.num_rows)))

    def _first_samples(
        self, source: Source, headers: list[str], mapping: Mapping[str, str], encoding: str
    ) -> list[dict[str, Any]]:
        """The preview's sample rows, read the row-by-row way (row numbers as it counts them)."""
        samples: list[dict[str, Any]] = []
        with open_table(source, encoding=encoding) as table:
            converter = NativeConverter(headers, dict(mapping), self.tz)
            rows = itertools.islice(table.rows, SAMPLE_SIZE)
            for number, values in converter.records(rows, IssueList(), IssueList()):
                samples.append(self._sample(number, "new", values, {}))
        return samples

    def _run_rows(self, source: Source) -> ImportOutcome:
        outcome = self.outcome
        errors, warnings = outcome.errors, outcome.warnings
        try:
            with open_table(source) as table:
                outcome.headers = list(table.headers)
                warnings.extend(table.warnings)
                converter = self._converter(table.headers)
                if converter is None:
                    return self._done()
                outcome.mapping = dict(converter.mapping)
                self.builder = bulk.RowBuilder(
                    provided=converter.provided, tz=self.tz, digester=self.digester
                )
                if self.write:
                    self.writer = bulk.Writer(
                        agency_id=self.agency.pk,
                        batch_id=self.batch.pk,
                        actor_id=getattr(self.actor, "pk", None)
                        if getattr(self.actor, "is_authenticated", False)
                        else None,
                    )
                    self.exact_repeats = self.writer.postgres and not self.had_records
                incident_column = converter.column("incident_number")
                seen: dict[str, int] = {}
                pending: list[tuple[int, dict[str, Any]]] = []
                for number, values in converter.records(table.rows, errors, warnings):
                    incident = values["incident_number"]
                    first = seen.setdefault(incident, number)
                    if first != number:
                        errors.add(
                            f"Incident number {incident} is also on row {first}; each incident "
                            "may appear once in a file.",
                            row=number,
                            column=incident_column,
                        )
                        continue
                    pending.append((number, values))
                    if len(pending) >= bulk.BATCH_SIZE:
                        self._flush(pending)
                        pending = []
                        if self.progress is not None:
                            self.progress(table.progress())
                self._flush(pending)
                errors.extend(table.errors)
                self.counts["rows"] = len(seen)
                if self.writer is not None:
                    self.writer.finish()
        except ImportFileError as exc:
            errors.add(exc.message, row=exc.row, column=exc.column)
        finally:
            if self.writer is not None:
                self.writer.abandon()
        return self._done()

    def _converter(self, headers: list[str]) -> Any:
        if self.batch.format == SEATTLE:
            return SeattleConverter(headers, self.tz)
        mapping, issues = resolve_mapping(
            headers, chosen=self.chosen, saved=self.settings.import_mapping or {}
        )
        self.outcome.mapping = mapping
        if issues:
            self.outcome.errors.extend(issues)
            return None
        return NativeConverter(headers, mapping, self.tz)

    def _flush(self, pending: list[tuple[int, dict[str, Any]]]) -> None:
        if not pending:
            return
        if self.had_records:
            if self.writer is not None:
                self.writer.finish()
            with bulk.timed("look-ups"):
                stored = bulk.stored_rows(
                    self.agency.pk, (values["incident_number"] for _n, values in pending)
                )
        else:
            stored = {}
        build = self.builder.build
        rows: list[list[Any]] = []
        new_rows: list[list[Any]] = []
        changed: list[tuple[int, dict[str, Any]]] = []
        counts = self.counts
        samples = self.outcome.samples
        dates = self.dates
        digests = self.digests
        for number, values in pending:
            existing = stored.get(values["incident_number"])
            if existing is None:
                row = build(values)
                counts["new"] += 1
                kind = "new"
                new_rows.append(row)
            else:
                base = existing[3:]
                row = build(values, base)
                if existing[2] == Encounter.Status.COMPLETE and row == list(base):
                    counts["unchanged"] += 1
                    continue
                counts["updated"] += 1
                kind = "updated"
                diff = bulk.row_changes((existing[2], *base), (Encounter.Status.COMPLETE, *row))
                changed.append((existing[0], diff))
                dates.add(base[-2])
                if digests is not None:
                    digests.add(base[-3])
                rows.append(row)
            dates.add(row[-2])
            if digests is not None and row[-3]:
                digests.add(row[-3])
                if len(digests) > DIGEST_LIMIT:
                    self.digests = digests = None
            if len(samples) < SAMPLE_SIZE:
                samples.append(
                    self._sample(number, kind, values, changed[-1][1] if kind == "updated" else {})
                )
        if self.writer is not None and not self.outcome.errors:
            self.writer.write_new(
                new_rows, self._repeat_flags(new_rows) if self.exact_repeats else None
            )
            self.writer.write(rows)
            self.writer.revisions(changed, f"Imported from {self.batch.original_filename}")

    def _repeat_flags(self, rows: list[list[Any]]) -> list[bool]:
        """Repeat-contact flags of new rows, in file order, for an agency with no other records:
        the same rule as encounters_recompute_repeats_all. Every imported row is complete with a
        received time, and rows are inserted in file order, so ids grow with the file: a row
        repeats when an earlier-received row of its person came before it in the file, or a
        later-received one comes after it (then it is flipped at the end)."""
        first = self.first_contact
        flips = self.flips
        flags: list[bool] = []
        at_digest, at_received, at_incident = -3, bulk.ROW_FIELDS.index("received_at"), 0
        for row in rows:
            digest = row[at_digest]
            if not digest:
                flags.append(False)
                continue
            received = row[at_received]
            earliest = first.get(digest)
            if earliest is None:
                first[digest] = (received, row[at_incident])
                flags.append(False)
            elif received < earliest[0]:
                flips.append(earliest[1])
                first[digest] = (received, row[at_incident])
                flags.append(False)
            else:
                flags.append(True)
        return flags

    def _sample(
        self, number: int, kind: str, values: dict[str, Any], changes: dict[str, Any]
    ) -> dict[str, Any]:
        received = values.get("received_at")
        return {
            "row": number,
            "kind": kind,
            "incident_number": values["incident_number"],
            "received": received.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if received else "",
            "disposition": values.get("disposition", ""),
            "changed": sorted(changes),
        }

    def _done(self) -> ImportOutcome:
        outcome = self.outcome
        outcome.counts = {
            **self.counts,
            "errors": outcome.errors.total,
            "warnings": outcome.warnings.total,
            "samples": outcome.samples,
        }
        return outcome

    def after_commit_inside(self, request: HttpRequest | None) -> None:
        """Repeat flags, pre-aggregated counts and the audit row, in the same transaction."""
        from mhr.encounters.services import encounters_recompute_repeats_all

        touched = self.counts["new"] + self.counts["updated"]
        if touched > ANALYZE_ROWS and connection.vendor == "postgresql":
            # Fresh planner statistics, so the next import's look-ups and the dashboards plan
            # well on a table that just grew (ANALYZE samples; it is cheap). Nothing later in a
            # columnar import reads the records, so there it runs after the commit, in the
            # background; the row-by-row path's own repeat and rollup queries need it now.
            if self.tallied is not None:
                from mhr.encounters.tasks import encounters_analyze_task

                transaction.on_commit(encounters_analyze_task.enqueue)
            else:
                with bulk.timed("ANALYZE"):
                    bulk.analyze()
        if touched:
            if self.exact_repeats:
                # Flags were written with the rows; only first contacts overtaken change.
                assert self.writer is not None
                self.writer.mark_repeats(self.flips)
            elif self.digests is None or self.digests:
                # Same rule as encounters_recompute_repeats, as one window query per chunk of
                # people instead of an EXISTS per record.
                with bulk.timed("repeat flags"):
                    encounters_recompute_repeats_all(
                        agency=self.agency, digests=self.digests if self.had_records else None
                    )
            # Repeat flags of records stored before this import can change, so those people's
            # months are refreshed too; an agency that had no records has only this file's dates.
            people = self.digests if self.had_records else set()
            with bulk.timed("rollup refresh"):
                if self.tallied is not None:
                    from mhr.encounters.rollups import rollup_load_days

                    daily, minutes = self.tallied
                    rollup_load_days(agency=self.agency, daily=daily, minutes=minutes)
                else:
                    _refresh_rollups(self.agency, self.dates, people)
        audit_record(
            event_type=AuditEvent.EventType.ENCOUNTERS_IMPORTED,
            actor=self.actor,
            agency=self.agency,
            target=self.batch,
            request=request,
            extra={
                "format": self.batch.format,
                "file": self.batch.original_filename,
                **{k: self.counts[k] for k in ("rows", "new", "updated", "unchanged")},
            },
        )


def _refresh_rollups(agency: Agency, dates: set[Any], digests: set[str] | None) -> None:
    """Keep the pre-aggregated counts current when that module is installed."""
    try:
        from mhr.encounters.rollups import rollup_refresh
    except ImportError:
        return
    if digests is None:
        rollup_refresh(agency=agency, dates=None)
    else:
        rollup_refresh(agency=agency, dates={d for d in dates if d}, digests=digests)


class _SideProgress:
    """Progress and heartbeat written on a second connection, so they are visible while the
    import's own transaction is still open (PostgreSQL only; SQLite allows one writer)."""

    def __init__(self, batch: EncounterImport, callback: ProgressCallback | None) -> None:
        self.batch = batch
        self.callback = callback
        self.last = -1
        self.side = None
        if connection.vendor == "postgresql" and batch.pk:
            try:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            except Exception:  # pragma: no cover (progress is a nicety, never a failure)
                self.side = None

    def __call__(self, fraction: float) -> None:
        percent = max(1, min(99, int(fraction * 99)))
        if percent == self.last:
            return
        self.last = percent
        if self.side is not None:
            try:
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
                    cursor.execute(
                        f"UPDATE {EncounterImport._meta.db_table} "  # noqa: S608 # nosec B608 # names from model metadata and our constants; values are parameters
                        "SET progress_percent = %s, heartbeat_at = %s WHERE id = %s",
                        [percent, timezone.now(), self.batch.pk],
                    )
            except Exception:  # pragma: no cover
                logger.warning("Import %s: progress could not be written", self.batch.pk)
                self.close()
        if self.callback is not None:
            self.callback(percent)

    def close(self) -> None:
        if self.side is not None:
            with contextlib.suppress(Exception):
                self.side.close()
            self.side = None


def _new_batch(agency: Agency, source: Source, fmt: str, actor: Any) -> EncounterImport:
    if fmt not in EncounterImport.Format.values:
        raise ValidationError(f"“{fmt}” is not an import format.")
    return EncounterImport(
        agency=agency,
        format=fmt,
        status=EncounterImport.Status.PREVIEWED,
        original_filename=source.filename[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _record(batch: EncounterImport, outcome: ImportOutcome, *, status: str | None = None) -> None:
    batch.mapping = outcome.mapping or batch.mapping
    batch.counts = outcome.counts
    batch.errors = outcome.errors.as_list()
    batch.warnings = outcome.warnings.as_list()
    if status is not None:
        batch.status = status
    batch.finished_at = timezone.now()
    batch.save()


def _store(batch: EncounterImport, source: Source) -> None:
    suffix = ".xlsx" if source.filename.lower().endswith(".xlsx") else ".csv"
    with source.open() as stream:
        batch.stored_file.save(f"{uuid.uuid4().hex}{suffix}", File(stream), save=False)


def _checked(source: Source, batch: EncounterImport, outcome: ImportOutcome) -> bool:
    try:
        check_size(source)
        batch.sha256 = file_sha256(source)
    except ImportFileError as exc:
        outcome.errors.add(exc.message)
        return False
    return True


def encounter_import_preview(
    *,
    agency: Agency,
    file: Any,
    actor: Any = None,
    format: str = NATIVE,  # noqa: A002 (the option's name everywhere)
    filename: str = "",
    mapping: Mapping[str, str | None] | None = None,
    store_file: bool = False,
) -> ImportOutcome:
    """Read and check the whole file and count what it would change; change nothing else.

    `file` is a path or a binary file object. `mapping` ({field: header}) overrides the saved
    mapping and the suggestions (native files). `store_file` keeps the file with the batch so
    the web screens can map it again and commit it later.
    """
    source = as_source(file, filename)
    batch = _new_batch(agency, source, format, actor)
    batch.save()
    return _preview_into(batch, source, mapping, store_file=store_file)


def _preview_into(
    batch: EncounterImport,
    source: Source,
    mapping: Mapping[str, str | None] | None,
    *,
    store_file: bool,
) -> ImportOutcome:
    outcome = ImportOutcome(batch=batch)
    if _checked(source, batch, outcome):
        outcome = _Pass(batch=batch, chosen=mapping, write=False, actor=None, progress=None).run(
            source
        )
        if store_file:
            try:
                _store(batch, source)
            except StorageFull:
                batch.delete()  # saved before the file: no history entry without its file
                raise
    else:
        outcome.counts = {"rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 1}
    _record(batch, outcome, status=EncounterImport.Status.PREVIEWED)
    return outcome


def encounter_import_remap(
    *, batch: EncounterImport, mapping: Mapping[str, str | None]
) -> ImportOutcome:
    """Preview a kept native file again with another mapping (the web mapping step)."""
    check_remappable(batch)
    return encounter_import_preview_kept(batch=batch, mapping=mapping)


def check_remappable(batch: EncounterImport) -> None:
    """Refuse a new column mapping unless the import is previewed and its file kept."""
    if batch.status != EncounterImport.Status.PREVIEWED:
        raise ValidationError("Only an import that has not been committed can be mapped again.")
    if not batch.stored_file:
        raise ValidationError("The file of this import was not kept; upload it again.")


def encounter_import_preview_kept(
    *, batch: EncounterImport, mapping: Mapping[str, str | None] | None = None
) -> ImportOutcome:
    """Preview the batch's kept file (a remap, or the background preview of a large upload);
    the caller has checked that the batch may be previewed in its state."""
    if batch.status == EncounterImport.Status.COMMITTED:
        raise ValidationError("This import has already been committed.")
    if not batch.stored_file:
        raise ValidationError("The file of this import was not kept; upload it again.")
    with batch.stored_file.open("rb") as stream:
        return _preview_into(
            batch, as_source(stream, batch.original_filename), mapping, store_file=False
        )


def encounter_import_headers(batch: EncounterImport) -> list[str]:
    """The column headers of a batch's kept file ([] when it is gone or unreadable)."""
    return kept_file_headers(batch.stored_file, batch.original_filename, open_table)


def encounter_import_commit(
    *,
    batch: EncounterImport,
    actor: Any,
    file: Any = None,
    mapping: Mapping[str, str | None] | None = None,
    request: HttpRequest | None = None,
    progress: ProgressCallback | None = None,
) -> ImportOutcome:
    """Import the file all or nothing: one transaction, rolled back if any row has an error.

    The file (given, or the one kept with the batch) is read again, since data may have changed
    since the preview. Re-importing a file that is already in changes nothing.
    """
    if batch.status == EncounterImport.Status.COMMITTED:
        raise ValidationError("This import has already been committed.")
    if batch.pk is None:
        batch.save()
    chosen = mapping if mapping is not None else (batch.mapping or None)
    # heartbeat_at: the sign of life mhr.core.stale_imports reads.
    EncounterImport.objects.filter(pk=batch.pk).update(
        status=EncounterImport.Status.RUNNING, progress_percent=0, heartbeat_at=timezone.now()
    )
    batch.status = EncounterImport.Status.RUNNING
    try:
        if file is not None:
            outcome = _commit_from(
                as_source(file, batch.original_filename), batch, chosen, actor, request, progress
            )
        elif batch.stored_file:
            with batch.stored_file.open("rb") as stream:
                outcome = _commit_from(
                    as_source(stream, batch.original_filename),
                    batch,
                    chosen,
                    actor,
                    request,
                    progress,
                )
        else:
            outcome = ImportOutcome(batch=batch)
            outcome.errors.add("The file of this import was not kept; upload it again.")
            outcome.counts = {"rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 1}
    except Exception:
        logger.exception("Encounter import %s stopped", batch.pk)
        EncounterImport.objects.filter(pk=batch.pk).update(
            status=EncounterImport.Status.FAILED,
            errors=[
                {
                    "row": None,
                    "column": "",
                    "message": "The import stopped because of an unexpected error; nothing was "
                    "changed. Try again, and tell the association if it happens again.",
                }
            ],
            finished_at=timezone.now(),
        )
        raise
    committed = outcome.committed
    batch.progress_percent = 100
    _record(
        batch,
        outcome,
        status=EncounterImport.Status.COMMITTED if committed else EncounterImport.Status.FAILED,
    )
    return outcome


def _commit_from(
    source: Source,
    batch: EncounterImport,
    chosen: Mapping[str, str | None] | None,
    actor: Any,
    request: HttpRequest | None,
    progress: ProgressCallback | None,
) -> ImportOutcome:
    outcome = ImportOutcome(batch=batch)
    previewed = batch.sha256
    if not _checked(source, batch, outcome):
        outcome.counts = {"rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 1}
        return outcome
    if previewed and previewed != batch.sha256:
        outcome.errors.add("The file is not the one that was previewed. Preview it again.")
        outcome.counts = {"rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 1}
        return outcome
    reporter = _SideProgress(batch, progress)
    run = _Pass(batch=batch, chosen=chosen, write=True, actor=actor, progress=reporter)
    try:
        with transaction.atomic():
            # One import per agency at a time; NO KEY UPDATE leaves inserts that refer to the
            # agency (audit rows, hand-entered records) unblocked.
            list(
                Agency.objects.select_for_update(no_key=True)
                .filter(pk=batch.agency_id)
                .values_list("pk")
            )
            outcome = run.run(source)
            if outcome.errors:
                raise _Aborted
            run.after_commit_inside(request)
            if batch.format == NATIVE and outcome.mapping:
                from mhr.encounters.services import encounter_settings_update

                encounter_settings_update(
                    agency=batch.agency,
                    actor=actor,
                    request=request,
                    import_mapping=outcome.mapping,
                )
            outcome.committed = True
    except _Aborted:
        outcome.committed = False
    finally:
        reporter.close()
    return outcome


def encounter_import_run(
    *,
    agency: Agency,
    file: Any,
    actor: Any = None,
    format: str = NATIVE,  # noqa: A002
    filename: str = "",
    mapping: Mapping[str, str | None] | None = None,
    commit: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportOutcome:
    """The command line's path: a preview, or with `commit` a single committing pass (which
    checks every row as the preview does and commits nothing when any has an error)."""
    if not commit:
        return encounter_import_preview(
            agency=agency, file=file, actor=actor, format=format, filename=filename, mapping=mapping
        )
    source = as_source(file, filename)
    batch = _new_batch(agency, source, format, actor)
    batch.save()
    return encounter_import_commit(
        batch=batch, actor=actor, file=source, mapping=mapping, progress=progress
    )


def runs_in_background(batch: EncounterImport) -> bool:
    size = batch.stored_file.size if batch.stored_file else 0
    return size > BACKGROUND_BYTES or int(batch.counts.get("rows", 0)) > BACKGROUND_ROWS


def encounter_import_enqueue(*, batch: EncounterImport, actor: Any) -> EncounterImport:
    """Queue a previewed, error-free batch (with its kept file) for the background task."""
    from mhr.encounters.tasks import encounter_import_task

    if batch.status != EncounterImport.Status.PREVIEWED:
        raise ValidationError("Only a previewed import can be committed.")
    if batch.errors:
        raise ValidationError("This file has errors; correct them and preview it again.")
    if not batch.stored_file:
        raise ValidationError("The file of this import was not kept; upload it again.")
    batch.status = EncounterImport.Status.QUEUED
    batch.progress_percent = 0
    batch.heartbeat_at = timezone.now()  # queued counts as alive (stale_imports)
    batch.save(update_fields=["status", "progress_percent", "heartbeat_at"])
    encounter_import_task.enqueue(batch.pk, getattr(actor, "pk", None))
    batch.refresh_from_db()
    return batch
