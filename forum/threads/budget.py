"""What one page may hold: at most FORUM_PAGE_REPLY_BUDGET replies and PAGE_BYTES of HTML,
whatever the thread's shape.

A page's rows are fetched whole (two queries at any size); this chooses which of them are drawn.
Breadth first, in reading order: every top-level reply of the page, then their replies, then
the replies to those, and so on until the budget is spent. So a wide branch cannot crowd out the
top-level replies after it, and a deep one cannot hide the first answers to its neighbours. A
reply whose replies were not all drawn gets a cut: the page ends its branch with "N more
replies →", a link to that reply's own page (?from= skips the answers already drawn), which is
bounded the same way. A top-level reply too big for what is left of the bytes is drawn folded:
its header and a link to its own page.

Bytes are estimated from the stored HTML of each reply and a fixed allowance for its card (the
header, the links, the markup around it), measured on the templates with room to spare.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from forum.conf import forum_settings

from .models import Reply

# The whole page's HTML, article and chrome included.
PAGE_BYTES = 500_000
# The page around the replies (header, article metadata, forms, navigation), with room to spare.
CHROME_BYTES = 20_000
# A card's HTML besides the reply's text: measured at about 850 bytes with a short name and slug;
# names and slugs are bounded (150 and 120 characters), and each occurs a few times. The
# Recommend button, its count and the staff badge (issue 10) add up to about 150 more: measured
# at 1,800 bytes with a 140-character name and a 120-character slug, for a moderator.
CARD_BYTES = 1_000
NAME_REPEATS = 2
SLUG_REPEATS = 6


@dataclass
class Cut:
    """Replies under a drawn reply that this page does not draw."""

    hidden: int  # at every depth
    next_from: int  # how many of its answers come before the first one not drawn
    shown: int  # how many of its answers are drawn here


@dataclass
class Budgeted:
    rows: list[Reply]  # the drawn replies, in reading order
    cuts: dict[int, Cut] = field(default_factory=dict)  # by the pk of the reply whose answers were cut
    folded: set[int] = field(default_factory=set)  # top-level replies drawn as a header and a link


def card_bytes(reply: Reply, *, slug_length: int) -> int:
    name = len(reply.author.public_name) if reply.author_id else 0
    return CARD_BYTES + NAME_REPEATS * name + SLUG_REPEATS * slug_length + len(reply.body_html or "")


def reply_bytes_for(article_body_html: str) -> int:
    """What the replies of a page may take once the article and the page around it are drawn."""
    return PAGE_BYTES - CHROME_BYTES - len(article_body_html or "")


def within_budget(
    ordered: list[Reply],
    *,
    tops: list[Reply],
    slug_length: int,
    byte_budget: int,
    skip_answers: dict[int, int] | None = None,
    spent: tuple[int, int] = (0, 0),
    must_show: bool = False,
) -> Budgeted:
    """The replies of `ordered` (reading order, every one below one of `tops`) that fit.

    `skip_answers` {pk: n}: leave out the first n answers to that reply (and what is under them),
    as a reply page continuing its answers does. `spent`: replies and bytes already on the page.
    `must_show`: a reply's own page. Its reply and the first of its remaining answers are drawn
    whatever the replies above took, or its "more" links would lead back to this same page.
    """
    budget = forum_settings.PAGE_REPLY_BUDGET
    skip_answers = skip_answers or {}
    top_pks = {top.pk for top in tops}
    answers: dict[int, list[Reply]] = defaultdict(list)
    for row in ordered:
        if row.pk not in top_pks:
            answers[row.parent_id].append(row)
    for pk, n in skip_answers.items():
        answers[pk] = answers[pk][n:]

    count, size = spent
    kept: set[int] = set()
    folded: set[int] = set()
    for top in tops:  # the page's own replies are always on it, folded if need be
        cost = card_bytes(top, slug_length=slug_length)
        if size + cost > byte_budget and not must_show:
            folded.add(top.pk)
            cost = card_bytes(top, slug_length=slug_length) - len(top.body_html or "")
        kept.add(top.pk)
        count, size = count + 1, size + cost
    frontier = [top for top in tops if top.pk not in folded]
    full = False
    while frontier and not full:
        following = []
        for reply in frontier:
            for position, answer in enumerate(answers.get(reply.pk, ())):
                cost = card_bytes(answer, slug_length=slug_length)
                first_of_page = must_show and reply.pk in top_pks and position == 0
                if (count + 1 > budget or size + cost > byte_budget) and not first_of_page:
                    full = True
                    break
                kept.add(answer.pk)
                following.append(answer)
                count, size = count + 1, size + cost
            if full:
                break
        frontier = following

    cuts = {}
    for pk in kept:
        below = answers.get(pk)
        if not below:
            continue
        shown = sum(1 for answer in below if answer.pk in kept)  # a prefix: answers are taken in order
        if shown < len(below):
            hidden = sum(answer.descendant_total + 1 for answer in below[shown:])
            cuts[pk] = Cut(hidden=hidden, next_from=skip_answers.get(pk, 0) + shown, shown=shown)
    rows = [row for row in ordered if row.pk in kept]
    return Budgeted(rows=rows, cuts=cuts, folded=folded)
