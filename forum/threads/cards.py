"""What one reply's card shows, worked out once per page: the placeholder or the text, the
time as written and as "3 minutes ago", the links (reversed once per page: ReplyLinks), and
whom it answers. forum.threads.presenters puts the cards into a thread.
"""

from __future__ import annotations

import functools

from django.utils import dateformat
from django.utils.translation import get_language, gettext, ngettext, pgettext

from forum import policy
from forum.rendering import stored_html
from forum.templatetags.cached_url import cached_reverse

from .models import Article, Reply
from .selectors import DEFAULT_SORT


def placeholder_for(reply: Reply) -> str:
    """What the public sees instead of a reply's text, or "" when they see the text."""
    if reply.status == Reply.Status.HELD:
        return gettext("[awaiting moderation]")
    if reply.status == Reply.Status.REMOVED:
        if reply.removed_by == Reply.RemovedBy.DELETED:
            return gettext("[deleted]")
        if reply.removed_by == Reply.RemovedBy.AUTHOR:
            return gettext("[removed by author]")
        return gettext("[removed by moderator]")
    return ""


def _placeholder_note(reply: Reply) -> str:
    """What the author of a held reply, or a moderator, reads beside the text others do not see."""
    if reply.status == Reply.Status.HELD:
        return gettext("Awaiting moderation: others see a placeholder.")
    if reply.removed_by == Reply.RemovedBy.DELETED:
        return gettext("Deleted: others see a placeholder.")
    if reply.removed_by == Reply.RemovedBy.AUTHOR:
        return gettext("Removed by author: others see a placeholder.")
    return gettext("Removed by moderator: others see a placeholder.")


def display(reply: Reply, *, viewer, moderator: bool) -> tuple[str, str, str]:
    """(placeholder, body_html, note) for one reply as this viewer sees it.

    Everyone sees a held or removed reply as a placeholder, except its author (for a held one:
    it is theirs, waiting) and moderators, who see the text with a note saying why others don't.
    """
    placeholder = placeholder_for(reply)
    if not placeholder:
        return "", stored_html(reply.body_html), ""
    own = viewer is not None and viewer.is_authenticated and viewer.pk == reply.author_id
    if moderator or (own and reply.status == Reply.Status.HELD):
        note = _placeholder_note(reply)
        if reply.hold_reason and reply.status == Reply.Status.HELD:
            note += f" {reply.hold_reason}"
        return "", stored_html(reply.body_html), note
    return placeholder, "", ""


# "3 minutes ago" in each unit, largest first. ngettext picks the form for the count: English has
# two, Arabic six (the Plural-Forms of locale/ar).
_UNITS = (
    (365 * 86400, lambda n: ngettext("%(count)s year ago", "%(count)s years ago", n)),
    (30 * 86400, lambda n: ngettext("%(count)s month ago", "%(count)s months ago", n)),
    (7 * 86400, lambda n: ngettext("%(count)s week ago", "%(count)s weeks ago", n)),
    (86400, lambda n: ngettext("%(count)s day ago", "%(count)s days ago", n)),
    (3600, lambda n: ngettext("%(count)s hour ago", "%(count)s hours ago", n)),
    (60, lambda n: ngettext("%(count)s minute ago", "%(count)s minutes ago", n)),
    (1, lambda n: ngettext("%(count)s second ago", "%(count)s seconds ago", n)),
)


@functools.lru_cache(maxsize=4096)
def _ago_text(language: str, unit: int, count: int) -> str:
    # Memoized per language: at a thousand replies, humanize's translation lookups per call were
    # a third of the page's time. `language` is the key only; the lookups read the active one.
    return _UNITS[unit][1](count) % {"count": count}


def _ago(value, now, language: str) -> str:
    """"3 minutes ago", in the reader's language (humanize's naturaltime, memoized)."""
    seconds = int((now - value).total_seconds())
    if seconds < 10:
        return _now_text(language)
    for unit, (unit_seconds, _text) in enumerate(_UNITS):
        count = seconds // unit_seconds
        if count:
            return _ago_text(language, unit, count)
    return _now_text(language)


@functools.lru_cache(maxsize=16)
def _now_text(language: str) -> str:
    return gettext("now")


@functools.lru_cache(maxsize=16)
def _exact_format(language: str) -> str:
    # Translators: the exact time of a reply, in Django's date format syntax
    # (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date); times are UTC.
    return pgettext("reply time format", "j M Y, H:i \\U\\T\\C")


@functools.lru_cache(maxsize=8192)
def _exact(language: str, minute) -> str:
    # Memoized: Django's date format looks the month's name up in the active language per call.
    return dateformat.format(minute, _exact_format(language))


def times_of(value, now, language: str | None = None) -> dict:
    """What a reply's header shows of a time; the site's times are UTC (settings.TIME_ZONE). The
    machine-readable one stays ISO 8601 whatever the language; the two a reader reads follow it
    (the month's name too: Django's date format). `language`: the active one, when the caller has
    read it already (a page's replies: reading it per reply cost more than the rest)."""
    if value is None:
        return {}
    language = language or get_language()
    return {
        "iso": value.isoformat(timespec="seconds"),
        "ago": _ago(value, now, language),
        "exact": _exact(language, value.replace(second=0, microsecond=0)),
    }


def _url_pattern(name: str, **kwargs) -> str:
    """reverse() once with a 0 for the id (and once per process: cached_reverse, as every
    template's {% url %}); the result formats with any reply's id."""
    head, tail = cached_reverse(name, kwargs=kwargs).rsplit("/0/", 1)
    return head + "/{}/" + tail


class ReplyLinks:
    """The URLs around the replies of one article, reversed once per page rather than per reply:
    at a thousand replies, reverse() per link was a good part of the page's time."""

    def __init__(self, article: Article, sort: str = DEFAULT_SORT):
        self._order = sort_query(sort)
        self.permalink = _url_pattern("forum:reply", slug=article.slug, pk=0)
        self._reply = _url_pattern("forum:reply_to", slug=article.slug, parent_pk=0)
        self._edit = _url_pattern("forum:edit", pk=0)
        self._remove = _url_pattern("forum:remove", pk=0)
        self._flag = _url_pattern("forum:flag", pk=0)
        self._recommend = _url_pattern("forum:recommend", pk=0)
        self._moderate = _url_pattern("forum:moderation_reply", pk=0)
        self._history = _url_pattern("forum:history", pk=0)
        self._profiles: dict[int, str] = {}

    def for_reply(self, reply: Reply, actions: policy.Actions) -> dict:
        links = {"profile": self._profile(reply.author)}
        pk = reply.pk
        if actions.reply:
            # With the page's order, so the reply lands where it was written from (issue 10).
            links["reply"] = self._reply.format(pk) + self._order
            links["quote"] = links["reply"] + ("&" if self._order else "?") + "quote=1"
        if actions.edit:
            links["edit"] = self._edit.format(pk)
        if actions.remove:
            links["remove"] = self._remove.format(pk)
        if actions.flag:
            links["flag"] = self._flag.format(pk)
        if actions.recommend:
            links["recommend"] = self._recommend.format(pk)
        if actions.moderate:
            links["moderate"] = self._moderate.format(pk)
            if reply.edited:
                links["history"] = self._history.format(pk)
        return links

    def _profile(self, author) -> str:
        if author.pk not in self._profiles:
            self._profiles[author.pk] = cached_reverse("forum:profile", args=[author.username])
        return self._profiles[author.pk]


def sort_query(sort: str, answers_from: int = 0) -> str:
    """The query string that keeps `sort` (and a reply page's ?from=) in a link; defaults need none."""
    params = [f"from={answers_from}"] if answers_from else []
    if sort != DEFAULT_SORT:
        params.append(f"sort={sort}")
    return "?" + "&".join(params) if params else ""


def in_reply_to(reply: Reply, *, known: dict, on_page, permalink: str) -> dict:
    """The parent's author, from rows the page already holds (never a query per reply), linking
    to its card when it is drawn on the page, else to its own page. {} for a top-level reply."""
    parent = known.get(reply.parent_id) if reply.parent_id is not None else None
    if parent is None:
        return {}
    url = f"#r{parent.pk}" if parent.pk in on_page else permalink.format(parent.pk)
    return {"name": parent.author.public_name, "url": url}
