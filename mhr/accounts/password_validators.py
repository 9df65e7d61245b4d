"""Refuse passwords that appear in a breached-password list, checked locally.

The list is Have I Been Pwned's "Pwned Passwords" in SHA-1 form, as its downloader writes it: one
`HASH:COUNT` line per password, uppercase hex, sorted by hash (about 40 GB for the full set; any
sorted subset in the same format works). The file is memory-mapped and searched by bisection over
byte offsets, so a check reads a few pages and no password (nor its hash) ever leaves the server.

`MHR_BREACHED_PASSWORDS_FILE` (setting BREACHED_PASSWORDS_FILE) names the file. Without it the
check is skipped and, in production, `mhr check` warns; a file that is configured but cannot be
used is an error there.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import re
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

HASH_LENGTH = 40
_LINE = re.compile(rb"^[0-9A-Fa-f]{40}:\d+\s*$")


class BreachedPasswordList:
    """A sorted HIBP SHA-1 file, memory-mapped; `count(password)` is how often it was breached."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        with self.path.open("rb") as handle:
            self.size = os.fstat(handle.fileno()).st_size
            # An empty file cannot be mapped; it lists nothing.
            self._map = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if self.size else None
            )

    def close(self) -> None:
        if self._map is not None:
            self._map.close()

    def first_line(self) -> bytes:
        if self._map is None:
            return b""
        end = self._map.find(b"\n")
        return self._map[: end if end != -1 else self.size]

    def count(self, password: str) -> int:
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        return self.count_digest(digest.encode())

    def count_digest(self, digest: bytes) -> int:
        data = self._map
        if data is None:
            return 0
        low, high = 0, self.size  # both always at the start of a line (or the end)
        while low < high:
            middle = (low + high) // 2
            start = data.rfind(b"\n", low, middle) + 1 or low
            end = data.find(b"\n", start, high)
            if end == -1:
                end = high
            key, _, count = data[start:end].strip().partition(b":")
            key = key.upper()
            if key == digest:
                return int(count or b"1")
            if key < digest:
                low = end + 1
            else:
                high = start
        return 0


_lock = threading.Lock()
_cache: dict[tuple[str, int, float], BreachedPasswordList] = {}


def breached_list(path: str | os.PathLike[str]) -> BreachedPasswordList:
    """The opened list, shared by the process; reopened when the file is replaced."""
    stat = os.stat(path)
    key = (str(path), stat.st_size, stat.st_mtime)
    with _lock:
        found = _cache.get(key)
        if found is None:
            # Old maps are not closed here: another thread may be searching one; they close
            # when the last reference goes.
            _cache.clear()
            found = _cache[key] = BreachedPasswordList(path)
        return found


class BreachedPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry: refuse a password found in the breached list."""

    def __init__(self, path: str | None = None) -> None:
        self._path = path

    @property
    def path(self) -> str:
        return self._path or getattr(settings, "BREACHED_PASSWORDS_FILE", "") or ""

    def validate(self, password: str, user: Any = None) -> None:
        if not self.path:
            return
        try:
            seen = breached_list(self.path).count(password)
        except OSError:
            # Never lock people out of choosing a password because the list is unreadable;
            # `mhr check` reports the broken setting.
            logger.error("Breached-password list %s cannot be read; check skipped", self.path)
            return
        if seen:
            raise ValidationError(
                "This password has appeared in a data breach, so attackers try it first. "
                "Choose a different one.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        if not self.path:
            return ""
        return "Your password can't be one that has appeared in a known data breach."


@checks.register(checks.Tags.security)
def check_breached_passwords_file(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    path = getattr(settings, "BREACHED_PASSWORDS_FILE", "")
    if not path:
        if getattr(settings, "PRODUCTION", False):
            return [
                checks.Warning(
                    "Passwords are not checked against a breached-password list.",
                    hint="Set MHR_BREACHED_PASSWORDS_FILE to Have I Been Pwned's SHA-1 file "
                    "(docs/deploy.md says how to download it).",
                    id="mhr.accounts.W001",
                )
            ]
        return []
    try:
        listing = breached_list(path)
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
    else:
        first = listing.first_line()
        if first and _LINE.match(first):
            return []
        problem = "is empty" if not first else "is not in HASH:COUNT form (SHA-1, not NTLM)"
    return [
        checks.Error(
            f"MHR_BREACHED_PASSWORDS_FILE {path} {problem}.",
            hint="Download the SHA-1 list with Have I Been Pwned's downloader; see docs/deploy.md.",
            id="mhr.accounts.E001",
        )
    ]
