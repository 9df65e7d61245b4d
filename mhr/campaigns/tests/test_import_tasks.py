"""Large imports commit in a background task (run at once in tests) that reports progress."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import ImportBatch, Officer
from mhr.campaigns.services import imports
from mhr.campaigns.services.imports import import_enqueue, import_preview
from mhr.campaigns.tests.importdata import roster_csv

TODAY = datetime.date(2026, 11, 27)


def test_a_stored_preview_is_committed_by_the_task(agency_a, alice):
    rows = [[str(i), "First", f"Last{i}", "Y" if i % 5 else "N"] for i in range(4500)]
    result = import_preview(
        agency=agency_a, kind="roster", file=roster_csv(rows), actor=alice, store_file=True
    )
    assert result.ok and result.batch.stored_file
    batch = import_enqueue(batch=result.batch, actor=alice)
    assert batch.status == "committed"
    assert batch.progress_percent == 100
    assert batch.counts["new"] == 4500
    assert Officer.objects.filter(agency=agency_a).count() == 4500
    [event] = AuditEvent.objects.filter(event_type=AuditEvent.EventType.ROSTER_IMPORTED)
    assert event.actor == alice


def test_progress_is_reported_while_rows_are_read(agency_a, monkeypatch):
    rows = [[str(i), "First", "Last", "Y"] for i in range(6000)]
    result = import_preview(agency=agency_a, kind="roster", file=roster_csv(rows), store_file=True)
    percents: list[int] = []
    real = imports._set_progress

    def spy(batch, percent, callback, **kwargs):
        percents.append(percent)
        return real(batch, percent, callback, **kwargs)

    monkeypatch.setattr(imports, "_set_progress", spy)
    import_enqueue(batch=result.batch, actor=None)
    assert percents[0] == 0
    assert any(0 < p < 80 for p in percents)
    assert percents == sorted(percents)
    assert ImportBatch.objects.get().progress_percent == 100


def test_only_an_error_free_stored_preview_can_be_queued(agency_a):
    bad = import_preview(
        agency=agency_a, kind="roster", file=roster_csv([["1", "A", "B", "?"]]), store_file=True
    )
    with pytest.raises(ValidationError, match="has errors"):
        import_enqueue(batch=bad.batch, actor=None)
    unstored = import_preview(agency=agency_a, kind="roster", file=roster_csv())
    with pytest.raises(ValidationError, match="not kept"):
        import_enqueue(batch=unstored.batch, actor=None)
    assert not Officer.objects.exists()
