"""A page of search results for what a request asked: the query parsed, its filters looked up,
the rows read (forum.search.selectors) and shaped for the template. The same for readers and
moderators; only the statuses they may see differ, and forum.policy decides who is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.conf import forum_settings
from forum.errors import NotFound
from forum.rendering import snippet_html
from forum.threads.models import Article, Reply
from forum.threads.presenters import times_of

from . import query as parsing
from . import selectors

_DIGITS = re.compile(r"[0-9]{1,9}")


@dataclass
class Hit:
    url: str
    article_title: str
    article_url: str
    author: str
    profile_url: str
    when: dict
    snippet: str
    status: str = ""  # shown to moderators when the reply is not published


@dataclass
class ResultsPage:
    query: parsing.Query
    hits: list[Hit]
    articles: list[Hit]
    total: int
    number: int
    next_url: str = ""
    previous_url: str = ""
    article: Article | None = None
    author_missing: bool = False
    filters: dict = field(default_factory=dict)


def page_number(raw: str | None) -> int:
    if raw is None:
        return 1
    if not _DIGITS.fullmatch(raw) or not raw.strip("0"):
        raise parsing.BadQuery(_("“%(raw)s” is not a page number. Pages are numbered 1, 2, 3…") % {"raw": raw[:20]})
    return int(raw)


def article_filter(slug: str | None) -> Article | None:
    if not slug:
        return None
    article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        raise NotFound(_("There is no such article to search in. It may have moved, or the address may be mistyped."))
    return article


def results_page(
    *, text: str, page: int, base_url: str, statuses: list[str], article: Article | None = None,
    author: str = "", filters: dict | None = None,
) -> ResultsPage:
    """Page `page` of the replies in `statuses` matching `text` (and articles, on page 1 of a
    search of the whole site). A fixed number of queries at any number of results: the author
    lookup, the replies, the articles."""
    query = parsing.parse(text)
    author = author or query.author
    filters = {key: value for key, value in (filters or {}).items() if value}
    author_pk = selectors.author_id(author) if author else None
    size = forum_settings.SEARCH_PAGE_SIZE
    found = selectors.ReplyResults(hits=[], total=0)
    if not author or author_pk is not None:
        found = selectors.replies(
            query, statuses=statuses, article_id=article.pk if article else None, author_id=author_pk,
            offset=(page - 1) * size, limit=size,
        )
    if page > 1 and not found.hits:
        raise NotFound(_("There is no page %(page)s of results for this search.") % {"page": page})
    search_articles = page == 1 and article is None and not author and statuses == [Reply.Status.PUBLISHED]
    now = timezone.now()

    def link(number: int) -> str:
        params = {"q": query.text, **filters, **({"page": number} if number > 1 else {})}
        return f"{base_url}?{urlencode(params)}"

    return ResultsPage(
        query=query,
        hits=[_reply_hit(hit, now) for hit in found.hits],
        articles=[_article_hit(hit) for hit in selectors.articles(query)] if search_articles else [],
        total=found.total,
        number=page,
        next_url=link(page + 1) if page * size < found.total else "",
        previous_url=link(page - 1) if page > 1 else "",
        article=article,
        author_missing=bool(author) and author_pk is None,
        filters=filters,
    )


def _reply_hit(hit: selectors.ReplyHit, now) -> Hit:
    # The reply's own page, which draws it highlighted, whatever page of the thread holds it.
    url = reverse("forum:reply", kwargs={"slug": hit.article_slug, "pk": hit.id})
    status = "" if hit.status == Reply.Status.PUBLISHED else Reply.Status(hit.status).label
    return Hit(
        url=f"{url}#r{hit.id}",
        article_title=hit.article_title,
        article_url=reverse("forum:article", kwargs={"slug": hit.article_slug}),
        author=hit.author_display_name or hit.author_username,
        profile_url=reverse("forum:profile", args=[hit.author_username]),
        when=times_of(hit.created, now),
        snippet=snippet_html(hit.snippet),
        status=status,
    )


def _article_hit(hit: selectors.ArticleHit) -> Hit:
    url = reverse("forum:article", kwargs={"slug": hit.slug})
    return Hit(url=url, article_title=hit.title, article_url=url, author="", profile_url="", when={},
               snippet=snippet_html(hit.snippet))
