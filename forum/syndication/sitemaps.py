"""sitemap.xml: every article, and each page of its discussion after the first (the first is the
article's own URL). Pages are counted as the thread counts them (forum.threads.selectors):
FORUM_PAGE_SIZE top-level replies a page, placeholders included, in the default order."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Q

from forum.conf import forum_settings
from forum.threads.models import Article
from forum.threads.navigation import thread_url
from forum.threads.selectors import DEFAULT_SORT


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().newest_first()

    def lastmod(self, article: Article):
        return article.updated_on or article.published_on


class DiscussionPageSitemap(Sitemap):
    def items(self) -> list[tuple[Article, int]]:
        size = forum_settings.PAGE_SIZE
        articles = Article.objects.published().annotate(roots=Count("replies", filter=Q(replies__parent__isnull=True)))
        return [
            (article, number)
            for article in articles.order_by("id")
            for number in range(2, -(-article.roots // size) + 1)
        ]

    def location(self, item: tuple[Article, int]) -> str:
        article, number = item
        return thread_url(article.get_absolute_url(), number, DEFAULT_SORT)


SITEMAPS = {"articles": ArticleSitemap, "discussions": DiscussionPageSitemap}
