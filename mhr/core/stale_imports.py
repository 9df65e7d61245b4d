"""Imports whose process died: marked failed with a clear reason instead of "running" forever.

A roster, training or encounter import commits in one transaction, so a killed process (SIGKILL,
out of memory, a redeployed worker) saves nothing, but its batch row was already set to queued or
running outside that transaction and nothing would ever change it again.

`imports_fail_stale` marks such batches failed once nothing has happened to them for
`IMPORT_STALE_AFTER_MINUTES`. While a batch is queued or running, its `heartbeat_at` holds when
it last changed (queued, started, progress). `mhr scheduler` runs the sweep on every tick and `mhr fail_stale_imports` runs it by hand.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, models
from django.db.models import Q
from django.utils import timezone

from mhr.campaigns.models import ImportBatch
from mhr.encounters.models import EncounterImport

logger = logging.getLogger(__name__)

STALE_IMPORT_MESSAGE = (
    "The import stopped before finishing; nothing was saved. Run it again: upload the file "
    "again, or run the same command."
)
# The batch statuses that mean "a process is working on it".
IN_PROGRESS = ("queued", "running")
MODELS: tuple[type[models.Model], ...] = (ImportBatch, EncounterImport)


@dataclass
class SweepResult:
    """Ids of the batches marked failed, per model label; `skipped` names models that were busy."""

    failed: dict[str, list[int]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.failed.values())

    def as_dict(self) -> dict[str, object]:
        return {"failed": self.failed, "skipped": self.skipped, "total": self.total}


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.IMPORT_STALE_AFTER_MINUTES)


def _stale(cutoff: datetime.datetime) -> Q:
    # Rows without a heartbeat (never started, or from before the column) go by created_at.
    return Q(status__in=IN_PROGRESS) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


def imports_fail_stale(
    *, now: datetime.datetime | None = None, after: datetime.timedelta | None = None
) -> SweepResult:
    """Mark queued or running imports with no sign of life since `after` (default: the setting)
    as failed, saying why. Cheap when there are none: one read per model, no write."""
    now = now or timezone.now()
    cutoff = now - (after if after is not None else stale_after())
    result = SweepResult()
    for model in MODELS:
        label = model._meta.label
        try:
            # Read first: on SQLite a write would wait for a running import's write lock.
            candidates = list(
                model.objects.filter(_stale(cutoff)).order_by("pk").values_list("pk", "counts")
            )
            failed = []
            for pk, counts in candidates:
                counts = dict(counts or {})
                counts["errors"] = max(1, int(counts.get("errors") or 0))
                # Conditional on still being stale: an import that just finished keeps its result.
                updated = model.objects.filter(_stale(cutoff), pk=pk).update(
                    status="failed",
                    errors=[{"row": None, "column": "", "message": STALE_IMPORT_MESSAGE}],
                    counts=counts,
                    finished_at=now,
                )
                if updated:
                    failed.append(pk)
        except DatabaseError:
            # A locked SQLite database (an import is writing): try again on the next run.
            logger.warning("Stale-import sweep of %s skipped: the database is busy", label)
            result.skipped.append(label)
            continue
        if failed:
            logger.warning("Marked %d stale %s import(s) failed: %s", len(failed), label, failed)
            result.failed[label] = failed
    return result
