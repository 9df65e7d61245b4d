"""Back up and restore MHR: the database plus uploaded files, in one checksummed .tar.gz archive.

Archive layout:
    manifest.json           what the archive holds, and the sha256 of every other member
    database/mhr.pgdump     PostgreSQL: pg_dump custom format
    database/mhr.sqlite3    SQLite: a copy made with the online backup API
    files/...               the default storage's location (uploaded attachments, imports)

A restore checks everything (manifest, database vendor, migrations, every checksum) before it
changes anything, and then replaces the database in one transaction and the files directory by
renaming a fully extracted copy into place.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_DIR = "database"
FILES_DIR = "files"
PG_DUMP_NAME = f"{DATABASE_DIR}/mhr.pgdump"
SQLITE_NAME = f"{DATABASE_DIR}/mhr.sqlite3"
SUPPORTED_VENDORS = ("postgresql", "sqlite")
_CHUNK = 1024 * 1024

# DATABASES["default"]["OPTIONS"] keys that libpq also reads from the environment.
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    file_count: int
    # Migrations the code has that the backup did not: the operator runs `mhr migrate` next.
    pending_migrations: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _mhr_version() -> str:
    try:
        return metadata.version("mhr")
    except metadata.PackageNotFoundError:
        return "unknown"


def _database(alias: str = "default") -> dict[str, Any]:
    return settings.DATABASES[alias]


def _vendor(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in SUPPORTED_VENDORS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor!r}.")
    return vendor


def files_location() -> Path | None:
    """The default storage's directory, or None when uploads live in object storage."""
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    location = options.get("location")
    return Path(location) if location else None


def _migration_leaves(applied: set[tuple[str, str]]) -> dict[str, list[str]]:
    """Per app, the applied migrations that no later applied migration of the same app follows."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    parents_of_applied: set[tuple[str, str]] = set()
    for key in applied:
        if key in loader.graph.nodes:
            parents_of_applied.update(
                p.key for p in loader.graph.node_map[key].parents if p.key[0] == key[0]
            )
    leaves: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        if (app, name) not in parents_of_applied:
            leaves.setdefault(app, []).append(name)
    return leaves


def migration_state(alias: str = "default") -> dict[str, list[str]]:
    """Per app, the names of the latest applied migrations in the database."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    return _migration_leaves(set(loader.applied_migrations))


def _pg_environment(alias: str = "default") -> dict[str, str]:
    """libpq settings as environment variables, so no password ever appears in a process list."""
    db = _database(alias)
    env = dict(os.environ)
    pairs = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db.get("NAME") or "",
    }
    for key, name in _PG_OPTION_ENV.items():
        value = (db.get("OPTIONS") or {}).get(key)
        if value not in (None, ""):
            pairs[name] = str(value)
    for name, value in pairs.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def _run_pg_tool(args: list[str], *, alias: str, what: str) -> None:
    executable = shutil.which(args[0])
    if executable is None:
        raise BackupError(
            f"{args[0]} was not found on PATH; install the PostgreSQL client tools "
            "(the same major version as the server, or newer)."
        )
    # Only pg_dump and pg_restore, with fixed argument lists and no shell.
    completed = subprocess.run(  # noqa: S603  # nosec B603
        [executable, *args[1:]],
        env=_pg_environment(alias),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()
        raise BackupError(f"{what} failed ({args[0]} exited {completed.returncode}): {detail}")


# ---------------------------------------------------------------------------------------------
# Backup


def _dump_postgresql(target: Path, alias: str) -> None:
    _run_pg_tool(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
        ],
        alias=alias,
        what="Dumping the PostgreSQL database",
    )


def _sqlite_connect(path: str | Path, **kwargs: Any) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path), **kwargs)
    # Django's CHECK constraints call REGEXP, which integrity_check evaluates.
    connection.create_function("REGEXP", 2, _sqlite_regexp, deterministic=True)
    return connection


def _sqlite_regexp(pattern: str | None, value: Any) -> bool | None:
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


def _copy_sqlite(target: Path, alias: str) -> None:
    """Copy with SQLite's online backup API: consistent even while the server writes (WAL)."""
    source_path = _database(alias)["NAME"]
    if not Path(str(source_path)).is_file():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    source = _sqlite_connect(source_path, timeout=30)
    copy = _sqlite_connect(target)
    try:
        source.backup(copy)
        # A self-contained file: no -wal companion needed to read it.
        copy.execute("PRAGMA journal_mode=DELETE")
        (status,) = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
        source.close()
    if status != "ok":
        raise BackupError(f"The copied SQLite database failed its integrity check: {status}")


def _uploaded_files(location: Path | None) -> Iterator[tuple[Path, str]]:
    if location is None or not location.is_dir():
        return
    for path in sorted(location.rglob("*")):
        if path.is_symlink():
            continue  # Uploads are never links; following one could archive files outside.
        if path.is_file():
            yield path, f"{FILES_DIR}/{path.relative_to(location).as_posix()}"


def _default_name(now: datetime.datetime) -> str:
    return f"mhr-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def backup_create(*, output: str | Path | None = None, alias: str = "default") -> BackupResult:
    """Write a backup archive and return its path and manifest.

    `output` may be a file path or an existing directory (the archive gets a timestamped name).
    The archive is written beside its final path and renamed into place, readable by the owner only.
    """
    vendor = _vendor(alias)
    now = datetime.datetime.now(datetime.UTC)
    if output is None:
        target = Path.cwd() / _default_name(now)
    else:
        target = Path(output).expanduser()
        if target.is_dir():
            target = target / _default_name(now)
    target = target.resolve()
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")

    location = files_location()
    with tempfile.TemporaryDirectory(prefix="mhr-backup-") as work:
        work_dir = Path(work)
        if vendor == "postgresql":
            db_member = PG_DUMP_NAME
            db_file = work_dir / "mhr.pgdump"
            _dump_postgresql(db_file, alias)
        else:
            db_member = SQLITE_NAME
            db_file = work_dir / "mhr.sqlite3"
            _copy_sqlite(db_file, alias)

        # The database is copied first: files uploaded meanwhile are extra, never missing.
        members: list[tuple[Path, str]] = [(db_file, db_member), *_uploaded_files(location)]
        checksums = {name: _sha256_file(path) for path, name in members}
        manifest = {
            "format": FORMAT_VERSION,
            "mhr_version": _mhr_version(),
            "created_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "database_vendor": vendor,
            "database_member": db_member,
            "migrations": migration_state(alias),
            "files_included": location is not None,
            "file_count": len(members) - 1,
            "sha256": checksums,
        }
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()

        fd, partial_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
        partial = Path(partial_name)
        try:
            os.fchmod(fd, 0o600)  # The archive holds everything the platform holds.
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size = len(manifest_bytes)
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(manifest_bytes))
                for path, name in members:
                    archive.add(str(path), arcname=name, recursive=False)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    _audit(AuditEvent.EventType.BACKUP_CREATED, target, manifest)
    return BackupResult(path=target, manifest=manifest)


def _audit(event_type: str, path: Path, manifest: dict[str, Any]) -> None:
    audit_record(
        event_type=event_type,
        extra={
            "archive": path.name,
            "database_vendor": manifest.get("database_vendor"),
            "file_count": manifest.get("file_count"),
            "created_at": manifest.get("created_at"),
        },
    )


# ---------------------------------------------------------------------------------------------
# Restore: read and check


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            try:
                member = archive.getmember(MANIFEST_NAME)
            except KeyError:
                raise BackupError(
                    f"{path} is not an MHR backup: it has no manifest.json."
                ) from None
            handle = archive.extractfile(member)
            if handle is None:
                raise BackupError(f"{path}: manifest.json is not a regular file.")
            manifest = json.loads(handle.read())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} cannot be read as a .tar.gz archive: {exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path}: manifest.json is not valid JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has backup format {manifest.get('format') if isinstance(manifest, dict) else '?'}; "
            f"this version of MHR reads format {FORMAT_VERSION}."
        )
    checksums = manifest.get("sha256")
    if not isinstance(checksums, dict) or not all(
        isinstance(k, str) and _safe_member_name(k) and isinstance(v, str)
        for k, v in checksums.items()
    ):
        raise BackupError(f"{path}: the manifest's checksum list is malformed.")
    if manifest.get("database_member") not in checksums:
        raise BackupError(f"{path}: the manifest names no database dump.")
    return manifest


def check_compatible(manifest: dict[str, Any], *, alias: str = "default") -> list[str]:
    """Refuse a backup from another database vendor or with migrations this code does not have.

    Returns the code's migrations the backup lacks (run `mhr migrate` after restoring).
    """
    vendor = _vendor(alias)
    backup_vendor = manifest.get("database_vendor")
    if backup_vendor != vendor:
        raise BackupError(
            f"This backup holds a {backup_vendor} database, but MHR is configured for {vendor}. "
            "Restore it into the same kind of database it came from (see docs/operations.md)."
        )
    migrations = manifest.get("migrations")
    if not isinstance(migrations, dict) or not all(
        isinstance(names, list) and all(isinstance(name, str) for name in names)
        for names in migrations.values()
    ):
        raise BackupError("The manifest's migration list is malformed.")
    leaves = [(app, name) for app, names in migrations.items() for name in names]
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    unknown = sorted(
        f"{app}.{name}" for app, name in leaves if (app, name) not in loader.graph.nodes
    )
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of MHR: its database has migrations this "
            f"code does not know ({', '.join(unknown)}). Upgrade MHR to version "
            f"{manifest.get('mhr_version', '?')} or later, then restore."
        )
    applied: set[tuple[str, str]] = set()
    for key in leaves:
        applied.update(loader.graph.forwards_plan(key))
    pending = sorted(
        f"{app}.{name}" for app, name in loader.graph.nodes if (app, name) not in applied
    )
    return pending


def verify_archive(path: Path, manifest: dict[str, Any]) -> None:
    """Check that the archive holds exactly the manifest's members, each with its sha256."""
    expected: dict[str, str] = manifest["sha256"]
    seen: set[str] = set()
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for member in archive:
                if member.name == MANIFEST_NAME or member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"{path}: {member.name} is not a regular file; refusing.")
                if member.name not in expected:
                    raise BackupError(f"{path}: {member.name} is not listed in the manifest.")
                if member.name in seen:
                    raise BackupError(f"{path}: {member.name} appears twice.")
                handle = archive.extractfile(member)
                digest = hashlib.sha256()
                for chunk in iter(lambda h=handle: h.read(_CHUNK), b""):
                    digest.update(chunk)
                if digest.hexdigest() != expected[member.name]:
                    raise BackupError(
                        f"{path}: {member.name} does not match its checksum; the archive is "
                        "damaged or was altered. Nothing was restored."
                    )
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is damaged: {exc}. Nothing was restored.") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path} is missing {', '.join(missing[:5])}. Nothing was restored.")
    if manifest.get("file_count") != len(expected) - 1:
        raise BackupError(f"{path}: the manifest's file count does not match its contents.")


# ---------------------------------------------------------------------------------------------
# Restore: apply


def _extract(
    path: Path,
    *,
    database_to: Path,
    files_to: Path | None,
    db_member: str,
    checksums: dict[str, str],
) -> int:
    """Write the members out, checking each checksum again in case the file changed meanwhile."""
    files = 0
    with tarfile.open(path, mode="r:gz") as archive:
        for member in archive:
            if not member.isfile() or member.name == MANIFEST_NAME:
                continue
            if member.name == db_member:
                target = database_to
            elif member.name.startswith(f"{FILES_DIR}/") and files_to is not None:
                target = files_to / member.name[len(FILES_DIR) + 1 :]
                files += 1
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = archive.extractfile(member)
            digest = hashlib.sha256()
            with target.open("wb") as out:
                for chunk in iter(lambda h=handle: h.read(_CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != checksums.get(member.name):
                raise BackupError(
                    f"{path}: {member.name} changed while it was being restored. "
                    "Nothing was restored."
                )
    return files


def _restore_postgresql(dump: Path, alias: str) -> None:
    # One transaction: if anything fails, the database is left exactly as it was.
    _run_pg_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_database(alias)['NAME']}",
            str(dump),
        ],
        alias=alias,
        what="Restoring the PostgreSQL database",
    )


def _restore_sqlite(copy: Path, alias: str) -> None:
    """Load the copy into the live database file with the backup API, in one write transaction.

    Unlike renaming a file over the database, this cannot leave a stale -wal file applied to
    the new contents, and a failure leaves the old database intact.
    """
    live_path = Path(str(_database(alias)["NAME"]))
    live_path.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_connect(copy)
    try:
        (status,) = source.execute("PRAGMA integrity_check").fetchone()
        if status != "ok":
            raise BackupError(f"The database in the backup failed its integrity check: {status}")
        live = _sqlite_connect(live_path, timeout=30)
        try:
            busy, _, _ = live.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise BackupError(
                    "Another process is using the database. Stop the MHR server and task "
                    "worker, then restore again."
                )
            source.backup(live)
        finally:
            live.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Restoring the SQLite database failed: {exc}") from exc
    finally:
        source.close()


def _swap_directory(staged: Path, location: Path) -> None:
    """Put the staged directory where `location` is, keeping the old one until the swap is done."""
    old = None
    if location.exists():
        old = location.with_name(f".{location.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(location, old)
    try:
        os.replace(staged, location)
    except OSError:
        if old is not None:
            os.replace(old, location)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def backup_restore(*, path: str | Path, alias: str = "default") -> RestoreResult:
    """Replace the database and uploaded files with an archive's contents, or change nothing."""
    archive_path = Path(path).expanduser()
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} does not exist.")
    manifest = read_manifest(archive_path)
    pending = check_compatible(manifest, alias=alias)
    verify_archive(archive_path, manifest)

    vendor = _vendor(alias)
    location = files_location() if manifest.get("files_included") else None
    if vendor == "sqlite":
        work_parent = Path(str(_database(alias)["NAME"])).parent
        work_parent.mkdir(parents=True, exist_ok=True)
    else:
        work_parent = None
    staged_files = None
    if location is not None:
        location.parent.mkdir(parents=True, exist_ok=True)
        # A sibling of the location, so the final swap is a rename on one file system.
        staged_files = Path(
            tempfile.mkdtemp(prefix=f".{location.name}.restore-", dir=location.parent)
        )
    try:
        with tempfile.TemporaryDirectory(prefix=".mhr-restore-", dir=work_parent) as work:
            db_copy = Path(work) / "database"
            file_count = _extract(
                archive_path,
                database_to=db_copy,
                files_to=staged_files,
                db_member=manifest["database_member"],
                checksums=manifest["sha256"],
            )
            # Django's own connections would hold the database open during the restore.
            connections.close_all()
            if vendor == "postgresql":
                _restore_postgresql(db_copy, alias)
            else:
                _restore_sqlite(db_copy, alias)
            connections.close_all()
        if staged_files is not None and location is not None:
            try:
                _swap_directory(staged_files, location)
            except OSError as exc:
                kept, staged_files = staged_files, None
                raise BackupError(
                    f"The database was restored, but the files could not be moved into "
                    f"{location}: {exc}. The restored files are in {kept}; move them there "
                    "by hand, or restore again."
                ) from exc
            staged_files = None
    finally:
        if staged_files is not None:
            shutil.rmtree(staged_files, ignore_errors=True)
    if not pending:
        # Written into the restored database, so the restore itself is on the record. With
        # migrations pending the schema is older than the code; the command asks for a migrate.
        _audit(AuditEvent.EventType.BACKUP_RESTORED, Path(path), manifest)
    return RestoreResult(manifest=manifest, file_count=file_count, pending_migrations=pending)
