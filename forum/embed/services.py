"""The article of an embedded page: found by its normalised address, or created the first time a
page on a listed origin is embedded (as lazily as Coral and Remark42, but guarded).

Check, do, notify: the origin is checked and the creation counted against the origin's rate before
anything is fetched; the page is fetched and read (forum.embed.fetch, forum.imports.article) with
nothing locked; then the row is written in one short transaction. Two frames of one new page
loading at once: the second waits for the first's fetch (a cache lock, so the site is fetched
once), and the unique page_url settles any race left (the loser reads the winner's row).
"""

from __future__ import annotations

import hashlib
import time
import uuid

from django.core.cache import cache as counters
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum import ratelimits
from forum.conf import forum_settings
from forum.errors import Forbidden, RateLimited
from forum.imports.article import extract_article
from forum.threads.models import Article
from forum.threads.services import article_save

from . import counts, selectors
from .addresses import BadPageURL, is_listed, normalise, origin_of
from .fetch import fetch_page

# How long a second request for a page being created waits for the first to finish.
CREATING_WAIT_SECONDS = 10


class NotListed(Forbidden):
    """The page is not on an origin in FORUM_EMBED_ORIGINS."""


def refuse_unlisted(page_url: str) -> None:
    if not is_listed(page_url):
        raise NotListed(_("This site may not embed the discussion: %(origin)s is not in the forum's list of sites "
                          "(FORUM_EMBED_ORIGINS).") % {"origin": _origin_or_url(page_url)})


def _origin_or_url(url: str) -> str:
    try:
        return origin_of(url)
    except BadPageURL:
        return url[:100]


def checked(page_url: str) -> str:
    """The page's normalised address, once it is known to be on a listed origin (BadPageURL, or
    NotListed, otherwise: nothing is looked up, created or fetched)."""
    normal = normalise(page_url)
    refuse_unlisted(normal)
    return normal


def article_for_page(page_url: str) -> Article:
    """The article of the page at `page_url`, created from the page if it has none.

    Raises NotListed (nothing fetched), BadPageURL, RateLimited, or Refused from the fetch or
    the extraction (nothing created)."""
    normal = checked(page_url)
    article = selectors.article_of_page(normal)
    if article is not None:
        return article
    lock = f"embed-creating:{hashlib.sha256(normal.encode()).hexdigest()}"
    if not counters.add(lock, 1, forum_settings.EMBED_FETCH_TIMEOUT_SECONDS * 3):
        return _wait_for(normal, lock) or _create(normal)
    try:
        return _create(normal)
    finally:
        counters.delete(lock)


def _wait_for(normal: str, lock: str) -> Article | None:
    """The article another request is creating, once it has; None if it gave up (its lock gone
    with no article: this request tries itself, and meets the same refusal, if any)."""
    deadline = time.monotonic() + CREATING_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.2)
        article = selectors.article_of_page(normal)
        if article is not None or counters.get(lock) is None:
            return article
    return None


def _create(normal: str) -> Article:
    _rate_check(origin_of(normal))
    page, final_url = fetch_page(normal)
    extracted = extract_article(page, url=final_url)
    canonical = extracted.canonical if extracted.canonical and origin_of(extracted.canonical) == origin_of(normal) else ""
    return article_create_for_page(extracted=extracted, page_url=normal, link=canonical or final_url)


def _rate_check(origin: str) -> None:
    """At most FORUM_EMBED_CREATE_RATE creations per FORUM_EMBED_CREATE_RATE_SECONDS per origin."""
    wait = ratelimits.wait_seconds(
        f"embed-create-rate:{origin}", rate=forum_settings.EMBED_CREATE_RATE, window=forum_settings.EMBED_CREATE_RATE_SECONDS
    )
    if wait:
        raise RateLimited(
            _("Too many new discussions were started from %(origin)s. Please try again in %(wait)s seconds.")
            % {"origin": origin, "wait": wait},
            retry_after=wait,
        )


def article_create_for_page(*, extracted, page_url: str, link: str) -> Article:
    """Create the article of the page at `page_url` (normalised) from what was read on it, or give
    it to the article that already has that address as its link (a Disqus import, an import of
    the saved page), so the page's discussion is that one. Published at once: the page is live
    on a site the forum lists. Race-safe: page_url is unique; the loser of a race reads the
    winner's row."""
    existing = Article.objects.filter(link=link, page_url__isnull=True).first() if link else None
    for attempt in range(3):
        try:
            with transaction.atomic():
                if existing is not None:
                    existing.page_url = page_url
                    existing.save(update_fields=["page_url"])
                    article = existing
                else:
                    article = article_save(article=Article(
                        title=extracted.title, slug=_free_slug(extracted.title, random=attempt > 0),
                        body=extracted.body, byline=extracted.byline, source=extracted.source,
                        published_on=extracted.published_on, page_url=page_url,
                        link=link if not Article.objects.filter(link=link).exists() else "",
                    ))
        except IntegrityError:
            won = Article.objects.filter(page_url=page_url).first()
            if won is not None:
                return won
            existing = None  # a slug or a link taken meanwhile: try again with another slug
            continue
        counts.forget(page_url)  # a count of 0 kept for the address stops being served
        return article
    raise IntegrityError("no free slug for the embedded article")


def _free_slug(title: str, *, random: bool = False) -> str:
    base = slugify(title)[:100].rstrip("-") or "article"
    if random:
        return f"{base}-{uuid.uuid4().hex[:8]}"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
