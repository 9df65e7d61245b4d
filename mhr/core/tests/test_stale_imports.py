"""Imports whose process died are marked failed with a reason (mhr/core/stale_imports.py)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from mhr.campaigns.models import ImportBatch
from mhr.campaigns.services.imports import _set_progress, import_enqueue, import_preview
from mhr.campaigns.tests.importdata import roster_csv
from mhr.core.stale_imports import STALE_IMPORT_MESSAGE, imports_fail_stale
from mhr.encounters.models import EncounterImport

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def _batch(agency, status, *, idle, model=ImportBatch, **fields):
    """A batch last touched `idle` ago (None: never stamped, created `created` ago)."""
    now = timezone.now()
    created = fields.pop("created", None)
    defaults = {"kind": "roster"} if model is ImportBatch else {}
    return model.objects.create(
        agency=agency,
        status=status,
        original_filename="roster.csv",
        counts={"rows": 10, "new": 10, "errors": 0},
        created_at=now - (created or idle or HOUR),
        heartbeat_at=None if idle is None else now - idle,
        **{**defaults, **fields},
    )


def _status(batch) -> tuple[str, list]:
    batch.refresh_from_db()
    return batch.status, [e["message"] for e in batch.errors]


def test_it_fails_only_imports_in_progress_with_no_sign_of_life(settings, agency_a):
    settings.IMPORT_STALE_AFTER_MINUTES = 120
    killed = _batch(agency_a, "running", idle=3 * HOUR)
    never_started = _batch(agency_a, "queued", idle=3 * HOUR)
    busy = _batch(agency_a, "running", idle=HOUR)
    unstamped = _batch(agency_a, "running", idle=None, created=5 * HOUR)
    previewed = _batch(agency_a, "previewed", idle=30 * 24 * HOUR)
    committed = _batch(agency_a, "committed", idle=30 * 24 * HOUR)
    encounters = _batch(agency_a, "running", idle=3 * HOUR, model=EncounterImport)

    result = imports_fail_stale()

    failed = ("failed", [STALE_IMPORT_MESSAGE])
    assert _status(killed) == failed
    assert _status(never_started) == failed
    assert _status(unstamped) == failed
    assert _status(encounters) == failed
    assert _status(busy) == ("running", [])
    assert _status(previewed) == ("previewed", [])
    assert _status(committed) == ("committed", [])
    assert killed.counts["errors"] == 1  # the history lists show one error
    assert killed.finished_at > timezone.now() - HOUR
    assert result.failed == {
        "campaigns.ImportBatch": sorted([killed.pk, never_started.pk, unstamped.pk]),
        "encounters.EncounterImport": [encounters.pk],
    }
    # Nothing left to do: a second sweep changes nothing.
    assert imports_fail_stale().total == 0


def test_starting_a_commit_counts_as_progress(settings, agency_a, alice):
    """A batch previewed days ago and committed now is alive, not stale."""
    settings.IMPORT_STALE_AFTER_MINUTES = 120
    batch = import_preview(
        agency=agency_a, kind="roster", file=roster_csv(), filename="r.csv", actor=alice
    ).batch
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - 48 * HOUR)
    batch.refresh_from_db()
    _set_progress(batch, 0, None, status=ImportBatch.Status.RUNNING)
    assert imports_fail_stale().total == 0
    assert _status(batch) == ("running", [])


def test_queueing_counts_as_progress(settings, agency_a, alice, monkeypatch):
    from mhr.campaigns import tasks

    class NoWorker:  # the task stays queued: no worker picks it up
        enqueue = staticmethod(lambda *args: None)

    monkeypatch.setattr(tasks, "import_commit_task", NoWorker)
    batch = import_preview(
        agency=agency_a,
        kind="roster",
        file=roster_csv(),
        filename="r.csv",
        actor=alice,
        store_file=True,
    ).batch
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - 48 * HOUR)
    batch.refresh_from_db()
    import_enqueue(batch=batch, actor=alice)
    assert imports_fail_stale().total == 0
    assert _status(batch) == ("queued", [])
    assert imports_fail_stale(now=timezone.now() + 3 * HOUR).total == 1


def test_the_import_pages_show_the_reason(client_for, alice, agency_a):
    roster = _batch(agency_a, "running", idle=3 * HOUR)
    encounters = _batch(agency_a, "running", idle=3 * HOUR, model=EncounterImport)
    imports_fail_stale()
    client = client_for(alice)
    for url in (
        f"/agency/roster/imports/{roster.pk}/",
        f"/agency/encounters/imports/{encounters.pk}/",
    ):
        page = client.get(url).content.decode()
        assert "The import stopped before finishing; nothing was saved." in page, url
    history = client.get("/agency/roster/imports/").content.decode()
    assert "Failed" in history


def test_the_command_and_the_scheduler_run_the_sweep(settings, agency_a):
    settings.IMPORT_STALE_AFTER_MINUTES = 120
    old = _batch(agency_a, "running", idle=3 * HOUR)
    recent = _batch(agency_a, "running", idle=HOUR)
    out = io.StringIO()
    call_command("scheduler", "--once", "--hour", "23", stdout=out)
    assert f"Marked stale campaigns.ImportBatch failed: {old.pk}." in out.getvalue()
    assert _status(recent)[0] == "running"
    out = io.StringIO()
    call_command("fail_stale_imports", "--after-minutes", "0", stdout=out)
    assert "Stale imports marked failed: 1" in out.getvalue()
    assert _status(recent) == ("failed", [STALE_IMPORT_MESSAGE])
