"""The embed pages' reads."""

from __future__ import annotations

from forum.threads.models import Article, Reply


def article_of_page(normal: str) -> Article | None:
    """The article whose page is at the normalised address `normal`. One query."""
    return Article.objects.filter(page_url=normal).first()


def reply_slug(pk: int) -> str | None:
    """The slug of the article reply `pk` is on (then read as the reply page reads it)."""
    return Reply.objects.filter(pk=pk).values_list("article__slug", flat=True).first()
