"""Atom feeds (Django's syndication framework): the site's articles, an article's newest
published replies, a person's newest published replies. Held and removed replies are never in
a feed: a feed reader keeps what it fetched, so a reply removed later could not be taken back.

The seeds carry no times, so their entries have no <published> date rather than a made-up one.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from forum.conf import forum_settings
from forum.threads.models import Article, Reply

SUMMARY_WORDS = 60


def _midnight(day) -> datetime | None:
    # An article has a day, not a time: its midnight, in the site's time zone (UTC).
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


class _ReplyFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, reply: Reply) -> str:
        return f"{reply.author.public_name} on “{reply.article.title}”"

    def item_description(self, reply: Reply) -> str:
        return reply.body_html  # sanitised when written; the feed escapes it as Atom's type="html"

    def item_link(self, reply: Reply) -> str:
        return reply.get_landing_url()

    def item_pubdate(self, reply: Reply):
        return reply.created

    def item_updateddate(self, reply: Reply):
        return reply.edited or reply.created

    def item_author_name(self, reply: Reply) -> str:
        return reply.author.public_name

    def item_author_link(self, reply: Reply) -> str:
        return reverse("forum:profile", args=[reply.author.username])

    @staticmethod
    def newest(replies):
        replies = replies.published().filter(article__draft=False).select_related("author", "article")
        return replies.order_by(F("created").desc(nulls_last=True), "-id")[: forum_settings.FEED_LENGTH]


class ArticlesFeed(Feed):
    """The site's articles, newest first."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return forum_settings.SITE_NAME

    def subtitle(self) -> str:
        return _("New articles on %(site)s") % {"site": forum_settings.SITE_NAME}

    def link(self) -> str:
        return reverse("forum:home")

    def items(self):
        return Article.objects.published().newest_first()[: forum_settings.FEED_LENGTH]

    def item_title(self, article: Article) -> str:
        return article.title

    def item_description(self, article: Article) -> str:
        # Atom summaries are HTML to feed readers: the text (Markdown, or an imported page's words)
        # is escaped, so nothing in it becomes markup there.
        return escape(article.standfirst or Truncator(article.body).words(SUMMARY_WORDS))

    def item_pubdate(self, article: Article):
        return _midnight(article.published_on)

    def item_updateddate(self, article: Article):
        return _midnight(article.updated_on or article.published_on)

    def item_author_name(self, article: Article) -> str:
        return article.byline


class ArticleRepliesFeed(_ReplyFeed):
    """An article's newest published replies: follow one discussion."""

    def get_object(self, request, slug):
        article = Article.objects.published().filter(slug=slug).first()
        if article is None:
            raise Http404(_("There is no such article."))
        return article

    def title(self, article: Article) -> str:
        return _("Replies to “%(title)s”") % {"title": article.title}

    def link(self, article: Article) -> str:
        return article.get_absolute_url()

    def items(self, article: Article):
        return self.newest(article.replies.all())


class UserRepliesFeed(_ReplyFeed):
    """A person's newest published replies, on every article."""

    def get_object(self, request, username):
        person = get_user_model().objects.filter(username=username).first()
        if person is None or person.deleted_at is not None:  # a deleted account has no public pages
            raise Http404(_("There is nobody by that name here."))
        return person

    def title(self, person) -> str:
        return _("Replies by %(name)s on %(site)s") % {"name": person.public_name, "site": forum_settings.SITE_NAME}

    def link(self, person) -> str:
        return reverse("forum:profile", args=[person.username])

    def items(self, person):
        return self.newest(Reply.objects.filter(author=person))
