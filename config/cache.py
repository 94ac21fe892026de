"""Redis as a cache that may go away for a moment.

Django's RedisCache raises when Redis is down, and every page reads the cache, so a Redis restart
would answer every request with a 500. This backend treats Redis as what it is here, a cache:
while it is unreachable, reads miss (pages are drawn from the database), writes are dropped,
and `add` answers False. That last one is deliberate: allauth takes a lock with `add` before it
counts a rate-limited attempt (sign-in, sign-up, password reset), so while Redis is away those
attempts are refused with allauth's 429 page instead of being let through uncounted: the rate
limits fail closed. After a failure Redis is not asked again for RETRY_SECONDS, so an outage
costs one refused connection per process per interval, not one per cache call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("forum.cache")

# ReadOnlyError: a replica promoted by a failover that clients reach before they see the change.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)
RETRY_SECONDS = 2.0


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every cache call, and each fills its table of
    response callbacks (some 170 entries): a tenth of a millisecond per call, as much as the round
    trip. The connections live in the pool, which redis-py renews in a forked child; the client
    around it can be kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def _call(self, name, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as error:
            if self._down_until == 0.0 or time.monotonic() >= self._down_until + RETRY_SECONDS:
                logger.warning("Redis unreachable (%s): serving without the cache", error)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        # Django's incr raises ValueError for a missing key; so does an unreachable one.
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key {key!r} not found (or the cache is unreachable).")
        return result

    def clear(self):
        return self._call("clear", False)
