"""Background work for encounter data: previewing and committing large imports off the request."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

from mhr.accounts.models import User
from mhr.encounters.models import EncounterImport

logger = logging.getLogger(__name__)
Status = EncounterImport.Status

PREVIEW_FAILED_MESSAGE = (
    "The file could not be checked because of an unexpected error; nothing was changed. "
    "Upload it again, and tell the association if it happens again."
)


@task()
def encounter_import_task(batch_id: int, actor_id: int | None = None) -> dict[str, Any]:
    """Commit a previewed encounter import from its kept file; progress_percent shows how far."""
    from mhr.encounters.import_services import encounter_import_commit

    batch = EncounterImport.objects.select_related("agency").get(pk=batch_id)
    if batch.status == EncounterImport.Status.COMMITTED:
        return {k: v for k, v in batch.counts.items() if k != "samples"}
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    outcome = encounter_import_commit(batch=batch, actor=actor)
    return {k: v for k, v in outcome.counts.items() if k != "samples"}


def _preview(batch: EncounterImport, mapping: dict[str, str | None] | None) -> Any:
    from mhr.encounters.import_services import encounter_import_preview_kept

    return encounter_import_preview_kept(batch=batch, mapping=mapping)


@task()
def encounter_import_preview_task(
    batch_id: int, mapping: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """Preview (dry-run) a kept import file queued by import_background; ends PREVIEWED with
    the counts and row/column errors, or FAILED with one message on an unexpected error."""
    from mhr.encounters.import_background import preview_pending

    batch = EncounterImport.objects.select_related("agency").get(pk=batch_id)
    if not preview_pending(batch):
        return {"skipped": batch.status}
    # Only one worker takes a queued preview.
    taken = EncounterImport.objects.filter(pk=batch.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not taken:
        return {"skipped": "taken"}
    batch.status = Status.RUNNING
    try:
        outcome = _preview(batch, mapping)
    except Exception:
        logger.exception("Encounter import %s: preview stopped", batch.pk)
        EncounterImport.objects.filter(pk=batch.pk).update(
            status=Status.FAILED,
            errors=[{"row": None, "column": "", "message": PREVIEW_FAILED_MESSAGE}],
            finished_at=timezone.now(),
        )
        return {"failed": True}
    return {k: v for k, v in outcome.counts.items() if k != "samples"}


@task()
def encounters_analyze_task() -> None:
    """Fresh planner statistics for the encounter table after a large columnar import
    (PostgreSQL): run after its commit, so the import's transaction and locks are not held for it."""
    from mhr.encounters.imports.bulk import analyze

    analyze()
