"""The reads of search: ranked replies and articles for a parsed query, in one query each.

Each database answers with its own index (forum/search/schema.py): PostgreSQL with
websearch_to_tsquery, ts_rank and ts_headline over the stored tsvector and its GIN index;
SQLite with FTS5's MATCH, bm25() and snippet(). Both get the same parsed query
(forum.search.query), written out in their own syntax with every term quoted, and both return
the same rows. Snippets come back with the matched words between rendering.MATCH_START and
MATCH_STOP; forum.search.results escapes the rest.

The SQL is written out with f-strings (bandit's B608 says so), but only int()s and fixed
fragments holding %s placeholders are put in it; every value goes as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.dateparse import parse_datetime

from forum.rendering import MATCH_START, MATCH_STOP

from . import query as parsing

# How long a snippet is: about this many words around the best match.
SNIPPET_WORDS = 30
ARTICLES_SHOWN = 5


@dataclass
class ReplyHit:
    id: int
    article_slug: str
    article_title: str
    author_username: str
    author_display_name: str
    created: datetime | None
    status: str
    snippet: str


@dataclass
class ArticleHit:
    slug: str
    title: str
    snippet: str


@dataclass
class ReplyResults:
    hits: list[ReplyHit]
    total: int  # matching replies on every page


def author_id(username: str) -> int | None:
    """The account an `author:` names (its username, in any case); None if there is none."""
    return get_user_model().objects.filter(username__iexact=username).values_list("pk", flat=True).first()


def replies(
    query: parsing.Query,
    *,
    statuses: list[str],
    article_id: int | None = None,
    author_id: int | None = None,
    offset: int = 0,
    limit: int,
) -> ReplyResults:
    """Replies in `statuses` matching `query`, best first, `limit` of them from `offset`. One query.

    Callers choose `statuses`: readers get published replies only (forum.search.services).
    """
    filters, params = ["r.status IN (" + ", ".join(["%s"] * len(statuses)) + ")"], list(statuses)
    # A draft article (an import the editor has not reviewed) is hidden from readers: so are its replies.
    filters.append("r.article_id IN (SELECT id FROM forum_article WHERE NOT draft)")
    if article_id is not None:
        filters.append("r.article_id = %s")
        params.append(article_id)
    if author_id is not None:
        filters.append("r.author_id = %s")
        params.append(author_id)
    if connection.vendor == "postgresql":
        sql, params = _postgres_replies(parsing.websearch(query), " AND ".join(filters), params, offset, limit)
    else:
        sql, params = _sqlite_replies(parsing.fts5(query), " AND ".join(filters), params, offset, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    hits = [ReplyHit(*row[:5], _time(row[5]), row[6], row[7] or "") for row in rows]
    return ReplyResults(hits=hits, total=rows[0][8] if rows else 0)


def articles(query: parsing.Query, *, limit: int = ARTICLES_SHOWN) -> list[ArticleHit]:
    """Articles matching `query` (title, standfirst, body), best first, a title match above a body match."""
    if connection.vendor == "postgresql":
        sql = f"""
            SELECT a.slug, a.title, ts_headline('english', a.standfirst || ' ' || a.body, q.query, %s)
            FROM (SELECT websearch_to_tsquery('english', %s) AS query) q
            JOIN forum_article a ON a.search_vector @@ q.query AND NOT a.draft
            ORDER BY ts_rank(a.search_vector, q.query) DESC, a.id DESC
            LIMIT {int(limit)}"""
        params = [_HEADLINE_OPTIONS, parsing.websearch(query)]
    else:
        sql = f"""
            SELECT a.slug, a.title, snippet(forum_article_fts, -1, char(2), char(3), '…', {SNIPPET_WORDS})
            FROM forum_article_fts JOIN forum_article a ON a.id = forum_article_fts.rowid
            WHERE forum_article_fts MATCH %s AND NOT a.draft
            ORDER BY bm25(forum_article_fts, 10.0, 2.0, 1.0), a.id DESC
            LIMIT {int(limit)}"""
        params = [parsing.fts5(query)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [ArticleHit(*row) for row in cursor.fetchall()]


# ts_headline: the marks, and up to two fragments of about SNIPPET_WORDS words around matches.
_HEADLINE_OPTIONS = (
    f'StartSel="{MATCH_START}", StopSel="{MATCH_STOP}", MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, '
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)


def _postgres_replies(tsquery: str, where: str, params: list, offset: int, limit: int):
    # Rank every match, keep the page, and only then draw the page's snippets: ts_headline
    # re-parses the text, too dear to run on every match.
    sql = f"""
        SELECT r.id, a.slug, a.title, u.username, u.display_name, r.created, r.status,
               ts_headline('english', r.body, q.query, %s), page.total
        FROM (SELECT websearch_to_tsquery('english', %s) AS query) q,
             (SELECT r.id, ts_rank(r.search_vector, q.query) AS rank, count(*) OVER () AS total
              FROM forum_reply r, (SELECT websearch_to_tsquery('english', %s) AS query) q
              WHERE r.search_vector @@ q.query AND {where}
              ORDER BY rank DESC, r.id DESC
              LIMIT {int(limit)} OFFSET {int(offset)}) page
        JOIN forum_reply r ON r.id = page.id
        JOIN forum_article a ON a.id = r.article_id
        JOIN accounts_user u ON u.id = r.author_id
        ORDER BY page.rank DESC, r.id DESC"""
    return sql, [_HEADLINE_OPTIONS, tsquery, tsquery, *params]


def _sqlite_replies(match: str, where: str, params: list, offset: int, limit: int):
    # FTS5 refuses bm25() in a query with a window function, so the ranked matches are
    # materialised first; snippet() then runs on the page's rows only, in a second MATCH.
    sql = f"""
        WITH matches AS MATERIALIZED (
               SELECT rowid AS id, bm25(forum_reply_fts) AS rank FROM forum_reply_fts WHERE forum_reply_fts MATCH %s),
             page AS (
               SELECT r.id, matches.rank, count(*) OVER () AS total
               FROM matches JOIN forum_reply r ON r.id = matches.id
               WHERE {where}
               ORDER BY matches.rank, r.id DESC
               LIMIT {int(limit)} OFFSET {int(offset)})
        SELECT r.id, a.slug, a.title, u.username, u.display_name, r.created, r.status,
               snippet(forum_reply_fts, 0, char(2), char(3), '…', {SNIPPET_WORDS}), page.total
        FROM forum_reply_fts
        JOIN page ON page.id = forum_reply_fts.rowid
        JOIN forum_reply r ON r.id = page.id
        JOIN forum_article a ON a.id = r.article_id
        JOIN accounts_user u ON u.id = r.author_id
        WHERE forum_reply_fts MATCH %s
        ORDER BY page.rank, r.id DESC"""
    return sql, [match, *params, match]


def _time(value) -> datetime | None:
    # Raw SQL on SQLite gives naive times (or text) back, in UTC; the ORM would have converted them.
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
