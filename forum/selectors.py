"""Reads. Each function returns what one page or command needs, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from .models import Article, Reply
from .rendering import stored_html


def article_list():
    return Article.objects.with_reply_counts().newest_first()


def article_get(*, slug: str) -> Article:
    article = get_object_or_404(Article, slug=slug)
    article.safe_body = stored_html(article.body_html)
    return article


PLACEHOLDERS = {
    Reply.Status.HELD: "[awaiting moderation]",
    Reply.Status.REMOVED: "[removed]",
}


@dataclass
class ThreadItem:
    """One reply as the flat thread loop draws it.

    `closes` is how many open branches end just before this reply, so the template can nest
    lists without recursion.
    """

    reply: Reply
    closes: range
    has_children: bool
    descendant_total: int
    body_html: str
    placeholder: str


@dataclass
class Thread:
    items: list[ThreadItem]
    trailing_closes: range
    total: int


def thread_for(*, article: Article, viewer) -> Thread:
    """The whole discussion of `article`, in reading order, as the viewer may see it.

    Held and removed replies stay in the list as placeholders: dropping them would orphan their
    children (and get_cached_trees() would promote those children to roots).
    """
    replies = list(
        Reply.objects.filter(article=article).select_related("author").in_thread_order()
    )
    items = []
    open_branches = 0
    for reply in replies:
        closes = open_branches - reply.level
        open_branches = reply.level
        has_children = reply.rght - reply.lft > 1
        if has_children:
            open_branches += 1
        placeholder = ""
        body_html = ""
        if reply.status == Reply.Status.PUBLISHED:
            body_html = stored_html(reply.body_html)
        else:
            placeholder = PLACEHOLDERS[reply.status]
        items.append(
            ThreadItem(
                reply=reply,
                closes=range(closes),
                has_children=has_children,
                descendant_total=reply.descendant_total,
                body_html=body_html,
                placeholder=placeholder,
            )
        )
    return Thread(items=items, trailing_closes=range(open_branches), total=len(replies))


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
