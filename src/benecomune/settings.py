"""Django settings, read from environment variables (12-factor).

Embedded default: SQLite under var/ with IMMEDIATE transactions. Real use: DATABASE_URL.
"""

import os
import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BENECOMUNE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """Use SECRET_KEY when given; otherwise keep a random one in var/ (never in the repo)."""
    if key := env("SECRET_KEY", default=""):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# The fake payment provider's webhook signatures (payments/fake_hosted.py); a real provider's
# adapter has its own.
PAYMENTS_FAKE_WEBHOOK_SECRET = env("PAYMENTS_FAKE_WEBHOOK_SECRET", default=SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "ninja",
    "bootstrap_italia_template",
    "benecomune.core",
    "benecomune.ledger",
    "benecomune.corporate",
    "benecomune.calls",
    "benecomune.vouchers",
    "benecomune.payouts",
    "benecomune.payments",
    "benecomune.marketplace",
    "benecomune.bookings",
    "benecomune.identity",
    "benecomune.desk",
    "benecomune.observatory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "benecomune.core.middleware.LanguageMiddleware",
    "benecomune.core.middleware.SecurityHeadersMiddleware",
    "benecomune.core.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "benecomune.core.middleware.ActiveRoleMiddleware",
    "benecomune.core.middleware.StaffSecondFactorMiddleware",
    "benecomune.core.middleware.TenantScopeMiddleware",
    # Inside the tenant scope: logs staff views of personal data (identity/access_points.py).
    "benecomune.identity.access_middleware.AccessLogMiddleware",
]
# /api/ (device and integration tokens; no cookies, sessions, CSRF, messages or pages) goes
# through this shorter chain: benecomune.wsgi sends it to benecomune.api.handler.
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "benecomune.core.middleware.LanguageMiddleware",
    "benecomune.core.middleware.SecurityHeadersMiddleware",
    "benecomune.core.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "benecomune.api.handler.SkipConnectionHealthCheck",
    "benecomune.core.middleware.TenantScopeMiddleware",
]

ROOT_URLCONF = "benecomune.urls"
WSGI_APPLICATION = "benecomune.wsgi.application"
ASGI_APPLICATION = "benecomune.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "benecomune.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'benecomune.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers never both read a balance and
    # then both write: the second waits (busy timeout) instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", default=None)}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server let psycopg prepare the statements a connection
        # repeats (from their `prepare_threshold`-th run): PostgreSQL then parses and plans
        # them once per connection instead of on every request (docs/operations.md). Off
        # behind a pooler in transaction mode, which cannot keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True,
            prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5),
        )
# Reports (dashboards, exports, open data) off the primary: a streaming replica, used while its
# lag stays within the bound (core/replica.py, docs/operations.md). Writes never go there.
REPORTS_DATABASE = "default"
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASE_ROUTERS = ["benecomune.core.replica.ReportsRouter"]
    REPORTS_DATABASE = "replica"
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttling, rate limits) ---------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://benecomune")}
# Login throttling and the API token revocation version must be one count for all workers:
# in the database, or in the cache when it is shared (Redis, memcached). `check --deploy`
# fails on a per-process store (core/checks.py).
_SHARED_CACHE = CACHES["default"]["BACKEND"].startswith(
    ("django.core.cache.backends.redis", "django.core.cache.backends.memcached")
)
SHARED_COUNTERS_STORE = env(
    "SHARED_COUNTERS_STORE", default="cache" if _SHARED_CACHE else "database"
)
# Anonymous public pages (the catalogue's search) kept this long in the cache (core/page_cache.py);
# only with a cache every worker shares, since a change must reach them all.
PUBLIC_PAGE_CACHE_SECONDS = env.int(
    "PUBLIC_PAGE_CACHE_SECONDS", default=600 if _SHARED_CACHE else 0
)

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["benecomune.core.auth.EmailBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_THROTTLE_MAX_FAILURES = env.int("LOGIN_THROTTLE_MAX_FAILURES", default=5)
LOGIN_THROTTLE_LOCK_SECONDS = env.int("LOGIN_THROTTLE_LOCK_SECONDS", default=900)
# Failed logins from one IP address (any accounts) before that address is refused for
# LOGIN_THROTTLE_LOCK_SECONDS: password spraying.
LOGIN_THROTTLE_IP_MAX_FAILURES = env.int("LOGIN_THROTTLE_IP_MAX_FAILURES", default=20)
# Direct contact with providers (marketplace threads), per user, in the shared counters.
MARKETPLACE_THREADS_PER_HOUR = env.int("MARKETPLACE_THREADS_PER_HOUR", default=5)
MARKETPLACE_MESSAGES_PER_MINUTE = env.int("MARKETPLACE_MESSAGES_PER_MINUTE", default=10)
# Reverse proxies in front of gunicorn that append the client to X-Forwarded-For (0: none,
# REMOTE_ADDR is the client). Behind one proxy set 1, or every login shares the proxy's IP.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
OTP_TOTP_ISSUER = "Bene Comune"

# --- SPID/CIE through OpenID Connect (identity/oidc.py, docs/identity.md) --------------------
# The platform is an OIDC client (Authorization Code + PKCE) of an identity proxy in front of
# SPID and CIE. Off unless OIDC_ISSUER is set: no buttons, and the routes answer 404.
OIDC_ISSUER = env("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
# private_key_jwt instead of the secret: the PEM file of the client's RSA key (its public half
# registered at the proxy, with OIDC_CLIENT_KEY_ID as its kid when the proxy wants one).
OIDC_CLIENT_PRIVATE_KEY_FILE = env("OIDC_CLIENT_PRIVATE_KEY_FILE", default="")
OIDC_CLIENT_KEY_ID = env("OIDC_CLIENT_KEY_ID", default="")
OIDC_SCOPES = env("OIDC_SCOPES", default="openid profile email phone address")
# Requested level, e.g. "https://www.spid.gov.it/SpidL2" (space-separated, in order).
OIDC_ACR_VALUES = env("OIDC_ACR_VALUES", default="")
# Staff log in with SPID/CIE at this level or above instead of TOTP (e.g. "SpidL2"); empty:
# staff always use TOTP, whatever the level.
OIDC_STAFF_MIN_LEVEL = env("OIDC_STAFF_MIN_LEVEL", default="")
# Which buttons the login page shows, and extra authorization parameters per button (a query
# string, e.g. "idp_hint=cie") so that the proxy knows which one was chosen.
OIDC_BUTTONS = env.list("OIDC_BUTTONS", default=["spid", "cie"])
OIDC_SPID_EXTRA_PARAMS = env("OIDC_SPID_EXTRA_PARAMS", default="")
OIDC_CIE_EXTRA_PARAMS = env("OIDC_CIE_EXTRA_PARAMS", default="")
# A new person's Comune when the claims' address names none of the platform's Comuni (slug);
# empty: such a login is refused, unless the platform has one Comune only.
OIDC_NEW_PERSON_RESIDENCE = env("OIDC_NEW_PERSON_RESIDENCE", default="")
OIDC_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
PASSWORD_RESET_TIMEOUT = 3600 * 4

# --- I18n ----------------------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded and generated files are private: no URL serves MEDIA_ROOT (core/files.py serves
# each file after checking who asks). MEDIA_URL is only Django's default, never routed.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Let the reverse proxy send a checked file: "nginx" (X-Accel-Redirect to an `internal`
# location at PRIVATE_FILES_ACCEL_PREFIX aliased to MEDIA_ROOT) or "apache" (X-Sendfile).
PRIVATE_FILES_ACCEL = env("PRIVATE_FILES_ACCEL", default="")
PRIVATE_FILES_ACCEL_PREFIX = env("PRIVATE_FILES_ACCEL_PREFIX", default="/private-files/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
DJANGO_BOOTSTRAP_ITALIA_USE_CDN = False

# --- E-mail --------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Bene Comune <noreply@benecomune.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs -------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# Without a broker the tasks run inline, in the caller's process (demo, tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every answer by core.middleware.SecurityHeadersMiddleware (and the API's fast path).
# No inline script anywhere (behaviour lives in static files); inline styles stay allowed:
# Bootstrap Italia's markup and a few templates use style attributes.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            # Logout posts a form that ends at the identity provider's end-session page.
            "form-action 'self'" + (f" {OIDC_ISSUER}" if OIDC_ISSUER else ""),
            "frame-ancestors 'none'",
        )
    ),
)
# The till reads QR codes with the camera: camera for this site only; nothing else.
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    default=", ".join(
        (
            "camera=(self)",
            "microphone=()",
            "geolocation=()",
            "payment=()",
            "usb=()",
            "serial=()",
            "hid=()",
            "midi=()",
            "accelerometer=()",
            "gyroscope=()",
            "magnetometer=()",
            "display-capture=()",
        )
    ),
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# The demo's TOTP secrets are printed by `make run`; never set this in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

# Open data (observatory): cells with fewer persons than this are suppressed; never below 3
# (a system check refuses a lower value).
OBSERVATORY_MIN_CELL = env.int("OBSERVATORY_MIN_CELL", default=5)
# Shared value open data: cells with fewer contributing merchants are reserved (>= 3).
OBSERVATORY_MIN_MERCHANTS = env.int("OBSERVATORY_MIN_MERCHANTS", default=3)
OBSERVATORY_PUBLISHER_NAME = env("OBSERVATORY_PUBLISHER_NAME", default="Bene Comune")
OBSERVATORY_PUBLISHER_ID = env("OBSERVATORY_PUBLISHER_ID", default="benecomune")
