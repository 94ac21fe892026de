"""What a card and the article page print of weighing: the Recommend control and its count, the
staff badge, the featured strip, and the line that says why "Best" is oldest first."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

EXCERPT_LENGTH = 200
_SPACES = re.compile(r"\s+")


RECOMMEND = gettext_lazy("Recommend")


def count_label(count: int) -> str:
    return _count_label(get_language(), count) if count else ""


@functools.lru_cache(maxsize=4096)
def _count_label(language: str, count: int) -> str:
    # Per language (the key only: ngettext reads the active one), as cards.py's times: asked per card.
    return ngettext("%(count)s recommendation", "%(count)s recommendations", count) % {
        "count": number_format(count, force_grouping=True)
    }


def recommend_marks(count: int, pressed: bool) -> dict:
    """The Recommend control's words and state for a count and whether this reader recommends
    it; the JSON of a toggle (forum.reactions.views) carries the same, for thread.js."""
    return {
        "count": count,
        "count_label": count_label(count),
        "pressed": "true" if pressed else "false",
        "value": "0" if pressed else "1",  # what pressing it asks for
        # A toggle button keeps its name; aria-pressed (and the tick forum.css draws) says whether it is on.
        # Lazy: read only by the toggle's JSON (the card prints its own, compiled in: forum.jinja_env).
        "label": RECOMMEND,
    }


def marks_of(reply, *, viewer_pk, signed_in: bool = False) -> dict:
    """A card's weighing marks: the Recommend control (a button for a signed-in reader, a link to
    sign in otherwise), the count, and whether the author is on the staff (selectors.with_reader_marks)."""
    author = reply.author
    pressed = viewer_pk is not None and bool(getattr(reply, "recommended", False))
    return {
        **recommend_marks(reply.recommend_count, pressed),
        "button": signed_in,
        "staff": author.is_active and (author.is_superuser or bool(getattr(reply, "author_staff", False))),
    }


@dataclass(frozen=True)
class Pick:
    """One featured reply in the strip above the discussion."""

    pk: int
    author: str
    profile_url: str
    staff: bool
    excerpt: str
    url: str  # its place in the thread: an anchor on this page, or the way to its page
    language: str = ""  # what its text is written in: the article's (<p lang>)


def excerpt_of(body_html: str) -> str:
    text = _SPACES.sub(" ", html.unescape(strip_tags(body_html))).strip()
    if len(text) <= EXCERPT_LENGTH:
        return text
    cut = text[:EXCERPT_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def featured_strip(page, *, article, sort_query: str) -> list[Pick]:
    """The article's featured replies (selectors.thread_page fetched them with the page) in
    reading order, each linked to its place: on this page, its anchor; elsewhere, the address
    that finds its page in this order (forum.reactions.views.reply_in_thread)."""
    drawn = {row.pk for row in page.rows}
    picks = []
    for reply in page.featured:
        if reply.pk in drawn:
            url = f"#r{reply.pk}"
        else:
            url = reverse("forum:reply_in_thread", kwargs={"slug": article.slug, "pk": reply.pk}) + sort_query
        picks.append(Pick(
            pk=reply.pk, author=reply.author.public_name,
            profile_url=reverse("forum:profile", args=[reply.author.username]),
            staff=marks_of(reply, viewer_pk=None)["staff"], excerpt=excerpt_of(reply.body_html), url=url,
            language=article.language,
        ))
    return picks


def best_note(page) -> str:
    """Said above a "Best" page where no reply has a score: the order is then the oldest first,
    and the page must not suggest a judgement nobody made."""
    if page.sort != "best" or any(row.best_score > 0 for row in page.rows):
        return ""
    return gettext("No reply here has been recommended yet, so “Best” shows them oldest first.")


def page_parts(page, *, article, sort_query: str) -> dict:
    """What a page of the thread (forum.threads.presenters.ThreadPage) carries of weighing."""
    return {"featured": featured_strip(page, article=article, sort_query=sort_query), "best_note": best_note(page)}
