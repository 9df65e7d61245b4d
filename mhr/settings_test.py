"""Test overlay: fast hashing, in-memory email, tasks run at once."""

import os

os.environ.setdefault("MHR_ENV", "test")
os.environ.setdefault("MHR_DATA_DIR", "/tmp/mhr-test-data")  # noqa: S108  # nosec B108 # test-only data dir

from mhr.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# WhiteNoise would scan every collected static file each time a test client starts; look files
# up on request instead (the tests serve few).
WHITENOISE_AUTOREFRESH = True
