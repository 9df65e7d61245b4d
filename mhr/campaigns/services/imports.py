"""Roster and training imports: preview what a file would change, then commit it atomically.

Dry run is the default: `import_preview` reads and checks the whole file and compares it with the
agency's data, recording an ImportBatch (who, when, which file, counts, errors) but changing
nothing. `import_commit` repeats the reading (the data may have changed since) and, only when
there are no errors at all, applies everything in one transaction through the roster services.
The web screens, the background task and `mhr import` all go through these two functions.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.campaigns.imports.convert import Converted, convert_roster, convert_training
from mhr.campaigns.imports.diff import RosterPlan, TrainingPlan, plan_roster, plan_training
from mhr.campaigns.imports.errors import ImportFileError, IssueList
from mhr.campaigns.imports.mapping import resolve_mapping
from mhr.campaigns.imports.parsing import CourseMatcher
from mhr.campaigns.imports.source import (
    Source,
    as_source,
    check_size,
    file_sha256,
    kept_file_headers,
    open_table,
)
from mhr.campaigns.models import ColumnMapping, ImportBatch
from mhr.campaigns.services.roster import lock_agency, roster_apply, training_apply

logger = logging.getLogger(__name__)

ROSTER = ImportBatch.Kind.ROSTER
TRAINING = ImportBatch.Kind.TRAINING
# Files with more data rows than this are committed by a background task with a progress bar.
BACKGROUND_ROWS = 5000
# Reading and checking the file is most of the work; the last stretch is the database writes.
READ_SHARE = 80

ProgressCallback = Callable[[int], None]


@dataclass
class ImportResult:
    """What a preview or commit found. `samples` lists the first changes of each kind."""

    batch: ImportBatch
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _Aborted(Exception):
    """Raised inside the commit transaction to roll it back when the plan has errors."""


def _today() -> datetime.date:
    return timezone.now().date()


def saved_mapping(agency: Agency, kind: str) -> dict[str, str]:
    mapping = (
        ColumnMapping.objects.filter(agency=agency, kind=kind)
        .values_list("mapping", flat=True)
        .first()
    )
    return dict(mapping or {})


def _read(
    *,
    agency: Agency,
    kind: str,
    source: Source,
    chosen: Mapping[str, str | None] | None,
    today: datetime.date,
    result: ImportResult,
    progress: Callable[[float], None] | None = None,
) -> Converted | None:
    """Open, map and convert the file, filling `result`. None when the file cannot be read."""
    try:
        with open_table(source) as table:
            result.headers = list(table.headers)
            mapping, mapping_issues = resolve_mapping(
                table.headers, kind, chosen=chosen, saved=saved_mapping(agency, kind)
            )
            result.mapping = mapping
            if mapping_issues:
                result.errors.extend(mapping_issues)
                result.warnings.extend(table.warnings)
                return None
            if kind == ROSTER:
                converted = convert_roster(table, mapping, today=today, progress=progress)
            else:
                converted = convert_training(
                    table,
                    mapping,
                    courses=CourseMatcher.from_database(),
                    today=today,
                    progress=progress,
                )
    except ImportFileError as exc:
        result.errors.add(exc.message, row=exc.row, column=exc.column)
        return None
    result.errors.extend(converted.errors)
    result.warnings.extend(converted.warnings)
    return converted


def _plan(
    *,
    agency: Agency,
    kind: str,
    converted: Converted,
    full_roster: bool,
    today: datetime.date,
) -> RosterPlan | TrainingPlan:
    if kind == ROSTER:
        return plan_roster(
            agency=agency,
            rows=converted.rows,
            provided=converted.provided,
            full_roster=full_roster,
            as_of=today,
            also_present=converted.employee_ids,
        )
    return plan_training(
        agency=agency,
        rows=converted.rows,
        provided=converted.provided,
        employee_column=converted.mapping.get("employee_id", ""),
    )


def _fill(result: ImportResult, converted: Converted | None, plan: Any, full_roster: bool) -> None:
    if plan is not None:
        result.errors.extend(plan.errors)
        result.warnings.extend(plan.warnings)
        result.samples = plan.samples()
    counts: dict[str, Any] = {"new": 0, "updated": 0, "separated": 0, "unchanged": 0}
    if plan is not None:
        counts.update(plan.counts())
    counts["rows"] = converted.data_rows if converted is not None else 0
    counts["errors"] = result.errors.total
    counts["warnings"] = result.warnings.total
    if result.batch.kind == ROSTER:
        counts["full_roster"] = full_roster
    result.counts = counts


def _store(batch: ImportBatch, source: Source) -> None:
    suffix = ".xlsx" if source.filename.lower().endswith(".xlsx") else ".csv"
    with source.open() as stream:
        batch.stored_file.save(f"{uuid.uuid4().hex}{suffix}", File(stream), save=False)


@transaction.atomic
def import_preview(
    *,
    agency: Agency,
    kind: str,
    file: Any,
    actor: Any = None,
    filename: str = "",
    mapping: Mapping[str, str | None] | None = None,
    full_roster: bool = True,
    store_file: bool = False,
    today: datetime.date | None = None,
) -> ImportResult:
    """Check a file and report what importing it would change, without changing anything.

    `file` is a path or a binary file object. `mapping` ({field: header}) overrides the agency's
    saved mapping and the suggestions. With `store_file`, the file is kept with the batch so it
    can be committed later (by the web screen or a background task).
    """
    if kind not in ImportBatch.Kind.values:
        raise ValidationError(f"“{kind}” is not an import kind.")
    today = today or _today()
    source = as_source(file, filename)
    batch = ImportBatch(
        agency=agency,
        kind=kind,
        status=ImportBatch.Status.PREVIEWED,
        original_filename=source.filename[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _preview_into(
        batch, source, mapping=mapping, full_roster=full_roster, today=today, store_file=store_file
    )


def _preview_into(
    batch: ImportBatch,
    source: Source,
    *,
    mapping: Mapping[str, str | None] | None,
    full_roster: bool,
    today: datetime.date,
    store_file: bool,
) -> ImportResult:
    result = ImportResult(batch=batch)
    converted = None
    plan = None
    try:
        check_size(source)
        batch.sha256 = file_sha256(source)
    except ImportFileError as exc:
        result.errors.add(exc.message)
    else:
        converted = _read(
            agency=batch.agency,
            kind=batch.kind,
            source=source,
            chosen=mapping,
            today=today,
            result=result,
        )
        if converted is not None:
            plan = _plan(
                agency=batch.agency,
                kind=batch.kind,
                converted=converted,
                full_roster=full_roster,
                today=today,
            )
        if store_file:
            _store(batch, source)
    _fill(result, converted, plan, full_roster)
    batch.mapping = result.mapping
    batch.counts = result.counts
    batch.errors = result.errors.as_list()
    batch.warnings = result.warnings.as_list()
    batch.finished_at = timezone.now()
    batch.save()
    return result


@transaction.atomic
def import_remap(
    *,
    batch: ImportBatch,
    mapping: Mapping[str, str | None],
    full_roster: bool | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Preview a kept file again with another column mapping (the web wizard's mapping step).

    The same batch is updated, so changing the mapping three times leaves one history entry.
    """
    batch = ImportBatch.objects.select_for_update().select_related("agency").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValidationError("Only an import that has not been committed can be mapped again.")
    if not batch.stored_file:
        raise ValidationError("The file of this import was not kept; upload it again.")
    if full_roster is None:
        full_roster = bool(batch.counts.get("full_roster", True))
    with batch.stored_file.open("rb") as stream:
        return _preview_into(
            batch,
            as_source(stream, batch.original_filename),
            mapping=mapping,
            full_roster=full_roster,
            today=today or _today(),
            store_file=False,
        )


def import_headers(batch: ImportBatch) -> list[str]:
    """The column headers of a batch's kept file ([] when it is gone or cannot be read)."""
    return kept_file_headers(batch.stored_file, batch.original_filename, open_table)


def import_commit(
    *,
    batch: ImportBatch,
    actor: Any,
    file: Any = None,
    mapping: Mapping[str, str | None] | None = None,
    full_roster: bool | None = None,
    today: datetime.date | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Apply a previewed file, all or nothing.

    The file is read again (from `file`, or the copy stored with the batch) with the batch's
    mapping unless another is given. Rows are read outside the transaction so the background
    task's progress is visible; the comparison with the agency's data and every write happen in
    one transaction that locks the agency, so two imports cannot interleave.
    """
    if batch.status == ImportBatch.Status.COMMITTED:
        raise ValidationError("This import has already been committed.")
    today = today or _today()
    if full_roster is None:
        full_roster = bool(batch.counts.get("full_roster", True))
    chosen = mapping if mapping is not None else (batch.mapping or None)
    agency = batch.agency
    _set_progress(batch, 0, progress, status=ImportBatch.Status.RUNNING)
    result = ImportResult(batch=batch)
    try:
        if file is not None:
            result = _commit_from(file, batch, agency, chosen, full_roster, today, actor, progress)
        elif batch.stored_file:
            with batch.stored_file.open("rb") as stream:
                result = _commit_from(
                    stream, batch, agency, chosen, full_roster, today, actor, progress
                )
        else:
            result.errors.add("The file of this import was not kept; upload it again.")
            _finish(result, None, None, full_roster, committed=False)
    except Exception:
        logger.exception("Import %s stopped", batch.pk)
        batch.status = ImportBatch.Status.FAILED
        batch.errors = [
            {
                "row": None,
                "column": "",
                "message": "The import stopped because of an unexpected error; nothing was "
                "changed. Try again, and tell the association if it happens again.",
            }
        ]
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "errors", "finished_at"])
        raise
    return result


def _commit_from(
    file: Any,
    batch: ImportBatch,
    agency: Agency,
    chosen: Mapping[str, str | None] | None,
    full_roster: bool,
    today: datetime.date,
    actor: Any,
    progress: ProgressCallback | None,
) -> ImportResult:
    source = as_source(file, batch.original_filename)
    result = ImportResult(batch=batch)
    try:
        check_size(source)
        sha256 = file_sha256(source)
    except ImportFileError as exc:
        result.errors.add(exc.message)
        return _finish(result, None, None, full_roster, committed=False)
    if batch.sha256 and sha256 != batch.sha256:
        result.errors.add("The file is not the one that was previewed. Preview it again.")
        return _finish(result, None, None, full_roster, committed=False)
    batch.sha256 = sha256

    def on_read(fraction: float) -> None:
        _set_progress(batch, int(fraction * READ_SHARE), progress)

    converted = _read(
        agency=agency,
        kind=batch.kind,
        source=source,
        chosen=chosen,
        today=today,
        result=result,
        progress=on_read,
    )
    _set_progress(batch, READ_SHARE, progress)
    if converted is None or result.errors:
        plan = None
        if converted is not None:
            plan = _plan(
                agency=agency,
                kind=batch.kind,
                converted=converted,
                full_roster=full_roster,
                today=today,
            )
        return _finish(result, converted, plan, full_roster, committed=False)
    try:
        with transaction.atomic():
            lock_agency(agency)
            plan = _plan(
                agency=agency,
                kind=batch.kind,
                converted=converted,
                full_roster=full_roster,
                today=today,
            )
            if plan.errors:
                raise _Aborted
            # The batch row must exist before the audit row points at it.
            batch.save()
            if isinstance(plan, RosterPlan):
                roster_apply(agency=agency, actor=actor, plan=plan, batch=batch)
            else:
                training_apply(agency=agency, actor=actor, plan=plan, batch=batch)
            ColumnMapping.objects.update_or_create(
                agency=agency,
                kind=batch.kind,
                defaults={"mapping": result.mapping, "updated_at": timezone.now()},
            )
            return _finish(result, converted, plan, full_roster, committed=True)
    except _Aborted:
        return _finish(result, converted, plan, full_roster, committed=False)


def _finish(
    result: ImportResult,
    converted: Converted | None,
    plan: Any,
    full_roster: bool,
    *,
    committed: bool,
) -> ImportResult:
    batch = result.batch
    _fill(result, converted, plan, full_roster)
    result.committed = committed
    batch.mapping = result.mapping or batch.mapping
    batch.counts = result.counts
    batch.errors = result.errors.as_list()
    batch.warnings = result.warnings.as_list()
    batch.status = ImportBatch.Status.COMMITTED if committed else ImportBatch.Status.FAILED
    batch.progress_percent = 100
    batch.finished_at = timezone.now()
    batch.save()
    return result


def _set_progress(
    batch: ImportBatch,
    percent: int,
    callback: ProgressCallback | None,
    *,
    status: str | None = None,
) -> None:
    fields: dict[str, Any] = {"progress_percent": percent}
    if status is not None:
        fields["status"] = status
        batch.status = status
    elif percent == batch.progress_percent:
        return
    # The last sign of life while running (mhr.core.stale_imports reads it).
    fields["heartbeat_at"] = batch.heartbeat_at = timezone.now()
    batch.progress_percent = percent
    if batch.pk is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    if callback is not None:
        callback(percent)


def import_run(
    *,
    agency: Agency,
    kind: str,
    file: Any,
    actor: Any = None,
    filename: str = "",
    mapping: Mapping[str, str | None] | None = None,
    full_roster: bool = True,
    commit: bool = False,
    today: datetime.date | None = None,
) -> ImportResult:
    """Preview a file and, when asked and error-free, commit it (the command line's path)."""
    result = import_preview(
        agency=agency,
        kind=kind,
        file=file,
        actor=actor,
        filename=filename,
        mapping=mapping,
        full_roster=full_roster,
        today=today,
    )
    if not commit or not result.ok:
        return result
    return import_commit(
        batch=result.batch,
        actor=actor,
        file=file,
        mapping=result.mapping,
        full_roster=full_roster,
        today=today,
    )


def import_enqueue(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Queue a previewed batch (with its stored file) to be committed by a background task."""
    from mhr.campaigns.tasks import import_commit_task

    if batch.status not in (ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED):
        raise ValidationError("Only a previewed import can be committed.")
    if batch.errors:
        raise ValidationError("This file has errors; correct them and preview it again.")
    if not batch.stored_file:
        raise ValidationError("The file of this import was not kept; upload it again.")
    batch.status = ImportBatch.Status.QUEUED
    batch.progress_percent = 0
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "progress_percent", "heartbeat_at"])
    import_commit_task.enqueue(batch.pk, getattr(actor, "pk", None))
    batch.refresh_from_db()
    return batch
