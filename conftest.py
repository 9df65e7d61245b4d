"""The fixed cast every test uses.

Alice (coordinator) and Bob (member) work for agency A; Carol (coordinator) works for agency B
and must never see A's data; Sam is association staff (administrator: editor and reviewer too).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from mhr.accounts.models import Agency, Membership, User

# Property tests check behaviour, not speed: a busy 2-core CI machine must not fail them on time.
hypothesis_settings.register_profile("mhr", deadline=None)
hypothesis_settings.load_profile("mhr")

PASSWORD = "correct horse battery staple"

# The `chromium` fixture shared by the browser tests in mhr/core and mhr/api.
pytest_plugins = ["mhr.core.tests.browser_fixtures"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        # As in production: the guard around the file system, so every test's upload goes
        # through it.
        "default": {
            "BACKEND": "mhr.core.uploads.GuardedStorage",
            "OPTIONS": {
                "wrapped": "django.core.files.storage.FileSystemStorage",
                "location": str(tmp_path / "private"),
                "base_url": None,
            },
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests roll back the database but not the cache; SQLite even reuses the rolled-back ids, so
    a cached compliance result or throttle count must not outlive its test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fresh_throttle_counts():
    """API throttles count in the cache: clear it so each API test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agency_a(db) -> Agency:
    return Agency.objects.create(
        name="Springfield Police Department",
        ori="WA0170000",
        state="WA",
        county="KING",
        agency_type=Agency.AgencyType.CITY,
        sworn_headcount=120,
    )


@pytest.fixture
def agency_b(db) -> Agency:
    return Agency.objects.create(
        name="Shelbyville County Sheriff's Office",
        ori="OR0260000",
        state="OR",
        county="MULTNOMAH",
        agency_type=Agency.AgencyType.COUNTY,
        sworn_headcount=80,
    )


def _user(email: str, **fields) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, **fields)


@pytest.fixture
def alice(agency_a) -> User:
    user = _user("alice@springfield.example", full_name="Alice Archer")
    Membership.objects.create(user=user, agency=agency_a, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def bob(agency_a) -> User:
    user = _user("bob@springfield.example", full_name="Bob Baker")
    Membership.objects.create(user=user, agency=agency_a, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def carol(agency_b) -> User:
    user = _user("carol@shelbyville.example", full_name="Carol Cruz")
    Membership.objects.create(user=user, agency=agency_b, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def sam(db) -> User:
    return _user(
        "sam@association.example",
        full_name="Sam Staff",
        staff_role=User.StaffRole.ADMINISTRATOR,
        is_staff=True,
    )


@pytest.fixture
def editor(db) -> User:
    return _user(
        "erin@association.example", full_name="Erin Editor", staff_role=User.StaffRole.EDITOR
    )


@pytest.fixture
def reviewer(db) -> User:
    return _user(
        "rui@association.example", full_name="Rui Reviewer", staff_role=User.StaffRole.REVIEWER
    )


def _stamp_session(client, user) -> None:
    """Stamp the session as the sign-in view does, so the first request is not a session write."""
    import time

    session = client.session
    now = time.time()
    session.update(
        {
            "mhr_epoch": user.session_epoch,
            "mhr_auth_at": now,
            "mhr_seen_at": now,
            "mhr_mfa_ok": True,
        }
    )
    session.save()


@pytest.fixture
def client_for(client):
    """`client_for(user)` signs the test client in as that user (None stays anonymous)."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
            _stamp_session(client, user)
        return client

    return sign_in


@pytest.fixture
def one_mind(db):
    """The One Mind Campaign as its data migration seeds it.

    Transactional tests (the browser ones) flush migration data, so tests that need the campaign
    re-run the idempotent seed instead of trusting it is still there.
    """
    import importlib

    from django.apps import apps

    from mhr.campaigns.models import Campaign

    seed = importlib.import_module("mhr.campaigns.migrations.0002_one_mind_campaign").seed
    seed(apps, None)
    return Campaign.objects.get(slug="one-mind")


@pytest.fixture
def client_factory(db):
    """Separate browsers for one user, e.g. a laptop and a phone."""
    from django.test import Client

    return Client
