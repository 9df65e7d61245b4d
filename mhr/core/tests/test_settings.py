import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mhr.core.env import database_from_url, env_bool, env_choice, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def run_mhr(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "MHR_ENV"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "mhr", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "value,expected", [("true", True), ("FALSE", False), ("1", True), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("X_FLAG", value)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe'"):
        env_bool("X_FLAG", False)


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("X_NUM", 1, minimum=1)


def test_env_str_reads_secrets_from_files(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    assert env_str("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("X_SECRET")


def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example, b.example ,")
    assert env_list("X_LIST") == ["a.example", "b.example"]
    monkeypatch.setenv("X_CHOICE", "staging")
    with pytest.raises(ImproperlyConfigured, match="development, production"):
        env_choice("X_CHOICE", "development", ("development", "production"))


def test_database_urls_are_parsed(tmp_path):
    pg = database_from_url(
        "postgres://u:p%40ss@db.internal:6543/mhr?sslmode=require", base_dir=tmp_path
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "mhr",
        "u",
        "p@ss",
        "db.internal",
        "6543",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    relative = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert relative["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    absolute = database_from_url("sqlite:////srv/mhr.sqlite3", base_dir=tmp_path)
    assert absolute["NAME"] == "/srv/mhr.sqlite3"
    assert "journal_mode=WAL" in absolute["OPTIONS"]["init_command"]
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url("mysql://x/y", base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        database_from_url("postgres://host/", base_dir=tmp_path)


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # In-memory test databases cannot use WAL; a file database must.
    assert mode in {"wal", "memory"}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_mhr(
        "check", MHR_ENV="production", ALLOWED_HOSTS="mhr.example.org", MHR_DATA_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_mhr(
        "check",
        MHR_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        MHR_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required in production" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    # A production deployment has the breached-password list (mhr.accounts.W001 otherwise).
    pwned = tmp_path / "pwned.txt"
    pwned.write_text("000000005AD76BD555C1D6D771DE417A4B87E4B4:4\r\n")
    result = run_mhr(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MHR_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="mhr.example.org",
        MHR_DATA_DIR=str(tmp_path),
        MHR_BREACHED_PASSWORDS_FILE=str(pwned),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_warns_without_a_breached_password_list(tmp_path):
    result = run_mhr(
        "check",
        MHR_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="mhr.example.org",
        MHR_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mhr.accounts.W001" in result.stdout + result.stderr


def test_a_typo_in_a_setting_stops_start_up(tmp_path):
    result = run_mhr("check", DEBUG="ture", MHR_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG='ture'" in result.stderr


def test_env_example_lists_every_setting_read_from_the_environment():
    import re

    settings_source = (ROOT / "mhr" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z_]+)"', settings_source))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert names, "no settings found"
    assert names <= documented, f"missing from .env.example: {sorted(names - documented)}"


def test_object_storage_needs_a_bucket(tmp_path):
    result = run_mhr("check", USE_S3="true", MHR_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "USE_S3=true needs S3_BUCKET_NAME" in result.stderr


def test_a_redis_url_gives_a_shared_cache_that_works(tmp_path):
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip("No Redis on 127.0.0.1:6379 (CI always has one).")
    script = (
        "from django.core.cache import caches; cache = caches['default']; "
        "cache.set('mhr-settings-test', 42, 30); "
        "print(type(cache).__name__, cache.get('mhr-settings-test'))"
    )
    result = run_mhr(
        "shell", "-c", script, REDIS_URL="redis://127.0.0.1:6379/15", MHR_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["RedisCache", "42"]
