"""Reads. Each function returns what one page or command needs, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, IntegerField, Q, Sum, Window
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Article, ArticleVisit, Reply
from .rendering import stored_html


def article_list():
    return Article.objects.with_reply_counts().newest_first()


def article_get(*, slug: str) -> Article:
    article = get_object_or_404(Article, slug=slug)
    article.safe_body = stored_html(article.body_html)
    return article


def article_find(*, slug: str) -> Article | None:
    return Article.objects.filter(slug=slug).first()


PLACEHOLDERS = {
    Reply.Status.HELD: "[awaiting moderation]",
    Reply.Status.REMOVED: "[removed]",
}

# The orders a reader can choose, as they appear in ?sort=, with their labels.
SORTS = {"oldest": "Oldest", "newest": "Newest", "replies": "Most replies"}
DEFAULT_SORT = "oldest"

# How the top-level replies of a thread are ordered in SQL. tree_id is allocated in posting
# order and is unique per top-level reply, so oldest and newest cannot tie.
_ROOT_ORDER = {
    "oldest": ["tree_id"],
    "newest": ["-tree_id"],
    "replies": [(F("rght") - F("lft")).desc(), "id"],
}

# The same orders for siblings, applied in Python to the rows a page has fetched. lft is posting
# order among siblings; rght - lft is twice the number of replies below.
_SIBLING_KEY = {
    "oldest": lambda reply: reply.lft,
    "newest": lambda reply: -reply.lft,
    "replies": lambda reply: (reply.lft - reply.rght, reply.pk),
}

# No thread has this many top-level replies; a larger ?page= would overflow the SQL OFFSET.
MAX_PAGE = 10**9
# The largest id the database can hold: a URL can ask for any number of digits.
_MAX_ID = 2**63 - 1


class PageOutOfRange(Exception):
    """The thread has no such page: the page number is past the last page."""


@dataclass
class ThreadItem:
    """One reply as the flat thread loop draws it.

    `closes` is how many open branches end just before this reply, so the template can nest
    lists without recursion. `continue_url` is set when the reply has replies below the display
    depth, which are not fetched.
    """

    reply: Reply
    closes: range
    has_children: bool
    descendant_total: int
    body_html: str
    placeholder: str
    url: str = ""
    continue_url: str = ""
    is_new: bool = False
    is_focus: bool = False


@dataclass
class Thread:
    items: list[ThreadItem]
    trailing_closes: range
    new_count: int = 0
    first_new: ThreadItem | None = None


@dataclass
class ThreadPage(Thread):
    total: int = 0  # replies in the whole discussion, every page and depth
    number: int = 1
    pages: int = 1
    sort: str = DEFAULT_SORT


@dataclass
class Branch:
    """A reply's own page: the replies above it, then it and the replies below it."""

    focus: Reply
    ancestors: list[ThreadItem]
    thread: Thread
    thread_page: int  # the page of the full thread that holds this branch, in the same sort
    thread_anchor: int  # the reply to jump to there: this one, or the one that continues to it


def visit_get(*, user, article: Article) -> ArticleVisit | None:
    """The signed-in reader's visit record for `article`; None (and no query) for anyone else."""
    if not user.is_authenticated:
        return None
    return ArticleVisit.objects.filter(user=user, article=article).first()


def new_after(*, visit: ArticleVisit | None, at):
    """Replies created after this are new to the reader viewing a page at `at`; None: nothing is."""
    return visit.new_after_at(at) if visit is not None else None


def thread_page(
    *,
    article: Article,
    page: int = 1,
    sort: str = DEFAULT_SORT,
    viewer=None,
    new_after=None,
    whole_branches: bool = False,
) -> ThreadPage:
    """One page of the discussion: FORUM_PAGE_SIZE top-level replies with their branches.

    Two queries at any size: the page's top-level replies (with the thread's totals, by window
    functions, so no separate count), then every reply of their trees down to the display depth
    (all of it with `whole_branches`). Raises PageOutOfRange for a page past the last.
    """
    size = settings.FORUM_PAGE_SIZE
    if page < 1 or page > MAX_PAGE:
        raise PageOutOfRange(f"no page {page}")
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
    if not roots:
        if page == 1:
            return ThreadPage(items=[], trailing_closes=range(0), sort=sort)
        raise PageOutOfRange(f"no page {page}")
    tree_ids = [tree_id for tree_id, _, _ in roots]
    _, root_count, span_total = roots[0]

    replies = Reply.objects.filter(article=article, tree_id__in=tree_ids)
    depth = None if whole_branches else settings.FORUM_DISPLAY_DEPTH
    if depth is not None:
        replies = replies.filter(level__lt=depth)
    rows = list(replies.select_related("author").in_thread_order())
    by_tree = {row.tree_id: row for row in rows if row.parent_id is None}
    ordered = _depth_first([by_tree[tree_id] for tree_id in tree_ids if tree_id in by_tree], rows, sort)
    thread = _thread(
        ordered, article=article, sort=sort, root_level=0, depth=depth, viewer=viewer, new_after=new_after
    )
    return ThreadPage(
        **vars(thread),
        total=span_total // 2,  # each reply spans two numbers of its tree
        number=page,
        pages=-(-root_count // size),
        sort=sort,
    )


def reply_find(*, slug: str, pk: int) -> Reply | None:
    """The reply `pk` with its article and author; None if it is not on the article `slug`."""
    if pk > _MAX_ID:
        return None
    return Reply.objects.select_related("article", "author").filter(pk=pk, article__slug=slug).first()


def reply_branch(*, reply: Reply, sort: str = DEFAULT_SORT, viewer=None, new_after=None) -> Branch:
    """`reply`'s page: its ancestors, then its branch down to the display depth below it.

    Two queries: ancestors and branch together (the nested set gives both as lft ranges of one
    tree), then how many top-level replies sort before this one, for the link back to the thread.
    """
    depth = settings.FORUM_DISPLAY_DEPTH
    rows = list(
        Reply.objects.filter(article_id=reply.article_id, tree_id=reply.tree_id)
        .filter(
            Q(lft__lt=reply.lft, rght__gt=reply.rght)
            | Q(lft__gte=reply.lft, lft__lt=reply.rght, level__lt=reply.level + depth)
        )
        .select_related("author")
        .in_thread_order()
    )
    article = reply.article
    above = [row for row in rows if row.lft < reply.lft]
    below = [row for row in rows if row.lft >= reply.lft]
    focus = below[0]
    ordered = _depth_first([focus], below, sort)
    thread = _thread(
        ordered,
        article=article,
        sort=sort,
        root_level=focus.level,
        depth=depth,
        viewer=viewer,
        new_after=new_after,
        focus_pk=focus.pk,
    )
    ancestors = _thread(above, article=article, sort=sort, root_level=0, depth=None, viewer=viewer, new_after=new_after)
    # Above, every reply is drawn expanded in full, whatever depth it sits at.
    for item in ancestors.items:
        item.closes, item.has_children, item.continue_url = range(0), False, ""

    root = above[0] if above else focus
    if focus.level < depth:
        anchor = focus.pk
    else:
        anchor = above[depth - 1].pk  # the deepest reply the thread page draws, with the link here
    before = Reply.objects.filter(article=article, parent__isnull=True)
    if sort == "oldest":
        before = before.filter(tree_id__lt=root.tree_id)
    elif sort == "newest":
        before = before.filter(tree_id__gt=root.tree_id)
    else:
        span = root.rght - root.lft
        before = before.alias(span=F("rght") - F("lft")).filter(Q(span__gt=span) | Q(span=span, pk__lt=root.pk))
    return Branch(
        focus=focus,
        ancestors=ancestors.items,
        thread=thread,
        thread_page=before.count() // settings.FORUM_PAGE_SIZE + 1,
        thread_anchor=anchor,
    )


def sort_query(sort: str) -> str:
    """The query string that keeps `sort` in a link; the default order needs none."""
    return "" if sort == DEFAULT_SORT else f"?sort={sort}"


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


def _thread(replies, *, article, sort, root_level, depth, viewer, new_after, focus_pk=None) -> Thread:
    # One reverse() for the whole page: a reply's URL is this with its id in place of the 0.
    url_prefix = reverse("forum:reply", kwargs={"slug": article.slug, "pk": 0})[: -len("0/")]
    suffix = sort_query(sort)
    viewer_pk = viewer.pk if viewer is not None and viewer.is_authenticated else None
    items = []
    first_new = None
    new_count = 0
    open_branches = 0
    for reply in replies:
        level = reply.level - root_level
        closes = open_branches - level
        open_branches = level
        has_replies = reply.rght - reply.lft > 1
        shows_replies = has_replies and (depth is None or level < depth - 1)
        if shows_replies:
            open_branches += 1
        url = f"{url_prefix}{reply.pk}/"
        placeholder = ""
        body_html = ""
        if reply.status == Reply.Status.PUBLISHED:
            body_html = stored_html(reply.body_html)
        else:
            placeholder = PLACEHOLDERS[reply.status]
        # A placeholder has nothing to read, and a reader's own replies are not news to them.
        is_new = (
            new_after is not None
            and not placeholder
            and reply.created is not None
            and reply.created > new_after
            and reply.author_id != viewer_pk
        )
        item = ThreadItem(
            reply=reply,
            closes=range(closes),
            has_children=shows_replies,
            descendant_total=reply.descendant_total,
            body_html=body_html,
            placeholder=placeholder,
            url=url,
            continue_url=f"{url}{suffix}" if has_replies and not shows_replies else "",
            is_new=is_new,
            is_focus=reply.pk == focus_pk,
        )
        if is_new:
            new_count += 1
            first_new = first_new or item
        items.append(item)
    return Thread(items=items, trailing_closes=range(open_branches), new_count=new_count, first_new=first_new)


def tree_violations() -> list[str]:
    """Every broken nested-set invariant in the reply table, as readable lines. Empty when sound.

    One query, then one walk in (tree_id, lft) order with a stack of the open ancestors: each
    reply must sit inside the interval on top of the stack, and that interval must be its
    parent's. This catches crossing intervals and siblings nested in each other, which checks of
    each row against its own parent alone would miss. Fine for hundreds of thousands of rows.
    """
    rows = Reply.objects.order_by("tree_id", "lft", "id").values_list(
        "id", "parent_id", "tree_id", "lft", "rght", "level", "article_id"
    )
    problems: list[str] = []
    trees: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        trees[row[2]].append(row)

    for tree_id, members in trees.items():
        roots = [row[0] for row in members if row[1] is None]
        if len(roots) != 1:
            problems.append(f"tree {tree_id}: {len(roots)} roots {roots}, not exactly one")
        holders = defaultdict(list)
        for pk, _, _, lft, rght, _, _ in members:
            holders[lft].append(pk)
            holders[rght].append(pk)
        for value, pks in sorted(holders.items()):
            if len(pks) > 1:
                problems.append(f"tree {tree_id}: replies {pks} share the value {value}")
        expected = 2 * len(members)
        if min(holders) != 1 or max(holders) != expected:
            problems.append(
                f"tree {tree_id}: values run {min(holders)}..{max(holders)}, not 1..{expected} "
                f"for {len(members)} replies (root {roots[0] if roots else None})"
            )
        problems.extend(_nesting_violations(tree_id, members))
    return problems


def _nesting_violations(tree_id: int, members: list[tuple]) -> list[str]:
    problems = []
    stack: list[tuple] = []  # the open intervals containing the current reply, outermost first
    for row in members:
        pk, parent_id, _, lft, rght, level, article_id = row
        if lft >= rght:
            problems.append(f"reply {pk}: lft {lft} is not below rght {rght}")
        while stack and stack[-1][4] < lft:
            stack.pop()
        container = stack[-1] if stack else None
        if container is None:
            if parent_id is not None:
                problems.append(f"reply {pk}: has parent {parent_id} but lies outside every interval of tree {tree_id}")
            if level != 0:
                problems.append(f"reply {pk}: a root at level {level}, not 0")
        else:
            c_pk, _, _, c_lft, c_rght, c_level, c_article = container
            if parent_id != c_pk:
                problems.append(
                    f"reply {pk}: ({lft}, {rght}) lies directly inside reply {c_pk} ({c_lft}, {c_rght}), "
                    f"but its parent is {parent_id}"
                )
            if rght > c_rght:
                problems.append(f"reply {pk}: ({lft}, {rght}) crosses the end of reply {c_pk} ({c_lft}, {c_rght})")
            if level != c_level + 1:
                problems.append(f"reply {pk}: level {level} under reply {c_pk} at level {c_level}")
            if article_id != c_article:
                problems.append(f"reply {pk}: on article {article_id}, inside reply {c_pk} on article {c_article}")
        stack.append(row)
    return problems
