"""The import screens: upload, column mapping, preview, commit, progress, history."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.encounters import import_services, synthetic
from mhr.encounters.import_services import encounter_import_preview
from mhr.encounters.models import Encounter, EncounterImport
from mhr.encounters.selectors import encounter_settings_for

pytestmark = pytest.mark.django_db

BASE = "/agency/encounters/imports/"


def _upload(client, text: str, fmt: str = "native", name: str = "e.csv"):
    return client.post(
        f"{BASE}new/",
        {"format": fmt, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def _native_text(count: int) -> str:
    stream = io.StringIO()
    synthetic.write_native_csv(stream, count=count, seed=8)
    return stream.getvalue()


def test_native_upload_mapping_preview_commit(client_for, alice):
    client = client_for(alice)
    text = "CAD No,Call Received,Outcome,Sex\nV-1,2025-03-01 10:00,arrest,female\nV-2,2025-03-02 11:00,referral,male\n"
    response = _upload(client, text)
    batch = EncounterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{batch.pk}/mapping/"
    page = client.get(f"{BASE}{batch.pk}/mapping/")
    assert page.status_code == 200
    assert 'value="CAD No" selected' in page.content.decode()
    response = client.post(
        f"{BASE}{batch.pk}/mapping/",
        {
            "incident_number": "CAD No",
            "received_at": "Call Received",
            "disposition": "Outcome",
            "sex": "Sex",
        },
    )
    assert response.status_code == 302
    detail = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert "Import 2 new and 0 corrected records" in detail
    assert not Encounter.objects.exists()
    response = client.post(f"{BASE}{batch.pk}/commit/")
    assert response.status_code == 302
    assert Encounter.objects.filter(agency=alice.membership.agency).count() == 2
    batch.refresh_from_db()
    assert batch.status == EncounterImport.Status.COMMITTED
    assert encounter_settings_for(batch.agency).import_mapping["disposition"] == "Outcome"
    # A committed import cannot be committed again.
    client.post(f"{BASE}{batch.pk}/commit/")
    assert Encounter.objects.count() == 2


def test_mapping_without_required_fields_is_refused(client_for, alice):
    client = client_for(alice)
    _upload(client, "A,B,C\n1,2,3\n")
    batch = EncounterImport.objects.get()
    response = client.post(f"{BASE}{batch.pk}/mapping/", {"incident_number": "A"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose the column that holds Call received" in body
    assert 'href="#id_disposition"' in body


def test_seattle_upload_goes_to_preview(client_for, alice):
    client = client_for(alice)
    stream = io.StringIO()
    synthetic.write_seattle_csv(stream, count=12, seed=4)
    response = _upload(client, stream.getvalue(), fmt="seattle", name="spd.csv")
    batch = EncounterImport.objects.get()
    assert response["Location"] == f"{BASE}{batch.pk}/"
    assert batch.counts["new"] == 12


def test_bad_rows_are_listed_with_row_and_column(client_for, alice):
    client = client_for(alice)
    text = "Incident,Received,Disposition\nA-1,2025-03-01 25:10,arrest\nA-1,2025-03-01 10:00,beamed up\n"
    _upload(client, text)
    batch = EncounterImport.objects.get()
    client.post(
        f"{BASE}{batch.pk}/mapping/",
        {"incident_number": "Incident", "received_at": "Received", "disposition": "Disposition"},
    )
    body = client.get(f"{BASE}{batch.pk}/").content.decode()
    assert "25:10" in body and "beamed up" in body
    assert 'data-label="Row">2<' in body and 'data-label="Column">Received<' in body
    assert "Import 0 new" not in body
    response = client.post(f"{BASE}{batch.pk}/commit/")
    assert response.status_code == 302
    assert not Encounter.objects.exists()


@pytest.mark.parametrize("payload", [b"", b"\x00\x01binary", "é,ü\n".encode("utf-16")])
def test_unreadable_upload_never_500(client_for, alice, payload):
    client = client_for(alice)
    response = client.post(
        f"{BASE}new/", {"format": "native", "file": SimpleUploadedFile("x.csv", payload)}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        batch = EncounterImport.objects.get()
        assert batch.errors
        assert client.get(response["Location"], follow=True).status_code == 200


def test_large_file_runs_in_background_with_progress(client_for, alice, monkeypatch):
    monkeypatch.setattr(import_services, "BACKGROUND_ROWS", 10)
    client = client_for(alice)
    _upload(client, _native_text(40), fmt="native")
    batch = EncounterImport.objects.get()
    client.post(
        f"{BASE}{batch.pk}/mapping/",
        {name: name for name in ("incident_number", "received_at", "disposition")},
    )
    response = client.post(f"{BASE}{batch.pk}/commit/")
    assert response.status_code == 302
    batch.refresh_from_db()
    # Tests run tasks immediately: the task has committed the file.
    assert batch.status == EncounterImport.Status.COMMITTED
    assert batch.progress_percent == 100
    assert Encounter.objects.count() == 40
    progress = client.get(f"{BASE}{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"
    assert 'aria-live="polite"' in progress.content.decode()


def test_progress_fragment_polls_while_running(client_for, alice, bob):
    batch = encounter_import_preview(
        agency=alice.membership.agency, file=io.BytesIO(b"a\n1\n"), filename="p.csv"
    )
    batch = batch.batch
    EncounterImport.objects.filter(pk=batch.pk).update(status="running", progress_percent=42)
    body = client_for(bob).get(f"{BASE}{batch.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="42"' in body


def test_member_sees_history_but_cannot_import(client_for, bob, alice):
    encounter_import_preview(
        agency=alice.membership.agency, file=io.BytesIO(b"a\n1\n"), filename="h.csv"
    )
    client = client_for(bob)
    body = client.get(BASE).content.decode()
    assert "h.csv" in body and "Import a file" not in body
    assert client.get(f"{BASE}new/").status_code == 403
    assert _upload(client, "a\n1\n").status_code == 403


def test_cross_agency_is_404(client_for, carol, alice):
    batch = encounter_import_preview(
        agency=alice.membership.agency,
        file=io.BytesIO(b"a\n1\n"),
        filename="a.csv",
        store_file=True,
    ).batch
    client = client_for(carol)
    for suffix in ("", "progress/", "mapping/"):
        assert client.get(f"{BASE}{batch.pk}/{suffix}").status_code == 404
    assert client.post(f"{BASE}{batch.pk}/commit/").status_code == 404
    assert "a.csv" not in client.get(BASE).content.decode()


def test_history_queries_do_not_grow(client_for, alice):
    agency = alice.membership.agency
    client = client_for(alice)
    encounter_import_preview(
        agency=agency, file=io.BytesIO(b"a\n1\n"), filename="1.csv", actor=alice
    )
    client.get(BASE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE).status_code == 200
    for number in range(6):
        encounter_import_preview(
            agency=agency, file=io.BytesIO(b"a\n1\n"), filename=f"{number}.csv", actor=alice
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
