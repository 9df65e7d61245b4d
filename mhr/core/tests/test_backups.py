"""`mhr backup` and `mhr restore`: a round trip that compares the data, and every refusal.

On PostgreSQL the commands run in this process against pytest-django's test database. On SQLite
the test database is in memory, so the round trip runs the real commands in subprocesses against
a file database in a temporary MHR_DATA_DIR, exactly as an operator would.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mhr.core import backups

ROOT = Path(__file__).resolve().parents[3]
SNAPSHOT_MARK = "SNAPSHOT:"


# ---------------------------------------------------------------------------------------------
# Data helpers, also imported by the subprocesses (`mhr shell -c`).


def make_data() -> None:
    """An agency, users, a published resource with a PDF attachment, and their audit rows."""
    import weasyprint

    from mhr.accounts.models import Agency, Membership, User
    from mhr.clearinghouse import services
    from mhr.clearinghouse.models import Resource

    agency = Agency.objects.create(
        name="Springfield Police Department",
        ori="WA0170000",
        state="WA",
        county="KING",
        agency_type=Agency.AgencyType.CITY,
        sworn_headcount=120,
    )
    alice = User.objects.create_user(
        email="alice@springfield.example", password="x" * 16, full_name="Alice Archer"
    )
    Membership.objects.create(user=alice, agency=agency, role=Membership.Role.COORDINATOR)
    editor = User.objects.create_user(
        email="sam@association.example",
        password="x" * 16,
        full_name="Sam Staff",
        staff_role=User.StaffRole.ADMINISTRATOR,
    )
    resource = services.resource_create(
        created_by=editor,
        title="Crisis intervention model policy",
        resource_type=Resource.Type.MODEL_POLICY,
        summary="A model policy for crisis response.",
        body="Officers **should** call the crisis line.",
        topics=services.topics_from_names(["Crisis response"]),
    )
    pdf = weasyprint.HTML(string="<p>x</p>").write_pdf()
    services.attachment_add(
        resource=resource, fileobj=io.BytesIO(pdf), filename="policy.pdf", uploaded_by=editor
    )
    services.resource_change_status(
        resource=resource, status=Resource.Status.IN_REVIEW, changed_by=editor
    )
    services.resource_change_status(
        resource=resource, status=Resource.Status.PUBLISHED, changed_by=editor
    )


def change_data() -> None:
    """Edit, delete and add rows, and lose the uploaded files."""
    from django.core.files.storage import default_storage

    from mhr.accounts.models import Agency, User
    from mhr.clearinghouse import services
    from mhr.clearinghouse.models import Attachment, Resource

    editor = User.objects.get(email="sam@association.example")
    resource = Resource.objects.get()
    services.resource_update(resource=resource, changed_by=editor, title="Renamed by mistake")
    for attachment in Attachment.objects.all():
        name = attachment.file.name
        services.attachment_remove(attachment=attachment, removed_by=editor)
        default_storage.delete(name)
    User.objects.filter(email="alice@springfield.example").delete()
    Agency.objects.all().delete()
    User.objects.create_user(email="mallory@example.com", password="x" * 16)


def snapshot() -> dict:
    """Row counts per table, a few field values, and the attachments' bytes."""
    from django.db import connection

    from mhr.accounts.models import Agency, User
    from mhr.audit.models import AuditEvent
    from mhr.clearinghouse.models import Attachment, Resource

    with connection.cursor() as cursor:
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")
        )
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    # Backing up and restoring write their own audit rows; the data compared is everything else.
    counts["audit_auditevent"] -= AuditEvent.objects.filter(
        event_type__startswith="backup."
    ).count()
    attachments = {}
    for attachment in Attachment.objects.order_by("pk"):
        with attachment.file.open("rb") as handle:
            attachments[attachment.original_filename] = hashlib.sha256(handle.read()).hexdigest()
    return {
        "counts": counts,
        "users": sorted(User.objects.values_list("email", "full_name")),
        "agencies": sorted(Agency.objects.values_list("name", "ori")),
        "resources": sorted(Resource.objects.values_list("slug", "title", "status", "body")),
        "attachment_sha256": sorted(Attachment.objects.values_list("sha256", flat=True)),
        "attachment_bytes": attachments,
        "audit_events": sorted(
            AuditEvent.objects.exclude(event_type__startswith="backup.").values_list(
                "event_type", "object_repr"
            )
        ),
    }


def print_snapshot() -> None:
    print(SNAPSHOT_MARK + json.dumps(snapshot(), sort_keys=True))


# ---------------------------------------------------------------------------------------------
# Fixtures and runners


def _sqlite_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        MHR_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="mhr.settings_test", MHR_ENV="test"
    )
    return env


def _mhr(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mhr", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and completed.returncode != 0:
        raise AssertionError(f"mhr {args[0]} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


def _shell(env: dict[str, str], function: str) -> str:
    code = f"from mhr.core.tests.test_backups import {function}; {function}()"
    return _mhr(env, "shell", "-c", code).stdout


def _sqlite_snapshot(env: dict[str, str]) -> dict:
    out = _shell(env, "print_snapshot")
    line = next(line for line in out.splitlines() if line.startswith(SNAPSHOT_MARK))
    return json.loads(line[len(SNAPSHOT_MARK) :])


def _write_archive(path: Path, manifest: dict, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def _archive_members(path: Path) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(path, "r:gz") as archive:
        contents = {
            m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()
        }
    return json.loads(contents.pop("manifest.json")), contents


@pytest.fixture
def storage_location(settings) -> Path:
    location = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    location.mkdir(parents=True, exist_ok=True)
    return location


# ---------------------------------------------------------------------------------------------
# Round trip


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQLite round trip runs in subprocesses"
)
@pytest.mark.django_db(transaction=True)
def test_it_restores_postgresql_data_and_files_exactly_as_backed_up(tmp_path, storage_location):
    try:
        make_data()
        before = snapshot()
        assert before["attachment_bytes"] and before["counts"]["audit_auditevent"] >= 4

        call_command("backup", output=str(tmp_path / "backup.tar.gz"), stdout=io.StringIO())
        change_data()
        assert snapshot() != before
        assert not any(p.is_file() for p in storage_location.rglob("*"))

        out = io.StringIO()
        call_command("restore", str(tmp_path / "backup.tar.gz"), yes=True, stdout=out)

        assert "Restored the postgresql database and 1 uploaded file(s)" in out.getvalue()
        assert snapshot() == before
    finally:
        # The search tables are not models, so the test flush would leave their rows behind.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM clearinghouse_search_doc")
            cursor.execute("DELETE FROM clearinghouse_search_word")


def test_it_restores_a_sqlite_file_database_and_files_exactly_as_backed_up(tmp_path):
    data_dir = tmp_path / "data"
    env = _sqlite_env(data_dir)
    _mhr(env, "migrate", "--verbosity=0")
    _shell(env, "make_data")
    before = _sqlite_snapshot(env)
    assert before["attachment_bytes"] and before["counts"]["audit_auditevent"] >= 4

    backup = _mhr(env, "backup", "--output", str(tmp_path))
    archive = next(tmp_path.glob("mhr-backup-*.tar.gz"))
    assert str(archive) in backup.stdout
    assert archive.stat().st_mode & 0o077 == 0, "backups hold everything: owner-only"

    _shell(env, "change_data")
    assert _sqlite_snapshot(env) != before
    refused = _mhr(env, "restore", str(archive), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr

    restored = _mhr(env, "restore", str(archive), "--yes")

    assert "Restored the sqlite database and 1 uploaded file(s)" in restored.stdout
    assert _sqlite_snapshot(env) == before
    leftovers = [p.name for p in data_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQLite round trip checks its archive itself"
)
@pytest.mark.django_db(transaction=True)
def test_the_manifest_describes_the_archive(tmp_path, storage_location):
    (storage_location / "attachments").mkdir()
    (storage_location / "attachments" / "a.pdf").write_bytes(b"%PDF-1.7 tiny")

    result = backups.backup_create(output=tmp_path)

    manifest, members = _archive_members(result.path)
    assert manifest == result.manifest
    assert manifest["database_vendor"] == "postgresql"
    assert manifest["created_at"].endswith("Z")
    assert manifest["file_count"] == 1
    # The latest applied migration of each app, as the database records them.
    assert manifest["migrations"] == backups.migration_state()
    assert manifest["migrations"]["campaigns"]
    assert set(members) == {"database/mhr.pgdump", "files/attachments/a.pdf"}
    for name, data in members.items():
        assert manifest["sha256"][name] == hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# Refusals: nothing changes


def _valid_archive(tmp_path: Path, **manifest_changes) -> Path:
    """A well-formed archive for the database in use (the dump is not needed to be refused)."""
    vendor = connection.vendor
    member = backups.PG_DUMP_NAME if vendor == "postgresql" else backups.SQLITE_NAME
    members = {member: b"not reached", "files/attachments/new.pdf": b"%PDF-1.7 new"}
    manifest = {
        "format": backups.FORMAT_VERSION,
        "mhr_version": "0.1.0",
        "created_at": "2026-01-01T00:00:00Z",
        "database_vendor": vendor,
        "database_member": member,
        "migrations": backups.migration_state(),
        "files_included": True,
        "file_count": 1,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    manifest.update(manifest_changes)
    path = tmp_path / "backup.tar.gz"
    _write_archive(path, manifest, members)
    return path


@pytest.fixture
def existing(db, storage_location, alice):
    (storage_location / "attachments").mkdir()
    kept = storage_location / "attachments" / "kept.pdf"
    kept.write_bytes(b"%PDF-1.7 kept")
    return kept


def _assert_unchanged(existing: Path) -> None:
    from mhr.accounts.models import User

    assert User.objects.filter(email="alice@springfield.example").exists()
    assert existing.read_bytes() == b"%PDF-1.7 kept"
    # No staging directory or half-extracted copy is left beside the storage location.
    assert not [p.name for p in existing.parent.parent.parent.iterdir() if p.name.startswith(".")]


def test_it_refuses_a_tampered_archive_and_changes_nothing(tmp_path, existing):
    path = _valid_archive(tmp_path)
    manifest, members = _archive_members(path)
    members["files/attachments/new.pdf"] = b"%PDF-1.7 altered"
    _write_archive(path, manifest, members)

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)


def test_it_refuses_an_archive_with_a_member_missing_from_the_manifest(tmp_path, existing):
    path = _valid_archive(tmp_path)
    manifest, members = _archive_members(path)
    members["files/extra.txt"] = b"smuggled"
    _write_archive(path, manifest, members)

    with pytest.raises(CommandError, match="not listed in the manifest"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)


def test_it_refuses_a_backup_of_the_other_database_vendor(tmp_path, existing):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    path = _valid_archive(tmp_path, database_vendor=other)

    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)


def test_it_refuses_a_backup_with_migrations_newer_than_the_code(tmp_path, existing):
    migrations = backups.migration_state()
    migrations["clearinghouse"] = ["0099_from_the_future"]
    path = _valid_archive(tmp_path, migrations=migrations, mhr_version="9.0.0")

    with pytest.raises(CommandError, match=r"newer version of MHR.*clearinghouse\.0099"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path, existing):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"plain text")

    with pytest.raises(CommandError, match="cannot be read as a .tar.gz archive"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)


def test_it_refuses_to_restore_without_yes_when_not_at_a_terminal(tmp_path, existing, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    path = _valid_archive(tmp_path)

    with pytest.raises(CommandError, match="pass --yes"):
        call_command("restore", str(path))
    _assert_unchanged(existing)


def test_the_database_password_never_reaches_the_command_line(monkeypatch):
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "mhr",
        "USER": "mhr",
        "PASSWORD": "s3cret-pw",
        "HOST": "db.internal",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    monkeypatch.setattr(backups, "_database", lambda alias="default": database)
    calls = []

    def fake_run(args, **kwargs):
        calls.append((args, kwargs["env"]))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backups.subprocess, "run", fake_run)
    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    backups._run_pg_tool(["pg_dump", "--format=custom"], alias="default", what="Dumping")

    (args, env), *_ = calls
    assert not any("s3cret-pw" in arg for arg in args)
    assert env["PGPASSWORD"] == "s3cret-pw"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.internal", "5433", "mhr")
    assert env["PGDATABASE"] == "mhr" and env["PGSSLMODE"] == "require"


@pytest.mark.django_db(transaction=True)
def test_a_database_that_fails_to_restore_leaves_the_files_alone(tmp_path, existing):
    # Checksums match, but the dump inside is not a database: the vendor's own restore refuses it.
    path = _valid_archive(tmp_path)

    with pytest.raises(CommandError, match="(?i)restor|database"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)
    assert not (existing.parent / "new.pdf").exists()


def test_an_older_backup_restores_and_names_the_migrations_to_run(db):
    from django.db.migrations.loader import MigrationLoader

    migrations = backups.migration_state()
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    later = sorted(
        name
        for app, name in loader.disk_migrations
        if app == "clearinghouse" and name != "0001_initial"
    )
    assert later, "the clearinghouse app has migrations after its first"
    migrations["clearinghouse"] = ["0001_initial"]

    pending = backups.check_compatible(
        {"database_vendor": connection.vendor, "migrations": migrations}
    )

    assert pending == [f"clearinghouse.{name}" for name in later]


def test_it_refuses_an_archive_that_would_write_outside_the_storage_location(tmp_path, existing):
    path = _valid_archive(tmp_path)
    manifest, members = _archive_members(path)
    members["files/../../escaped.txt"] = b"outside"
    manifest["sha256"]["files/../../escaped.txt"] = hashlib.sha256(b"outside").hexdigest()
    manifest["file_count"] = 2
    _write_archive(path, manifest, members)

    with pytest.raises(CommandError, match="checksum list is malformed"):
        call_command("restore", str(path), yes=True)
    _assert_unchanged(existing)
    assert not (tmp_path.parent / "escaped.txt").exists()


@pytest.mark.django_db
def test_a_backup_is_on_the_audit_record(tmp_path):
    from mhr.audit.models import AuditEvent
    from mhr.core.backups import backup_create

    if connection.vendor == "sqlite":
        pytest.skip("The in-memory SQLite test database is backed up in the subprocess tests.")
    backup_create(output=tmp_path)
    event = AuditEvent.objects.get(event_type="backup.created")
    assert event.extra["archive"].endswith(".tar.gz")
    assert event.extra["database_vendor"] == "postgresql"
