"""Read replicas: which reads may go to the `replica` database, stated once.

With DATABASE_REPLICA_URL set, `replica` is a streaming replica of the primary (`default`). It
lags by a fraction of a second, so only reads that can stand that go there: the pages a
signed-out reader sees (but not one about to be cached: primary_reads), thread.json, feeds and search, and not even those for a signed-in reader
who wrote in the last REPLICA_READ_YOUR_WRITES_SECONDS (they must see their own reply). Everything
else reads the primary: writes, locks, moderation, a signed-in reader's pages, sessions, and
any read inside a transaction (it must see that transaction's writes).

A view opts in with `@replica_reads`; the router reads the choice from a context variable, so
nothing is shared between threads or requests.
"""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
# Set in the session after a signed-in reader's successful POST: until then, they read the primary.
PRIMARY_UNTIL = "primary_until"

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reading_replica.get() or model._meta.app_label == "sessions":
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return None  # always the primary

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica follows the primary's schema by itself


@contextmanager
def primary_reads():
    """Reads in this block go to the primary, whatever the view allows: for a page about to be
    cached under the thread's present version, which a lagging replica may not have reached (its
    stale copy would be served until the next write or the cache's TTL)."""
    token = _reading_replica.set(False)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def may_read_replica(request, *, signed_in: bool) -> bool:
    if not replica_configured() or request.method not in ("GET", "HEAD"):
        return False
    if not request.user.is_authenticated:
        return True
    return signed_in and request.session.get(PRIMARY_UNTIL, 0) < time.time()


def replica_reads(view=None, *, signed_in: bool = False):
    """Let `view` read from the replica: for signed-out readers, and with signed_in=True also for
    signed-in readers who have not written lately."""

    def wrap(view):
        @functools.wraps(view)
        def run(request, *args, **kwargs):
            token = _reading_replica.set(may_read_replica(request, signed_in=signed_in))
            try:
                return view(request, *args, **kwargs)
            finally:
                _reading_replica.reset(token)

        return run

    return wrap(view) if view is not None else wrap


class ReadYourWritesMiddleware:
    """After a signed-in reader's successful POST, send their reads to the primary for a while,
    so the reply they just posted is on the next page they load."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method == "POST"
            and response.status_code < 400
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session[PRIMARY_UNTIL] = time.time() + settings.REPLICA_READ_YOUR_WRITES_SECONDS
        return response
