"""The signed-out readers' page cache: its keys, the thread's version, the bump and the read.

Signed-out readers all get the same article page (no per-reader actions, no "new" marks, and no
form, so no CSRF token), so it is drawn once per version of the thread and kept. Every service
that changes how a thread reads calls `bump()`, which gives the thread a new version once the
transaction commits; FORUM_THREAD_CACHE_SECONDS bounds the rest ("3 minutes ago", a changed
display name). With several app servers this must be the shared cache (Redis), or a server's
local copy can lag a change by up to the TTL.

A hit is one round trip and no query: the version and the page are both keyed by the URL's
slug, so one `get_many` fetches both, and the page is stored with the version it was drawn at;
it is served only while that is still the thread's version. Each process also keeps the pages
it served last (LOCAL_BYTES of them): when it holds the page at the version, the round trip
carries only the version, not the page. Redis being the one place versions live, a bump is seen
by every process at once.

Signed-out pages take one step more: for FORUM_THREAD_VERSION_TRUST_SECONDS after a process last
read a thread's version, it serves the signed-out pages it holds at that version without asking
again, so a hit makes no round trip. A write through this process forgets the version at once;
a write through another one shows on this process's signed-out pages that much later at most.
Signed-in pages always ask: the author of a reply sees it on the page the post leads to,
whichever process serves it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from forum.conf import forum_settings


def _version_key(slug: str) -> str:
    return f"thread-version:{slug}"


def _page_key(slug: str, page: int, sort: str, kind: str = "article-page") -> str:
    # One copy per language (issue 17): a page is drawn in the language of the request that drew
    # it (LocaleMiddleware), and no reader may get a page in someone else's language.
    return f"{kind}:{slug}:{page}:{sort}:{get_language()}"


# The signed-in members' shared thread (forum.threads.overlay), kept like the signed-out page.
MEMBERS = "member-thread"


# This process's copies of the pages it served last: {page key: (version, content, size, expires)}.
# They expire with the shared entry's TTL, so the times they show age no more than Redis's do.
LOCAL_BYTES = 32 * 1024 * 1024
_local: OrderedDict[str, tuple[str, object, int, float]] = OrderedDict()
_local_size = 0
_local_lock = threading.Lock()


def _local_get(key: str, current: str):
    with _local_lock:
        entry = _local.get(key)
        if entry is None or entry[0] != current or entry[3] < time.monotonic():
            return None
        _local.move_to_end(key)
        return entry[1]


def _local_put(key: str, drawn_at: str, content, expires_at: float | None = None) -> None:
    """`expires_at`: when the shared entry it was copied from expires (time.time()), so a copy
    never outlives it: FORUM_THREAD_CACHE_SECONDS bounds what a version bump does not renew."""
    global _local_size
    seconds = forum_settings.THREAD_CACHE_SECONDS
    if expires_at is not None:
        seconds = min(seconds, expires_at - time.time())
    if seconds <= 0:
        return
    size = len(content) if isinstance(content, (bytes, str)) else len(getattr(content, "html", "")) + 10_000
    with _local_lock:
        old = _local.pop(key, None)
        if old is not None:
            _local_size -= old[2]
        _local[key] = (drawn_at, content, size, time.monotonic() + seconds)
        _local_size += size
        while _local_size > LOCAL_BYTES and _local:
            _local_size -= _local.popitem(last=False)[1][2]


# {slug: (the thread's version, time.monotonic() when it was read from the shared cache)}.
_versions_read: dict[str, tuple[str, float]] = {}


def _trusted_version(slug: str) -> str | None:
    seen = _versions_read.get(slug)
    if seen is None or time.monotonic() - seen[1] >= forum_settings.THREAD_VERSION_TRUST_SECONDS:
        return None
    return seen[0]


def _version_read(slug: str, current: str | None) -> None:
    if current is None:
        _versions_read.pop(slug, None)
    else:
        _versions_read[slug] = (current, time.monotonic())


def local_clear() -> None:
    global _local_size
    with _local_lock:
        _local.clear()
        _local_size = 0
    _versions_read.clear()


def enabled() -> bool:
    return forum_settings.THREAD_CACHE_SECONDS > 0


def version(slug: str) -> str:
    """The present version of the thread of the article at `slug`; `bump()` renews it.

    A random token rather than a counter: if the cache drops the key, the next one is new, so a
    page cached under an older version can never come back.
    """
    key = _version_key(slug)
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, None)
        current = cache.get(key)
    return current


def bump(article, *, old_slug: str | None = None) -> None:
    """Give the article's thread a new version once this transaction commits (at once outside one).

    Keyed by slug, so that a read needs no look-up; an article whose slug changed is bumped
    under its `old_slug` too, so the pages cached there stop being served.
    """
    slugs = {slug for slug in (article.slug, old_slug) if slug}

    def renew():
        for slug in slugs:  # this process stops trusting what it read before the write
            _versions_read.pop(slug, None)
        cache.set_many({_version_key(slug): uuid.uuid4().hex for slug in slugs}, None)

    # robust: a cache that is down must not turn a committed write into an error page.
    transaction.on_commit(renew, robust=True)


def page_get(slug: str, page: int, sort: str, kind: str = "article-page") -> tuple[object | None, str | None]:
    """(the signed-out page as drawn for this version or None, the thread's version or None).

    One round trip to the cache, no query. The version, when known, is what a miss must store
    its page under: drawn after this read, the page can only be as new as this version or newer.
    `kind` MEMBERS: the members' shared thread instead.
    """
    if not enabled():
        return None, None
    version_key, page_key = _version_key(slug), _page_key(slug, page, sort, kind)
    if kind != MEMBERS and (trusted := _trusted_version(slug)) is not None:
        content = _local_get(page_key, trusted)
        if content is not None:  # no round trip: read from the shared cache a moment ago
            return content, trusted
    with _local_lock:
        held = page_key in _local
    if held:  # only the version travels; the page comes from this process if it is still current
        current = cache.get(version_key)
        _version_read(slug, current)
        if current is None:
            return None, None
        content = _local_get(page_key, current)
        if content is not None:
            return content, current
        found = {version_key: current, page_key: cache.get(page_key)}
    else:
        found = cache.get_many([version_key, page_key])
        _version_read(slug, found.get(version_key))
    current, entry = found.get(version_key), found.get(page_key)
    if current is not None and entry is not None and entry[0] == current:
        _local_put(page_key, current, entry[1], expires_at=entry[2] if len(entry) > 2 else None)
        return entry[1], current
    return None, current


def page_set(
    *, article, page: int, sort: str, content, drawn_at: str | None, kind: str = "article-page"
) -> None:
    """Keep the page drawn at version `drawn_at`, read before the draw (page_get, or version()
    when the thread had none yet). A write that commits during the draw bumps the version, so
    this entry is never served. None (the cache is down): nothing is kept. A draft (an import
    the editor has not published) is never kept: only staff may read it, and what is kept here
    is served to everyone."""
    if not enabled() or drawn_at is None or article.draft:
        return
    key = _page_key(article.slug, page, sort, kind)
    seconds = forum_settings.THREAD_CACHE_SECONDS
    expires_at = time.time() + seconds
    cache.set(key, (drawn_at, content, expires_at), seconds)
    _local_put(key, drawn_at, content, expires_at=expires_at)


# --- The live page's poll (issue 10): the thread's reply count, kept by version -----------------


def _activity_key(slug: str) -> str:
    return f"thread-activity:{slug}"


def activity_get(slug: str) -> tuple[dict | None, str | None]:
    """(the thread's activity record kept at its present version or None, that version or None).

    One round trip, no query. A write bumps the version, so the record stops being served and
    the next poll reads it again (activity_set)."""
    if not enabled():
        return None, None
    found = cache.get_many([_version_key(slug), _activity_key(slug)])
    current, entry = found.get(_version_key(slug)), found.get(_activity_key(slug))
    if current is not None and entry is not None and entry[0] == current:
        return entry[1], current
    return None, current


def activity_set(slug: str, record: dict, *, drawn_at: str | None) -> None:
    """Keep `record`, read after version `drawn_at` was (a write since makes it stale at once)."""
    if enabled() and drawn_at is not None:
        cache.set(_activity_key(slug), (drawn_at, record), forum_settings.THREAD_CACHE_SECONDS)


# --- Embedded pages' reply counts (issue 16, forum.embed.counts): kept by version too ----------


def _count_key(slug: str) -> str:
    return f"thread-count:{slug}"


def counts_get(slugs) -> tuple[dict[str, int], dict[str, str | None]]:
    """({slug: its reply count kept at the thread's present version}, {slug: that version or
    None}) for many threads in one round trip and no query. A write bumps the version
    (`bump`), so its thread's count is read again at once."""
    slugs = list(dict.fromkeys(slugs))
    if not enabled() or not slugs:
        return {}, {}
    found = cache.get_many([_version_key(slug) for slug in slugs] + [_count_key(slug) for slug in slugs])
    counts, versions = {}, {}
    for slug in slugs:
        current, entry = found.get(_version_key(slug)), found.get(_count_key(slug))
        versions[slug] = current
        if current is not None and entry is not None and entry[0] == current:
            counts[slug] = entry[1]
    return counts, versions


def counts_set(counts: dict[str, int], *, drawn_at: dict[str, str | None]) -> None:
    """Keep each count, read after the version in `drawn_at` was (a write since makes it stale)."""
    if enabled():
        cache.set_many({_count_key(slug): (drawn_at[slug], count) for slug, count in counts.items()
                        if drawn_at.get(slug) is not None}, forum_settings.THREAD_CACHE_SECONDS)
