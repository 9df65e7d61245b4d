"""Background work for the pledge campaign: committing large imports off the request, and
after the facts change, warming the cached compliance result and restoring lapsed recognition."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from mhr.accounts.models import User
from mhr.campaigns.models import ImportBatch


@task()
def import_commit_task(batch_id: int, actor_id: int | None = None) -> dict[str, Any]:
    """Commit a previewed import from its stored file, updating the batch's progress_percent."""
    from mhr.campaigns.services.imports import import_commit

    batch = ImportBatch.objects.select_related("agency").get(pk=batch_id)
    if batch.status == ImportBatch.Status.COMMITTED:
        return dict(batch.counts)
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    result = import_commit(batch=batch, actor=actor)
    return dict(result.counts)


@task()
def compliance_warm_task(agency_id: int) -> dict[str, int]:
    """After the agency's facts change: compute today's compliance result so its next page view
    is fast, and restore its recognition if it had lapsed and the data meets the rule again
    (lapses wait for the daily run)."""
    from mhr.campaigns.selectors import compliance_cache_warm
    from mhr.campaigns.services.pledges import pledges_reevaluate

    cached = compliance_cache_warm(agency_id=agency_id)
    return {"cached": cached, **pledges_reevaluate(agency_id=agency_id, recover_only=True)}
