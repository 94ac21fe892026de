"""The signed-in article page: the thread drawn once per version for every member, and each
reader's own parts laid over it.

A thread page looks the same to every signed-in reader who is not a moderator, but for four
kinds of reply: their own (Edit and Remove instead of Flag; their held reply's text), the ones
new since their last visit (the "new" mark), the ones by writers they ignore (a tombstone), and
the ones they recommend (the Recommend button pressed, forum.reactions). So the page is drawn
once per thread version, for a reader who owns, ignores and recommends nothing and has nothing
new (MEMBER), and kept with where each reply's item starts and ends and what decides the first
three: its author, its time, whether it is published. The fourth is asked of the database with
the reader's visit, in the same statement (forum.threads.services.visit_open_following). A
reader's page is then that HTML with those replies drawn again, by the same macro the thread
uses (reply_item in templates/jinja2/forum/reply_card.html), and put in their places: one query
for those few rows, when there are any, and string assembly.

Times ("3 minutes ago") are as of the draw, for the whole page, as on the signed-out page; the
edit window is judged now. Moderators, who see every held reply's text, get pages drawn for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts.selectors import ignored_ids
from forum.jinja_env import template_for

from . import presenters, selectors
from .models import Article, Reply


class _Member:
    """A signed-in reader who is no moderator, wrote nothing on the page and has nothing new."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    forum_moderator_permission = False
    pk = None


MEMBER = _Member()


@dataclass(frozen=True)
class Spot:
    """Where one reply's item sits in the shared HTML, and what decides how a reader sees it."""

    pk: int
    author_id: int
    created: object  # datetime or None
    published: bool
    locked_above: bool
    folded: bool
    start: int
    end: int


@dataclass
class Shared:
    article: Article  # as it was at the version, so a hit needs no query for it either
    html: str
    spots: list[Spot]
    drawn_at: object  # the time the replies' times were written at
    sort: str
    total: int
    number: int
    pages: int
    featured: list = field(default_factory=list)  # the strip of editor's picks, drawn with the thread
    best_note: str = ""
    # The page around the thread, per reply refusal (forum.threads.chrome), drawn at the first
    # reader's request and kept with this process's copy only.
    chromes: dict = field(default_factory=dict, compare=False)


def draw(thread: presenters.ThreadPage, *, article: Article, drawn_at) -> Shared:
    """The shared page of `thread` (presented for MEMBER at `drawn_at`), with each reply's place
    found in one pass."""
    html = str(presenters.thread_html(thread))
    spots = []
    position = 0
    for item in thread.items:
        reply = item.reply
        at = html.index(f'" id="r{reply.pk}">', position)
        start = html.rindex('<li class="reply', position, at)
        end = html.index("</article>", at) + len("</article>")
        position = end
        spots.append(
            Spot(
                pk=reply.pk, author_id=reply.author_id, created=reply.created,
                published=reply.status == Reply.Status.PUBLISHED, locked_above=item.locked_above,
                folded=item.folded, start=start, end=end,
            )
        )
    return Shared(
        article=article, html=html, spots=spots, drawn_at=drawn_at, sort=thread.sort,
        total=thread.total, number=thread.number, pages=thread.pages, featured=thread.featured,
        best_note=thread.best_note,
    )


def _is_new(spot: Spot, *, viewer_pk, new_after) -> bool:
    # The rule of presenters._thread, on what the spot kept.
    return (
        new_after is not None
        and spot.published
        and spot.created is not None
        and spot.created > new_after
        and spot.author_id != viewer_pk
    )


def _parent(reply: Reply, rows: dict[int, Reply]) -> Reply | None:
    # The page's own rows hold every drawn reply's parent; rows fetched here came with theirs.
    if reply.parent_id is None:
        return None
    return rows.get(reply.parent_id) or reply.parent


@dataclass
class Overlaid:
    thread: presenters.ThreadPage  # no items: the page's totals, its new count and first new reply
    html: str


def apply(
    shared: Shared, *, viewer, new_after, recommended: frozenset = frozenset(), rows: dict[int, Reply] | None = None
) -> Overlaid:
    """The shared page as `viewer` sees it. `recommended`: the ids of the article's replies they
    recommend (read with their visit: forum.threads.services.visit_open_following). `rows`: the
    page's replies when they were just fetched; otherwise the ones that differ are fetched, in
    one query, and only when there are any."""
    viewer_pk = viewer.pk  # once: request.user is a lazy object, slow to ask hundreds of times
    ignoring = ignored_ids(viewer)  # read with the user (accounts.backends): no query
    differs = {
        spot.pk for spot in shared.spots
        if spot.author_id == viewer_pk or _is_new(spot, viewer_pk=viewer_pk, new_after=new_after)
        or (spot.published and spot.author_id in ignoring)  # drawn as a tombstone for this reader
        or spot.pk in recommended  # its button pressed
    }
    thread = presenters.ThreadPage(
        items=[], trailing_closes=[], total=shared.total, number=shared.number, pages=shared.pages, sort=shared.sort,
        featured=shared.featured, best_note=shared.best_note,
    )
    if not differs:
        return Overlaid(thread=thread, html=mark_safe(shared.html))  # noqa: S308 - drawn by jinja_fragment
    if rows is None:
        # With their parents' authors, for "in reply to", and their authors' staff badges.
        wanted = Reply.objects.filter(pk__in=differs).select_related("author", "parent__author")
        rows = {reply.pk: reply for reply in selectors.with_reader_marks(wanted, None)}
    for pk in differs & recommended:
        if pk in rows:
            rows[pk].recommended = True
    spots = [spot for spot in shared.spots if spot.pk in differs]
    on_page = {spot.pk for spot in shared.spots}
    links = presenters.ReplyLinks(shared.article, shared.sort)  # once for the page, not per reply
    item_macro = template_for("forum/reply_card.html", get_language()).module.reply_item
    now = timezone.now()
    pieces = []
    position = 0
    for spot in spots:
        reply = rows.get(spot.pk)
        if reply is None:  # gone since the draw (it cannot be: replies are never deleted)
            continue
        item = presenters.reader_item(
            reply, article=shared.article, sort=shared.sort, viewer=viewer, new_after=new_after, now=now,
            drawn_at=shared.drawn_at, locked_above=spot.locked_above, folded=spot.folded,
            parent=_parent(reply, rows), parent_on_page=reply.parent_id in on_page, links=links,
        )
        if item.is_new:
            thread.new_count += 1
            thread.first_new = thread.first_new or item
        pieces.append(shared.html[position : spot.start])
        pieces.append(str(item_macro(item)))
        position = spot.end
    pieces.append(shared.html[position:])
    return Overlaid(thread=thread, html=mark_safe("".join(pieces)))  # noqa: S308 - Jinja2-escaped pieces
