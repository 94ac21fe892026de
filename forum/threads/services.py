"""Writes to articles and to readers' visits. Replies are written by forum.posting.services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from datetime import timezone as dt_timezone

from django.db import connections, router
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum.conf import forum_settings
from forum.errors import Refused
from forum.notifications.follows import follows_sql
from forum.reactions.selectors import recommended_ids, recommended_sql
from forum.rendering import render_markdown

from . import cache
from .models import Article, ArticleVisit, default_language


@dataclass(frozen=True)
class ArticleData:
    title: str
    slug: str
    body: str
    source: str = ""
    byline: str = ""
    section: str = ""
    standfirst: str = ""
    photo_caption: str = ""
    published_on: object = None  # datetime.date or None
    updated_on: object = None
    link: str = ""
    draft: bool = False
    language: str = ""  # a language code; empty: the site's (LANGUAGE_CODE)


def article_save(*, article: Article) -> Article:
    """Save an article as edited (in the admin, say), with its body rendered again."""
    article.body_html = render_markdown(article.body)
    stored = Article.objects.filter(pk=article.pk).values_list("slug", flat=True).first() if article.pk else None
    article.save()
    # Its cached pages show the article too; under a slug it no longer has, they must stop.
    cache.bump(article, old_slug=stored)
    return article


def article_upsert(*, data: ArticleData) -> Article:
    """Create the article with this slug, or bring an existing one up to date (the importer)."""
    article = Article.objects.filter(slug=data.slug).first() or Article(slug=data.slug)
    for name, value in vars(data).items():
        setattr(article, name, value)
    article.language = data.language or article.language or default_language()
    return article_save(article=article)


def article_import(*, extracted) -> Article:
    """Create a draft article from a saved page (forum.imports.article.ExtractedArticle). An
    editor reviews it in the admin and publishes it; until then only staff can see it.

    Refused when an article already has that address: importing a page twice makes no second
    article.
    """
    existing = Article.objects.filter(link=extracted.link).first()
    if existing is not None:
        raise Refused(_("An article with the address %(link)s exists already: “%(title)s”.") % {"link": extracted.link, "title": existing.title})
    base = slugify(extracted.title)[:100].rstrip("-") or "article"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    article = Article(
        title=extracted.title, slug=slug, body=extracted.body, link=extracted.link, byline=extracted.byline,
        source=extracted.source, published_on=extracted.published_on, draft=True,
    )
    return article_save(article=article)


def article_publish(*, article: Article) -> Article:
    """An editor has reviewed the draft: readers can see it from now on."""
    article.draft = False
    return article_save(article=article)
def visit_open(*, user, article: Article, at):
    """Note that `user` reads `article` at `at`; return where its "new" marks start (or None).
    See visit_open_following."""
    return visit_open_following(user=user, article=article, at=at)[0]


def visit_open_following(*, user, article: Article, at, recommended: bool = False):
    """Note that `user` reads `article` at `at`; return where its "new" marks start (or None),
    and whether they follow its discussion (forum.notifications.follows), asked in the same round trip;
    with `recommended`, a third value: the ids of the article's replies they recommend
    (forum.reactions.selectors), for the members' page (forum.threads.overlay).

    One statement, an upsert that returns the row as it becomes, in place of a read before the
    page and a write after it. A first visit inserts (nothing is new during it); a view within
    FORUM_VISIT_GAP_MINUTES of the last continues that visit and keeps its start; a later one
    starts a visit that marks everything since the last view (ArticleVisit.new_after_at, the
    same rule in Python). Two tabs opened at once both land on the one row.
    """
    connection = connections[router.db_for_write(ArticleVisit)]
    table = connection.ops.quote_name(ArticleVisit._meta.db_table)
    at_value = connection.ops.adapt_datetimefield_value(at)
    cutoff = connection.ops.adapt_datetimefield_value(at - timedelta(minutes=forum_settings.VISIT_GAP_MINUTES))
    # On PostgreSQL the statement commits without waiting for the WAL to reach the disk (it
    # sets synchronous_commit off for its own implicit transaction): a page view is not worth an
    # fsync, and a crash can lose only the last fraction of a second of visit times, never
    # leave them inconsistent. Measured under load, the flush was most of a signed-in page's wait.
    source = "VALUES (%s, %s, %s, NULL)"
    if connection.vendor == "postgresql":
        source = "SELECT %s, %s, %s::timestamptz, NULL::timestamptz FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async"
    sql = (
        f"INSERT INTO {table} (user_id, article_id, last_seen_at, new_after) {source} "
        f"ON CONFLICT (user_id, article_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, new_after = "
        f"CASE WHEN {table}.last_seen_at < %s THEN {table}.last_seen_at ELSE {table}.new_after END "
        f"RETURNING new_after, {follows_sql(connection)}, {recommended_sql(connection) if recommended else 'NULL'}"
    )
    params = [user.pk, article.pk, at_value, cutoff, user.pk, article.pk] + ([user.pk, article.pk] if recommended else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        new_after, following, ids = cursor.fetchone()
    if isinstance(new_after, str):  # SQLite hands back the stored text
        new_after = parse_datetime(new_after)
    if new_after is not None and timezone.is_naive(new_after):
        new_after = timezone.make_aware(new_after, dt_timezone.utc)
    if recommended:
        return new_after, bool(following), recommended_ids(ids)
    return new_after, bool(following)


def visit_record(*, user, article: Article, at, previous: ArticleVisit | None) -> None:
    """Note that `user` read `article` at `at`. `previous` is the visit row as read before the page.

    For pages that read the visit before drawing and record it after; visit_open does both in one.
    """
    if previous is None:
        visit_open(user=user, article=article, at=at)
        return
    ArticleVisit.objects.filter(pk=previous.pk).update(last_seen_at=at, new_after=previous.new_after_at(at))
