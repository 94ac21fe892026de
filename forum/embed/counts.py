"""Reply counts by page URL, for the news site's listing pages (/embed/counts.json, count.js).

Asked by every listing page a news site serves, so a hit is two round trips to the cache and no
query: the page's address -> its article's slug (or "none"), then the slug's count kept by the
thread's version (forum.threads.cache.counts_get). A new reply bumps that version as it bumps the
thread's page (forum.threads.cache.bump), so the next ask counts it. Asking never creates an article
or fetches a page: an address with no article is 0, and that 0 is kept until an article is created
for it (forum.embed.services calls forget()).

The count is the discussion's heading's: every reply, held and removed ones too (they keep their
place in the thread as placeholders), as the article page and the home page count them.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from forum.conf import forum_settings
from forum.threads import cache as thread_cache
from forum.threads.models import Article

from .addresses import BadPageURL, normalise

NO_ARTICLE = ""


def _address_key(normal: str) -> str:
    return "embed-address:" + hashlib.sha256(normal.encode()).hexdigest()


def forget(normal: str) -> None:
    """The address has an article now: its kept "no article" must go (on commit, as bumps do)."""
    from django.db import transaction

    transaction.on_commit(lambda: cache.delete(_address_key(normal)), robust=True)


def slug_of(normal: str) -> str | None:
    """The slug of the article at the address `normal`, as kept; None when not kept (or none
    yet). One round trip, no query: the frame's signed-out page is then served with none."""
    return cache.get(_address_key(normal)) or None if thread_cache.enabled() else None


def remember(normal: str, slug: str) -> None:
    if thread_cache.enabled():
        cache.set(_address_key(normal), slug, forum_settings.THREAD_CACHE_SECONDS)


def counts_for(urls: list[str]) -> dict[str, int]:
    """{url as asked: its discussion's reply count}; 0 for an address with no article (or none at all)."""
    normals = {}
    for url in urls:
        try:
            normals[url] = normalise(url)
        except BadPageURL:
            normals[url] = None
    wanted = sorted({normal for normal in normals.values() if normal})
    by_address = _counts(wanted)
    return {url: by_address.get(normal, 0) if normal else 0 for url, normal in normals.items()}


def _counts(normals: list[str]) -> dict[str, int]:
    if not normals:
        return {}
    cached = thread_cache.enabled()
    slugs = cache.get_many([_address_key(normal) for normal in normals]) if cached else {}
    slug_of = {normal: slugs.get(_address_key(normal)) for normal in normals}
    known, versions = thread_cache.counts_get(slug for slug in slug_of.values() if slug)
    result = {normal: known[slug] for normal, slug in slug_of.items() if slug in known}
    result.update({normal: 0 for normal, slug in slug_of.items() if slug == NO_ARTICLE})
    missing = [normal for normal in normals if normal not in result]
    if not missing:
        return result
    # The versions before the read: a reply posted during it makes what is kept stale at once.
    drawn_at = {slug: versions.get(slug) or thread_cache.version(slug) for slug in slug_of.values() if slug} if cached else {}
    rows = list(Article.objects.published().with_reply_counts().filter(page_url__in=missing)
                .values_list("page_url", "slug", "reply_count"))
    fresh = {}
    for normal, slug, count in rows:
        result[normal] = count
        fresh[slug] = count
        if cached and slug not in drawn_at:
            drawn_at[slug] = None  # first seen now: kept from the next ask on
    for normal in missing:
        result.setdefault(normal, 0)
    if cached:
        addresses = {_address_key(normal): NO_ARTICLE for normal in missing}
        addresses.update({_address_key(normal): slug for normal, slug, _count in rows})
        cache.set_many(addresses, forum_settings.THREAD_CACHE_SECONDS)
        thread_cache.counts_set(fresh, drawn_at=drawn_at)
    return result
