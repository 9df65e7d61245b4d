"""Previews of large files in the background: the upload answers at once, the page follows the
check (queued, running), then shows the preview, its row and column errors, or a failure.

Tests run tasks immediately (settings: the immediate backend); to see the queued and running
states, the enqueue is held back and the task is then called by hand.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mhr.encounters import import_background, import_services, synthetic, tasks
from mhr.encounters.import_background import encounter_import_remap_enqueue, preview_pending
from mhr.encounters.models import Encounter, EncounterImport

pytestmark = pytest.mark.django_db
Status = EncounterImport.Status
BASE = "/agency/encounters/imports/"
BAD_ROWS = (
    "Incident,Received,Disposition\nA-1,2025-03-01 25:10,arrest\nA-1,2025-03-01 10:00,beamed up\n"
)


def _native_text(count: int) -> str:
    stream = io.StringIO()
    synthetic.write_native_csv(stream, count=count, seed=8)
    return stream.getvalue()


def _upload(client, text: str, fmt: str = "native", name: str = "big.csv"):
    return client.post(
        f"{BASE}new/",
        {"format": fmt, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


@pytest.fixture
def large(monkeypatch):
    """Every file counts as large."""
    monkeypatch.setattr(import_services, "BACKGROUND_BYTES", 10)


@pytest.fixture
def held(monkeypatch):
    """Queued previews wait: the enqueue records the call instead of running the task."""
    calls = []
    monkeypatch.setattr(
        import_background, "_enqueue", lambda batch, mapping: calls.append((batch.pk, mapping))
    )
    return calls


def test_a_large_upload_is_previewed_by_the_task(large, client_for, alice):
    client = client_for(alice)
    response = _upload(client, _native_text(30))
    batch = EncounterImport.objects.get()
    # Straight to the import's page (not the mapping): the preview happens off the request.
    assert response.status_code == 302 and response["Location"] == f"{BASE}{batch.pk}/"
    assert batch.status == Status.PREVIEWED and batch.counts["new"] == 30
    assert batch.stored_file and batch.sha256
    page = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert "Import 30 new and 0 corrected records" in page
    assert "Change the columns" in page
    assert not Encounter.objects.exists()


def test_queued_then_running_then_done(large, held, client_for, alice, bob):
    client = client_for(alice)
    response = _upload(client, _native_text(12))
    batch = EncounterImport.objects.get()
    assert response["Location"] == f"{BASE}{batch.pk}/"
    assert held == [(batch.pk, None)]
    assert batch.status == Status.QUEUED and preview_pending(batch)

    page = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert "Queued: the check starts shortly." in page
    assert 'hx-trigger="every 2s"' in page and "Reload this page" in page
    assert "Import 0 new" not in page and "Encounters in the file" not in page
    # Nothing to commit or map while the check waits.
    client.post(f"{BASE}{batch.pk}/commit/")
    assert client.get(f"{BASE}{batch.pk}/mapping/")["Location"] == f"{BASE}{batch.pk}/"
    batch.refresh_from_db()
    assert batch.status == Status.QUEUED

    EncounterImport.objects.filter(pk=batch.pk).update(status=Status.RUNNING)
    fragment = client_for(bob).get(f"{BASE}{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert "Running: every row is being read and checked." in fragment.content.decode()
    assert "HX-Refresh" not in fragment
    # A running preview belongs to the worker that took it: a second run leaves it alone.
    assert tasks.encounter_import_preview_task.call(batch.pk, None) == {"skipped": "taken"}
    client = client_for(alice)  # client_for signs the one test client in as Bob above

    EncounterImport.objects.filter(pk=batch.pk).update(status=Status.QUEUED)
    result = tasks.encounter_import_preview_task.call(batch.pk, None)
    assert result["new"] == 12
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED and not preview_pending(batch)
    fragment = client.get(f"{BASE}{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    assert (
        "Import 12 new and 0 corrected records" in client.get(f"{BASE}{batch.pk}/").content.decode()
    )


def test_a_failing_preview_shows_row_and_column_errors(large, client_for, alice):
    client = client_for(alice)
    _upload(client, BAD_ROWS)
    batch = EncounterImport.objects.get()
    # A new mapping of a large file is checked in the background too.
    response = client.post(
        f"{BASE}{batch.pk}/mapping/",
        {"incident_number": "Incident", "received_at": "Received", "disposition": "Disposition"},
    )
    assert response["Location"] == f"{BASE}{batch.pk}/"
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED and batch.errors
    body = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert 'data-label="Row">2<' in body and 'data-label="Column">Received<' in body
    assert "beamed up" in body and "Import 0 new" not in body
    client.post(f"{BASE}{batch.pk}/commit/")
    assert not Encounter.objects.exists()


def test_an_unexpected_error_ends_failed_with_a_message(large, client_for, alice, monkeypatch):
    def broken(batch, mapping):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "_preview", broken)
    client = client_for(alice)
    response = _upload(client, _native_text(5))
    assert response.status_code == 302
    batch = EncounterImport.objects.get()
    assert batch.status == Status.FAILED
    assert batch.errors[0]["message"] == tasks.PREVIEW_FAILED_MESSAGE
    body = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert "The file could not be checked. Nothing was imported." in body
    assert "disk on fire" not in body
    fragment = client.get(f"{BASE}{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"


def test_small_files_are_still_previewed_in_the_request(held, client_for, alice):
    response = _upload(
        client_for(alice), "CAD No,Call Received,Outcome\nV-1,2025-03-01 10:00,arrest\n"
    )
    batch = EncounterImport.objects.get()
    assert held == []
    assert response["Location"] == f"{BASE}{batch.pk}/mapping/"
    assert batch.status == Status.PREVIEWED


def test_only_a_previewed_import_can_be_mapped_again_in_the_background(large, held, alice):
    batch = import_services.encounter_import_preview(
        agency=alice.membership.agency,
        file=io.BytesIO(BAD_ROWS.encode()),
        filename="m.csv",
        store_file=True,
    ).batch
    EncounterImport.objects.filter(pk=batch.pk).update(status=Status.COMMITTED)
    batch.refresh_from_db()
    with pytest.raises(ValidationError):
        encounter_import_remap_enqueue(batch=batch, mapping={"incident_number": "Incident"})
    assert held == []


def test_another_agency_cannot_follow_a_queued_preview(large, held, client_for, alice, carol):
    _upload(client_for(alice), _native_text(3))
    batch = EncounterImport.objects.get()
    client = client_for(carol)
    for suffix in ("", "progress/", "mapping/"):
        assert client.get(f"{BASE}{batch.pk}/{suffix}").status_code == 404


def test_a_preview_that_died_is_swept_and_shown_as_failed(large, held, client_for, alice):
    import datetime

    from mhr.core.stale_imports import imports_fail_stale

    client = client_for(alice)
    _upload(client, _native_text(3))
    batch = EncounterImport.objects.get()
    # A fresh preview is left alone; one silent for longer than the limit is failed.
    assert imports_fail_stale(after=datetime.timedelta(minutes=5)).total == 0
    later = batch.heartbeat_at + datetime.timedelta(minutes=10)
    assert imports_fail_stale(now=later, after=datetime.timedelta(minutes=5)).total == 1
    body = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert "The file could not be checked. Nothing was imported." in body
    # The task of a swept preview does nothing.
    assert tasks.encounter_import_preview_task.call(batch.pk, None) == {"skipped": "failed"}
