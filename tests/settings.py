"""Test settings: the production settings, with what only tests need changed."""

import os
import tempfile

from benecomune.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Fast hashing: these passwords protect nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker started by a test shares the test's media folder through this variable.
MEDIA_ROOT = os.environ.get("BENECOMUNE_TEST_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="benecomune-test-media-"
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("BENECOMUNE_TEST_REDIS_PREFIX"):  # gunicorn workers of a test sharing Redis
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENECOMUNE_TEST_REDIS_URL"],
            "KEY_PREFIX": os.environ["BENECOMUNE_TEST_REDIS_PREFIX"],
        }
    }
SHARED_COUNTERS_STORE = "database"  # the shared default, whatever CACHE_URL says

# A "replica" alias reading the test database (a mirror of default), with the reports router;
# reports use it only where a test sets REPORTS_DATABASE = "replica" (tests/core/test_replica*).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = ["benecomune.core.replica.ReportsRouter"]
