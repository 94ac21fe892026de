"""Tests: the database still comes from DATABASE_URL, so the same suite runs on SQLite and PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ["DEBUG"] = "false"

from .base import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests do not run collectstatic; serve static files from the app directories as development does.
WHITENOISE_AUTOREFRESH = True
# Most tests post many replies a second from one account; the flood limit's own tests set it.
FORUM_FLOOD_SECONDS = 0
# Tests post and read in one transaction, where the on-commit version bump never runs; the
# thread cache's own tests switch it on and run the commit callbacks.
FORUM_THREAD_CACHE_SECONDS = 0
