"""Reads of the discussion: each returns the rows one page needs, in a fixed number of queries.

They return model rows in reading order; forum.threads.presenters turns them into what the
templates print.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Sum, Window
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext, gettext_lazy

from forum import policy
from forum.conf import forum_settings
from forum.errors import NotFound

from . import budget
from .models import Article, Reply
from .rows import card_rows

# The orders a reader can choose, as they appear in ?sort=, with their labels.
SORTS = {
    "oldest": gettext_lazy("Oldest"),
    "newest": gettext_lazy("Newest"),
    "replies": gettext_lazy("Most replies"),
    "best": gettext_lazy("Best"),
}
DEFAULT_SORT = "oldest"

# How the top-level replies of a thread are ordered in SQL. tree_id is allocated in posting
# order and is unique per top-level reply, so oldest and newest cannot tie.
_ROOT_ORDER = {
    "oldest": ["tree_id"],
    "newest": ["-tree_id"],
    "replies": [(F("rght") - F("lft")).desc(), "id"],
    # best_score is kept by forum.reactions.services; ties (every reply, before any vote) go
    # oldest first, so the order is stable. Read in the order of the index reply_best_roots.
    "best": [F("best_score").desc(), "tree_id"],
}

# The same orders for siblings, applied in Python to the rows a page has fetched. lft is posting
# order among siblings; rght - lft is twice the number of replies below.
_SIBLING_KEY = {
    "oldest": lambda reply: reply.lft,
    "newest": lambda reply: -reply.lft,
    "replies": lambda reply: (reply.lft - reply.rght, reply.pk),
    "best": lambda reply: (-reply.best_score, reply.lft),
}

# No thread has this many top-level replies; a larger ?page= would overflow the SQL OFFSET.
MAX_PAGE = 10**9
# The largest id the database can hold: a URL can ask for any number of digits.
_MAX_ID = 2**63 - 1
# Replies drawn above a reply on its own page: the top-level one and the nearest ones.
ANCESTORS_SHOWN = 12


class PageOutOfRange(NotFound):
    """The thread has no such page: the page number is past the last page."""


def article_list():
    return Article.objects.published().with_reply_counts().newest_first()


def article_get(*, slug: str, viewer=None, with_follow: bool = False) -> Article:
    article = article_find(slug=slug, viewer=viewer, with_follow=with_follow)
    if article is None:
        raise NotFound(gettext("There is no such article. It may have moved, or the address may be mistyped."))
    return article


def article_find(*, slug: str, viewer=None, with_follow: bool = False) -> Article | None:
    """The article `slug`; a draft only for a viewer who may see drafts (to everyone else it
    does not exist yet). `with_follow`: with `followed`, whether the signed-in viewer follows
    it (the article page's Follow button), in the same query. Never for an article that is
    shared between readers (the members' shared thread)."""
    articles = Article.objects.all() if policy.may_see_drafts(viewer) else Article.objects.published()
    if with_follow and viewer is not None and viewer.is_authenticated:
        from forum.notifications.models import ArticleFollow

        articles = articles.annotate(followed=Exists(ArticleFollow.objects.filter(article=OuterRef("pk"), user=viewer)))
    return articles.filter(slug=slug).first()


# The newest replies the poll names, so "N new replies — show" can lead to the first of them.
RECENT_REPLIES = 20


def thread_activity(*, slug: str) -> dict | None:
    """What the article page's poll answers (forum.threads.live): `replies`, how many the
    published article `slug` has, of every status (the page's "N replies": held and removed
    ones are drawn as placeholders), which only grows; `recent`, the ids of the newest
    RECENT_REPLIES, oldest first. None when there is no such published article.

    One query (the count by a window function over the same rows); a second only for an
    article with no replies yet, to tell it from a missing one."""
    rows = list(
        Reply.objects.filter(article__in=Article.objects.published().filter(slug=slug))
        .annotate(total=Window(Count("pk")))
        .order_by("-pk")
        .values_list("pk", "total")[:RECENT_REPLIES]
    )
    if not rows:
        return {"replies": 0, "recent": []} if Article.objects.published().filter(slug=slug).exists() else None
    return {"replies": rows[0][1], "recent": [pk for pk, _ in reversed(rows)]}


def person_get(*, username: str, public: bool = False):
    """The account named `username`, for its profile (`public`: not a deleted account, whose
    page would only say it was deleted) and its moderation page."""
    person = get_user_model().objects.filter(username=username).first()
    if person is None or (public and person.deleted_at is not None):
        raise NotFound(gettext("There is nobody called “%(username)s” here.") % {"username": username})
    return person


def reply_get(*, pk: int) -> Reply:
    """The reply `pk` with what its pages show around it: author, article, parent and its author."""
    reply = (
        Reply.objects.select_related("author", "article", "parent__author", "parent__article")
        .filter(pk=min(pk, _MAX_ID))
        .first()
    )
    if reply is None:
        raise NotFound(gettext("There is no reply %(pk)s. It may be a mistyped address.") % {"pk": pk})
    return reply


def reply_find(*, slug: str, pk: int, viewer=None) -> Reply | None:
    """The reply `pk` with its article and author; None if it is not on the article `slug`, or
    that article is a draft the viewer may not see."""
    if pk > _MAX_ID:
        return None
    replies = Reply.objects.select_related("article", "author").filter(pk=pk, article__slug=slug)
    if not policy.may_see_drafts(viewer):
        replies = replies.filter(article__draft=False)
    return replies.first()


def branch_locked(reply: Reply) -> bool:
    """Whether a moderator has locked `reply` or any reply above it: one query."""
    return Reply.objects.filter(
        tree_id=reply.tree_id, lft__lte=reply.lft, rght__gte=reply.rght, branch_locked=True
    ).exists()


def revisions_of(reply: Reply):
    return reply.revisions.all()


def replies_by(user, *, viewer):
    """A profile's replies, newest first. Others see the published ones; the author sees all of theirs."""
    replies = Reply.objects.filter(author=user, article__draft=False).select_related("article")
    if not (viewer.is_authenticated and viewer.pk == user.pk):
        replies = replies.published()
    return replies.order_by(F("created").desc(nulls_last=True), "-id")


# --- Pages of the thread -------------------------------------------------------------------------


@dataclass
class PageRows:
    """One page of the discussion: its replies in reading order, and where it sits in the whole."""

    rows: list[Reply]
    depth: int | None  # levels drawn below each top-level reply; None: whole branches
    total: int = 0  # replies in the whole discussion, every page and depth
    number: int = 1
    pages: int = 1
    sort: str = DEFAULT_SORT
    cuts: dict[int, budget.Cut] = field(default_factory=dict)  # where the page's budget cut a branch
    folded: set[int] = field(default_factory=set)  # top-level replies drawn without their text
    featured: list[Reply] = field(default_factory=list)  # the article's published editor's picks
    # The trees of this page's top-level replies: a featured reply in one is drawn on this page.
    page_trees: frozenset[int] = frozenset()


def with_reader_marks(replies, viewer):
    """`replies` with what each card shows of its author and of this reader, as columns of the
    same query: `author_staff` (a moderator: the staff badge) and, for a signed-in `viewer`,
    `recommended` (they recommend it). No query per reply or per author."""
    staff_ids, params = policy.moderator_ids_sql()
    author = f"{Reply._meta.db_table}.{Reply._meta.get_field('author').column}"
    replies = replies.annotate(author_staff=RawSQL(f"{author} IN ({staff_ids})", params, output_field=BooleanField()))
    if viewer is not None and viewer.is_authenticated and viewer.pk is not None:
        from forum.reactions.models import Recommendation

        # Uncorrelated: the reader's recommendations are looked up once (the unique index
        # one_recommendation_per_reader), not once per reply.
        theirs = Recommendation.objects.filter(user=viewer).values("reply_id")
        replies = replies.annotate(recommended=ExpressionWrapper(Q(pk__in=theirs), output_field=BooleanField()))
    return replies


def thread_page(
    *, article: Article, page: int = 1, sort: str = DEFAULT_SORT, whole_branches: bool = False, viewer=None
) -> PageRows:
    """FORUM_PAGE_SIZE top-level replies with their branches, to the display depth.

    Two queries at any size: the page's top-level replies (with the thread's totals, by window
    functions, so no separate count), then every reply of their trees down to the display depth
    (all of it with `whole_branches`), and with them the article's featured replies (partial
    index reply_featured), wherever they are. Raises PageOutOfRange for a page past the last.
    `viewer`: marks each reply this signed-in reader recommends (with_reader_marks).
    """
    size = forum_settings.PAGE_SIZE
    if page < 1 or page > MAX_PAGE:
        raise PageOutOfRange(gettext("The discussion has no page %(page)s.") % {"page": page})
    offset = (page - 1) * size
    roots = list(
        Reply.objects.filter(article=article, parent__isnull=True)
        .annotate(
            root_count=Window(Count("pk")),
            span_total=Window(Sum(F("rght") - F("lft") + 1, output_field=IntegerField())),
        )
        .order_by(*_ROOT_ORDER[sort])
        .values_list("tree_id", "root_count", "span_total")[offset : offset + size]
    )
    depth = None if whole_branches else forum_settings.DISPLAY_DEPTH
    if not roots:
        if page == 1:
            return PageRows(rows=[], depth=depth, sort=sort)
        raise PageOutOfRange(gettext("The discussion has no page %(page)s.") % {"page": page})
    tree_ids = [tree_id for tree_id, _, _ in roots]
    _, root_count, span_total = roots[0]

    on_page = Q(tree_id__in=tree_ids)
    if depth is not None:
        on_page &= Q(level__lt=depth)
    replies = Reply.objects.filter(article=article).filter(on_page | Q(featured=True))
    fetched = card_rows(with_reader_marks(replies, viewer).in_thread_order())
    page_trees = frozenset(tree_ids)
    rows = [row for row in fetched if row.tree_id in page_trees and (depth is None or row.level < depth)]
    featured = [row for row in fetched if row.featured and row.status == Reply.Status.PUBLISHED]
    by_tree = {row.tree_id: row for row in rows if row.parent_id is None}
    tops = [by_tree[tree_id] for tree_id in tree_ids if tree_id in by_tree]
    ordered = _depth_first(tops, rows, sort)
    # Whole branches (thread.json) are bounded the same way: their cuts are continued by
    # whole_branch().
    drawn = budget.within_budget(
        ordered, tops=tops, slug_length=len(article.slug), byte_budget=budget.reply_bytes_for(article.body_html)
    )
    return PageRows(
        rows=drawn.rows,
        cuts=drawn.cuts,
        folded=drawn.folded,
        depth=depth,
        total=span_total // 2,  # each reply spans two numbers of its tree
        number=page,
        pages=-(-root_count // size),
        sort=sort,
        featured=featured,
        page_trees=page_trees,
    )


@dataclass
class BranchRows:
    """A reply's own page: the replies above it, then it and its branch, in reading order."""

    above: list[Reply]
    below: list[Reply]  # the reply first
    thread_page: int  # the page of the full thread that holds this branch, in the same sort
    thread_anchor: int  # the reply to jump to there: this one, or the one that continues to it
    cuts: dict[int, budget.Cut] = field(default_factory=dict)  # where the page's budget cut a branch
    skipped: int = 0  # answers to the reply left out at the start (?from=), drawn on an earlier page
    gap: list[Reply] = field(default_factory=list)  # replies above left out between the first and the rest


def reply_branch(*, reply: Reply, sort: str = DEFAULT_SORT, skip: int = 0, viewer=None) -> BranchRows:
    """`reply`'s ancestors, then its branch down to the display depth below it, within the page's
    budget (forum.threads.budget), leaving out its first `skip` answers.

    Above, the top-level reply and the nearest ANCESTORS_SHOWN - 1 replies are drawn; a line
    deeper than that skips the ones between (`gap`), which their own pages show.

    Two queries: ancestors and branch together (the nested set gives both as lft ranges of one
    tree), then how many top-level replies sort before this one, for the link back to the thread.
    """
    depth = forum_settings.DISPLAY_DEPTH
    replies = Reply.objects.filter(article_id=reply.article_id, tree_id=reply.tree_id).filter(
        Q(lft__lt=reply.lft, rght__gt=reply.rght) | Q(lft__gte=reply.lft, lft__lt=reply.rght, level__lt=reply.level + depth)
    )
    rows = card_rows(with_reader_marks(replies, viewer).in_thread_order())
    above = [row for row in rows if row.lft < reply.lft]
    below = [row for row in rows if row.lft >= reply.lft]
    focus = below[0]
    root = above[0] if above else focus
    # The deepest reply the thread page draws on this line: this one, or the one whose
    # "continue" link leads here.
    anchor = focus.pk if focus.level < depth else above[depth - 1].pk
    gap = []
    if len(above) > ANCESTORS_SHOWN:
        gap = above[1 : len(above) - ANCESTORS_SHOWN + 1]
        above = [above[0], *above[len(above) - ANCESTORS_SHOWN + 1 :]]
    slug_length = len(reply.article.slug)
    spent = (len(above), sum(budget.card_bytes(row, slug_length=slug_length) for row in above))
    drawn = budget.within_budget(
        _depth_first([focus], below, sort),
        tops=[focus],
        slug_length=slug_length,
        byte_budget=budget.reply_bytes_for(""),
        skip_answers={focus.pk: skip} if skip else None,
        spent=spent,
        must_show=True,
    )
    return BranchRows(
        above=above,
        below=drawn.rows,
        thread_page=page_of(root, sort),
        thread_anchor=anchor,
        cuts=drawn.cuts,
        skipped=skip,
        gap=gap,
    )


def page_of(root: Reply, sort: str) -> int:
    """The page of the thread, in `sort`, that holds the top-level reply `root`: one query."""
    before = Reply.objects.filter(article_id=root.article_id, parent__isnull=True)
    if sort == "oldest":
        before = before.filter(tree_id__lt=root.tree_id)
    elif sort == "newest":
        before = before.filter(tree_id__gt=root.tree_id)
    elif sort == "best":
        score = root.best_score
        before = before.filter(Q(best_score__gt=score) | Q(best_score=score, tree_id__lt=root.tree_id))
    else:
        span = root.rght - root.lft
        before = before.alias(span=F("rght") - F("lft")).filter(Q(span__gt=span) | Q(span=span, pk__lt=root.pk))
    return before.count() // forum_settings.PAGE_SIZE + 1


def thread_page_of(reply: Reply, *, sort: str = DEFAULT_SORT) -> int | None:
    """The page of the article's thread, in `sort`, that draws `reply` (where its author lands
    after posting it, where a recommendation or "N new replies — show" leads), or None when it
    sits below the display depth, behind a "continue" link. One query (two in an order that
    asks its top-level reply's size or score: that row first)."""
    if reply.level >= forum_settings.DISPLAY_DEPTH:
        return None
    root = reply  # its article and tree_id are all "oldest" and "newest" ask of the top-level reply
    if reply.parent_id is not None and sort not in ("oldest", "newest"):
        root = Reply.objects.get(tree_id=reply.tree_id, parent__isnull=True)
    return page_of(root, sort)

def whole_branch(*, reply: Reply, sort: str = DEFAULT_SORT, skip: int = 0) -> PageRows:
    """`reply` and everything below it at any depth, leaving out its first `skip` answers, within
    the page's budget: where thread.json continues a branch its budget cut. One query."""
    rows = card_rows(
        Reply.objects.filter(article_id=reply.article_id, tree_id=reply.tree_id, lft__gte=reply.lft, lft__lt=reply.rght)
        .in_thread_order()
    )
    focus = rows[0]
    drawn = budget.within_budget(
        _depth_first([focus], rows, sort),
        tops=[focus],
        slug_length=len(reply.article.slug),
        byte_budget=budget.reply_bytes_for(""),
        skip_answers={focus.pk: skip} if skip else None,
        must_show=True,
    )
    return PageRows(rows=drawn.rows, cuts=drawn.cuts, folded=drawn.folded, depth=None, sort=sort)


def _depth_first(tops: list[Reply], rows: list[Reply], sort: str) -> list[Reply]:
    """`rows` (whole subtrees under `tops`, down to some level) in reading order for `sort`.

    Children are collected by parent_id and sorted among themselves, so a reply always stays
    under its parent whatever the order. One pass and one sort per set of siblings: no query.
    """
    key = _SIBLING_KEY[sort]
    top_pks = {top.pk for top in tops}
    children: dict[int, list[Reply]] = defaultdict(list)
    for row in rows:
        if row.pk not in top_pks:
            children[row.parent_id].append(row)
    ordered = []
    stack = list(reversed(tops))
    while stack:
        reply = stack.pop()
        ordered.append(reply)
        below = children.get(reply.pk)
        if below:
            stack.extend(sorted(below, key=key, reverse=True))
    return ordered
