"""Writes to articles and to readers' visits. Replies are written by forum.posting.services."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from forum.errors import Refused
from forum.rendering import render_markdown

from . import cache
from .models import Article, ArticleVisit


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


def article_save(*, article: Article) -> Article:
    """Save an article as edited (in the admin, say), with its body rendered again."""
    article.body_html = render_markdown(article.body)
    article.save()
    cache.bump(article.pk)  # its cached pages show the article too
    return article


def article_upsert(*, data: ArticleData) -> Article:
    """Create the article with this slug, or bring an existing one up to date (the importer)."""
    article = Article.objects.filter(slug=data.slug).first() or Article(slug=data.slug)
    for name, value in vars(data).items():
        setattr(article, name, value)
    return article_save(article=article)


def article_import(*, extracted) -> Article:
    """Create a draft article from a saved page (forum.imports.article.ExtractedArticle). An
    editor reviews it in the admin and publishes it; until then only staff can see it.

    Refused when an article already has that address: importing a page twice makes no second
    article.
    """
    existing = Article.objects.filter(link=extracted.link).first()
    if existing is not None:
        raise Refused(f"An article with the address {extracted.link} exists already: “{existing.title}”.")
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


def visit_record(*, user, article: Article, at, previous: ArticleVisit | None) -> None:
    """Note that `user` read `article` at `at`. `previous` is the visit row as read before the page.

    One query either way. A first visit is an upsert rather than an insert, so two tabs opened
    at once cannot both insert and trip the unique constraint.
    """
    if previous is None:
        ArticleVisit.objects.bulk_create(
            [ArticleVisit(user=user, article=article, last_seen_at=at)],
            update_conflicts=True,
            unique_fields=["user", "article"],
            update_fields=["last_seen_at"],
        )
        return
    ArticleVisit.objects.filter(pk=previous.pk).update(last_seen_at=at, new_after=previous.new_after_at(at))
