"""Settings for MHR. Every value comes from the environment; see `.env.example`."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from mhr.core.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent

MHR_ENV = env_choice("MHR_ENV", "development", ("development", "test", "production"))
PRODUCTION = MHR_ENV == "production"

DEBUG = env_bool("DEBUG", MHR_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when MHR_ENV=production.")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production.")
    SECRET_KEY = "insecure-development-key-never-use-in-production-" + "x" * 20  # noqa: S105

# Earlier secret keys, still accepted for signed values (sessions, links) while they age out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# Key for fields encrypted at rest (32 bytes, base64). Unset: derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env_str("MHR_FIELD_ENCRYPTION_KEY")
# Earlier field keys, still accepted for reading until `mhr rotate_encrypted_fields` has run.
FIELD_ENCRYPTION_KEYS_PREVIOUS = env_list("MHR_FIELD_ENCRYPTION_KEYS_PREVIOUS")
# The secret behind the repeat-contact person digests. Unset: SECRET_KEY. Set it to the old
# SECRET_KEY when rotating that key, or earlier and later contacts of a person stop matching.
PERSON_DIGEST_SECRET = env_str("MHR_PERSON_DIGEST_SECRET")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where the database (when SQLite), uploads and task state live.
DATA_DIR = Path(env_str("MHR_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "mhr.core",
    "mhr.audit",
    "mhr.accounts",
    "mhr.clearinghouse",
    "mhr.campaigns",
    "mhr.encounters",
    "mhr.reminders",
    "mhr.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mhr.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mhr.accounts.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mhr.core.middleware.SecurityHeadersMiddleware",
    "mhr.core.uploads.StorageFullMiddleware",
]

ROOT_URLCONF = "mhr.urls"
WSGI_APPLICATION = "mhr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mhr.core.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL, base_dir=BASE_DIR)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(DATA_DIR / "mhr.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Have I Been Pwned's SHA-1 list, searched locally (docs/deploy.md); skipped when unset.
    {"NAME": "mhr.accounts.password_validators.BreachedPasswordValidator"},
]
BREACHED_PASSWORDS_FILE = env_str("MHR_BREACHED_PASSWORDS_FILE", "")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("MHR_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
# USWDS and htmx come from npm; collectstatic copies them from node_modules, never from git.
STATICFILES_DIRS = [
    ("mhr", BASE_DIR / "static" / "mhr"),
    ("uswds", NODE_MODULES / "@uswds" / "uswds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    # Uploads are private: there is no MEDIA_URL, and files are streamed by views that check access.
    # GuardedStorage wraps the backend named in "wrapped": a full disk is a clear error, not a 500.
    "default": {
        "BACKEND": "mhr.core.uploads.GuardedStorage",
        "OPTIONS": {
            "wrapped": "django.core.files.storage.FileSystemStorage",
            "location": str(DATA_DIR / "private"),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Several app servers share uploads through S3-compatible object storage (django-storages);
# the local file system stays the default for a single server.
USE_S3 = env_bool("USE_S3", False)
if USE_S3:
    STORAGES["default"] = {
        "BACKEND": "mhr.core.uploads.GuardedStorage",
        "OPTIONS": {
            "wrapped": "storages.backends.s3.S3Storage",
            "bucket_name": env_str("S3_BUCKET_NAME"),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION_NAME"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("USE_S3=true needs S3_BUCKET_NAME.")

# A shared cache (Redis) keeps rate limits and cached pages consistent across app servers.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 25 * 1024 * 1024, minimum=1)
# Roster and training imports: the largest file and the most rows accepted.
MHR_IMPORT_MAX_BYTES = env_int("MHR_IMPORT_MAX_BYTES", 100 * 1024 * 1024, minimum=1)
MHR_IMPORT_MAX_ROWS = env_int("MHR_IMPORT_MAX_ROWS", 250_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MHR <no-reply@mhr.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_NAME = env_str("SITE_NAME", "Mental Health Response")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if MHR_ENV == "test"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

AUTHENTICATION_BACKENDS = ["mhr.accounts.backends.LockoutModelBackend"]
# Failed sign-ins from one address within 15 minutes before it is refused for a while.
SIGN_IN_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ADDRESS", 20, minimum=5)
# A signed-in session ends after this long without a request, and in any case after the absolute limit.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60, minimum=60)
# Accounts with no sign-in or API use for this many days are disabled by `mhr disable_inactive_users`.
ACCOUNT_INACTIVITY_DAYS = env_int("ACCOUNT_INACTIVITY_DAYS", 90, minimum=1)
# `mhr scheduler` queues the daily jobs (pledge re-evaluation, reminders, inactive accounts)
# once per UTC day at or after this hour.
SCHEDULER_HOUR_UTC = env_int("SCHEDULER_HOUR_UTC", 6, minimum=0)
# A queued or running import with no progress for this long was killed: `mhr scheduler` marks it
# failed (mhr.core.stale_imports). Longer than the slowest import's final write.
IMPORT_STALE_AFTER_MINUTES = env_int("MHR_IMPORT_STALE_AFTER_MINUTES", 120, minimum=5)
if SCHEDULER_HOUR_UTC > 23:
    raise ImproperlyConfigured("SCHEDULER_HOUR_UTC must be an hour from 0 to 23.")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_HOST = env_str("SECURE_SSL_HOST")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A failed audit write is an alert: it goes to the log and, when ADMINS is set, by email.
        "mhr.audit": {"handlers": ["console", "mail_admins"], "level": "ERROR", "propagate": False},
    },
}
LOGGING["handlers"]["mail_admins"] = {
    "class": "django.utils.log.AdminEmailHandler",
    "level": "CRITICAL",
}
# Who is emailed about failed audit writes and server errors: "Name <email>, Name <email>".
ADMINS = [
    (address.split("<")[0].strip(), address.split("<")[-1].rstrip(">").strip())
    for address in env_list("ADMINS")
]

# Search: "auto" picks PostgreSQL full-text search or SQLite FTS5 from the database engine.
SEARCH_RESULTS_PER_PAGE = env_int("SEARCH_RESULTS_PER_PAGE", 20, minimum=1)
