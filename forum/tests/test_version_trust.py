"""FORUM_THREAD_VERSION_TRUST_SECONDS: a process serves the signed-out pages it holds for that long
without asking the shared cache for the thread's version (forum.threads.cache). A write through
another process is then seen that late at most, one through this process at once, and signed-in
pages always ask."""

import pytest
from django.core.cache import cache

from forum.threads import cache as thread_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic as forum.threads.cache reads it, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(thread_cache.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def page(settings, make_article, make_reply, clock):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    settings.FORUM_THREAD_VERSION_TRUST_SECONDS = 1
    article = make_article()
    make_reply(article=article, body="The first word")
    return article


def another_server_writes(article):
    """What a bump through another process leaves in the shared cache: a new version."""
    cache.set(thread_cache._version_key(article.slug), "written-elsewhere", None)


def count_cache_calls(monkeypatch):
    calls = []
    for name in ("get", "get_many"):
        original = getattr(thread_cache.cache, name)
        monkeypatch.setattr(thread_cache.cache, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
    return calls


def test_a_signed_out_hit_within_the_trust_asks_the_shared_cache_nothing(client, page, monkeypatch):
    client.get(page.get_absolute_url())  # drawn and kept
    client.get(page.get_absolute_url())  # served from this process, the version read now
    calls = count_cache_calls(monkeypatch)
    assert "The first word" in client.get(page.get_absolute_url()).content.decode()
    assert calls == []


def test_a_write_through_another_process_shows_once_the_trust_has_passed(client, page, clock, make_reply):
    client.get(page.get_absolute_url())
    client.get(page.get_absolute_url())
    make_reply(article=page, body="Written on another server")  # committed there; bumped there
    another_server_writes(page)
    assert "Written on another server" not in client.get(page.get_absolute_url()).content.decode()
    clock[0] += 1
    assert "Written on another server" in client.get(page.get_absolute_url()).content.decode()


def test_a_write_through_this_process_shows_at_once(client, page, make_user, django_capture_on_commit_callbacks):
    from forum.posting import services as posting

    client.get(page.get_absolute_url())
    client.get(page.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply_create(article=page, parent=None, author=make_user(), body="Written here")
    assert "Written here" in client.get(page.get_absolute_url()).content.decode()


def test_signed_in_pages_always_ask(client, page, make_user, make_reply, monkeypatch):
    client.force_login(make_user())
    client.get(page.get_absolute_url())
    client.get(page.get_absolute_url())
    make_reply(article=page, body="Written on another server")
    another_server_writes(page)
    assert "Written on another server" in client.get(page.get_absolute_url()).content.decode()


def test_no_trust_when_it_is_off(client, page, settings, make_reply):
    settings.FORUM_THREAD_VERSION_TRUST_SECONDS = 0
    client.get(page.get_absolute_url())
    client.get(page.get_absolute_url())
    make_reply(article=page, body="Written on another server")
    another_server_writes(page)
    assert "Written on another server" in client.get(page.get_absolute_url()).content.decode()
