"""What one reply's card shows, worked out once per page: the placeholder or the text, the
time as written and as "3 minutes ago", the links (reversed once per page: ReplyLinks), and
whom it answers. forum.threads.presenters puts the cards into a thread.
"""

from __future__ import annotations

from forum import policy
from forum.rendering import stored_html
from forum.templatetags.cached_url import cached_reverse

from .models import Article, Reply
from .selectors import DEFAULT_SORT


def placeholder_for(reply: Reply) -> str:
    """What the public sees instead of a reply's text, or "" when they see the text."""
    if reply.status == Reply.Status.HELD:
        return "[awaiting moderation]"
    if reply.status == Reply.Status.REMOVED:
        if reply.removed_by == Reply.RemovedBy.DELETED:
            return "[deleted]"
        return "[removed by author]" if reply.removed_by == Reply.RemovedBy.AUTHOR else "[removed by moderator]"
    return ""


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
        note = f"{placeholder[1:-1].capitalize()}: others see a placeholder."
        if reply.hold_reason and reply.status == Reply.Status.HELD:
            note += f" {reply.hold_reason}"
        return "", stored_html(reply.body_html), note
    return placeholder, "", ""


def _ago(value, now) -> str:
    """"3 minutes ago": humanize's naturaltime, without its translation lookups per call (at a
    thousand replies those were a third of the page's time)."""
    seconds = int((now - value).total_seconds())
    if seconds < 10:
        return "now"
    for unit_seconds, one, many in (
        (365 * 86400, "a year ago", "{} years ago"),
        (30 * 86400, "a month ago", "{} months ago"),
        (7 * 86400, "a week ago", "{} weeks ago"),
        (86400, "a day ago", "{} days ago"),
        (3600, "an hour ago", "{} hours ago"),
        (60, "a minute ago", "{} minutes ago"),
    ):
        count = seconds // unit_seconds
        if count:
            return one if count == 1 else many.format(count)
    return f"{seconds} seconds ago"


def times_of(value, now) -> dict:
    """What a reply's header shows of a time; the site's times are UTC (settings.TIME_ZONE)."""
    if value is None:
        return {}
    return {"iso": value.isoformat(timespec="seconds"), "ago": _ago(value, now), "exact": value.strftime("%-d %b %Y, %H:%M UTC")}


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
