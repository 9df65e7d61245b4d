"""Background work for encounter data: committing large imports off the request."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from mhr.accounts.models import User
from mhr.encounters.models import EncounterImport


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
