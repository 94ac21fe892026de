"""The signed-out readers' page cache: its keys, the thread's version, the bump and the read.

Signed-out readers all get the same article page (no per-reader actions, no "new" marks, and no
form, so no CSRF token), so it is drawn once per version of the thread and kept. Every service
that changes how a thread reads calls `bump()`, which gives the thread a new version once the
transaction commits; FORUM_THREAD_CACHE_SECONDS bounds the rest ("3 minutes ago", a changed
display name). A hit touches no database: the slug leads to the article's id through the cache
too. With several app servers this must be the shared cache (Redis), or a server's local copy
can lag a change by up to the TTL.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

from forum.conf import forum_settings


def _version_key(article_id: int) -> str:
    return f"thread-version:{article_id}"


def _article_id_key(slug: str) -> str:
    return f"article-id:{slug}"


def _page_key(article_id: int, page: int, sort: str) -> str:
    return f"article-page:{article_id}:{version(article_id)}:{page}:{sort}"


def enabled() -> bool:
    return forum_settings.THREAD_CACHE_SECONDS > 0


def version(article_id: int) -> str:
    """The present version of an article's thread; `bump()` renews it.

    A random token rather than a counter: if the cache drops the key, the next one is new, so a
    page cached under an older version can never come back.
    """
    key = _version_key(article_id)
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, None)
        current = cache.get(key)
    return current


def bump(article_id: int) -> None:
    """Give the thread a new version once this transaction commits (at once outside one)."""
    # robust: a cache that is down must not turn a committed write into an error page.
    transaction.on_commit(lambda: cache.set(_version_key(article_id), uuid.uuid4().hex, None), robust=True)


def page_get(slug: str, page: int, sort: str) -> bytes | None:
    """The signed-out page as drawn for this version, or None. Costs no query."""
    if not enabled():
        return None
    article_id = cache.get(_article_id_key(slug))
    if article_id is None:
        return None
    return cache.get(_page_key(article_id, page, sort))


def page_set(*, article, page: int, sort: str, content: bytes) -> None:
    if not enabled():
        return
    seconds = forum_settings.THREAD_CACHE_SECONDS
    cache.set(_page_key(article.pk, page, sort), content, seconds)
    # An article whose slug changes gets a new version (forum.threads.services.article_save), so the old
    # slug's pages miss even while this entry lives.
    cache.set(_article_id_key(article.slug), article.pk, seconds)
