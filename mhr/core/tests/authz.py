"""Building blocks of the authorization matrix (test_authorization_matrix.py).

Each feature lists its own routes in a module named `authz_<feature>.py` in its app's `tests`
package: a `ROUTES` tuple of `Route`s and, when its routes need objects of their own, an
`extend_world(world)` function that adds them to the shared world. The matrix finds these modules
itself, so a new feature never edits another feature's list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "bob", "alice", "carol", "editor", "reviewer", "sam")
SIGN_IN = 302  # login_required sends anonymous visitors to the sign-in page
STAFF = ("editor", "reviewer", "sam")


def everyone(status: int | set[int]) -> dict[str, Any]:
    return dict.fromkeys(ROLES, status)


def roles(default: Any, **overrides: Any) -> dict[str, Any]:
    expected = dict.fromkeys(ROLES, default)
    expected.update(overrides)
    return expected


@dataclass(frozen=True)
class Route:
    name: str  # URL name ("namespace:name") or "METHOD /api/v1/path" for API operations
    path: Callable[[dict[str, Any]], str]
    expected: dict[str, Any]
    method: str = "get"
    data: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda world: {})
    api: bool = False


def agency_member_routes() -> dict[str, Any]:
    return roles(200, anonymous=SIGN_IN, editor=404, reviewer=404, sam=404)
