"""Settings shared by every environment. Everything that differs between machines comes from
the environment, so one code base serves development, tests and production.

Production is the default: with DEBUG off a missing SECRET_KEY stops start-up instead of
running with a guessable key. `config.settings.dev` and `config.settings.test` relax that.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return parse_bool(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "mptt",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "accounts",
    "forum",
]

MIDDLEWARE = [
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.HealthCheckMiddleware",
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # On in every environment, so a page that needs an inline script fails in development first.
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session, CSRF and messages middleware: it sees the cookies and Vary they set.
    "forum.http_cache.CacheControlMiddleware",
    # Outside the session and CSRF middleware too, so it sees their cookies: the embedded frame's
    # made partitioned, and the sign-in popup kept in touch with its opener (config/embed_cookies.py).
    "config.embed_cookies.EmbedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language: the cookie set_language writes (the footer's switcher), then
    # Accept-Language, then LANGUAGE_CODE. After the session, before CommonMiddleware (Django's
    # order); it adds `Vary: Accept-Language`, which forum.http_cache keeps on shared pages.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in reader's language saved on the account, where the browser has no cookie for it.
    "forum.i18n.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.replicas.ReadYourWritesMiddleware",
    # A form that is not valid UTF-8 is refused (400) before a view stores replacement characters.
    "forum.web.StrictFormEncodingMiddleware",
    # A service's refusal that no view caught becomes its error page (forum/web.py).
    "forum.web.ForumErrorMiddleware",
]

# Django's database sessions, read in plain SQL (config/sessions.py): the same rows and cookies.
SESSION_ENGINE = "config.sessions"

# Django's defaults already, spelled out because a test and docs/deploy.md rely on them.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "forum.context_processors.site",
                # LANGUAGE_CODE, LANGUAGE_BIDI and the switcher's languages for base.html.
                "forum.context_processors.language",
            ],
            # `{% url %}` answered from a per-process memo (forum/templatetags/cached_url.py).
            # Django's i18n tags ({% translate %}, {% blocktranslate %}) in every template.
            "builtins": ["forum.templatetags.cached_url", "django.templatetags.i18n"],
        },
    },
    {
        # Only the thread fragment and the reply card: see forum/jinja_env.py for why.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "forum.jinja_env.environment"},
    },
]

# SQLite is the embedded default. Its file lives under var/, which git ignores.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'forum.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes SQLite's write lock when a transaction begins. Without it two writers
    # both read a tree, then both renumber it: no error is raised and the tree is corrupt.
    # The timeout makes the second writer wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Behind PgBouncer in transaction mode (docs/deploy.md) one connection's transactions may reach
# different server connections, and a server-side cursor would not outlive its transaction.
if env_bool("DATABASE_TRANSACTION_POOLING"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True


def prepared_statements(database: dict) -> dict:
    """PostgreSQL plans a statement that a connection has sent PREPARE_THRESHOLD times once, and
    then reuses the plan: every page sends the same few statements, and planning the signed-in
    reader's (accounts/backends.py) cost more than running it (about 1 ms against 0.1 ms).
    That needs server-side parameters (Django's `server_side_binding`). Off behind PgBouncer in
    transaction mode, whose server connections do not keep one client's prepared statements."""
    if database["ENGINE"] != "django.db.backends.postgresql" or env_bool("DATABASE_TRANSACTION_POOLING"):
        return database
    threshold = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5"))
    if threshold <= 0:
        return database
    return {**database, "OPTIONS": {**database.get("OPTIONS", {}), "server_side_binding": True, "prepare_threshold": threshold}}


DATABASES["default"] = prepared_statements(DATABASES["default"])

# A streaming replica for the reads that can stand a moment's lag (config/replicas.py says which).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **prepared_statements(
            dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
        ),
        # Tests read the primary's test database through this alias rather than create one.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.replicas.ReplicaRouter"]
# After a reader's write, how long their reads stay on the primary: longer than the replica lags.
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's and allauth's, loading the signed-in user with its header data (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
    # The paths sessions made before accounts.backends name: Django restores a session only
    # through a backend still listed, so without these everyone would be signed out once at
    # the deploy. Remove them once SESSION_COOKIE_AGE (two weeks) has passed since.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# The languages the forum speaks (issue 17). A reader's choice (the footer's switcher, kept in
# Django's language cookie and on their account), else their browser's Accept-Language, else
# LANGUAGE_CODE: the site's default, from the environment. Each name is written in its own
# language, as the switcher shows it. Adding one: README, "Languages".
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(f"LANGUAGE_CODE {LANGUAGE_CODE!r} is not one of LANGUAGES.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice is kept across visits: a year, not Django's default of the browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# English keeps the British formats the forum had under LANGUAGE_CODE "en-gb" (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Uploads kept for the task queue's worker (an admin's Disqus export, forum.imports.tasks). Every
# worker must reach the same files: on several machines, a shared volume or object storage.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Served at the site's root by WhiteNoise, with no view and no query: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "forum:home"

# Mail: the console backend unless an SMTP host is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "forum@localhost")

# The task queue (jobs/). The immediate backend runs a task when the write that queued it commits:
# `make run` and the tests need no worker. Production (config.settings.prod) stores tasks as rows
# with the database backend, run by `manage.py worker`.
TASKS = {
    "default": {"BACKEND": os.environ.get("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}
}
# Retries of a failed task (jobs.durable_task), and how long a task may run before a worker that
# starts counts it as abandoned by a dead one (jobs.recover_interrupted).
for _name in ("TASK_ATTEMPTS", "TASK_RETRY_BASE_SECONDS", "TASK_RETRY_MAX_SECONDS", "TASK_LEASE_SECONDS"):
    if os.environ.get(_name):
        globals()[_name] = int(os.environ[_name])

# A real cache: allauth's rate limits keep their counters here. Local memory is per process, so
# several app servers must share Redis (REDIS_URL) for the limits to hold across them.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis unreachable: pages are drawn from the database, rate limits fail closed (config/cache.py).
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis host that stops answering must cost a page half a second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-allauth. Its rate limits (ACCOUNT_RATE_LIMITS) stay at their defaults: on.
# The forum's subclass of accounts.adapter.AccountAdapter: its emails carry the site's name and
# address (FORUM_SITE_NAME, FORUM_SITE_URL), and verifying an email leads back to a kept draft.
ACCOUNT_ADAPTER = "forum.adapter.ForumAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Sign-up waits for the email link: only then can it answer a taken address exactly as a new
# one ("we have sent you an email"), sending the owner a mail that explains, without telling
# anyone else that the address has an account (allauth's ACCOUNT_PREVENT_ENUMERATION, which with
# "optional" verification must give way to unique addresses). Following the link signs the new
# account in, in the browser that signed up, and leads back to a reply kept as a draft
# (accounts.adapter). Posting also checks it (FORUM_REQUIRE_VERIFIED_EMAIL), for accounts made
# some other way.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
# Names nobody may sign up as, besides accounts.names.ROLE_NAMES: the authors of the articles.
ACCOUNTS_RESERVED_NAME_SOURCES = ["forum.threads.bylines.byline_names"]

# Forum. forum/conf.py holds every FORUM_* setting with its default (the moderation hooks run
# on every reply among them: FORUM_MODERATION_HOOKS). These may come from the environment; a
# variable that is not set leaves the app's default.
ENV_FORUM_SETTINGS = {
    "FORUM_SITE_NAME": str,
    "FORUM_SITE_URL": lambda value: value.rstrip("/"),  # where the forum is reached: emails, absolute links
    "FORUM_EDIT_WINDOW_SECONDS": int,
    "FORUM_REQUIRE_VERIFIED_EMAIL": parse_bool,
    "FORUM_MODLOG_SHOW_MODERATORS": parse_bool,
    "FORUM_THREAD_CACHE_SECONDS": int,
    "FORUM_THREAD_VERSION_TRUST_SECONDS": int,
    "FORUM_SHARED_CACHE_SECONDS": int,
    "FORUM_SHARED_CACHE_STALE_SECONDS": int,
    # The sites that may embed the discussion (docs/embed.md): comma-separated origins.
    "FORUM_EMBED_ORIGINS": lambda value: [item.strip() for item in value.split(",") if item.strip()],
    "FORUM_EMBED_CREATE_RATE": int,
    "FORUM_EMBED_CREATE_RATE_SECONDS": int,
}
for _name, _parse in ENV_FORUM_SETTINGS.items():
    if os.environ.get(_name):
        globals()[_name] = _parse(os.environ[_name])
# The project's watched words (forum.moderation.hooks.watched_words): regular expressions, matched case-insensitively on the NFKC-folded text.
FORUM_WATCHED_WORDS = {
    "reject": [],
    # Slurs: held for a moderator rather than refused, so context (a quotation, a report) can be judged.
    "hold": [
        r"\bnigg(?:a|ah|az|er|ers|as)\b",
        r"\bkikes?\b",
        r"\bfaggots?\b",
        r"\bisrahell\b",
        r"\bf[’']?(?:ng|in|ing|ucking)\s+jews\b",
    ],
}

# --- Signing in inside the embedded frame, and single sign-on (issue 16) -------------------------
# accounts/embed_views.py, accounts/sso/, config/embed_cookies.py; docs/embed.md.
# The news sites that may sign their readers in, as JSON: {"kid": {"alg": "HS256", "secret":
# "..."}} or {"kid": {"alg": "RS256", "public_key": "PEM"}}. Empty: single sign-on is off.
# Checked at start-up (accounts.checks): bad JSON or an unknown alg stops the start.
FORUM_SSO_KEYS = os.environ.get("FORUM_SSO_KEYS", "")
# --- end of issue 16's sign-in settings ----------------------------------------------------------

# Logs go to stdout, one line per record, for the process manager to collect. `forum.requests`
# gets a line per request (config/middleware.py) and `forum.moderation` one per moderation
# action. Django's own errors (500 tracebacks, refused hosts) are added: by default Django drops
# them when DEBUG is off unless ADMINS are mailed. Its 404 and 4xx warnings are left out, since
# the request line already shows the status.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"},
    },
    "loggers": {
        "forum": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
    },
}
