"""The signed-out page cache on Redis, the production cache: a hit is one round trip."""

import pytest
import redis as redis_client

from forum.threads import cache as thread_cache
from testkit.services import needs_redis

pytestmark = [pytest.mark.django_db, needs_redis]


@pytest.fixture
def redis(redis_server):
    """A client of the forum's own redis-server (conftest.redis_server), to read its counters."""
    return redis_client.Redis.from_url(redis_server.url)


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
