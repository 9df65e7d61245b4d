"""Schemas shared by every router."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    message: str
    extra: dict[str, Any]


# Error responses every endpoint can give, for the OpenAPI document.
COMMON_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # a body that is not JSON
    401: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
}


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """`{200: Out}` plus the common errors and the listed extra ones, all as ErrorOut."""
    return {**ok, **COMMON_ERRORS, **{status: ErrorOut for status in errors}}
