"""Where a reader is in a thread: ?page= and ?sort= as asked, and the links to every other page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from forum.errors import Refused

from .selectors import DEFAULT_SORT, MAX_PAGE, SORTS, thread_page_of

_DIGITS = re.compile(r"[0-9]+")


class BadThreadQuery(Refused):
    """A ?page= or ?sort= the thread cannot be shown for."""


def thread_query(request, *, paged: bool = True) -> tuple[int, str]:
    """?page= and ?sort= as the thread needs them. A missing one means page 1, oldest first."""
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        choices = ", ".join(SORTS)
        raise BadThreadQuery(_("There is no sort order “%(sort)s”. Choose one of: %(choices)s.") % {"sort": sort, "choices": choices})
    page = 1
    if paged and "page" in request.GET:
        raw = request.GET["page"]
        if not _DIGITS.fullmatch(raw) or not raw.strip("0"):
            raise BadThreadQuery(_("“%(raw)s” is not a page number. Pages are numbered 1, 2, 3…") % {"raw": raw})
        # Longer than any real page number: past the last page, and int() is kept off huge strings.
        page = int(raw) if len(raw) <= 12 else MAX_PAGE + 1
    return page, sort


def answers_from(request) -> int:
    """A reply page's ?from=: how many of the reply's answers an earlier page drew (0 if absent)."""
    raw = request.GET.get("from")
    if raw is None:
        return 0
    if not _DIGITS.fullmatch(raw) or len(raw) > 12:
        raise BadThreadQuery(_("“%(raw)s” is not a number of replies to skip. It counts 0, 1, 2…") % {"raw": raw})
    return int(raw)


@dataclass
class PageLink:
    label: str
    url: str  # empty for the gap between page numbers
    current: bool = False


@dataclass
class ThreadNav:
    """The links around a page of the thread, worked out here so the template only prints them."""

    sort_links: list[PageLink]
    page_links: list[PageLink]
    next_url: str
    previous_url: str


def reply_in_thread_url(reply, sort: str) -> str:
    """The article page that draws `reply`, in `sort`, at the reply (where its author lands after
    posting it, and where "N new replies — show" leads); its own page when it sits below the
    display depth, where the article page shows a "continue" link instead (issue 10)."""
    page = thread_page_of(reply, sort=sort)
    if page is None:
        return reply.get_landing_url()
    return thread_url(reply.article.get_absolute_url(), page, sort) + f"#r{reply.pk}"


def thread_url(base: str, page: int, sort: str) -> str:
    """The one URL of a page: defaults left out, so page 1 oldest-first is the plain article URL."""
    params = []
    if page != 1:
        params.append(f"page={page}")
    if sort != DEFAULT_SORT:
        params.append(f"sort={sort}")
    # The frame's base carries its page's address already (/embed/thread/?url=...).
    joint = "&" if "?" in base else "?"
    return base + (joint + "&".join(params) if params else "")


def nav(base: str, thread) -> ThreadNav:
    """The links around `thread`, a presenters.ThreadPage, at `base` (the article's or its JSON's URL)."""
    number, pages, sort = thread.number, thread.pages, thread.sort
    # A new order starts on page 1: page 3 of another order holds different replies.
    sort_links = [PageLink(label, thread_url(base, 1, key), key == sort) for key, label in SORTS.items()]
    # The first, the last and two either side of this one: every page is still reachable by
    # plain links (next, or the numbers), and a thread of many pages keeps a short list.
    shown = sorted({1, pages} | {n for n in range(number - 2, number + 3) if 1 <= n <= pages})
    page_links = []
    previous_shown = 0
    for n in shown:
        if n - previous_shown > 1:
            page_links.append(PageLink("…", ""))
        page_links.append(PageLink(str(n), thread_url(base, n, sort), n == number))
        previous_shown = n
    return ThreadNav(
        sort_links=sort_links,
        page_links=page_links,
        next_url=thread_url(base, number + 1, sort) if number < pages else "",
        previous_url=thread_url(base, number - 1, sort) if number > 1 else "",
    )
