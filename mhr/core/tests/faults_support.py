"""Real processes for the fault tests: app servers, `mhr` commands and a private PostgreSQL.

Everything runs in temporary directories with its own database, so a fault test never touches
the developer's data, the test database of the suite, or the machine's shared PostgreSQL.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Variables of the outer test run that must not leak into the processes under test.
_SCRUB = ("DATABASE_URL", "MHR_DATA_DIR", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "USE_S3")


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; in CI a fault test that cannot run is a failure."""
    if IN_CI:
        pytest.fail(f"Fault test cannot run in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB and not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="mhr.settings_test",
        MHR_ENV="test",
        DEBUG="false",
        MHR_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def mhr_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mhr", *args]


def run_mhr(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        mhr_command(*args), env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def django_json(env: dict[str, str], code: str, timeout: float = 60):
    """Run `code` in a Django shell of the app under test; it must print one JSON document."""
    done = run_mhr(env, "shell", "--no-imports", "-c", code, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def sql_rows(env: dict[str, str], statement: str) -> list[tuple]:
    """Read the app's database directly: faster than starting Django for each check."""
    url = env.get("DATABASE_URL")
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return [tuple(row) for row in connection.execute(statement).fetchall()]
    path = Path(env["MHR_DATA_DIR"]) / "mhr.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return [tuple(row) for row in connection.execute(statement).fetchall()]


def migrate(env: dict[str, str]) -> None:
    done = run_mhr(env, "migrate", "--noinput", "--skip-checks", "-v", "0", timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    """(status, body); 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return 0, ""


def server_command(port: int) -> tuple[str, list[str]]:
    """gunicorn (as in production: long-lived workers keeping their database connections) when
    it is installed, else Django's threaded development server. MHR_FAULTS_SERVER=runserver
    forces the latter."""
    wanted = os.environ.get("MHR_FAULTS_SERVER", "gunicorn")
    if wanted == "gunicorn" and importlib.util.find_spec("gunicorn") is not None:
        return "gunicorn", [
            sys.executable, "-m", "gunicorn", "mhr.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30",
            "--graceful-timeout", "3",
        ]  # fmt: skip
    return "runserver", mhr_command("runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}")


class AppServer:
    """The app on a free loopback port, in its own process."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115
        self.kind, command = server_command(self.port)
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"The app server exited:\n{self.log()}")
            if http_get(self.url + "/healthz", timeout=2)[0]:
                return
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"The app server did not answer within 30 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def app_server(env: dict[str, str], log_dir: Path) -> Iterator[AppServer]:
    server = AppServer(env, log_dir)
    try:
        yield server
    finally:
        server.stop()


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port: trust auth, no fsync, loopback only.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
    """

    def __init__(self) -> None:
        bin_dir = _pg_bin()
        if bin_dir is None:
            skip_or_fail("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = bin_dir
        self.owner: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                skip_or_fail("running as root and there is no `postgres` user to own a cluster")
            self.owner = "postgres"
        # Not under pytest's tmp_path: its parents are private to root and postgres must enter.
        self.root = Path(tempfile.mkdtemp(prefix="mhr-faults-pg-"))
        self.root.chmod(0o755)
        if self.owner:
            shutil.chown(self.root, user=self.owner)
        self.data = self.root / "data"
        self.port = free_port()
        done = self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                         "-E", "UTF8", "--no-sync")  # fmt: skip
        if done.returncode != 0:
            shutil.rmtree(self.root, ignore_errors=True)
            skip_or_fail(f"initdb failed: {done.stderr[-500:]}")
        self.start()

    def _run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)

    def _ctl(self, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w",
            *args,
        )  # fmt: skip
        assert done.returncode == 0, f"pg_ctl {args}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(AssertionError, subprocess.SubprocessError):
            self._ctl("-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
