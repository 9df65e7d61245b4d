"""A full disk during any upload: a clear error, no record, no partial file (mhr/core/uploads.py).

The storage layer is made to fail as a full disk does: FileSystemStorage writes part of the file,
then the write raises OSError(ENOSPC). The real-process version is in test_faults.py.
"""

from __future__ import annotations

import datetime
import errno
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import (
    CourseType,
    ImportBatch,
    Partnership,
    PolicyDocument,
    TrainingRecord,
)
from mhr.campaigns.services.evidence import (
    partnership_create,
    partnership_update,
    policy_create,
    policy_update,
)
from mhr.campaigns.services.imports import import_preview
from mhr.campaigns.services.roster import (
    officer_create,
    training_record_create,
    training_record_update,
)
from mhr.campaigns.tests.importdata import days_ago, roster_csv
from mhr.clearinghouse.models import Attachment
from mhr.clearinghouse.services import attachment_add
from mhr.clearinghouse.tests.factories import make_pdf, resource_in_status
from mhr.core.uploads import (
    STORAGE_FULL_MESSAGE,
    GuardedStorage,
    StorageFull,
    StorageFullMiddleware,
    guarded_class,
)
from mhr.encounters import synthetic
from mhr.encounters.import_services import encounter_import_preview
from mhr.encounters.models import EncounterImport

pytestmark = pytest.mark.django_db

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"


class Disk:
    """The guarded default storage in a temporary directory; `fill()` makes every write fail
    part-way with ENOSPC, leaving a partial file as a real full disk does."""

    def __init__(self, root: Path, monkeypatch) -> None:
        self.root = root
        self.monkeypatch = monkeypatch
        self.failed_writes = 0

    def fill(self, error: int = errno.ENOSPC) -> None:
        def _save(storage, name, content):
            path = Path(storage.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4 partial")
            self.failed_writes += 1
            raise OSError(error, "No space left on device")

        self.monkeypatch.setattr(FileSystemStorage, "_save", _save)

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())


@pytest.fixture
def disk(settings, tmp_path, monkeypatch) -> Disk:
    root = tmp_path / "guarded"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "mhr.core.uploads.GuardedStorage",
            "OPTIONS": {"wrapped": FILE_SYSTEM, "location": str(root), "base_url": None},
        },
    }
    return Disk(root, monkeypatch)


def _events(*types: str) -> int:
    return AuditEvent.objects.filter(event_type__in=types).count()


# The guard itself.


class _FailingContent(ContentFile):
    """Content whose second chunk cannot be written: a real partial file on the real storage."""

    def chunks(self, chunk_size=None):
        yield b"first part of the file"
        raise OSError(errno.ENOSPC, "No space left on device")


def test_the_default_storage_is_the_guarded_file_system(disk):
    default_storage.exists("x")  # resolve the lazy object
    assert isinstance(default_storage._wrapped, FileSystemStorage)
    assert type(default_storage._wrapped) is guarded_class(FileSystemStorage)


def test_a_full_disk_removes_the_partial_file_and_raises_storage_full(disk):
    with pytest.raises(StorageFull) as caught:
        default_storage.save("imports/a.csv", _FailingContent(b""))
    assert caught.value.messages == [STORAGE_FULL_MESSAGE]
    assert caught.value.code == "storage_full"
    assert disk.files() == []


def test_it_deletes_only_its_own_file_after_losing_a_name_race(disk):
    storage = default_storage
    storage.save("imports/taken.csv", ContentFile(b"someone else's file"))
    # Storage.save picked a free name, but another writer took it first: _save retries.
    with pytest.raises(StorageFull):
        storage._wrapped._save("imports/taken.csv", _FailingContent(b""))
    assert disk.files() == ["imports/taken.csv"]
    assert (disk.root / "imports/taken.csv").read_bytes() == b"someone else's file"


def test_other_errors_pass_through_unchanged(disk):
    disk.fill(error=errno.EACCES)
    with pytest.raises(PermissionError):
        default_storage.save("imports/b.csv", ContentFile(b"data"))


def test_a_quota_error_counts_as_a_full_disk(disk):
    disk.fill(error=errno.EDQUOT)
    with pytest.raises(StorageFull):
        default_storage.save("imports/c.csv", ContentFile(b"data"))
    assert disk.files() == []


def test_it_wraps_any_configured_backend_keeping_its_options(monkeypatch):
    # Object storage (django-storages' S3Storage) is wrapped the same way; InMemoryStorage stands
    # in for it here.
    storage = GuardedStorage(wrapped="django.core.files.storage.InMemoryStorage", base_url="/m/")
    assert isinstance(storage, InMemoryStorage)
    assert storage.base_url == "/m/"
    name = storage.save("a.txt", ContentFile(b"hello"))
    assert storage.open(name).read() == b"hello"

    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(InMemoryStorage, "_save", full)
    with pytest.raises(StorageFull):
        storage.save("b.txt", ContentFile(b"hello"))
    assert not storage.exists("b.txt")


def test_production_settings_wrap_the_configured_backend():
    from mhr import settings as production

    default = production.STORAGES["default"]
    assert default["BACKEND"] == "mhr.core.uploads.GuardedStorage"
    assert default["OPTIONS"]["wrapped"] in {FILE_SYSTEM, "storages.backends.s3.S3Storage"}
    assert "mhr.core.uploads.StorageFullMiddleware" in production.MIDDLEWARE


# Every upload path.


def test_partnership_documents(disk, agency_a, alice):
    kept = partnership_create(
        agency=agency_a,
        created_by=alice,
        organization_name="Springfield Crisis Center",
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
        document=io.BytesIO(make_pdf()),
        document_name="mou.pdf",
    )
    before_files, before_events = disk.files(), AuditEvent.objects.count()
    disk.fill()
    with pytest.raises(StorageFull):
        partnership_create(
            agency=agency_a,
            created_by=alice,
            organization_name="County Mental Health",
            organization_kind="mental_health_center",
            agreement_kind="mou",
            started_on=datetime.date(2025, 2, 1),
            document=io.BytesIO(make_pdf()),
            document_name="second.pdf",
        )
    with pytest.raises(StorageFull):
        partnership_update(
            partnership=kept,
            updated_by=alice,
            organization_name="Renamed",
            document=io.BytesIO(make_pdf("v2")),
            document_name="v2.pdf",
        )
    assert disk.failed_writes == 2
    assert list(Partnership.objects.values_list("organization_name", flat=True)) == [
        "Springfield Crisis Center"
    ]
    assert Partnership.objects.get().document.name == kept.document.name
    assert disk.files() == before_files
    assert AuditEvent.objects.count() == before_events


def test_policy_documents(disk, agency_a, alice):
    kept = policy_create(
        agency=agency_a,
        created_by=alice,
        title="General Order 41",
        adopted_on=datetime.date(2025, 1, 10),
        document=io.BytesIO(make_pdf()),
        document_name="go41.pdf",
    )
    before_files, before_events = disk.files(), AuditEvent.objects.count()
    disk.fill()
    with pytest.raises(StorageFull):
        policy_create(
            agency=agency_a,
            created_by=alice,
            title="General Order 42",
            adopted_on=datetime.date(2025, 1, 10),
            document=io.BytesIO(make_pdf()),
            document_name="go42.pdf",
        )
    with pytest.raises(StorageFull):
        policy_update(
            policy=kept,
            updated_by=alice,
            document=io.BytesIO(make_pdf("v2")),
            document_name="v2.pdf",
        )
    assert list(PolicyDocument.objects.values_list("title", "document")) == [
        ("General Order 41", kept.document.name)
    ]
    assert disk.files() == before_files
    assert AuditEvent.objects.count() == before_events


def test_training_certificates(disk, agency_a, alice, one_mind):
    officer = officer_create(
        agency=agency_a,
        actor=alice,
        employee_id="1001",
        first_name="Ann",
        last_name="Lee",
        is_sworn=True,
    )
    mhfa = CourseType.objects.get(code="mhfa")
    record = training_record_create(
        officer=officer, actor=alice, course_type=mhfa, completed_on=days_ago(30)
    )
    before_events = AuditEvent.objects.count()
    disk.fill()
    with pytest.raises(StorageFull):
        training_record_create(
            officer=officer,
            actor=alice,
            course_type=mhfa,
            completed_on=days_ago(10),
            certificate=io.BytesIO(make_pdf()),
        )
    with pytest.raises(StorageFull):
        training_record_update(
            record=record, actor=alice, certificate=io.BytesIO(make_pdf()), provider="Other"
        )
    assert disk.failed_writes == 2
    assert list(TrainingRecord.objects.values_list("pk", "certificate", "provider")) == [
        (record.pk, "", "")
    ]
    assert disk.files() == []
    assert AuditEvent.objects.count() == before_events


def test_roster_and_training_import_files(disk, agency_a, alice):
    disk.fill()
    for kind in (ImportBatch.Kind.ROSTER, ImportBatch.Kind.TRAINING):
        with pytest.raises(StorageFull):
            import_preview(
                agency=agency_a,
                kind=kind,
                file=roster_csv(),
                filename="roster.csv",
                actor=alice,
                store_file=True,
            )
    assert disk.failed_writes == 2
    assert not ImportBatch.objects.exists()
    assert disk.files() == []


def _encounter_csv(count: int = 5) -> io.BytesIO:
    text = io.StringIO()
    synthetic.write_native_csv(text, count=count, seed=4)
    return io.BytesIO(text.getvalue().encode())


def test_encounter_import_files(disk, agency_a, alice):
    disk.fill()
    with pytest.raises(StorageFull):
        encounter_import_preview(
            agency=agency_a, file=_encounter_csv(), filename="e.csv", actor=alice, store_file=True
        )
    assert disk.failed_writes == 1
    assert not EncounterImport.objects.exists()
    assert disk.files() == []


def test_clearinghouse_attachments_name_the_file(disk, editor):
    resource = resource_in_status(by=editor)
    disk.fill()
    with pytest.raises(ValidationError) as caught:
        attachment_add(
            resource=resource,
            fileobj=io.BytesIO(make_pdf()),
            filename="guide.pdf",
            uploaded_by=editor,
        )
    assert disk.failed_writes == 1
    assert "“guide.pdf” could not be stored" in caught.value.message_dict["file"][0]
    assert not Attachment.objects.exists()
    assert disk.files() == []


# What people see.


def test_the_partnership_form_shows_the_error(disk, client_for, alice, agency_a):
    disk.fill()
    upload = io.BytesIO(make_pdf())
    upload.name = "mou.pdf"
    response = client_for(alice).post(
        "/agency/campaign/partnerships/new/",
        {
            "organization_name": "County Mental Health",
            "organization_kind": "mental_health_center",
            "agreement_kind": "data_sharing",
            "started_on": "2025-05-01",
            "document": upload,
        },
    )
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    assert not Partnership.objects.exists()


def test_the_roster_import_form_shows_the_error(disk, client_for, alice):
    disk.fill()
    response = client_for(alice).post(
        "/agency/roster/imports/new/",
        {
            "kind": "roster",
            "file": SimpleUploadedFile("roster.csv", roster_csv().getvalue()),
            "full_roster": "on",
        },
    )
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_view_without_its_own_handling_answers_507(disk, client_for, alice):
    disk.fill()
    response = client_for(alice).post(
        "/agency/encounters/imports/new/",
        {
            "format": "native",
            "file": SimpleUploadedFile("e.csv", _encounter_csv().getvalue()),
        },
    )
    assert response.status_code == 507
    assert "could not be stored" in response.content.decode()
    assert not EncounterImport.objects.exists()
    assert disk.files() == []


def test_the_middleware_answers_the_api_in_its_error_shape():
    middleware = StorageFullMiddleware(lambda request: None)
    request = RequestFactory().post("/api/v1/anything")
    response = middleware.process_exception(request, StorageFull())
    assert response.status_code == 507
    body = json.loads(response.content)
    assert body["message"] == STORAGE_FULL_MESSAGE
    assert body["extra"]["code"] == "storage_full"
    # Django spooling an upload to its temporary directory: the raw OSError.
    spooled = middleware.process_exception(
        RequestFactory().post("/api/v1/x"), OSError(errno.ENOSPC, "No space left on device")
    )
    assert spooled.status_code == 507
    assert middleware.process_exception(request, ValueError("other")) is None


def test_the_api_answers_507_in_its_error_shape():
    from mhr.api.urls import api

    request = RequestFactory().put("/api/v1/training")
    response = api.on_exception(request, StorageFull())
    assert response.status_code == 507
    assert json.loads(response.content) == {
        "message": STORAGE_FULL_MESSAGE,
        "extra": {"code": "storage_full"},
    }


def test_a_full_temporary_directory_while_receiving_an_upload_answers_507(
    client_for, alice, settings, monkeypatch
):
    """Django spools large uploads to a temporary file before any view runs (CSRF reads the
    form): a full temporary directory there is the error page's job."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10

    def full(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", full)
    client = client_for(alice)
    client.raise_request_exception = False
    response = client.post(
        "/agency/roster/imports/new/",
        {"kind": "roster", "file": SimpleUploadedFile("roster.csv", roster_csv().getvalue())},
    )
    assert response.status_code == 507
    assert "could not be stored" in response.content.decode()
    assert not ImportBatch.objects.exists()
