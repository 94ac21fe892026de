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
    """{normalised address: count}. A hit: two round trips, no query. Otherwise one query for
    the addresses whose article is not kept, and one for the counts not kept, each read after
    its thread's version (a reply posted meanwhile makes what is kept stale at once)."""
    if not normals:
        return {}
    cached = thread_cache.enabled()
    kept = cache.get_many([_address_key(normal) for normal in normals]) if cached else {}
    slug_of = {normal: kept.get(_address_key(normal)) for normal in normals}
    unknown = [normal for normal, slug in slug_of.items() if slug is None]
    if unknown:
        found = dict(Article.objects.published().filter(page_url__in=unknown).values_list("page_url", "slug"))
        slug_of.update({normal: found.get(normal, NO_ARTICLE) for normal in unknown})
        if cached:
            cache.set_many({_address_key(normal): slug_of[normal] for normal in unknown},
                           forum_settings.THREAD_CACHE_SECONDS)
    slugs = {slug for slug in slug_of.values() if slug}
    known, versions = thread_cache.counts_get(slugs)
    wanted = slugs - known.keys()
    if wanted:
        drawn_at = {slug: versions.get(slug) or thread_cache.version(slug) for slug in wanted} if cached else {}
        fresh = dict(Article.objects.filter(slug__in=wanted).with_reply_counts().values_list("slug", "reply_count"))
        known.update(fresh)
        if cached:
            thread_cache.counts_set(fresh, drawn_at=drawn_at)
    return {normal: known.get(slug, 0) if slug else 0 for normal, slug in slug_of.items()}
