"""The breached-password check: a local, sorted Have I Been Pwned SHA-1 file, bisected."""

from __future__ import annotations

import hashlib
import os
import random
import socket
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from mhr.accounts.password_validators import (
    BreachedPasswordList,
    BreachedPasswordValidator,
    check_breached_passwords_file,
)

BREACHED = ["Summer2024!Summer", "correct horse battery", "P@ssw0rd12345"]


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest().upper()


def write_list(path: Path, digests: dict[str, int], newline: str = "\r\n") -> Path:
    """The downloader's format: uppercase SHA-1, a colon, the count; sorted; CRLF lines."""
    path.write_text(
        "".join(f"{d}:{n}{newline}" for d, n in sorted(digests.items())), encoding="ascii"
    )
    return path


@pytest.fixture
def pwned(tmp_path, settings) -> Path:
    rng = random.Random(7)
    digests = {f"{rng.getrandbits(160):040X}": rng.randint(1, 9999) for _ in range(3000)}
    digests.update({sha1(p): 42 for p in BREACHED})
    path = write_list(tmp_path / "pwned-passwords-sha1-ordered-by-hash.txt", digests)
    settings.BREACHED_PASSWORDS_FILE = str(path)
    return path


def test_it_refuses_a_breached_password_and_accepts_others(pwned, alice):
    for password in BREACHED:
        with pytest.raises(ValidationError) as caught:
            validate_password(password, user=alice)
        assert "password_breached" in [e.code for e in caught.value.error_list]
        assert "appeared in a data breach" in " ".join(caught.value.messages)
    validate_password("an unlisted passphrase of some length", user=alice)


def test_the_help_text_mentions_the_check_only_when_it_runs(pwned, settings):
    assert any("data breach" in text for text in password_validators_help_texts())
    settings.BREACHED_PASSWORDS_FILE = ""
    assert not any("data breach" in text for text in password_validators_help_texts())


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_bisection_finds_every_entry_and_nothing_else(tmp_path, newline):
    rng = random.Random(11)
    digests = {f"{rng.getrandbits(160):040X}": i + 1 for i in range(2000)}
    listing = BreachedPasswordList(write_list(tmp_path / "list.txt", digests, newline))
    for digest, count in digests.items():  # includes the first and the last line
        assert listing.count_digest(digest.encode()) == count
    for _ in range(500):
        absent = f"{rng.getrandbits(160):040X}"
        assert listing.count_digest(absent.encode()) == (digests.get(absent) or 0)
    assert listing.count_digest(b"0" * 40) == 0
    assert listing.count_digest(b"F" * 40) == 0


def test_tiny_and_empty_lists(tmp_path):
    one = BreachedPasswordList(write_list(tmp_path / "one.txt", {sha1("only one"): 3}))
    assert one.count("only one") == 3
    assert one.count("another") == 0
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert BreachedPasswordList(empty).count("only one") == 0


def test_a_replaced_file_is_read_again(pwned):
    validator = BreachedPasswordValidator()
    validator.validate("not listed yet, but soon")
    write_list(pwned, {sha1("not listed yet, but soon"): 1})
    os.utime(pwned, (1, 1))  # a different mtime even within the clock's resolution
    with pytest.raises(ValidationError):
        validator.validate("not listed yet, but soon")


def test_no_password_leaves_the_machine(pwned, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the breached-password check opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(ValidationError):
        BreachedPasswordValidator().validate(BREACHED[0])


def test_without_a_file_the_check_is_skipped(settings):
    settings.BREACHED_PASSWORDS_FILE = ""
    BreachedPasswordValidator().validate(BREACHED[0])


def test_an_unreadable_file_skips_the_check_rather_than_blocking_everyone(settings, tmp_path):
    settings.BREACHED_PASSWORDS_FILE = str(tmp_path / "missing.txt")
    BreachedPasswordValidator().validate(BREACHED[0])


def test_system_check_warns_in_production_without_a_file(settings):
    settings.BREACHED_PASSWORDS_FILE = ""
    settings.PRODUCTION = False
    assert check_breached_passwords_file() == []
    settings.PRODUCTION = True
    (warning,) = check_breached_passwords_file()
    assert warning.id == "mhr.accounts.W001"
    assert "MHR_BREACHED_PASSWORDS_FILE" in warning.hint


def test_system_check_accepts_a_good_file(pwned):
    assert check_breached_passwords_file() == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot be read"),
        (b"", "is empty"),
        (b"8846F7EAEE8FB117AD06BDD830B7586C:12\r\n", "not in HASH:COUNT form"),  # NTLM
        (b"<html>rate limited</html>\n", "not in HASH:COUNT form"),
    ],
)
def test_system_check_refuses_a_broken_file(settings, tmp_path, content, problem):
    path = tmp_path / "list.txt"
    if content is not None:
        path.write_bytes(content)
    settings.BREACHED_PASSWORDS_FILE = str(path)
    (error,) = check_breached_passwords_file()
    assert error.id == "mhr.accounts.E001"
    assert problem in error.msg
