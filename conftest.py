"""Factories shared by every test. They write through the services, as the app does."""

import itertools

import pytest
from django.db import connection

from forum.posting import services as posting
from forum.threads import services as articles

_numbers = itertools.count(1)


PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; one test's attempts must not limit the next."""
    from django.core.cache import cache

    from forum.threads import cache as thread_cache

    cache.clear()
    thread_cache.local_clear()
    yield
    cache.clear()
    thread_cache.local_clear()


@pytest.fixture
def make_user(django_user_model):
    """A signed-up account; with verified=True (the default) its email address is confirmed."""

    def make(username=None, *, verified=True, **fields):
        from allauth.account.models import EmailAddress

        username = username or f"user{next(_numbers)}"
        fields.setdefault("email", f"{username}@example.com")
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, **fields)
        if user.email:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
        return user

    return make


@pytest.fixture
def make_moderator(make_user):
    """A member of the Moderators group, as `manage.py make_moderator` makes one."""

    def make(username=None):
        from accounts.services import moderator_set

        return moderator_set(user=make_user(username), moderator=True)

    return make


@pytest.fixture
def moderator(make_moderator):
    return make_moderator("mod")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services leave for the commit (the tests' transaction never commits): the
    cache bump, and the tasks that deliver the signals and send the emails."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def redis_server(settings, monkeypatch):
    """The forum on a redis-server of its own (testkit.services), which a test may stop and
    start: the machine's own Redis is never touched. The signed-out page cache is on."""
    from config import cache as resilient
    from testkit.services import RedisServer

    server = RedisServer()
    server.start()
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)  # ask Redis again at once once it is back
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    yield server
    server.stop()


@pytest.fixture
def make_article():
    def make(title=None, **fields):
        number = next(_numbers)
        title = title or f"Article {number}"
        fields.setdefault("slug", f"article-{number}")
        fields.setdefault("body", "Some text.")
        return articles.article_upsert(data=articles.ArticleData(title=title, **fields))

    return make


@pytest.fixture
def make_reply(make_user):
    default_author = []

    def make(*, article, parent=None, author=None, body=None):
        body = body or f"Reply number {next(_numbers)}."
        if author is None:
            if not default_author:
                default_author.append(make_user())
            author = default_author[0]
        return posting.reply_create(article=article, parent=parent, author=author, body=body)

    return make


@pytest.fixture
def seeded(db):
    """The committed seed fixture, loaded as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)


def pytest_configure(config):
    _flush_past_the_log_guard()


def _flush_past_the_log_guard():
    """Django empties the tables after a transactional test with one TRUNCATE, which the
    moderation log's guard (forum migration 0008) refuses. Tests run as a superuser, which may
    switch triggers off for that one transaction (session_replication_role); the app's role in
    production cannot (docs/deploy.md)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
