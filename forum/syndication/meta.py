"""What a page tells crawlers and link previews about itself: its canonical address and the
Open Graph / Twitter card tags. Built from FORUM_SITE_URL (forum.web.absolute_url), not from the request's host: the
signed-out article page is cached and served to every host alike."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from forum.conf import forum_settings
from forum.threads.models import Article, Reply
from forum.threads.navigation import thread_url
from forum.threads.presenters import placeholder_for
from forum.threads.selectors import DEFAULT_SORT
from forum.web import absolute_url

# What search engines show of a description before they cut it.
DESCRIPTION_CHARACTERS = 155


@dataclass(frozen=True)
class PageMeta:
    url: str  # absolute, canonical
    title: str
    description: str
    kind: str = "article"  # og:type
    oembed: str = ""  # a reply's oEmbed description (forum.embed.views.oembed), for discovery


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
        oembed=_oembed_url(reply) if reply.status == reply.Status.PUBLISHED else "",
    )


def _oembed_url(reply: Reply) -> str:
    permalink = absolute_url(reply.get_absolute_url())
    return absolute_url(reverse("forum:oembed")) + "?" + urlencode({"url": permalink, "format": "json"})


# --- The description of every page (issue 17: Lighthouse's SEO audit wants one on each) -------
# base.html prints `page_description`: a view that knows its page gives one in its context; the
# context processor (forum.context_processors.site) gives the rest theirs, by URL name, or the
# site's own.


def site_description() -> str:
    return gettext("%(site)s: threaded discussion of the news. Read the articles and reply to any reply.") % {
        "site": forum_settings.SITE_NAME
    }


def home_description(articles) -> str:
    titles = ", ".join(f"“{article.title}”" for article in articles)
    if not titles:
        return site_description()
    return _summary(gettext("%(site)s: threaded discussion of %(titles)s") % {"site": forum_settings.SITE_NAME, "titles": titles})


def profile_description(person, reply_count: int) -> str:
    return ngettext(
        "%(name)s on %(site)s: %(count)d reply to the news and to other readers.",
        "%(name)s on %(site)s: %(count)d replies to the news and to other readers.",
        reply_count,
    ) % {"name": person.public_name, "site": forum_settings.SITE_NAME, "count": reply_count}


def reply_box_description(article: Article, parent: Reply | None) -> str:
    """The reply page: whom it answers and, from a published reply, its first words (a held or
    removed one's words are never shown, here as on its card)."""
    if parent is None:
        return _summary(gettext("Reply to “%(title)s” on %(site)s.") % {"title": article.title, "site": forum_settings.SITE_NAME})
    words = placeholder_for(parent) or parent.body
    return _summary(gettext("Reply to %(name)s on “%(title)s”: %(words)s") % {
        "name": parent.author.public_name, "title": article.title, "words": words,
    })


def reply_box_canonical(article: Article, parent: Reply | None) -> str:
    """A reply page stands for the reply it answers (or the article): crawlers that follow its
    links, with or without ?quote=, are pointed at that page instead of indexing a form."""
    return absolute_url(parent.get_absolute_url() if parent is not None else article.get_absolute_url())


def _account_descriptions() -> dict:
    site = forum_settings.SITE_NAME
    return {
        "account_login": gettext("Sign in to %(site)s to reply, follow discussions and recommend replies.") % {"site": site},
        "account_signup": gettext("Create an account on %(site)s to join the discussion of the news.") % {"site": site},
    }


# The pages of allauth's that crawlers may index (forum/syndication/views.py lets them in): their
# canonical address has no ?next=, which every page's "Sign in" link adds.
INDEXED_ACCOUNT_PAGES = ("account_login", "account_signup")


def description_for(url_name: str | None) -> str:
    return _account_descriptions().get(url_name or "", "") or site_description()


def canonical_for(url_name: str | None) -> str:
    return absolute_url(reverse(url_name)) if url_name in INDEXED_ACCOUNT_PAGES else ""
