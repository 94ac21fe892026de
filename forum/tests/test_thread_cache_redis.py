"""The signed-out page cache on Redis, the production cache: a hit is one round trip."""

import os

import pytest
import redis as redis_client

from config import cache as resilient
from forum.threads import cache as thread_cache
from testkit.services import RedisServer, redis_server_path

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        redis_server_path() is None and os.environ.get("CI") != "true",
        reason="needs redis-server (Debian's redis-server package)",
    ),
]


@pytest.fixture
def redis(settings, monkeypatch):
    server = RedisServer()
    server.start()
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)
    settings.CACHES = {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": server.url}}
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    yield redis_client.Redis.from_url(server.url)
    server.stop()


def _commands(redis) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in redis.info("commandstats").items()}


def test_a_signed_out_cache_hit_is_one_round_trip_to_redis(client, redis, make_article, make_reply, django_assert_num_queries):
    article = make_article()
    make_reply(article=article, body="Cached in Redis")
    first = client.get(article.get_absolute_url())
    redis.config_resetstat()
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second.content == first.content and "Cached in Redis" in second.content.decode()
    assert _served(redis) == {"get": 1}  # this process holds the page: only the version travels
    thread_cache.local_clear()  # as another app server, or this one after a restart
    redis.config_resetstat()
    with django_assert_num_queries(0):
        third = client.get(article.get_absolute_url())
    assert third.content == first.content
    assert _served(redis) == {"mget": 1}  # the thread's version and the page, by the slug, together


def _served(redis) -> dict[str, int]:
    commands = _commands(redis)
    for name in ("info", "config|resetstat", "config"):
        commands.pop(name, None)
    return commands


def test_a_write_on_another_server_is_seen_at_once_despite_the_local_copy(
    client, redis, make_article, make_reply, make_user, django_capture_on_commit_callbacks
):
    from forum.posting import services as posting

    article = make_article()
    first = make_reply(article=article, body="Kept here")
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())  # served from this process's copy
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply_create(article=article, parent=first, author=make_user(), body="Posted elsewhere")
    assert "Posted elsewhere" in client.get(article.get_absolute_url()).content.decode()
