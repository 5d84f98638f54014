"""Every deployment knob comes from the environment; SQLite (WAL) is the embedded default.

See docs/deploy.md for the full list of variables.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SANFANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = os.environ.get("SANFANG_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = os.environ.get("SANFANG_TESTING") == "1"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SANFANG_ENV=production.")
    # Local use: generate once and keep it in var/ (never in the repository).
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", not PRODUCTION and not TESTING)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "sanfang.core",
    "sanfang.directory",
    "sanfang.meetings",
    "sanfang.cases",
    "sanfang.publicity",
    "sanfang.bulletins",
    "sanfang.reports",
    "sanfang.appraisal",
    "sanfang.campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise so that every response, static files included, carries the policy (docs/security.md).
    "csp.middleware.CSPMiddleware",
    "sanfang.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanfang.core.middleware.LanguageMiddleware",
    "sanfang.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sanfang.core.middleware.RequestContextMiddleware",
    # Last, so that it sees a view's exception first: 405/429/503 pages in the user's language (issue 8, item 5).
    "sanfang.core.errors_views.ErrorPagesMiddleware",
]
CSRF_FAILURE_VIEW = "sanfang.core.errors_views.csrf_failure"

ROOT_URLCONF = "sanfang.urls"
WSGI_APPLICATION = "sanfang.wsgi.application"
ASGI_APPLICATION = "sanfang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanfang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sanfang.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sanfang.sqlite3'}"
DATABASES = {
    # Health checks: a persistent connection the server dropped meanwhile (a restart, a fail-over) is replaced
    # at the start of the next request instead of failing it (issue 10.5).
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / "test.sqlite3") if os.environ.get("SANFANG_TEST_SQLITE_FILE") else ""
    }
else:
    # Server-side parameter binding: psycopg prepares a statement that a connection has run five times, so
    # PostgreSQL plans the hot queries (a case by id, a page of the list) once per connection instead of on every
    # request (issue 9). A pooler between must keep prepared statements: PgBouncer in session mode, or 1.21 and
    # newer with max_prepared_statements set; with an older one in transaction mode set DB_SERVER_SIDE_BINDING=0.
    if os.environ.get("DB_SERVER_SIDE_BINDING", "1") != "0":
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    DATABASES["default"].setdefault("TEST", {})
    if os.environ.get("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "directory.Person"
AUTHENTICATION_BACKENDS = ["sanfang.directory.auth.PhoneOrUsernameBackend"]
PASSWORD_HASHERS = [
    # Argon2id with RFC 9106's parameters for limited memory (64 MiB, not Django's 100): see the module.
    "sanfang.directory.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests log in thousands of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:todos"
LOGOUT_REDIRECT_URL = "login"
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "sanfang" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
FORMAT_MODULE_PATH = ["sanfang.formats"]  # dates render as YYYY-MM-DD, which <input type="date"> needs
USE_TZ = True
# Backups keep times to the microsecond (Django's JSON keeps milliseconds): sanfang/core/backup_json.py.
SERIALIZATION_MODULES = {"backupjson": "sanfang.core.backup_json"}

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "sanfang" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # FileSystemStorage that removes a half-written file when a write fails (a full disk).
    "default": {"BACKEND": "sanfang.core.storage.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("S3_BUCKET"):
    # S3-compatible object storage for uploads (needs the optional django-storages[s3]).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL"),
            "access_key": os.environ.get("S3_ACCESS_KEY"),
            "secret_key": os.environ.get("S3_SECRET_KEY"),
        },
    }
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request the site accepts, uploads included: six 10 MB photos with a case report, or a 20 MB
# attachment, and the form. nginx enforces it (client_max_body_size in deploy/nginx/sanfang.conf, kept equal
# by tests/test_deploy.py); each upload field has its own, smaller limit in its app.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST") or PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "三方联动平台 <noreply@sanfang.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "6"))
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
# How long a worker may take over one send before the send counts as interrupted (the worker died) and is
# retried with the same idempotency key; keep it well above WEBHOOK_TIMEOUT and the SMTP timeout.
DELIVERY_LEASE_SECONDS = int(os.environ.get("DELIVERY_LEASE_SECONDS", "300"))

# --- Cache and sessions ---------------------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "pages",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
elif PRODUCTION:
    # Rate limits count in the cache: every gunicorn worker must see the same counts, so not per-process memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache-pages"),
            "OPTIONS": {"MAX_ENTRIES": 20000},  # a city's boards, each in both languages and display modes
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
# The release whose templates, static files and code rendered a cached page: part of every page-cache key and so of
# the boards' ETags (core/page_cache.py `key`), so that a deploy that changes output never serves or confirms a
# page of the release before. Empty: derived from the installed code (the package's version and a hash of its
# files, computed once per process); set SANFANG_RELEASE (a tag, a commit) to name it yourself (docs/deploy.md).
RELEASE = os.environ.get("SANFANG_RELEASE", "")
if not os.environ.get("REDIS_URL"):
    # Sessions are read from a cache and written through to the database (issue 9: the session's row was one query
    # on every signed-in request). A sign-out, a session ended by a password change and an expired session must
    # be over in every web process at once, so the cache is a file cache of its own, shared by all processes of
    # the machine (not per-process memory; not the default cache, whose culling would push out rate-limit
    # counters): on a miss the session is read from the database, which stays the record. Tests keep it in memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
    CACHES["sessions"] = (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"}
        if TESTING
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache-sessions"),
            "OPTIONS": {"MAX_ENTRIES": 100000},  # a miss costs a query, not a sign-out
        }
    )
# "pages": what is kept per state of its data under stamps — rendered public pages (core/page_cache.py, the
# boards' parts, public case pages) and each person's grants (directory/scopes.py). There are
# thousands (every compound's board, per language and display mode), and a file cache that is full deletes a
# third of its entries at random: in the default cache they would push out the rate-limit counters, and a
# counter deleted starts again from zero.

# --- Security -------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # a cross-site POST never carries the session (the API relies on it too)
CSRF_COOKIE_HTTPONLY = True  # no script reads the cookie: htmx sends the token from base.html's hx-headers
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files — no inline <script>,
# style="…" or on…= handlers anywhere, so an escaping mistake cannot become script execution. QR codes are
# inline SVG (markup, not images); `data:` images are allowed for the browser's own form widgets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Browser features the platform never uses are switched off for every page (sanfang.core.security).
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
}
SESSION_COOKIE_AGE = int(
    os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600))
)  # a working day, then sign in again
SESSION_SAVE_EVERY_REQUEST = False  # so the age above is absolute: activity does not extend a session
# Rate limits of public submissions, e.g. SANFANG_RATE_LIMITS="appraisal.ballot=300/h,register=20/h"; the
# scopes and their defaults are in sanfang/core/ratelimit.py.
RATE_LIMITS = dict(item.split("=", 1) for item in _env_list("SANFANG_RATE_LIMITS") if "=" in item)
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' HSTS preload list binds the whole domain to HTTPS for good: that is the
        # operator's decision (SECURE_HSTS_PRELOAD=1), so `check --deploy` is not asked to insist on it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]


def insecure_production_problems(cfg: dict) -> list[str]:
    """What in this configuration (the settings' names and values) would be unsafe on the internet."""
    problems = []
    if cfg["DEBUG"]:
        problems.append("DEBUG must be off")
    key = cfg["SECRET_KEY"]
    if len(key) < 40 or key.startswith("django-insecure") or len(set(key)) < 10:
        problems.append("SECRET_KEY must be a long random value")
    if not cfg["ALLOWED_HOSTS"] or "*" in cfg["ALLOWED_HOSTS"]:
        problems.append("ALLOWED_HOSTS must list the site's host names")
    if not cfg["SITE_URL"].startswith("https://"):
        problems.append("SITE_URL must be https://")
    if [origin for origin in cfg["CSRF_TRUSTED_ORIGINS"] if not origin.startswith("https://")]:
        problems.append("CSRF_TRUSTED_ORIGINS must all be https://")
    if not (cfg.get("SESSION_COOKIE_SECURE") and cfg.get("CSRF_COOKIE_SECURE")):
        problems.append("the session and CSRF cookies must be Secure")
    if not (cfg.get("SESSION_COOKIE_HTTPONLY") and cfg.get("CSRF_COOKIE_HTTPONLY")):
        problems.append("the session and CSRF cookies must be HttpOnly")
    if cfg.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        problems.append("SESSION_COOKIE_SAMESITE must be Lax or Strict")
    if cfg.get("SECURE_HSTS_SECONDS", 0) < 86400:
        problems.append("SECURE_HSTS_SECONDS must be at least a day (HSTS on)")
    if not 0 < cfg["SESSION_COOKIE_AGE"] <= 7 * 86400:
        problems.append("SESSION_COOKIE_AGE must be at most a week (sessions expire)")
    if cfg["LOGIN_FAILURE_LIMIT"] < 1 or cfg["LOGIN_FAILURE_LIMIT"] > 20 or cfg["LOGIN_LOCKOUT_MINUTES"] < 1:
        problems.append(
            "LOGIN_FAILURE_LIMIT (1–20) and LOGIN_LOCKOUT_MINUTES (≥ 1) must keep the lock-out on"
        )
    directives = cfg["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    if any("unsafe" in source for values in directives.values() for source in values):
        problems.append("the Content-Security-Policy must not allow unsafe-inline or unsafe-eval")
    if cfg["CACHES"]["default"]["BACKEND"].endswith("LocMemCache"):
        problems.append("the cache must be shared by all web processes (REDIS_URL, or the file cache)")
    return problems


def _refuse_insecure_production() -> None:
    """SANFANG_ENV=production refuses to start with a configuration that would be unsafe on the internet."""
    problems = insecure_production_problems(globals())
    if problems:
        raise ImproperlyConfigured("Insecure production configuration: " + "; ".join(problems) + ".")


if PRODUCTION:
    _refuse_insecure_production()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Domain knobs ---------------------------------------------------------------------------------------
SANFANG = {
    # Working days an EPMC may stay without activity before the community is flagged (WN-1).
    "EPMC_IDLE_DAYS": int(os.environ.get("SANFANG_EPMC_IDLE_DAYS", "90")),
    # Days ahead of a regular joint meeting that `tick` creates it (JM-3).
    "MEETING_LEAD_DAYS": int(os.environ.get("SANFANG_MEETING_LEAD_DAYS", "21")),
    # Personal-data retention (PIPL art. 19, docs/privacy.md): days after a case is closed that the reporter's
    # name and contact are kept (for a follow-up call or a dispute), and that its photos are kept.
    "CASE_CONTACT_RETENTION_DAYS": int(os.environ.get("SANFANG_CASE_CONTACT_RETENTION_DAYS", "180")),
    "CASE_PHOTO_RETENTION_DAYS": int(os.environ.get("SANFANG_CASE_PHOTO_RETENTION_DAYS", "365")),
}
