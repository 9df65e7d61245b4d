"""Previews (dry runs) of large encounter files in the background.

A file larger than import_services.BACKGROUND_BYTES is kept with a new EncounterImport and
checked by a django-tasks task, so the upload (or a new column mapping) answers at once and the
import's page shows progress, then the preview. Smaller files are still checked inside the
request: that takes well under a second, and the coordinator goes straight on to the column
mapping without a page that waits and reloads.

No new field is needed: a preview in waiting is an import with status QUEUED or RUNNING whose
`counts` holds only {"stage": "preview"} (a queued commit always has the preview's counts). The
preview itself ends as every preview does: PREVIEWED with its counts, errors and warnings, or
FAILED with one message when the check stopped on an unexpected error.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.encounters import import_services
from mhr.encounters.models import EncounterImport

Status = EncounterImport.Status
PREVIEW_STAGE = {"stage": "preview"}


def _in_preview_stage(batch: EncounterImport) -> bool:
    return (batch.counts or {}).get("stage") == PREVIEW_STAGE["stage"]


def preview_pending(batch: EncounterImport) -> bool:
    """Whether the import waits for (or is in) its background preview."""
    return batch.status in (Status.QUEUED, Status.RUNNING) and _in_preview_stage(batch)


def preview_failed(batch: EncounterImport) -> bool:
    return batch.status == Status.FAILED and _in_preview_stage(batch)


def previews_in_background(size: int) -> bool:
    # Read at call time, so the threshold is the one import_services uses for commits.
    return size > import_services.BACKGROUND_BYTES


def _enqueue(batch: EncounterImport, mapping: Mapping[str, str | None] | None) -> None:
    from mhr.encounters.tasks import encounter_import_preview_task

    encounter_import_preview_task.enqueue(batch.pk, dict(mapping) if mapping else None)


@transaction.atomic
def encounter_import_preview_enqueue(
    *,
    agency: Agency,
    file: Any,
    filename: str,
    actor: Any,
    format: str = import_services.NATIVE,  # noqa: A002 (the option's name everywhere)
) -> EncounterImport:
    """Keep an uploaded file with a new import and queue its preview."""
    if format not in EncounterImport.Format.values:
        raise ValidationError(f"“{format}” is not an import format.")
    batch = EncounterImport(
        agency=agency,
        format=format,
        status=Status.QUEUED,
        original_filename=(filename or "upload")[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        counts=dict(PREVIEW_STAGE),
        heartbeat_at=timezone.now(),
    )
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    if hasattr(file, "seek"):
        file.seek(0)
    batch.stored_file.save(f"{uuid.uuid4().hex}{suffix}", File(file), save=False)
    batch.save()
    # The database task backend writes the task in this transaction: both or neither.
    _enqueue(batch, None)
    batch.refresh_from_db()
    return batch


@transaction.atomic
def encounter_import_remap_enqueue(
    *, batch: EncounterImport, mapping: Mapping[str, str | None]
) -> EncounterImport:
    """Queue a new preview of a kept native file with another column mapping."""
    locked = EncounterImport.objects.select_for_update().get(pk=batch.pk)
    import_services.check_remappable(locked)
    locked.status = Status.QUEUED
    locked.counts = dict(PREVIEW_STAGE)
    locked.errors = []
    locked.warnings = []
    locked.progress_percent = 0
    locked.heartbeat_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "counts",
            "errors",
            "warnings",
            "progress_percent",
            "heartbeat_at",
        ]
    )
    _enqueue(locked, mapping)
    batch.refresh_from_db()
    return batch
