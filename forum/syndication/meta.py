"""What a page tells crawlers and link previews about itself: its canonical address and the
Open Graph / Twitter card tags. Built from FORUM_SITE_URL (forum.web.absolute_url), not from the request's host: the
signed-out article page is cached and served to every host alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from forum.threads.models import Article, Reply
from forum.threads.navigation import thread_url
from forum.threads.presenters import placeholder_for
from forum.threads.selectors import DEFAULT_SORT
from forum.web import absolute_url

DESCRIPTION_CHARACTERS = 200


@dataclass(frozen=True)
class PageMeta:
    url: str  # absolute, canonical
    title: str
    description: str
    kind: str = "article"  # og:type


def _summary(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARACTERS)


def for_article(article: Article, *, page: int, sort: str) -> PageMeta:
    # Another order shows the same replies, so it points at the default order; a later page of
    # the default order is a page of its own.
    number = page if sort == DEFAULT_SORT else 1
    return PageMeta(
        url=absolute_url(thread_url(article.get_absolute_url(), number, DEFAULT_SORT)),
        title=article.title,
        description=_summary(article.standfirst or article.body),
    )


def for_reply(reply: Reply) -> PageMeta:
    """A held or removed reply's preview says so, never its text."""
    return PageMeta(
        url=absolute_url(reply.get_absolute_url()),
        title=_("%(name)s on “%(title)s”") % {"name": reply.author.public_name, "title": reply.article.title},
        description=placeholder_for(reply) or _summary(reply.body),
    )
