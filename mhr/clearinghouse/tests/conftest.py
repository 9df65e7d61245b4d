"""Fixtures shared by the clearinghouse tests (the cast is in the root conftest.py)."""

from __future__ import annotations

import pytest

from mhr.accounts.models import User


@pytest.fixture
def outsider(db) -> User:
    """Signed in, but with no agency membership and no staff role: not a member."""
    return User.objects.create_user(email="olive@example.com", password="x" * 20)
