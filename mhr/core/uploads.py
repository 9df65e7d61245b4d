"""Uploads that fail cleanly when the disk is full.

The default storage is configured as `GuardedStorage`, which wraps the configured backend
(FileSystemStorage, or django-storages' S3Storage) in a subclass of it. When writing a file
fails because the disk or the quota is full (ENOSPC, EDQUOT), the guard removes the partial file
it was writing and raises `StorageFull`, a ValidationError with a plain message:

- every service saves its file before (or inside the transaction of) its database writes, so
  the exception rolls the rows back and no record points at a missing or partial file;
- the views already turn a service's ValidationError into a form error (400);
- anything that does not (the admin, a view without a form) meets `StorageFullMiddleware`, which
  answers 507 with the same message, and the API answers 507 in its one error shape.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

FULL_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
DEFAULT_BACKEND = "django.core.files.storage.FileSystemStorage"
STORAGE_FULL_MESSAGE = (
    "The file could not be stored: the server has no room for it right now. Nothing was saved. "
    "Try again later, and tell the site administrator if it happens again."
)


class StorageFull(ValidationError):
    """Storing an upload failed because the disk (or the quota) is full; nothing was kept."""

    def __init__(self, message: str = STORAGE_FULL_MESSAGE) -> None:
        super().__init__(message, code="storage_full")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in FULL_DISK_ERRNOS


class FullDiskGuard:
    """Mixin for a Storage class: a full disk while saving raises StorageFull, leaving no file.

    FileSystemStorage creates each file with O_EXCL under a name that was free, and picks another
    name (through get_available_name) when it loses a race; the name it was writing when the disk
    filled is therefore the guard's own file and safe to delete.
    """

    _attempts = threading.local()

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        name = super().get_available_name(name, max_length=max_length)  # type: ignore[misc]
        tried = getattr(self._attempts, "names", None)
        if tried is not None:
            tried.append(name)
        return name

    def _save(self, name: str, content: Any) -> str:
        tried = [name]
        self._attempts.names = tried
        try:
            return super()._save(name, content)  # type: ignore[misc]
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            partial = tried[-1]
            logger.error("Storage full while saving %s (%s); the upload was refused", partial, exc)
            with contextlib.suppress(Exception):
                self.delete(partial)  # type: ignore[attr-defined]
            raise StorageFull() from exc
        finally:
            self._attempts.names = None


@functools.cache
def guarded_class(backend: type[Storage]) -> type[Storage]:
    """`backend` with the full-disk guard (one class per backend, so pickling and isinstance
    checks keep working: the result is a subclass of the configured backend)."""
    if issubclass(backend, FullDiskGuard):
        return backend
    return type(f"Guarded{backend.__name__}", (FullDiskGuard, backend), {"__module__": __name__})


class GuardedStorage:
    """STORAGES backend: `OPTIONS["wrapped"]` names the real backend, the other options are its own.

    Instantiating it returns an instance of the wrapped backend's guarded subclass, so S3 (or any
    other backend) keeps its behaviour and its settings; only a full disk is handled here.
    """

    def __new__(cls, wrapped: str = DEFAULT_BACKEND, **options: Any) -> Any:
        return guarded_class(import_string(wrapped))(**options)


# Responses for whatever did not turn StorageFull into a form error itself.


def storage_full_response(request: HttpRequest, exc: StorageFull) -> HttpResponse:
    message = " ".join(exc.messages)
    error_id = uuid.uuid4().hex[:12]
    logger.error("Upload refused, storage full (error %s) on %s", error_id, request.path)
    if request.path.startswith("/api/"):
        from mhr.api.errors import error_json  # the API's one error shape (it imports us)

        return error_json(507, message, code="storage_full", error_id=error_id)
    context = {
        "status": 507,
        "title": "The file could not be stored",
        "message": message,
        "error_id": error_id,
    }
    return HttpResponse(render_to_string("core/error.html", context, request=request), status=507)


class StorageFullMiddleware:
    """507 with a plain message, instead of a 500, for an upload refused because the disk is full.

    The view's transaction (ATOMIC_REQUESTS or the service's own) has rolled back by the time the
    exception reaches this middleware, and the guard removed the partial file.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StorageFull):
            return storage_full_response(request, exception)
        if is_disk_full(exception):
            # Django spooling a large upload to its temporary directory ran out of room.
            return storage_full_response(request, StorageFull())
        return None
