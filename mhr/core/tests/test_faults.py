"""Faults against real processes: a killed import, a database restart, a full disk.

Each test runs the app as a separate process (gunicorn when installed, else `runserver`) or the
`mhr` command, with its own database and data directory, breaks something for real (SIGKILL, a
PostgreSQL restart, a 256 KiB file system) and checks what is left behind. PostgreSQL faults use
a private cluster started for this module, never the machine's shared server.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from mhr.core.tests.faults_support import (
    REPO,
    PrivatePostgres,
    app_env,
    app_server,
    django_json,
    http_get,
    mhr_command,
    migrate,
    run_mhr,
    skip_or_fail,
    sql_rows,
)

pytestmark = pytest.mark.faults

ORI = "WA0990000"
# SQLite only spills uncommitted pages to its log (which the test watches) past its 2 MB cache.
ROSTER_ROWS = {"sqlite": 30_000, "postgresql": 12_000}


SEED = f"""
import json, time
from django.conf import settings
from django.test import Client
from mhr.accounts.models import Agency, Membership, User
from mhr.clearinghouse.models import Resource
Agency.objects.create(name="Fault Test Police", ori="{ORI}", state="WA", county="KING",
                      agency_type=Agency.AgencyType.CITY, sworn_headcount=10)
editor = User.objects.create_user(email="erin@association.example", password="x" * 16,
                                  full_name="Erin Editor", staff_role=User.StaffRole.EDITOR)
resource = Resource.objects.create(title="Crisis guide", slug="crisis-guide",
                                   resource_type=Resource.Type.TOOLKIT, summary="A guide.")
client = Client()
client.force_login(editor)
# Stamped as the sign-in view does after the one-time code, so no MFA step is needed.
session = client.session
now = time.time()
session.update({{"mhr_epoch": editor.session_epoch, "mhr_auth_at": now, "mhr_seen_at": now,
                "mhr_mfa_ok": True}})
session.save()
coordinator = User.objects.create_user(email="cora@faults.example", password="x" * 16,
                                       full_name="Cora Coordinator")
Membership.objects.create(user=coordinator, agency=Agency.objects.get(ori="{ORI}"),
                          role=Membership.Role.COORDINATOR)
agency_client = Client()
agency_client.force_login(coordinator)
agency_session = agency_client.session
agency_session.update({{"mhr_epoch": coordinator.session_epoch, "mhr_auth_at": now,
                       "mhr_seen_at": now, "mhr_mfa_ok": True}})
agency_session.save()
print(json.dumps({{"resource": resource.pk, "cookie": settings.SESSION_COOKIE_NAME,
                  "session": session.session_key, "csrf_cookie": settings.CSRF_COOKIE_NAME,
                  "agency_session": agency_session.session_key}}))
"""


# Databases: migrated once per module, copied (SQLite) or cloned (PostgreSQL) for each test.


def _migrate_and_seed(env: dict[str, str]) -> dict:
    """Migrate, then create what the tests need (fewer Django start-ups than per test)."""
    migrate(env)
    return django_json(env, SEED)


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory) -> tuple[Path, dict]:
    data_dir = tmp_path_factory.mktemp("sqlite-template")
    seeded = _migrate_and_seed(app_env(data_dir))
    return data_dir / "mhr.sqlite3", seeded


@pytest.fixture
def seeded(sqlite_template) -> dict:
    return sqlite_template[1]


@pytest.fixture
def sqlite_data_dir(sqlite_template, tmp_path) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    template = sqlite_template[0]
    for suffix in ("", "-wal"):  # the log too, in case the seeding process left one
        if Path(f"{template}{suffix}").exists():
            shutil.copy(f"{template}{suffix}", data_dir / f"mhr.sqlite3{suffix}")
    return data_dir


@pytest.fixture(scope="module")
def private_pg(tmp_path_factory):
    cluster = PrivatePostgres()
    try:
        cluster.create_database("mhr_template")
        env = app_env(tmp_path_factory.mktemp("pg-template"), cluster.url("mhr_template"))
        _migrate_and_seed(env)
        yield cluster
    finally:
        cluster.destroy()


def _pg_database(cluster: PrivatePostgres) -> str:
    return cluster.create_database(f"mhr_{uuid.uuid4().hex[:10]}", template="mhr_template")


# a) SIGKILL in the middle of a large roster import.


def _write_roster(path: Path, rows: int) -> list[tuple]:
    """A roster export; returns what each officer must look like once imported."""
    expected = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Emp ID", "First Name", "Last Name", "Sworn/Civilian", "Hire Date",
                         "Employment Status"])  # fmt: skip
        for i in range(rows):
            sworn = i % 4 != 0
            hired = datetime.date(2005, 1, 1) + datetime.timedelta(days=i % 6000)
            row = (f"F{i:06d}", f"Avery{i}", f"Quinn{i % 997}", sworn, hired.isoformat(), "active")
            expected.append(row)
            writer.writerow([row[0], row[1], row[2], "Sworn" if sworn else "Civilian",
                             row[4], "Active"])  # fmt: skip
    return sorted(expected)


def _import_state(env: dict[str, str]) -> dict:
    officers = sql_rows(
        env,
        "SELECT o.employee_id, o.first_name, o.last_name, o.is_sworn, o.hire_date, o.status "
        "FROM campaigns_officer o JOIN accounts_agency a ON a.id = o.agency_id "
        f"WHERE a.ori = '{ORI}' ORDER BY o.employee_id",
    )
    batches = sql_rows(env, "SELECT status, counts FROM campaigns_importbatch ORDER BY id")
    return {
        "officers": [(e, f, last, bool(s), str(h), st) for e, f, last, s, h, st in officers],
        "batches": [(st, c if isinstance(c, dict) else json.loads(c)) for st, c in batches],
        "mappings": sql_rows(env, "SELECT count(*) FROM campaigns_columnmapping")[0][0],
    }


class _SqliteWatch:
    """Sees the import writing in SQLite: status running at the last progress step, the
    write-ahead log growing as the page cache spills officers into it, and the write lock still
    held (so the transaction has not committed)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "mhr.sqlite3"
        self.wal = data_dir / "mhr.sqlite3-wal"
        self.reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=0.05)
        self.prober = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        self.wal_at_start: int | None = None

    def _write_lock_held(self) -> bool:
        try:
            self.prober.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        self.prober.execute("ROLLBACK")
        return False

    def writing(self) -> bool:
        try:
            row = self.reader.execute(
                "SELECT status, progress_percent FROM campaigns_importbatch "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError:
            return False
        if self.wal_at_start is None:
            if row == ("running", 80):
                self.wal_at_start = self.wal.stat().st_size
            return False
        grown = self.wal.stat().st_size > self.wal_at_start + 256 * 1024
        return grown and self._write_lock_held()

    def close(self) -> None:
        self.reader.close()
        self.prober.close()


class _PostgresWatch:
    """Sees the import's write transaction in PostgreSQL: a backend with a transaction id whose
    last statement inserted officers."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.name = url.rsplit("/", 1)[1]
        self.connection = psycopg.connect(url, autocommit=True)

    def writing(self) -> bool:
        return bool(
            self.connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND backend_xid IS NOT NULL AND query ILIKE %s",
                (self.name, 'INSERT INTO "campaigns_officer"%'),
            ).fetchone()[0]
        )

    def backends_in_transaction(self) -> int:
        return self.connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL",
            (self.name,),
        ).fetchone()[0]

    def close(self) -> None:
        self.connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def import_target(request, tmp_path):
    """(env, watcher, rows) for a fresh database of each engine."""
    if request.param == "sqlite":
        data_dir = request.getfixturevalue("sqlite_data_dir")
        env = app_env(data_dir)
        watch_factory = lambda: _SqliteWatch(data_dir)  # noqa: E731
    else:
        cluster = request.getfixturevalue("private_pg")
        url = _pg_database(cluster)
        env = app_env(tmp_path, url)
        watch_factory = lambda: _PostgresWatch(url)  # noqa: E731
    return env, watch_factory, ROSTER_ROWS[request.param]


def test_a_killed_import_leaves_nothing_partial_and_can_be_run_again(import_target, tmp_path):
    env, watch_factory, rows = import_target
    roster = tmp_path / "roster.csv"
    expected = _write_roster(roster, rows)
    command = mhr_command("import", "roster", str(roster), "--agency", ORI, "--commit")

    output = tmp_path / "import.log"
    with output.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log)
    watch = watch_factory()
    try:
        deadline = time.monotonic() + 120
        while not watch.writing():
            assert process.poll() is None, (
                "The import finished before it could be killed mid-write; make the file bigger.\n"
                + output.read_text(errors="replace")[-2000:]
            )
            assert time.monotonic() < deadline, "The import never started writing."
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        if isinstance(watch, _PostgresWatch):
            # The server rolls the dead client's transaction back when it sees the socket close.
            for _ in range(100):
                if not watch.backends_in_transaction():
                    break
                time.sleep(0.05)
            assert not watch.backends_in_transaction()
    finally:
        watch.close()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    after_kill = _import_state(env)
    assert after_kill["officers"] == [], "officers from the killed import were left behind"
    assert after_kill["mappings"] == 0, "the killed import saved its column mapping"
    statuses = [status for status, _counts in after_kill["batches"]]
    assert statuses == ["running"], statuses

    # The sweep (`mhr scheduler` runs it every minute) tells the agency what happened.
    swept = run_mhr(env, "fail_stale_imports", "--after-minutes", "0")
    assert swept.returncode == 0, swept.stdout[-2000:] + swept.stderr[-2000:]
    assert "Stale imports marked failed: 1" in swept.stdout
    (reason,) = sql_rows(env, "SELECT status, errors FROM campaigns_importbatch")
    errors = reason[1] if isinstance(reason[1], list) else json.loads(reason[1])
    assert reason[0] == "failed"
    assert errors[0]["message"].startswith("The import stopped before finishing; nothing was saved")

    again = run_mhr(env, "import", "roster", str(roster), "--agency", ORI, "--commit")
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert f"New:       {rows:>8,}" in again.stdout

    after_rerun = _import_state(env)
    assert after_rerun["officers"] == expected
    assert after_rerun["mappings"] == 1
    committed = [counts for status, counts in after_rerun["batches"] if status == "committed"]
    assert len(committed) == 1
    assert committed[0]["new"] == rows


# b) PostgreSQL restarted while requests flow.


# Words that would mean an error page showed the exception instead of a plain message.
INTERNALS = ("Traceback", "OperationalError", "psycopg", "connection refused")


class _Traffic(threading.Thread):
    """Requests in a loop: (started, finished, path, status) for each."""

    PATHS = ("/healthz", "/", "/api/v1/resources")

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.results: list[tuple[float, float, str, int]] = []
        self.leaks: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            for path in self.PATHS:
                started = time.monotonic()
                status, body = http_get(self.base_url + path, timeout=5)
                self.results.append((started, time.monotonic(), path, status))
                if any(word in body for word in INTERNALS):
                    self.leaks.append(body[:2000])
            time.sleep(0.02)

    def statuses(self, path: str, since: float, until: float = float("inf")) -> list[int]:
        return [s for start, _end, p, s in self.results if p == path and since <= start < until]


def test_b_the_service_recovers_from_a_database_restart_without_being_restarted(
    private_pg, tmp_path
):
    url = _pg_database(private_pg)
    env = app_env(tmp_path, url)
    with app_server(env, tmp_path) as server:
        traffic = _Traffic(server.url)
        traffic.start()
        try:
            time.sleep(1.0)
            stopped_at = time.monotonic()
            private_pg.stop()  # -m fast: sessions are cut off, as in a real restart
            down_at = time.monotonic()
            time.sleep(1.5)  # an outage long enough for every path to hit it
            starting_at = time.monotonic()
            private_pg.start()  # returns once PostgreSQL accepts connections
            back_at = time.monotonic()
            recovered_at = None
            deadline = back_at + 15
            while time.monotonic() < deadline:
                time.sleep(0.2)
                recent = [
                    s for start, _e, _p, s in traffic.results if start >= time.monotonic() - 1
                ]
                if recent and all(s == 200 for s in recent):
                    recovered_at = time.monotonic()
                    break
            time.sleep(1.0)  # keep going a while after recovery
        finally:
            traffic.halt.set()
            traffic.join(timeout=10)
        server_pid_alive = server.process.poll() is None
        log = server.log()

    assert server_pid_alive, "the app server died with the database"
    before = [s for _start, end, _p, s in traffic.results if end < stopped_at]
    assert before and set(before) == {200}, before
    # While the database is down the health check says so with a clean 503, never a 500.
    outage_health = traffic.statuses("/healthz", down_at, starting_at)
    assert outage_health and set(outage_health) == {503}, outage_health
    # Pages answer with the plain error page (no hanging request, nothing internal shown).
    outage = [s for start, _e, _p, s in traffic.results if down_at <= start < starting_at]
    assert set(outage) <= {500, 503}, outage
    assert traffic.leaks == []
    assert recovered_at is not None, f"no recovery within 15 s of the restart:\n{log}"
    assert recovered_at - back_at < 15
    # Once the database was back, no request failed with a server error.
    after = [(p, s) for start, _e, p, s in traffic.results if start >= back_at]
    assert after and not [r for r in after if r[1] >= 500], (after, log)
    assert {p for p, _s in after} == set(_Traffic.PATHS)


# c) A full disk during an upload.

TINY_FS_BYTES = 256 * 1024


def _mount_tiny_fs(target: Path, image: Path) -> str:
    """Mount a 256 KiB file system on `target`: tmpfs, else a loop-mounted ext4 image."""
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        skip_or_fail("mounting a tiny file system needs root")
    tmpfs = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TINY_FS_BYTES},mode=0755", "tmpfs", str(target)],
        capture_output=True,
        text=True,
    )
    if tmpfs.returncode == 0:
        return "tmpfs"
    with image.open("wb") as handle:
        handle.truncate(1024 * 1024)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True, text=True)
    loop = subprocess.run(["mount", "-o", "loop", str(image), str(target)], capture_output=True)
    if made.returncode or loop.returncode:
        skip_or_fail(f"cannot mount a tiny file system: {tmpfs.stderr.strip()}")
    return "ext4"


def _pdf(size: int) -> bytes:
    """A valid one-page PDF padded with an incompressible stream to about `size` bytes."""
    padding = os.urandom(size).hex()[:size].encode()
    content = b"BT /F1 12 Tf 72 720 Td (Crisis response guide) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(padding), padding),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _upload_state(env: dict[str, str]) -> dict:
    def count(statement: str) -> int:
        return sql_rows(env, statement)[0][0]

    return {
        "attachments": [
            row[0] for row in sql_rows(env, "SELECT file FROM clearinghouse_attachment")
        ],
        "revisions": count(
            "SELECT count(*) FROM clearinghouse_resourcerevision WHERE action = 'attachment_added'"
        ),
        "audit": count(
            "SELECT count(*) FROM audit_auditevent WHERE event_type = 'attachment_added'"
        ),
    }


def _upload(server_url: str, seeded: dict, pdf: bytes, name: str):
    import requests

    csrf = uuid.uuid4().hex  # any 32-character token the cookie and the form agree on
    return requests.post(
        f"{server_url}/staff/resources/{seeded['resource']}/attachments/",
        cookies={seeded["cookie"]: seeded["session"], seeded["csrf_cookie"]: csrf},
        data={"csrfmiddlewaretoken": csrf, "title": name},
        files={"file": (name, pdf, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_c_a_full_disk_during_upload_gives_a_clear_error_and_no_orphans(
    sqlite_data_dir, seeded, tmp_path
):
    storage = sqlite_data_dir / "private"
    kind = _mount_tiny_fs(storage, tmp_path / "tiny.img")
    try:
        env = app_env(sqlite_data_dir)
        with app_server(env, tmp_path) as server:
            free = shutil.disk_usage(storage).free
            too_big = _upload(server.url, seeded, _pdf(2 * free + 65536), "big-guide.pdf")
            left_on_disk = _files_under(storage)
            after_failure = _upload_state(env)
            small = _upload(server.url, seeded, _pdf(8 * 1024), "small-guide.pdf")
            after_success = _upload_state(env)
            log = server.log()
    finally:
        subprocess.run(["umount", "-l", str(storage)], check=False)

    assert too_big.status_code == 400, (kind, too_big.status_code, log)
    assert "could not be stored" in too_big.text
    assert "error id" not in too_big.text.lower()  # the form, not the error page
    assert left_on_disk == [], f"partial file left on the full {kind} file system"
    assert after_failure == {"attachments": [], "revisions": 0, "audit": 0}
    # The same path works when the file fits: the failure above was the full disk.
    assert small.status_code == 302, small.text[-2000:]
    assert len(after_success["attachments"]) == 1
    assert after_success["revisions"] == 1


def _roster_upload(server_url: str, seeded: dict, content: bytes):
    import requests

    csrf = uuid.uuid4().hex
    return requests.post(
        f"{server_url}/agency/roster/imports/new/",
        cookies={seeded["cookie"]: seeded["agency_session"], seeded["csrf_cookie"]: csrf},
        data={"csrfmiddlewaretoken": csrf, "kind": "roster", "full_roster": "on"},
        files={"file": ("roster.csv", content, "text/csv")},
        allow_redirects=False,
        timeout=30,
    )


def test_c_a_full_disk_during_an_import_upload_gives_a_form_error_and_no_batch(
    sqlite_data_dir, seeded, tmp_path
):
    """A second upload path (import files go through the same guarded storage as documents)."""
    storage = sqlite_data_dir / "private"
    kind = _mount_tiny_fs(storage, tmp_path / "tiny.img")
    roster = tmp_path / "roster.csv"
    try:
        env = app_env(sqlite_data_dir)
        with app_server(env, tmp_path) as server:
            _write_roster(roster, 200)
            small = roster.read_bytes()
            # Unique rows, so the file does not compress and cannot fit.
            filler = os.urandom(shutil.disk_usage(storage).free).hex().encode()
            too_big = _roster_upload(server.url, seeded, small + b"# " + filler + b"\n")
            left_on_disk = _files_under(storage)
            batches_after_failure = sql_rows(env, "SELECT count(*) FROM campaigns_importbatch")
            fits = _roster_upload(server.url, seeded, small)
            batches_after_success = sql_rows(env, "SELECT count(*) FROM campaigns_importbatch")
            log = server.log()
    finally:
        subprocess.run(["umount", "-l", str(storage)], check=False)

    assert too_big.status_code == 200, (kind, too_big.status_code, log)
    assert "could not be stored" in too_big.text
    assert "error id" not in too_big.text.lower()  # the form, not the error page
    assert left_on_disk == [], f"partial file left on the full {kind} file system"
    assert batches_after_failure == [(0,)]
    assert fits.status_code == 302, fits.text[-2000:]
    assert batches_after_success == [(1,)]


def test_the_padded_pdf_is_one_the_app_accepts():
    from mhr.clearinghouse.files import inspect_upload

    inspected = inspect_upload(io.BytesIO(_pdf(4096)), filename="guide.pdf")
    assert inspected.content_type == "application/pdf"
    assert inspected.page_count == 1
    assert inspected.size_bytes > 4096
