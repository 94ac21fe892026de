"""Production: gunicorn behind a load balancer that terminates TLS (docs/deploy.md).

DEBUG is off whatever the environment says, so SECRET_KEY is required (base.py stops start-up
without it). Every variable read here is listed, with its default, in .env.example.
"""

import os

os.environ["DEBUG"] = "false"

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import DATABASES, env_bool, env_list  # noqa: E402

DEBUG = False

if not ALLOWED_HOSTS:  # noqa: F405
    # Gunicorn would start and answer every request with 400; say why at start-up instead.
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production, e.g. ALLOWED_HOSTS=forum.example.org")

# The load balancer speaks HTTPS to browsers and plain HTTP to the app servers, and says which
# in X-Forwarded-Proto. Trusting that header is safe only because the app servers are reachable
# from the balancer alone, and the balancer overwrites whatever a client sent.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off only to try the production settings on a machine without TLS (README: make serve).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Only for origins other than the site's own host, e.g. a second domain name in front of it.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# A year, as the HSTS preload list requires. Browsers keep it that long: serve HTTPS for good
# before turning it on. Preload only allows submitting the domain to the browsers' list.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Each gunicorn worker handles one request at a time, so keeping its one connection open saves
# a PostgreSQL connection set-up per request, and the health check replaces a connection the
# server closed meanwhile instead of failing the request on it.
DATABASES = {
    **DATABASES,  # the replica too, when DATABASE_REPLICA_URL is set
    "default": {
        **DATABASES["default"],
        "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
    }
}
if "replica" in DATABASES:
    DATABASES["replica"] = {**DATABASES["replica"], "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
                            "CONN_HEALTH_CHECKS": True}

# Tasks are rows, committed with the write that queued them, and `manage.py worker` runs them
# (docs/deploy.md): no email is sent inside a request.
TASKS = {"default": {"BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A hung mail server must not hold the worker: the send fails and the task retries later.
EMAIL_TIMEOUT = 10

# `collectstatic` writes hashed, gzipped copies; WhiteNoise serves the hashed names with a
# far-future Cache-Control, so a deploy never leaves a browser on a stale thread.js.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
